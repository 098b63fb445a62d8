import Stripe from 'stripe';

/**
 * Webhook verification and invoice event mapping. Verification needs the RAW request body (the
 * exact bytes Stripe signed): a re-serialised JSON object never verifies.
 */
export const DEFAULT_WEBHOOK_TOLERANCE_SEC = 300;

export type WebhookRejectReason = 'missing_signature' | 'malformed_signature' | 'bad_signature' | 'expired' | 'bad_payload';

export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
  constructor(
    readonly reason: WebhookRejectReason,
    message: string,
  ) {
    super(message);
  }
}

function rejectReason(message: string): WebhookRejectReason {
  if (/tolerance/i.test(message)) return 'expired';
  if (/No stripe-signature header/i.test(message)) return 'missing_signature';
  if (/Unable to extract timestamp|expected scheme/i.test(message)) return 'malformed_signature';
  if (/payload/i.test(message) && !/matching the expected signature/i.test(message)) return 'bad_payload';
  return 'bad_signature';
}

/**
 * Checks `Stripe-Signature` (t=..., v1=HMAC-SHA256 of "t.rawBody") with the SDK's constructEvent
 * and returns the parsed event. Throws WebhookVerificationError (answer 400) on any failure; an
 * event older than toleranceSec is 'expired' (replay protection). Callers store event.id to
 * ignore Stripe's redeliveries.
 */
export function verifyWebhook(
  rawBody: Buffer | string,
  signatureHeader: string | string[] | undefined,
  secret: string,
  toleranceSec: number = DEFAULT_WEBHOOK_TOLERANCE_SEC,
): Stripe.Event {
  if (!secret) throw new Error('verifyWebhook: webhook signing secret is not configured');
  const header = Array.isArray(signatureHeader) ? signatureHeader[0] : signatureHeader;
  if (!header) throw new WebhookVerificationError('missing_signature', 'No Stripe-Signature header');
  if (typeof rawBody !== 'string' && !Buffer.isBuffer(rawBody)) {
    throw new WebhookVerificationError('bad_payload', 'Webhook body must be the raw Buffer or string');
  }
  if (!(toleranceSec > 0)) throw new RangeError('verifyWebhook: toleranceSec must be positive (0 would disable the replay check)');
  try {
    return Stripe.webhooks.constructEvent(rawBody, header, secret, toleranceSec);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof Stripe.errors.StripeSignatureVerificationError) {
      throw new WebhookVerificationError(rejectReason(message), message);
    }
    // Signature fine but the body is not JSON.
    throw new WebhookVerificationError('bad_payload', message);
  }
}

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'payment_failed' | 'void' | 'uncollectible';

export interface MappedInvoiceEvent {
  eventId: string;
  eventType: string;
  /** Event creation (Unix seconds → Date): order updates by it, events can arrive out of order. */
  eventCreated: Date;
  stripeInvoiceId: string;
  customerId: string | null;
  subscriptionId: string | null;
  status: InvoiceStatus;
  amountDueCents: bigint;
  amountPaidCents: bigint;
  currency: string;
  periodStart: Date;
  periodEnd: Date;
  hostedInvoiceUrl: string | null;
}

/** Status implied by each handled event type. finalization_failed leaves the invoice a draft. */
const STATUS_BY_EVENT: Record<string, InvoiceStatus> = {
  'invoice.created': 'draft',
  'invoice.finalized': 'open',
  'invoice.finalization_failed': 'draft',
  'invoice.paid': 'paid',
  'invoice.payment_failed': 'payment_failed',
  'invoice.voided': 'void',
  'invoice.marked_uncollectible': 'uncollectible',
};

export const HANDLED_INVOICE_EVENTS: readonly string[] = Object.freeze(Object.keys(STATUS_BY_EVENT));

function idOf(ref: unknown): string | null {
  if (typeof ref === 'string') return ref;
  if (typeof ref === 'object' && ref !== null && typeof (ref as { id?: unknown }).id === 'string') return (ref as { id: string }).id;
  return null;
}

function cents(v: unknown, name: string): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  throw new TypeError(`invoice event: ${name} must be an integer number of cents, got ${String(v)}`);
}

function date(v: unknown, name: string): Date {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v * 1000);
  throw new TypeError(`invoice event: ${name} must be a Unix timestamp, got ${String(v)}`);
}

/** The invoice facts we store, for the invoice events we handle; any other event → null. */
export function mapInvoiceEvent(event: Stripe.Event): MappedInvoiceEvent | null {
  const status = Object.prototype.hasOwnProperty.call(STATUS_BY_EVENT, event.type) ? STATUS_BY_EVENT[event.type] : undefined;
  if (!status) return null;
  const invoice = event.data.object as Stripe.Invoice;
  if (!invoice || (invoice as { object?: unknown }).object !== 'invoice' || typeof invoice.id !== 'string') {
    throw new TypeError(`${event.type} event ${event.id} does not carry an invoice`);
  }
  const parent = invoice.parent as { subscription_details?: { subscription?: unknown } | null } | null | undefined;
  return {
    eventId: event.id,
    eventType: event.type,
    eventCreated: date(event.created, 'event.created'),
    stripeInvoiceId: invoice.id,
    customerId: idOf(invoice.customer),
    subscriptionId: idOf(parent?.subscription_details?.subscription),
    status,
    amountDueCents: cents(invoice.amount_due, 'amount_due'),
    amountPaidCents: cents(invoice.amount_paid, 'amount_paid'),
    currency: String(invoice.currency).toLowerCase(),
    periodStart: date(invoice.period_start, 'period_start'),
    periodEnd: date(invoice.period_end, 'period_end'),
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
  };
}
