import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fingerprintForm, parseStripeForm, type FormObject } from './form-body';
import { FakeStripeError, FakeStripeState, type RecordedRequest, type StripeErrorBody } from './fake-stripe-state';

/**
 * A local, stateful fake of the Stripe HTTP API (v1, form-encoded requests, JSON responses) on
 * 127.0.0.1, for driving the real `stripe` SDK in tests. See FakeStripeState for the resources.
 *
 * Idempotency: a POST with an Idempotency-Key and the same parameters replays the stored response
 * (header `Idempotent-Replayed: true`); the same key with other parameters is a 400
 * idempotency_error, as in Stripe. Only responses of requests that reached the API are stored
 * (injected faults are not), and the SDK's own random keys are stored like any other.
 */
export interface FakeStripeFaults {
  /** The next matching calls answer these statuses in order (429, 500, 503, 401, ...) without side effects. */
  nextStatuses?: number[];
  /** The next N matching calls have their connection destroyed before they are processed. */
  resetConnections?: number;
  /** The next N matching calls ARE processed, then the connection is destroyed (the response is lost). */
  dropResponses?: number;
  /** Every matching call waits this long before being handled (until faults are replaced). */
  delayMs?: number;
  /** Retry-After header (seconds) on injected 429/503 responses. */
  retryAfterSec?: number;
  /** Only calls whose `METHOD /path` contains this string (or matches this RegExp) are affected. */
  match?: string | RegExp;
}

export interface StartFakeStripeOptions {
  /** Clock used for `created`, the meter event timestamp window, etc. Default Date.now. */
  nowMs?: () => number;
  /** Accept any Bearer key (default) or only this one. */
  secretKey?: string;
  /** Customers younger than this are invisible to /v1/customers/search (Stripe's index lag). */
  searchLagMs?: number;
}

export interface FakeStripe {
  url: string;
  host: string;
  port: number;
  state: FakeStripeState;
  /** Replaces the active faults; `setFaults({})` clears them. */
  setFaults(faults: FakeStripeFaults): void;
  /** Simulates the 24 h expiry of idempotency keys: stored responses are forgotten. */
  forgetIdempotencyKeys(): void;
  close(): Promise<void>;
}

interface StoredResponse {
  fingerprint: string;
  status: number;
  body: string;
}

function errorJson(err: FakeStripeError): string {
  return JSON.stringify({ error: err.body });
}

function injected(status: number, retryAfterSec: number | undefined): FakeStripeError {
  const headers: Record<string, string> = {};
  if (retryAfterSec !== undefined && (status === 429 || status === 503)) headers['retry-after'] = String(retryAfterSec);
  let body: StripeErrorBody;
  if (status === 429) {
    body = {
      type: 'invalid_request_error',
      code: 'rate_limit',
      message: 'Request rate limit exceeded. You can learn more about rate limits here https://stripe.com/docs/rate-limits.',
    };
  } else if (status >= 500) {
    body = { type: 'api_error', message: 'Sorry, something went wrong on our end (fake-stripe injected fault).' };
  } else if (status === 401) {
    body = { type: 'invalid_request_error', message: 'Invalid API Key provided (fake-stripe injected fault).' };
  } else {
    body = { type: 'invalid_request_error', message: `fake-stripe injected HTTP ${status}` };
  }
  return new FakeStripeError(status, body, headers);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export async function startFakeStripe(opts: StartFakeStripeOptions = {}): Promise<FakeStripe> {
  const state = new FakeStripeState(opts.nowMs ?? Date.now, opts.searchLagMs ?? 0);
  const idempotency = new Map<string, StoredResponse>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let faults: Required<Pick<FakeStripeFaults, 'nextStatuses' | 'resetConnections' | 'dropResponses' | 'delayMs'>> &
    Pick<FakeStripeFaults, 'retryAfterSec' | 'match'> = { nextStatuses: [], resetConnections: 0, dropResponses: 0, delayMs: 0 };
  let closed = false;

  const matches = (method: string, path: string): boolean => {
    const m = faults.match;
    if (m === undefined) return true;
    const target = `${method} ${path}`;
    return typeof m === 'string' ? target.includes(m) : m.test(target);
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const send = (res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'request-id': `req_${randomBytes(7).toString('hex')}`,
      ...extra,
    });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake-stripe.local');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const query: FormObject = parseStripeForm(url.search.slice(1));
    const body: FormObject = method === 'GET' || method === 'DELETE' ? {} : parseStripeForm(rawBody);
    const idempotencyKey = method === 'POST' ? header(req, 'idempotency-key') : undefined;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    if (headers['authorization']) headers['authorization'] = `${headers['authorization'].slice(0, 15)}***`;
    const record: RecordedRequest = { method, path, query, body, headers, outcome: 0 };
    if (idempotencyKey !== undefined) record.idempotencyKey = idempotencyKey;
    state.requests.push(record);
    const common: Record<string, string> = {};
    const version = header(req, 'stripe-version');
    if (version) common['stripe-version'] = version;
    if (idempotencyKey) common['idempotency-key'] = idempotencyKey;

    const faulty = matches(method, path);
    if (faulty && faults.delayMs > 0) await sleep(faults.delayMs);
    if (closed) {
      req.socket.destroy();
      return;
    }
    if (faulty && faults.resetConnections > 0) {
      faults.resetConnections -= 1;
      record.outcome = 'reset';
      req.socket.destroy();
      return;
    }
    if (faulty && faults.nextStatuses.length > 0) {
      const err = injected(faults.nextStatuses.shift() as number, faults.retryAfterSec);
      record.outcome = err.status;
      send(res, err.status, errorJson(err), { ...common, ...err.headers });
      return;
    }

    let status: number;
    let out: string;
    const extra: Record<string, string> = { ...common };
    const auth = header(req, 'authorization');
    const key = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const stored = idempotencyKey !== undefined ? idempotency.get(idempotencyKey) : undefined;
    const fingerprint = `${method} ${path}?${fingerprintForm(rawBody)}`;
    if (!key || (opts.secretKey !== undefined && key !== opts.secretKey)) {
      const err = new FakeStripeError(401, {
        type: 'invalid_request_error',
        message: key ? `Invalid API Key provided: ${key.slice(0, 8)}***` : 'You did not provide an API key.',
      });
      status = err.status;
      out = errorJson(err);
    } else if (stored && stored.fingerprint !== fingerprint) {
      const err = new FakeStripeError(400, {
        type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
      });
      status = err.status;
      out = errorJson(err);
    } else if (stored) {
      status = stored.status;
      out = stored.body;
      extra['idempotent-replayed'] = 'true';
      record.replayed = true;
    } else {
      try {
        const result = state.handle(method, path, query, body);
        status = result.status;
        out = JSON.stringify(result.json);
      } catch (e) {
        if (!(e instanceof FakeStripeError)) throw e;
        status = e.status;
        out = errorJson(e);
        Object.assign(extra, e.headers);
      }
      // Stripe stores the result of any request that reached an endpoint, success or failure.
      if (idempotencyKey !== undefined) idempotency.set(idempotencyKey, { fingerprint, status, body: out });
    }

    if (faulty && faults.dropResponses > 0) {
      faults.dropResponses -= 1;
      record.outcome = 'dropped';
      req.socket.destroy();
      return;
    }
    record.outcome = status;
    send(res, status, out, extra);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const body = JSON.stringify({ error: { type: 'api_error', message: `fake-stripe crashed: ${String(err)}` } });
      if (!res.headersSent) send(res, 500, body);
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = '127.0.0.1';

  return {
    url: `http://${host}:${port}`,
    host,
    port,
    state,
    setFaults(f: FakeStripeFaults) {
      faults = {
        nextStatuses: [...(f.nextStatuses ?? [])],
        resetConnections: f.resetConnections ?? 0,
        dropResponses: f.dropResponses ?? 0,
        delayMs: f.delayMs ?? 0,
        retryAfterSec: f.retryAfterSec,
        match: f.match,
      };
    },
    forgetIdempotencyKeys() {
      idempotency.clear();
    },
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

/**
 * A valid `Stripe-Signature` header for `payload` (the exact raw body that will be delivered):
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<payload>" keyed with the endpoint secret>`.
 * Written independently of the SDK so verification code is tested against a second implementation.
 */
export function signWebhook(payload: string | Buffer, secret: string, timestamp?: number): string {
  const t = timestamp ?? Math.floor(Date.now() / 1000);
  const body = typeof payload === 'string' ? payload : payload.toString('utf8');
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');
  return `t=${t},v1=${v1}`;
}
