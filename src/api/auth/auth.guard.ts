import { Inject, Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '../common/api-error.js';
import { ACCESS_METADATA } from './auth.decorators.js';
import type { Access, AuthenticatedRequest } from './auth.decorators.js';
import { TokenStore } from './token-store.js';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/**
 * Global guard: 401 without a valid `Authorization: Bearer <token>`, 403 when the token's role may not call the
 * route. Fails closed: a route that declares no access is admin-only.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TokenStore) private readonly tokens: TokenStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]) ?? { kind: 'roles', roles: [] };
    if (access.kind === 'public') return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (!token) throw new ApiError('UNAUTHENTICATED', 'Send a bearer token: "Authorization: Bearer <token>"');
    const principal = await this.tokens.verify(token);
    if (!principal) throw new ApiError('UNAUTHENTICATED', 'The bearer token is not valid');

    if (principal.role !== 'admin' && !access.roles.includes(principal.role)) {
      throw new ApiError('FORBIDDEN', `Role "${principal.role}" may not call this endpoint`);
    }
    request.principal = principal;
    return true;
  }
}
