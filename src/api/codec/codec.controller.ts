import { Body, Controller, Get, Header, Headers, HttpCode, Inject, Options, Post, Req, Res } from '@nestjs/common';
import { z } from 'zod';
import { transcode, WirePayloads } from '../../codec/codec-wire.js';
import { PayloadDecryptionError } from '../../codec/aes-gcm-codec.js';
import { Public, Roles } from '../auth/auth.decorators.js';
import { TokenStore } from '../auth/token-store.js';
import { ApiError } from '../common/api-error.js';
import { CODEC_COOKIE, CODEC_OPTIONS } from './codec.options.js';
import type { CodecOptions } from './codec.options.js';
import { loginPage, sessionCookie } from './codec-session.js';

const SessionForm = z.object({ token: z.string().min(1).max(512) });
type SessionForm = z.infer<typeof SessionForm>;

interface PageResponse {
  type(contentType: string): unknown;
  status(code: number): unknown;
  setHeader(name: string, value: string): unknown;
}

/**
 * A Temporal codec server (POST /codec/decode, /codec/encode with `{payloads: [...]}`) for operators allowed to
 * read ticket contents: admins, by bearer token or by the session cookie /codec/login sets for the Temporal UI.
 */
@Controller('codec')
export class CodecController {
  constructor(
    @Inject(CODEC_OPTIONS) private readonly options: CodecOptions,
    @Inject(TokenStore) private readonly tokens: TokenStore,
  ) {}

  @Post('decode')
  @Roles()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  decode(@Body({ schema: WirePayloads }) body: WirePayloads, @Headers('x-namespace') ns?: string) {
    return this.run('decode', body, ns);
  }

  @Post('encode')
  @Roles()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  encode(@Body({ schema: WirePayloads }) body: WirePayloads, @Headers('x-namespace') ns?: string) {
    return this.run('encode', body, ns);
  }

  /** CORS preflight of the browser's POST (headers set by CodecHttpMiddleware). */
  @Options(['decode', 'encode'])
  @Public()
  @HttpCode(204)
  preflight(): void {}

  @Get('login')
  @Public()
  @Header('Cache-Control', 'no-store')
  login(@Res({ passthrough: true }) res: PageResponse): string {
    res.type('html');
    return loginPage();
  }

  @Post('session')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async session(
    @Body({ schema: SessionForm }) body: SessionForm,
    @Req() req: { secure?: boolean },
    @Res({ passthrough: true }) res: PageResponse,
  ): Promise<string> {
    res.type('html');
    const principal = await this.tokens.verify(body.token);
    if (principal?.role !== 'admin') {
      res.status(principal ? 403 : 401);
      return loginPage(principal ? 'Only admin tokens may read ticket contents.' : 'That token is not valid.');
    }
    res.setHeader('Set-Cookie', sessionCookie(CODEC_COOKIE, body.token, req.secure === true));
    return loginPage('Session started: the Temporal UI in this browser can now decode approvals.');
  }

  private async run(direction: 'encode' | 'decode', body: WirePayloads, namespace?: string): Promise<WirePayloads> {
    const { codec } = this.options;
    if (!codec) throw new ApiError('NOT_FOUND', 'The payload codec is off (PAYLOAD_CODEC_KEY is not set)');
    if (namespace !== undefined && namespace !== this.options.namespace) {
      throw new ApiError('FORBIDDEN', `This codec serves namespace "${this.options.namespace}" only`);
    }
    try {
      return await transcode(codec, direction, body);
    } catch (err) {
      if (err instanceof PayloadDecryptionError) throw new ApiError('BAD_REQUEST', err.message);
      throw err;
    }
  }
}
