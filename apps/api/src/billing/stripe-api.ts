import { Injectable } from '@nestjs/common';
import { createStripeClient, type StripeClient, type StripeClientOptions } from '@tollgate/billing';
import { AppConfig } from '../config/app-config';

/**
 * The Stripe SDK client, or null when Stripe invoicing is off. It is on only when both
 * STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are set (the same rule as /billing-plan's stripeEnabled).
 * The SDK never retries on its own (maxNetworkRetries 0, see libs/billing stripe-client): the outbox
 * retries with backoff and a fixed identifier, and the SDK would not retry a plain 429 anyway.
 */
@Injectable()
export class StripeApi {
  readonly client: StripeClient | null;

  constructor(config: AppConfig) {
    const secretKey = config.get('STRIPE_SECRET_KEY');
    if (!secretKey || !config.get('STRIPE_WEBHOOK_SECRET')) {
      this.client = null;
      return;
    }
    const opts: StripeClientOptions = { secretKey, timeoutMs: config.get('STRIPE_TIMEOUT_MS') };
    const base = config.get('STRIPE_API_BASE_URL');
    if (base) {
      const u = new URL(base);
      opts.protocol = u.protocol === 'http:' ? 'http' : 'https';
      opts.host = u.hostname;
      opts.port = Number(u.port || (opts.protocol === 'http' ? 80 : 443));
    }
    this.client = createStripeClient(opts);
  }

  get enabled(): boolean {
    return this.client !== null;
  }

  require(): StripeClient {
    if (!this.client) throw new Error('Stripe invoicing is off: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET');
    return this.client;
  }
}
