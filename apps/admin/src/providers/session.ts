import { useSyncExternalStore } from 'react';

/** Client-side session: tokens, the signed-in user and the selected team, persisted in localStorage. */

export type TeamRole = 'owner' | 'admin' | 'member';

export interface Membership {
  teamId: string;
  teamName: string;
  role: TeamRole;
}

export interface Me {
  id: string;
  email: string;
  name: string;
  isOperator: boolean;
  memberships: Membership[];
}

/** Shape returned by /auth/login, /auth/signup and /auth/refresh. */
export interface AuthTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user?: unknown;
}

export interface SelectedTeam {
  id: string;
  name: string;
}

export interface SessionSnapshot {
  me: Me | null;
  team: SelectedTeam | null;
  /** The user's role in the selected team; null when the user is not a member (e.g. an operator visiting). */
  role: TeamRole | null;
  isOperator: boolean;
}

const KEY_ACCESS = 'tollgate.accessToken';
const KEY_ACCESS_EXPIRES_AT = 'tollgate.accessTokenExpiresAt';
const KEY_REFRESH = 'tollgate.refreshToken';
const KEY_ME = 'tollgate.me';
const KEY_TEAM_ID = 'tollgate.teamId';
const KEY_TEAM_NAME = 'tollgate.teamName';
/** Whose selection the stored team is: another user signing in on this browser starts from their own default. */
const KEY_TEAM_USER = 'tollgate.teamUserId';

const listeners = new Set<() => void>();
let snapshot: SessionSnapshot = buildSnapshot();

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Storage can be unavailable (private mode, quota); the session then lasts for this page only.
  }
}

function readMe(): Me | null {
  const raw = read(KEY_ME);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Me;
  } catch {
    return null;
  }
}

function buildSnapshot(): SessionSnapshot {
  const me = readMe();
  const teamId = read(KEY_TEAM_ID);
  const membership = me?.memberships.find((m) => m.teamId === teamId) ?? null;
  const team = teamId ? { id: teamId, name: membership?.teamName ?? read(KEY_TEAM_NAME) ?? teamId } : null;
  return { me, team, role: membership?.role ?? null, isOperator: me?.isOperator ?? false };
}

function changed(): void {
  snapshot = buildSnapshot();
  listeners.forEach((listener) => listener());
}

if (typeof window !== 'undefined') {
  // Keep tabs in sync: a login, logout or team switch in one tab applies to all.
  window.addEventListener('storage', (event) => {
    if (event.key === null || event.key.startsWith('tollgate.')) changed();
  });
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function getSession(): SessionSnapshot {
  return snapshot;
}

/** React view of the session; re-renders on login, logout and team switch. */
export function useSession(): SessionSnapshot {
  return useSyncExternalStore(subscribe, getSession, getSession);
}

export function getAccessToken(): string | null {
  return read(KEY_ACCESS);
}

export function getRefreshToken(): string | null {
  return read(KEY_REFRESH);
}

/** True when there is no access token or it expires within the next few seconds. */
export function accessTokenExpired(): boolean {
  if (!getAccessToken()) return true;
  const expiresAt = Number(read(KEY_ACCESS_EXPIRES_AT));
  return Number.isFinite(expiresAt) && expiresAt > 0 && Date.now() > expiresAt - 10_000;
}

export function setTokens(tokens: AuthTokens): void {
  write(KEY_ACCESS, tokens.accessToken);
  write(KEY_REFRESH, tokens.refreshToken);
  const expiresIn = Number(tokens.expiresIn);
  write(KEY_ACCESS_EXPIRES_AT, Number.isFinite(expiresIn) && expiresIn > 0 ? String(Date.now() + expiresIn * 1000) : null);
}

export function clearTokens(): void {
  write(KEY_ACCESS, null);
  write(KEY_ACCESS_EXPIRES_AT, null);
  write(KEY_REFRESH, null);
}

/** Forget everything but the selected team, so the next login lands on the same team when it still can. */
export function clearSession(): void {
  clearTokens();
  write(KEY_ME, null);
  changed();
}

export function getTeamId(): string | null {
  return read(KEY_TEAM_ID);
}

export function setTeam(team: SelectedTeam | null): void {
  write(KEY_TEAM_ID, team?.id ?? null);
  write(KEY_TEAM_NAME, team?.name ?? null);
  write(KEY_TEAM_USER, team ? (readMe()?.id ?? null) : null);
  changed();
}

/**
 * Stores the user and makes sure the selected team is still valid for them: members fall back to their first
 * membership; operators may keep any team they picked.
 */
export function setMe(me: Me): void {
  write(KEY_ME, JSON.stringify(me));
  const teamId = read(KEY_TEAM_USER) === me.id ? getTeamId() : null;
  const membership = me.memberships.find((m) => m.teamId === teamId);
  if (membership) {
    write(KEY_TEAM_NAME, membership.teamName);
  } else if (!(me.isOperator && teamId)) {
    const first = me.memberships[0];
    write(KEY_TEAM_ID, first?.teamId ?? null);
    write(KEY_TEAM_NAME, first?.teamName ?? null);
  }
  write(KEY_TEAM_USER, read(KEY_TEAM_ID) ? me.id : null);
  changed();
}
