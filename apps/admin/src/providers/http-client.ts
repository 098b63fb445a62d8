import { HttpError, type fetchUtils } from 'react-admin';
import { accessTokenExpired, clearTokens, getAccessToken, getRefreshToken, getTeamId, setTokens, type AuthTokens } from './session';

/** Same origin by default (the API serves the console); VITE_API_URL points the console at another API. */
export const apiUrl = (import.meta.env.VITE_API_URL ?? '').replace(/\/+$/, '');

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: string;
  json: T;
}

export interface HttpOptions extends fetchUtils.Options {
  /** Skip the bearer token and the refresh-on-401 logic (login, signup, invitation acceptance). */
  anonymous?: boolean;
  /** Skip the X-Team-Id header (calls that are about the user, not a team). */
  noTeam?: boolean;
}

interface ApiErrorBody {
  error?: { message?: string; type?: string; code?: string };
  message?: string | string[];
}

function errorMessage(json: unknown, status: number, statusText: string): string {
  const body = (json ?? {}) as ApiErrorBody;
  if (body.error?.message) return body.error.message;
  if (Array.isArray(body.message)) return body.message.join(', ');
  if (typeof body.message === 'string') return body.message;
  if (status === 0) return 'Cannot reach the Tollgate API';
  return statusText || `Request failed with status ${status}`;
}

function buildHeaders(options: HttpOptions): Headers {
  const headers = new Headers(options.headers);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  const hasBody = options.body !== undefined && options.body !== null;
  if (hasBody && !(options.body instanceof FormData) && !headers.has('Content-Type')) {
    headers.set('Content-Type', 'application/json');
  }
  if (!options.anonymous) {
    const token = getAccessToken();
    if (token) headers.set('Authorization', `Bearer ${token}`);
  }
  if (!options.noTeam) {
    const teamId = getTeamId();
    if (teamId) headers.set('X-Team-Id', teamId);
  }
  return headers;
}

async function send(url: string, options: HttpOptions): Promise<HttpResponse> {
  const { anonymous: _anonymous, noTeam: _noTeam, user: _user, ...init } = options;
  const response = await fetch(url, { ...init, headers: buildHeaders(options) });
  const body = await response.text();
  let json: unknown = undefined;
  if (body) {
    try {
      json = JSON.parse(body);
    } catch {
      // Not JSON (e.g. an empty 204 or a proxy's HTML error page); callers get the raw body.
    }
  }
  return { status: response.status, headers: response.headers, body, json };
}

let refreshing: Promise<boolean> | null = null;

async function doRefresh(): Promise<boolean> {
  const refreshToken = getRefreshToken();
  if (!refreshToken) return false;
  const res = await send(`${apiUrl}/auth/refresh`, {
    method: 'POST',
    body: JSON.stringify({ refreshToken }),
    anonymous: true,
    noTeam: true,
  });
  if (res.status < 200 || res.status >= 300) {
    clearTokens();
    return false;
  }
  setTokens(res.json as AuthTokens);
  return true;
}

/**
 * Exchanges the refresh token for a new pair. Concurrent callers share one request: the refresh token
 * rotates, so a second parallel refresh with the old token would be rejected.
 */
export function refreshSession(): Promise<boolean> {
  if (!refreshing) {
    refreshing = doRefresh().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

/**
 * fetch with the bearer token, the selected team and the API's error shape. On a 401 it refreshes once and
 * retries; if that fails the 401 reaches react-admin, whose authProvider.checkError logs the user out.
 * Compatible with ra-data-simple-rest's httpClient signature.
 */
export async function httpClient<T = unknown>(url: string, options: HttpOptions = {}): Promise<HttpResponse<T>> {
  const canRefresh = !options.anonymous && getRefreshToken() !== null;
  if (canRefresh && accessTokenExpired()) await refreshSession();
  let res = await send(url, options);
  if (res.status === 401 && canRefresh && (await refreshSession())) {
    res = await send(url, options);
  }
  if (res.status < 200 || res.status >= 300) {
    const statusText = res.status === 401 ? 'Your session has expired, please sign in again' : '';
    throw new HttpError(errorMessage(res.json, res.status, statusText), res.status, res.json);
  }
  return res as HttpResponse<T>;
}

/** JSON request to an API path (e.g. '/auth/me'); resolves to the parsed body. */
export async function apiRequest<T>(
  path: string,
  options: { method?: string; json?: unknown; anonymous?: boolean; noTeam?: boolean; signal?: AbortSignal } = {},
): Promise<T> {
  const { json, ...rest } = options;
  const res = await httpClient<T>(`${apiUrl}${path}`, {
    ...rest,
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return res.json;
}
