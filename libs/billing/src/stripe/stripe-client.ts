import Stripe from 'stripe';

/** The SDK client type, re-exported so callers outside this folder never import `stripe` directly. */
export type StripeClient = Stripe;

export interface StripeClientOptions {
  secretKey: string;
  /** Override for tests and proxies (e.g. the local fake: 127.0.0.1). Also reroutes v2 endpoints. */
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** Per-request timeout; a timeout surfaces as a StripeConnectionError (classified 'retry'). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The one place that constructs the SDK. Retries are ours (queue jobs with backoff and stable
 * identifiers), so `maxNetworkRetries: 0`. Note the SDK still retries a closed connection
 * (ECONNRESET/EPIPE) once on its own; that is safe because every POST we make carries an
 * Idempotency-Key. Telemetry off: a self-hosted gateway sends Stripe nothing it did not ask for.
 */
export function createStripeClient(opts: StripeClientOptions): StripeClient {
  if (!opts.secretKey) throw new Error('createStripeClient: secretKey is required');
  const config: Stripe.StripeConfig = {
    telemetry: false,
    maxNetworkRetries: 0,
    timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    appInfo: { name: 'tollgate' },
  };
  if (opts.host !== undefined) config.host = opts.host;
  if (opts.port !== undefined) config.port = opts.port;
  if (opts.protocol !== undefined) config.protocol = opts.protocol;
  return new Stripe(opts.secretKey, config);
}
