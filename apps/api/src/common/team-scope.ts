import type { AuthContext, UserAuthContext } from '../auth/auth-context';
import { ApiError } from './api-error';

/** Console routes act on the team resolved by the guard; the team id never comes from a body. */
export function userInTeam(auth: AuthContext): UserAuthContext & { teamId: string } {
  if (auth.kind !== 'user') throw ApiError.forbidden();
  if (!auth.teamId) throw ApiError.badRequest('No team selected: send X-Team-Id');
  return auth as UserAuthContext & { teamId: string };
}

export function userOnly(auth: AuthContext): UserAuthContext {
  if (auth.kind !== 'user') throw ApiError.forbidden();
  return auth;
}
