import { ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import type { TeamRole } from '../members/membership.entity';
import type { AuthContext, RequestWithAuth } from './auth-context';

export const MIN_ROLE = 'tollgate:min-role';
export const OPERATOR_ONLY = 'tollgate:operator-only';
export const CREDENTIAL = 'tollgate:credential';

/** The lowest team role allowed (owner > admin > member). Operators always pass. */
export const MinRole = (role: TeamRole): MethodDecorator & ClassDecorator => SetMetadata(MIN_ROLE, role);

/** Platform operator only. */
export const OperatorOnly = (): MethodDecorator & ClassDecorator => SetMetadata(OPERATOR_ONLY, true);

/** Routes of the gateway API take a member API key instead of a console session. */
export const ApiKeyAuth = (): MethodDecorator & ClassDecorator => SetMetadata(CREDENTIAL, 'apiKey');

/** The caller, as decided by the global guard. */
export const Auth = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthContext => {
  const req = ctx.switchToHttp().getRequest<RequestWithAuth>();
  if (!req.auth) throw new Error('Auth() used on a public route');
  return req.auth;
});
