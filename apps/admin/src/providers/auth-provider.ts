import type { AuthProvider, UserIdentity } from 'react-admin';
import { apiRequest, apiUrl, httpClient } from './http-client';
import { canAccessResource, type Permissions } from './permissions';
import { clearSession, getRefreshToken, getSession, getTeamId, setMe, setTeam, setTokens, type AuthTokens, type Me } from './session';

/** Either the react-admin login form's fields, or tokens already obtained (signup, invitation acceptance). */
export type LoginParams = { username: string; password: string } | { session: AuthTokens };

interface TeamRow {
  id: string;
  name: string;
}

/** Loads /auth/me, stores it and settles the selected team. */
export async function loadMe(): Promise<Me> {
  const me = await apiRequest<Me>('/auth/me', { noTeam: true });
  setMe(me);
  if (me.isOperator && !getTeamId()) {
    // An operator without memberships still needs a team context: start on the first team.
    const res = await httpClient<TeamRow[]>(
      `${apiUrl}/teams?${new URLSearchParams({ range: '[0,0]', sort: '["name","ASC"]', filter: '{}' })}`,
      { noTeam: true },
    );
    const first = res.json[0];
    if (first) setTeam({ id: first.id, name: first.name });
  }
  return me;
}

export function currentPermissions(): Permissions {
  const { isOperator, role } = getSession();
  return { isOperator, role };
}

export const authProvider: AuthProvider = {
  async login(params: LoginParams) {
    const tokens =
      'session' in params
        ? params.session
        : await apiRequest<AuthTokens>('/auth/login', {
            method: 'POST',
            json: { email: params.username.trim(), password: params.password },
            anonymous: true,
            noTeam: true,
          });
    setTokens(tokens);
    await loadMe();
  },

  async logout() {
    const refreshToken = getRefreshToken();
    try {
      // The API ends the session the access token belongs to, so this goes out signed, before the tokens
      // are dropped (sent anonymously it was always refused with a 401, and the session lived on).
      // Best effort: the tokens are gone locally either way.
      if (refreshToken) await apiRequest('/auth/logout', { method: 'POST', json: { refreshToken }, noTeam: true }).catch(() => undefined);
    } finally {
      clearSession();
    }
  },

  async checkAuth() {
    if (!getRefreshToken()) {
      // message: false skips the "please log in" toast on a first visit.
      throw { message: false };
    }
  },

  async checkError(error: { status?: number }) {
    // The http client already tried a refresh; a 401 here means the session is over. 403 is a permission
    // problem shown as a notification, not a reason to log out.
    if (error?.status === 401) throw new Error('Your session has expired, please sign in again');
  },

  async getIdentity(): Promise<UserIdentity> {
    // The app bar asks for the identity even on pages that do not require a session.
    if (!getRefreshToken()) throw new Error('Not signed in');
    const me = await loadMe();
    return { id: me.id, fullName: me.name || me.email, email: me.email };
  },

  async getPermissions() {
    return currentPermissions();
  },

  async canAccess({ resource, action }) {
    return canAccessResource(currentPermissions(), resource, action);
  },
};
