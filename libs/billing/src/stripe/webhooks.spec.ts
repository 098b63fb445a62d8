import Stripe from 'stripe';
import { FakeStripeState } from '../testing/fake-stripe-state';
import { signWebhook } from '../testing/fake-stripe';
import { HANDLED_INVOICE_EVENTS, WebhookVerificationError, mapInvoiceEvent, verifyWebhook } from './webhooks';

const SECRET = 'whsec_test_secret';
const nowSec = () => Math.floor(Date.now() / 1000);

function fixture() {
  const state = new FakeStripeState(() => Date.parse('2026-11-30T00:00:00Z'));
  const customer = state.handle('POST', '/v1/customers', {}, { name: 'Team' }).json;
  const invoice = state.createInvoice(customer['id'] as string, {
    subscriptionId: 'sub_123',
    status: 'open',
    amountDueCents: 4321,
    currency: 'USD',
    periodStart: Date.parse('2026-10-31T00:00:00Z') / 1000,
    periodEnd: Date.parse('2026-11-30T00:00:00Z') / 1000,
  });
  return { state, invoice, customerId: customer['id'] as string };
}

function rejection(fn: () => unknown): WebhookVerificationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof WebhookVerificationError) return e;
    throw e;
  }
  throw new Error('expected verifyWebhook to throw');
}

describe('verifyWebhook', () => {
  const { state, invoice } = fixture();
  const payload = JSON.stringify(state.buildEvent('invoice.paid', invoice), null, 2);

  it('accepts a correctly signed raw body (string or Buffer) and returns the event', () => {
    const header = signWebhook(payload, SECRET);
    const event = verifyWebhook(payload, header, SECRET);
    expect(event.type).toBe('invoice.paid');
    expect(verifyWebhook(Buffer.from(payload, 'utf8'), [header], SECRET).id).toBe(event.id);
    // And with the SDK's own test header helper.
    expect(verifyWebhook(payload, Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }), SECRET).id).toBe(event.id);
  });

  it('rejects a signature made with another secret', () => {
    expect(rejection(() => verifyWebhook(payload, signWebhook(payload, 'whsec_other'), SECRET)).reason).toBe('bad_signature');
  });

  it('rejects a tampered body', () => {
    const header = signWebhook(payload, SECRET);
    const tampered = payload.replace('"amount_paid": 0', '"amount_paid": 4321');
    expect(tampered).not.toBe(payload);
    expect(rejection(() => verifyWebhook(tampered, header, SECRET)).reason).toBe('bad_signature');
    // Re-serialising the parsed JSON (what a JSON body parser would hand over) breaks it too.
    expect(rejection(() => verifyWebhook(JSON.stringify(JSON.parse(payload)), header, SECRET)).reason).toBe('bad_signature');
  });

  it('rejects an event older than the tolerance (replay) and accepts it inside a wider tolerance', () => {
    const header = signWebhook(payload, SECRET, nowSec() - 301);
    expect(rejection(() => verifyWebhook(payload, header, SECRET)).reason).toBe('expired');
    expect(verifyWebhook(payload, header, SECRET, 600).type).toBe('invoice.paid');
    expect(verifyWebhook(payload, signWebhook(payload, SECRET, nowSec() - 290), SECRET).type).toBe('invoice.paid');
  });

  it('rejects missing and malformed headers and non-JSON bodies', () => {
    expect(rejection(() => verifyWebhook(payload, undefined, SECRET)).reason).toBe('missing_signature');
    expect(rejection(() => verifyWebhook(payload, '', SECRET)).reason).toBe('missing_signature');
    expect(rejection(() => verifyWebhook(payload, 'garbage', SECRET)).reason).toBe('malformed_signature');
    expect(rejection(() => verifyWebhook(payload, `t=${nowSec()},v0=abc`, SECRET)).reason).toBe('malformed_signature');
    const notJson = 'not json';
    expect(rejection(() => verifyWebhook(notJson, signWebhook(notJson, SECRET), SECRET)).reason).toBe('bad_payload');
    expect(rejection(() => verifyWebhook(JSON.parse(payload) as string, signWebhook(payload, SECRET), SECRET)).reason).toBe('bad_payload');
  });

  it('refuses to run without a secret or with the replay check disabled', () => {
    expect(() => verifyWebhook(payload, signWebhook(payload, SECRET), '')).toThrow(/secret/);
    expect(() => verifyWebhook(payload, signWebhook(payload, SECRET), SECRET, 0)).toThrow(RangeError);
  });
});

describe('mapInvoiceEvent', () => {
  const { state, invoice, customerId } = fixture();

  it.each([
    ['invoice.created', 'draft'],
    ['invoice.finalized', 'open'],
    ['invoice.finalization_failed', 'draft'],
    ['invoice.paid', 'paid'],
    ['invoice.payment_failed', 'payment_failed'],
    ['invoice.voided', 'void'],
    ['invoice.marked_uncollectible', 'uncollectible'],
  ])('%s → %s', (type, status) => {
    const event = state.buildEvent(type, invoice);
    expect(mapInvoiceEvent(event)).toEqual({
      eventId: event.id,
      eventType: type,
      eventCreated: new Date('2026-11-30T00:00:00Z'),
      stripeInvoiceId: invoice.id,
      customerId,
      subscriptionId: 'sub_123',
      status,
      amountDueCents: 4321n,
      amountPaidCents: 0n,
      currency: 'usd',
      periodStart: new Date('2026-10-31T00:00:00Z'),
      periodEnd: new Date('2026-11-30T00:00:00Z'),
      hostedInvoiceUrl: `https://invoice.stripe.test/i/${invoice.id}`,
    });
  });

  it('lists exactly the handled types', () => {
    expect([...HANDLED_INVOICE_EVENTS].sort()).toEqual(
      ['invoice.created', 'invoice.finalization_failed', 'invoice.finalized', 'invoice.marked_uncollectible', 'invoice.paid', 'invoice.payment_failed', 'invoice.voided'],
    );
  });

  it('maps amounts paid, expanded customers and invoices without subscription or URL', () => {
    const paid = state.createInvoice(customerId, { status: 'paid', amountDueCents: 500, hostedInvoiceUrl: null });
    const expanded = { ...paid, customer: { id: customerId, object: 'customer' } };
    const mapped = mapInvoiceEvent(state.buildEvent('invoice.paid', expanded));
    expect(mapped).toMatchObject({ customerId, subscriptionId: null, amountPaidCents: 500n, hostedInvoiceUrl: null, status: 'paid' });
  });

  it('returns null for events it does not handle', () => {
    expect(mapInvoiceEvent(state.buildEvent('customer.subscription.updated', { id: 'sub_1', object: 'subscription' }))).toBeNull();
    expect(mapInvoiceEvent(state.buildEvent('invoice.upcoming', invoice))).toBeNull();
    expect(mapInvoiceEvent(state.buildEvent('toString', invoice))).toBeNull();
  });

  it('throws when a handled event does not carry a usable invoice', () => {
    expect(() => mapInvoiceEvent(state.buildEvent('invoice.paid', { id: 'cus_1', object: 'customer' }))).toThrow(/does not carry an invoice/);
    expect(() => mapInvoiceEvent(state.buildEvent('invoice.paid', { ...invoice, amount_due: 1.5 }))).toThrow(/amount_due/);
  });

  it('maps an event that went through signing and verification', () => {
    const raw = JSON.stringify(state.buildEvent('invoice.finalized', invoice));
    const mapped = mapInvoiceEvent(verifyWebhook(raw, signWebhook(raw, SECRET), SECRET));
    expect(mapped?.status).toBe('open');
    expect(mapped?.stripeInvoiceId).toBe(invoice.id);
  });
});
