/**
 * What a failed meter event call means for the job that sent it. Pure: it reads the fields the
 * Stripe SDK puts on its errors (statusCode, type, code, param, message, headers) without importing
 * the SDK, so it also works on a plain error from a test or another HTTP client.
 *
 * - delivered: HTTP 400 "An event already exists with identifier ..." — Stripe already has this
 *   event (our identifier is fixed before the first send), so the outbox row is done.
 * - retry: 429 (and 400 code=rate_limit), 409 (concurrent request with the same idempotency key),
 *   408, 5xx, connection errors and timeouts; `retryAfterMs` when Stripe sent Retry-After.
 * - fatal: any other 4xx (bad parameters, auth, idempotency key reused with other parameters,
 *   timestamp outside the window): retrying cannot help; alert.
 * Errors that are not HTTP answers at all (no status) count as retry: the identifier makes a repeat
 * harmless, and the job's attempt limit still ends a hopeless case.
 */
export type StripeCallOutcome = 'delivered' | 'retry' | 'fatal';

export type StripeErrorReason =
  | 'duplicate_identifier'
  | 'rate_limited'
  | 'conflict'
  | 'server_error'
  | 'connection'
  | 'client_error'
  | 'unknown';

export interface StripeErrorClassification {
  outcome: StripeCallOutcome;
  reason: StripeErrorReason;
  retryAfterMs?: number;
  statusCode?: number;
  code?: string;
  message: string;
}

const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);

const DUPLICATE_IDENTIFIER_RE = /already exists with identifier/i;

function field(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[key] : undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unparseable. */
export function parseRetryAfterMs(value: unknown, nowMs: number = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) return Math.round(raw * 1000);
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const s = raw.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

export function isDuplicateIdentifierError(err: unknown): boolean {
  if (field(err, 'statusCode') !== 400) return false;
  const message = text(field(err, 'message')) ?? text(field(field(err, 'raw'), 'message')) ?? '';
  if (DUPLICATE_IDENTIFIER_RE.test(message)) return true;
  return field(err, 'code') === 'resource_already_exists' && field(err, 'param') === 'identifier';
}

export function classifyStripeError(err: unknown): StripeErrorClassification {
  const message = text(field(err, 'message')) ?? String(err);
  const statusCode = typeof field(err, 'statusCode') === 'number' ? (field(err, 'statusCode') as number) : undefined;
  const code = text(field(err, 'code'));
  const type = text(field(err, 'type'));
  const base: StripeErrorClassification = { outcome: 'retry', reason: 'unknown', message };
  if (statusCode !== undefined) base.statusCode = statusCode;
  if (code !== undefined) base.code = code;
  const headers = field(err, 'headers');
  const retryAfterMs = parseRetryAfterMs(field(headers, 'retry-after') ?? field(headers, 'Retry-After'));
  const retry = (reason: StripeErrorReason): StripeErrorClassification =>
    retryAfterMs === undefined ? { ...base, outcome: 'retry', reason } : { ...base, outcome: 'retry', reason, retryAfterMs };

  if (statusCode === undefined) {
    // StripeConnectionError (includes SDK timeouts), raw socket errors, anything else without a status.
    const detailCode = text(field(field(err, 'detail'), 'code'));
    const isConnection =
      type === 'StripeConnectionError' ||
      (code !== undefined && CONNECTION_CODES.has(code)) ||
      (detailCode !== undefined && CONNECTION_CODES.has(detailCode));
    return retry(isConnection ? 'connection' : 'unknown');
  }
  if (isDuplicateIdentifierError(err)) return { ...base, outcome: 'delivered', reason: 'duplicate_identifier' };
  if (statusCode === 429 || (statusCode === 400 && code === 'rate_limit') || type === 'StripeRateLimitError') {
    return retry('rate_limited');
  }
  if (statusCode === 408 || statusCode === 409) return retry('conflict');
  if (statusCode >= 500) return retry('server_error');
  return { ...base, outcome: 'fatal', reason: 'client_error' };
}
