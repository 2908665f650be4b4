import { createParamDecorator, SetMetadata } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { Principal, Role } from './auth.schemas.js';

export const ACCESS_METADATA = 'approvals-bridge:access';

/** Who may call a route: `public` (no token), or the roles allowed besides `admin` (admin may call everything). */
export type Access = { kind: 'public' } | { kind: 'roles'; roles: readonly Role[] };

/** Allow callers with one of these roles (admin is always allowed). Routes without `@Roles`/`@Public` are admin-only. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_METADATA, { kind: 'roles', roles } satisfies Access);

/** No token needed (health, docs). */
export const Public = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_METADATA, { kind: 'public' } satisfies Access);

/** The request shape the guard reads and writes. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/** The authenticated caller of a `@Roles(...)` route. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route the AuthGuard did not authenticate');
  return principal;
});
