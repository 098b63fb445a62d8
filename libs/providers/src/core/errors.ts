import type { NormalizedUsage, ProviderId } from './adapter.types';

export type ProviderErrorCode =
  | 'credential_rejected'
  | 'rate_limited'
  | 'upstream_error'
  | 'timeout'
  | 'bad_request'
  | 'connection'
  | 'unsupported'
  | 'stream_interrupted'
  /** The caller's AbortSignal fired (client disconnect or the gateway's own deadline). */
  | 'aborted';

/** Why a call failed, finer than `code`; safe to log and to put in metrics labels. */
export type ProviderErrorDetail =
  | 'idle_timeout'
  | 'total_timeout'
  | 'headers_timeout'
  | 'connect_timeout'
  | 'connection_refused'
  | 'connection_closed'
  | 'egress_blocked'
  | 'redirect_refused'
  | 'malformed_sse'
  | 'malformed_body'
  | 'truncated'
  | 'upstream_error_event'
  | 'response_too_large'
  | 'quota_exhausted';

export interface ProviderErrorInit {
  code: ProviderErrorCode;
  provider?: ProviderId;
  httpStatus?: number;
  retryAfterMs?: number;
  retryable?: boolean;
  detail?: ProviderErrorDetail;
  /** The vendor's short error type/code (`rate_limit_error`, `model_not_found`), sanitised. */
  upstreamCode?: string;
  /** Usage seen before a stream broke (e.g. Anthropic message_start input tokens). */
  usage?: NormalizedUsage;
  upstreamBody?: string;
  cause?: unknown;
  message?: string;
}

const MESSAGES: Record<ProviderErrorCode, string> = {
  credential_rejected: 'The upstream provider rejected the credentials.',
  rate_limited: 'The upstream provider is rate limiting this key.',
  upstream_error: 'The upstream provider returned an error.',
  timeout: 'The upstream provider did not respond in time.',
  bad_request: 'The upstream provider rejected the request.',
  connection: 'Could not connect to the upstream provider.',
  unsupported: 'This operation is not supported by the provider.',
  stream_interrupted: 'The upstream stream was interrupted.',
  aborted: 'The upstream call was aborted.',
};

const DEFAULT_RETRYABLE: Record<ProviderErrorCode, boolean> = {
  credential_rejected: false,
  rate_limited: true,
  upstream_error: false,
  timeout: true,
  bad_request: false,
  connection: true,
  unsupported: false,
  stream_interrupted: false,
  aborted: false,
};

/**
 * The only error type adapters throw. `message` is always our own generic text: upstream bodies may
 * echo prompts or masked keys, so the body lives only in the non-enumerable `upstreamBody` (for
 * redacted logs). JSON.stringify / pino's err serializer see only the safe enumerable fields.
 */
export class ProviderError extends Error {
  readonly code: ProviderErrorCode;
  readonly provider?: ProviderId;
  readonly httpStatus?: number;
  readonly retryAfterMs?: number;
  readonly retryable: boolean;
  readonly detail?: ProviderErrorDetail;
  readonly upstreamCode?: string;
  declare readonly usage?: NormalizedUsage;
  declare readonly upstreamBody?: string;

  constructor(init: ProviderErrorInit) {
    super(init.message ?? MESSAGES[init.code], init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ProviderError';
    this.code = init.code;
    if (init.provider !== undefined) this.provider = init.provider;
    if (init.httpStatus !== undefined) this.httpStatus = init.httpStatus;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    this.retryable = init.retryable ?? DEFAULT_RETRYABLE[init.code];
    if (init.detail !== undefined) this.detail = init.detail;
    if (init.upstreamCode !== undefined) this.upstreamCode = sanitizeCode(init.upstreamCode);
    Object.defineProperty(this, 'upstreamBody', { value: init.upstreamBody, enumerable: false });
    Object.defineProperty(this, 'usage', { value: init.usage, enumerable: false, configurable: true });
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      provider: this.provider,
      httpStatus: this.httpStatus,
      retryAfterMs: this.retryAfterMs,
      retryable: this.retryable,
      detail: this.detail,
      upstreamCode: this.upstreamCode,
    };
  }
}

export function isProviderError(err: unknown): err is ProviderError {
  return err instanceof ProviderError;
}

function sanitizeCode(code: string): string | undefined {
  const clean = code.replace(/[^A-Za-z0-9_.:-]/g, '').slice(0, 64);
  return clean || undefined;
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by every map<Id>Error

export type HeaderBag = Record<string, string | string[] | undefined>;

export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** `retry-after-ms` first, then `retry-after` (seconds or HTTP date), like the OpenAI SDK. */
export function parseRetryAfterMs(headers: HeaderBag, now = Date.now()): number | undefined {
  const ms = headerValue(headers, 'retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return clampRetry(Math.ceil(Number(ms)));
  const ra = headerValue(headers, 'retry-after');
  if (ra === undefined) return undefined;
  const t = ra.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return clampRetry(Math.ceil(Number(t) * 1000));
  const date = Date.parse(t);
  if (!Number.isNaN(date)) return clampRetry(Math.max(0, date - now));
  return undefined;
}

/** Google duration strings: "37s", "1.5s". */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return m ? clampRetry(Math.ceil(Number(m[1]) * 1000)) : undefined;
}

function clampRetry(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}

export function parseJsonSafe(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface HttpErrorInput {
  provider: ProviderId;
  status: number;
  headers: HeaderBag;
  body: string;
  /** Vendor error type/code extracted from the body. */
  upstreamCode?: string;
  /** Vendor says the key is bad even though the status is not 401/403 (Gemini, xAI 400). */
  credentialRejected?: boolean;
  /** Overrides the header-derived retry delay (Gemini RetryInfo). */
  retryAfterMs?: number;
}

const QUOTA_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached']);

/** Status-based mapping shared by all providers; vendor specifics come in through `input`. */
export function providerErrorFromHttp(input: HttpErrorInput): ProviderError {
  const { status, provider } = input;
  const retryAfterMs = input.retryAfterMs ?? parseRetryAfterMs(input.headers);
  const base = {
    provider,
    httpStatus: status,
    upstreamBody: input.body,
    ...(input.upstreamCode !== undefined ? { upstreamCode: input.upstreamCode } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
  if (input.credentialRejected || status === 401 || status === 403 || status === 402) {
    return new ProviderError({ ...base, code: 'credential_rejected' });
  }
  if (status === 429) {
    const quota = input.upstreamCode !== undefined && QUOTA_CODES.has(input.upstreamCode);
    return new ProviderError({
      ...base,
      code: 'rate_limited',
      retryable: !quota,
      ...(quota ? { detail: 'quota_exhausted' as const } : {}),
    });
  }
  if (status === 408) return new ProviderError({ ...base, code: 'timeout' });
  if (status >= 500) return new ProviderError({ ...base, code: 'upstream_error', retryable: true });
  if (status >= 300 && status < 400) {
    return new ProviderError({ ...base, code: 'upstream_error', detail: 'redirect_refused', retryable: false });
  }
  if (status >= 400) return new ProviderError({ ...base, code: 'bad_request' });
  return new ProviderError({ ...base, code: 'upstream_error' });
}

/** Pulls `error.type` / `error.code` out of the common `{error:{...}}` bodies. */
export function extractErrorCode(parsed: unknown): string | undefined {
  if (!parsed || typeof parsed !== 'object') return undefined;
  const root = parsed as Record<string, unknown>;
  const err = root['error'];
  if (err && typeof err === 'object') {
    const e = err as Record<string, unknown>;
    for (const k of ['code', 'status', 'type']) {
      const v = e[k];
      if (typeof v === 'string' && v) return v;
    }
  }
  for (const k of ['code', 'type']) {
    const v = root[k];
    if (typeof v === 'string' && v) return v;
  }
  return undefined;
}
