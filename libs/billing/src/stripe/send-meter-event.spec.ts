import { startFakeStripe, type FakeStripe } from '../testing/fake-stripe';
import { MARKUP_METER_EVENT_NAME } from '../invoicing/meter-reports';
import { sendMeterEvent, type MeterEventToSend } from './send-meter-event';
import { createStripeClient, type StripeClient } from './stripe-client';

describe('sendMeterEvent (real SDK against the fake)', () => {
  let fake: FakeStripe;
  let stripe: StripeClient;
  let meterId: string;
  let customerId: string;
  const hourAgo = () => (Math.floor(Date.now() / 3_600_000) - 1) * 3600;
  const report = (over: Partial<MeterEventToSend> = {}): MeterEventToSend => ({
    identifier: `tg:${MARKUP_METER_EVENT_NAME}:team-1:2026-11-23T10Z`,
    eventName: MARKUP_METER_EVENT_NAME,
    customerId,
    value: 1234n,
    timestamp: hourAgo(),
    ...over,
  });
  const eventPosts = () => fake.state.requests.filter((r) => r.path === '/v1/billing/meter_events');

  beforeEach(async () => {
    fake = await startFakeStripe();
    stripe = createStripeClient({ secretKey: 'sk_test_x', host: fake.host, port: fake.port, protocol: 'http', timeoutMs: 1000 });
    meterId = (
      await stripe.billing.meters.create({
        display_name: 'markup',
        event_name: MARKUP_METER_EVENT_NAME,
        default_aggregation: { formula: 'sum' },
      })
    ).id;
    customerId = (await stripe.customers.create({ name: 'team-1' })).id;
    fake.state.requests.length = 0;
  });
  afterEach(async () => {
    await fake.close();
  });

  it('sends the identifier as both meter event identifier and Idempotency-Key', async () => {
    const r = report();
    await expect(sendMeterEvent(stripe, r)).resolves.toEqual({ outcome: 'delivered' });
    const [post] = eventPosts();
    expect(post?.idempotencyKey).toBe(r.identifier);
    expect(post?.body).toEqual({
      event_name: MARKUP_METER_EVENT_NAME,
      identifier: r.identifier,
      timestamp: String(r.timestamp),
      payload: { stripe_customer_id: customerId, value: '1234' },
    });
    expect(fake.state.meterTotals(meterId, customerId)).toBe(1234n);
  });

  it('sends values beyond 2^53 exactly', async () => {
    const big = 2n ** 60n + 7n;
    await expect(sendMeterEvent(stripe, report({ value: big }))).resolves.toEqual({ outcome: 'delivered' });
    expect(fake.state.meterTotals(meterId, customerId)).toBe(big);
  });

  it('counts a repeat within the idempotency window once (replayed answer)', async () => {
    await sendMeterEvent(stripe, report());
    await expect(sendMeterEvent(stripe, report())).resolves.toEqual({ outcome: 'delivered' });
    expect(eventPosts().map((p) => p.replayed ?? false)).toEqual([false, true]);
    expect(fake.state.meterTotals(meterId, customerId)).toBe(1234n);
  });

  it('treats the duplicate-identifier 400 (after the idempotency key expired) as delivered', async () => {
    await sendMeterEvent(stripe, report());
    fake.forgetIdempotencyKeys();
    const again = await sendMeterEvent(stripe, report());
    expect(again).toMatchObject({ outcome: 'delivered', reason: 'duplicate_identifier', statusCode: 400 });
    expect(eventPosts().map((p) => p.outcome)).toEqual([200, 400]);
    expect(fake.state.meterTotals(meterId, customerId)).toBe(1234n);
  });

  it('returns retry with the Retry-After hint on 429, then delivers on the next attempt', async () => {
    fake.setFaults({ nextStatuses: [429], retryAfterSec: 2 });
    await expect(sendMeterEvent(stripe, report())).resolves.toMatchObject({ outcome: 'retry', reason: 'rate_limited', retryAfterMs: 2000 });
    expect(fake.state.meterTotals(meterId, customerId)).toBe(0n);
    await expect(sendMeterEvent(stripe, report())).resolves.toEqual({ outcome: 'delivered' });
    expect(fake.state.meterTotals(meterId, customerId)).toBe(1234n);
  });

  it('returns retry on 500 and 503', async () => {
    fake.setFaults({ nextStatuses: [500, 503] });
    await expect(sendMeterEvent(stripe, report())).resolves.toMatchObject({ outcome: 'retry', statusCode: 500 });
    await expect(sendMeterEvent(stripe, report())).resolves.toMatchObject({ outcome: 'retry', statusCode: 503 });
    expect(eventPosts()).toHaveLength(2);
  });

  it('returns retry when connections are reset (after the SDK\'s single closed-connection retry)', async () => {
    fake.setFaults({ resetConnections: 2 });
    await expect(sendMeterEvent(stripe, report())).resolves.toMatchObject({ outcome: 'retry', reason: 'connection' });
    expect(eventPosts().map((p) => p.outcome)).toEqual(['reset', 'reset']);
    expect(fake.state.meterTotals(meterId, customerId)).toBe(0n);
  });

  it('never double counts when Stripe processed the event but the answer was lost', async () => {
    fake.setFaults({ dropResponses: 2 }); // the SDK's own retry loses its answer too
    await expect(sendMeterEvent(stripe, report())).resolves.toMatchObject({ outcome: 'retry' });
    expect(fake.state.meterTotals(meterId, customerId)).toBe(1234n);
    await expect(sendMeterEvent(stripe, report())).resolves.toEqual({ outcome: 'delivered' });
    expect(eventPosts().map((p) => [p.outcome, p.idempotencyKey === report().identifier])).toEqual([
      ['dropped', true],
      ['dropped', true],
      [200, true],
    ]);
    expect(fake.state.meterTotals(meterId, customerId)).toBe(1234n);
  });

  it('returns retry on a timeout and does not double count when the slow call went through', async () => {
    const impatient = createStripeClient({ secretKey: 'sk_test_x', host: fake.host, port: fake.port, protocol: 'http', timeoutMs: 50 });
    fake.setFaults({ delayMs: 150 });
    await expect(sendMeterEvent(impatient, report())).resolves.toMatchObject({ outcome: 'retry', reason: 'connection' });
    await new Promise((r) => setTimeout(r, 200));
    fake.setFaults({});
    expect(fake.state.meterTotals(meterId, customerId)).toBe(1234n);
    await expect(sendMeterEvent(impatient, report())).resolves.toEqual({ outcome: 'delivered' });
    expect(fake.state.meterTotals(meterId, customerId)).toBe(1234n);
  });

  it('is fatal for a timestamp outside the window, a bad key, or the same identifier with another value', async () => {
    const old = await sendMeterEvent(stripe, report({ identifier: 'old', timestamp: Math.floor(Date.now() / 1000) - 36 * 86400 }));
    expect(old).toMatchObject({ outcome: 'fatal', statusCode: 400 });
    fake.setFaults({ nextStatuses: [401] });
    await expect(sendMeterEvent(stripe, report())).resolves.toMatchObject({ outcome: 'fatal', statusCode: 401 });
    await sendMeterEvent(stripe, report());
    await expect(sendMeterEvent(stripe, report({ value: 99n }))).resolves.toMatchObject({ outcome: 'fatal', statusCode: 400 });
    expect(fake.state.meterTotals(meterId, customerId)).toBe(1234n);
  });

  it('throws for reports that are not sendable (programming errors), before any call', async () => {
    await expect(sendMeterEvent(stripe, report({ value: -1n }))).rejects.toThrow(/non-negative/);
    await expect(sendMeterEvent(stripe, report({ identifier: 'x'.repeat(101) }))).rejects.toThrow(/identifier/);
    await expect(sendMeterEvent(stripe, report({ timestamp: 1.5 }))).rejects.toThrow(/timestamp/);
    expect(eventPosts()).toHaveLength(0);
  });
});
