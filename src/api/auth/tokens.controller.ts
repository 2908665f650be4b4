import { Body, Controller, Header, HttpCode, Inject, Post } from '@nestjs/common';
import { CreateTokenRequest } from './auth.schemas.js';
import type { CreatedToken } from './auth.schemas.js';
import { Roles } from './auth.decorators.js';
import { TokenStore } from './token-store.js';

@Controller('v1/tokens')
export class TokensController {
  constructor(@Inject(TokenStore) private readonly tokens: TokenStore) {}

  /** Admin only: mint a token for a ticket system or an approver. */
  @Post()
  @Roles()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  create(@Body({ schema: CreateTokenRequest }) body: CreateTokenRequest): Promise<CreatedToken> {
    return this.tokens.mint(body);
  }
}
