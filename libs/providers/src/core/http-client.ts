import { Pool, type Dispatcher } from 'undici';
import { isIP } from 'node:net';
import { AbortLatch } from './abort';
import type { CallContext, ProviderId } from './adapter.types';
import { EgressBlockedError, guardedLookup, isPrivateAddress } from './egress';
import { ProviderError, type HeaderBag } from './errors';

export const DEFAULT_TIMEOUTS = { connectMs: 10_000, idleMs: 120_000, totalMs: 600_000 } as const;

/** Non-stream bodies above this are refused (security.md item 9). */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
/** Error bodies are only kept for redacted logs; no need for more. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;
/**
 * After a stream's terminal event the rest of the body (usually just the chunked-encoding end) is read
 * off and dropped for at most this long / this many bytes, so the keep-alive connection stays usable.
 */
export const STREAM_TAIL_MS = 1000;
export const STREAM_TAIL_BYTES = 64 * 1024;

export interface UpstreamRequest {
  provider: ProviderId;
  method: 'GET' | 'POST';
  /** Absolute URL built from ctx.baseUrl (server config) and a fixed path. */
  url: string;
  headers: Record<string, string>;
  body?: string;
}

// ---------------------------------------------------------------------------------------------
// Connection pools: one undici Pool per origin (+ connect timeout + egress policy), keep-alive.

const pools = new Map<string, Pool>();

function getPool(origin: string, connectMs: number, allowPrivate: boolean): Pool {
  const key = `${origin}|${connectMs}|${allowPrivate ? 'private' : 'public'}`;
  let pool = pools.get(key);
  if (!pool) {
    pool = new Pool(origin, {
      connections: 256,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 120_000,
      connect: allowPrivate ? { timeout: connectMs } : { timeout: connectMs, lookup: guardedLookup },
    });
    pools.set(key, pool);
  }
  return pool;
}

/** For graceful shutdown and tests: closes every keep-alive connection. */
export async function closeAllPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.destroy().catch(() => undefined)));
}

// ---------------------------------------------------------------------------------------------
// Timeouts and aborts for one call

type AbortReason = 'idle' | 'total' | 'headers' | 'client';

class CallGuard {
  /** Handed to undici as the request's signal (it takes any EventTarget-like object). */
  readonly latch = new AbortLatch();
  reason: AbortReason | null = null;
  private readonly idleMs: number;
  /** One timer for the whole call, pushed back with refresh() on every chunk instead of re-created. */
  private readonly idleTimer: NodeJS.Timeout;
  /** While the consumer holds a chunk: the idle timer, if it fires, only re-arms. */
  private idlePaused = false;
  /** refresh() would bring a cleared timer back. */
  private disposed = false;
  private readonly totalTimer: NodeJS.Timeout;
  private headersTimer: NodeJS.Timeout | undefined;
  private readonly onClientAbort = (): void => this.abort('client');

  constructor(
    private readonly ctx: CallContext,
    readonly provider: ProviderId,
  ) {
    this.idleMs = ctx.timeouts?.idleMs ?? DEFAULT_TIMEOUTS.idleMs;
    this.totalTimer = setTimeout(() => this.abort('total'), ctx.timeouts?.totalMs ?? DEFAULT_TIMEOUTS.totalMs);
    this.idleTimer = setTimeout(() => this.onIdle(), this.idleMs);
    const headersMs = ctx.timeouts?.headersMs;
    if (headersMs !== undefined) this.headersTimer = setTimeout(() => this.abort('headers'), headersMs);
    ctx.signal?.addEventListener('abort', this.onClientAbort, { once: true });
  }

  abort(reason: AbortReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.dispose();
    this.latch.abort(new Error(`tollgate:${reason}`));
  }

  private onIdle(): void {
    if (this.reason || this.disposed) return;
    if (this.idlePaused) this.idleTimer.refresh();
    else this.abort('idle');
  }

  /** While the consumer holds a chunk we are not waiting on upstream: no idle clock. */
  pauseIdle(): void {
    this.idlePaused = true;
  }

  /** The response headers are in: the headers clock, if any, stops. */
  headersIn(): void {
    clearTimeout(this.headersTimer);
    this.headersTimer = undefined;
  }

  touch(): void {
    if (this.reason || this.disposed) return;
    this.idlePaused = false;
    this.idleTimer.refresh();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.totalTimer);
    if (this.headersTimer) clearTimeout(this.headersTimer);
    this.ctx.signal?.removeEventListener('abort', this.onClientAbort);
  }

  /**
   * Turns whatever undici / the socket threw into a ProviderError. `streaming` = events were already
   * handed to the caller, so the call can no longer be retried transparently.
   */
  toError(err: unknown, streaming: boolean): ProviderError {
    if (err instanceof ProviderError) return err;
    const provider = this.provider;
    if (this.reason === 'client') return new ProviderError({ code: 'aborted', provider, cause: err });
    if (this.reason === 'idle' || this.reason === 'total' || this.reason === 'headers') {
      const detail = `${this.reason}_timeout` as const;
      return streaming
        ? new ProviderError({ code: 'stream_interrupted', provider, detail, cause: err })
        : new ProviderError({ code: 'timeout', provider, detail, cause: err });
    }
    const code = errorCode(err);
    if (code === 'TOLLGATE_EGRESS_BLOCKED') {
      return new ProviderError({
        code: 'connection',
        provider,
        detail: 'egress_blocked',
        retryable: false,
        message: new EgressBlockedError().message,
      });
    }
    if (code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new ProviderError({ code: 'timeout', provider, detail: 'connect_timeout', cause: err });
    }
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return streaming
        ? new ProviderError({ code: 'stream_interrupted', provider, detail: 'idle_timeout', cause: err })
        : new ProviderError({ code: 'timeout', provider, detail: 'idle_timeout', cause: err });
    }
    if (code === 'ECONNREFUSED') {
      return new ProviderError({ code: 'connection', provider, detail: 'connection_refused', cause: err });
    }
    return streaming
      ? new ProviderError({ code: 'stream_interrupted', provider, detail: 'connection_closed', cause: err })
      : new ProviderError({ code: 'connection', provider, detail: 'connection_closed', cause: err });
  }
}

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string' && c !== 'UND_ERR_SOCKET' && c !== 'UND_ERR_ABORTED') return c;
    if (e instanceof AggregateError && e.errors.length > 0) e = e.errors[0];
    else e = (e as { cause?: unknown }).cause;
  }
  return err && typeof err === 'object' ? ((err as { code?: string }).code ?? undefined) : undefined;
}

// ---------------------------------------------------------------------------------------------

export class UpstreamResponse {
  private consumed = false;
  private complete = false;
  private released = false;

  constructor(
    readonly status: number,
    readonly headers: HeaderBag,
    private readonly body: Dispatcher.ResponseData['body'],
    private readonly guard: CallGuard,
  ) {}

  /**
   * Reads the whole body (non-stream responses, error bodies). With listeners rather than `for await`:
   * Node's async iterator over a stream costs an end-of-stream watcher and a promise per chunk, ~4 µs
   * of API CPU per gateway request.
   */
  readText(maxBytes = MAX_RESPONSE_BYTES): Promise<string> {
    this.consumed = true;
    const body = this.body;
    return new Promise<string>((resolve, reject) => {
      const parts: Buffer[] = [];
      let size = 0;
      let settled = false;
      const settle = (err: unknown, text = ''): void => {
        if (settled) return;
        settled = true;
        body.off('data', onData);
        body.off('end', onEnd);
        body.off('error', onError);
        body.off('close', onClose);
        this.close();
        if (err === null) resolve(text);
        else reject(this.guard.toError(err, false));
      };
      const onData = (chunk: Buffer): void => {
        this.guard.touch();
        size += chunk.length;
        if (size > maxBytes) {
          settle(new ProviderError({ code: 'upstream_error', provider: this.guard.provider, detail: 'response_too_large', httpStatus: this.status }));
        } else parts.push(chunk);
      };
      const onEnd = (): void => settle(null, parts.length === 1 ? parts[0].toString('utf8') : Buffer.concat(parts).toString('utf8'));
      const onError = (err: Error): void => settle(err);
      // Destroyed without an error and without its end (the socket went away under it).
      const onClose = (): void => settle(body.errored ?? prematureClose());
      if (body.errored) return settle(body.errored);
      if (body.destroyed) return settle(prematureClose());
      body.on('data', onData);
      body.once('end', onEnd);
      body.once('error', onError);
      body.once('close', onClose);
    });
  }

  /**
   * Body bytes as they arrive; each chunk resets the idle timer. A caller that stops early gets the body
   * closed (the connection with it), unless it called markComplete() first.
   */
  async *chunks(): AsyncGenerator<Uint8Array> {
    this.consumed = true;
    try {
      // destroyOnReturn: false: close() decides, Node's iterator would destroy it with an AbortError.
      for await (const chunk of this.body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        this.guard.pauseIdle();
        yield chunk;
        this.guard.touch();
      }
    } finally {
      this.close();
    }
  }

  /**
   * The provider's terminal event was read: what is left of the body is its end, so close() reads it off
   * (for at most STREAM_TAIL_MS / STREAM_TAIL_BYTES) instead of destroying an unfinished body, which
   * would close the keep-alive connection and build an AbortError with its stack for every stream.
   */
  markComplete(): void {
    this.complete = true;
  }

  /** Maps an error raised while iterating chunks(). */
  toError(err: unknown, streaming: boolean): ProviderError {
    return this.guard.toError(err, streaming);
  }

  close(): void {
    if (this.released) return;
    this.released = true;
    this.guard.dispose();
    const body = this.body;
    if (body.destroyed || body.readableEnded) return;
    // undici destroys an unfinished body with a RequestAbortedError: nobody else listens any more
    body.on('error', () => undefined);
    if (!this.complete) {
      body.destroy();
      return;
    }
    let bytes = 0;
    const timer = setTimeout(() => body.destroy(), STREAM_TAIL_MS);
    timer.unref();
    body.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > STREAM_TAIL_BYTES) body.destroy();
    });
    body.once('close', () => clearTimeout(timer));
    body.resume();
  }

  get isConsumed(): boolean {
    return this.consumed;
  }
}

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/** What sendRequest needs of an upstream URL; null when it is not an http(s) URL. */
interface Target {
  origin: string;
  path: string;
  /** The host is an IP literal in a private range (a hostname is checked at connect time, guardedLookup). */
  literalPrivate: boolean;
}

/**
 * Parsed upstream URLs: a gateway calls the same few endpoints over and over, and `new URL` plus the
 * checks cost ~4 µs a call (bench profile). Emptied when full, so a stream of distinct URLs (one per
 * Gemini model, say) cannot grow it without bound.
 */
const targets = new Map<string, Target | null>();
const TARGETS_MAX = 512;

function parseTarget(raw: string): Target | null {
  const known = targets.get(raw);
  if (known !== undefined) return known;
  let target: Target | null = null;
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') {
      const host = url.hostname.replace(/^\[|\]$/g, '');
      target = { origin: url.origin, path: url.pathname + url.search, literalPrivate: isIP(host) !== 0 && isPrivateAddress(host) };
    }
  } catch {
    target = null;
  }
  if (targets.size >= TARGETS_MAX) targets.clear();
  targets.set(raw, target);
  return target;
}

/**
 * Sends one request. Never follows redirects (undici Pool has no redirect handling; a 3xx comes back
 * as a response and the adapters turn it into an error). Rejects only with ProviderError.
 */
export async function sendRequest(req: UpstreamRequest, ctx: CallContext): Promise<UpstreamResponse> {
  const provider = req.provider;
  if (ctx.signal?.aborted) throw new ProviderError({ code: 'aborted', provider });
  const url = parseTarget(req.url);
  if (url === null) {
    throw new ProviderError({ code: 'connection', provider, retryable: false, message: 'Invalid upstream base URL.' });
  }
  const allowPrivate = ctx.allowPrivateNetwork === true;
  if (!allowPrivate && url.literalPrivate) {
    throw new ProviderError({
      code: 'connection',
      provider,
      detail: 'egress_blocked',
      retryable: false,
      message: new EgressBlockedError().message,
    });
  }
  const guard = new CallGuard(ctx, provider);
  const pool = getPool(url.origin, ctx.timeouts?.connectMs ?? DEFAULT_TIMEOUTS.connectMs, allowPrivate);
  const headers: Record<string, string> = { 'user-agent': 'tollgate-gateway', ...req.headers };
  if (ctx.requestId) headers['x-tollgate-request-id'] = ctx.requestId;
  // Our own watchdog enforces idle/total; undici's timers are a looser backstop.
  const backstop = (ctx.timeouts?.idleMs ?? DEFAULT_TIMEOUTS.idleMs) + 1000;
  try {
    const res = await pool.request({
      path: url.path,
      method: req.method,
      headers,
      body: req.body ?? null,
      // AbortLatch, not AbortSignal: undici only needs addEventListener / aborted / reason (lib/api/abort-signal.js).
      signal: guard.latch as unknown as AbortSignal,
      headersTimeout: backstop,
      bodyTimeout: backstop,
    });
    guard.headersIn();
    guard.touch();
    return new UpstreamResponse(res.statusCode, res.headers, res.body, guard);
  } catch (err) {
    guard.dispose();
    throw guard.toError(err, false);
  }
}

/** Joins a configured base URL and a fixed API path without doubling or dropping slashes. */
export function joinUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}
