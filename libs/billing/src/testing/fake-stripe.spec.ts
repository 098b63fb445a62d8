import Stripe from 'stripe';
import { createStripeClient, type StripeClient } from '../stripe/stripe-client';
import { startFakeStripe, signWebhook, type FakeStripe } from './fake-stripe';
import { parseStripeForm } from './form-body';

describe('parseStripeForm', () => {
  it('decodes bracket paths and indexed arrays the way the SDK encodes them', () => {
    expect(
      parseStripeForm('event_name=x&payload[stripe_customer_id]=cus_1&payload[value]=12&items[1][price]=b&items[0][price]=a&lookup_keys[0]=k&e=%5B'),
    ).toEqual({
      event_name: 'x',
      payload: { stripe_customer_id: 'cus_1', value: '12' },
      items: [{ price: 'a' }, { price: 'b' }],
      lookup_keys: ['k'],
      e: '[',
    });
  });
});

describe('fake Stripe (driven by the real SDK)', () => {
  let fake: FakeStripe;
  let stripe: StripeClient;
  const nowSec = () => Math.floor(Date.now() / 1000);

  beforeEach(async () => {
    fake = await startFakeStripe();
    stripe = createStripeClient({ secretKey: 'sk_test_fake', host: fake.host, port: fake.port, protocol: 'http', timeoutMs: 2000 });
  });
  afterEach(async () => {
    await fake.close();
  });

  async function meterAndCustomer() {
    const meter = await stripe.billing.meters.create({
      display_name: 'T',
      event_name: 'tollgate_tokens',
      default_aggregation: { formula: 'sum' },
      customer_mapping: { type: 'by_id', event_payload_key: 'stripe_customer_id' },
      value_settings: { event_payload_key: 'value' },
    });
    const customer = await stripe.customers.create({ name: 'Team', metadata: { tollgate_team_id: 't1' } });
    return { meter, customer };
  }

  it('serves Stripe-shaped objects and Stripe-shaped errors', async () => {
    const c = await stripe.customers.create({ name: 'Acme', email: 'a@acme.test', metadata: { tollgate_team_id: 't1' } });
    expect(c).toMatchObject({ object: 'customer', name: 'Acme', email: 'a@acme.test', metadata: { tollgate_team_id: 't1' } });
    expect(c.id).toMatch(/^cus_/);
    expect((await stripe.customers.retrieve(c.id)).id).toBe(c.id);
    const err = await stripe.customers.retrieve('cus_nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err).toMatchObject({ statusCode: 404, code: 'resource_missing', message: "No such customer: 'cus_nope'" });
    const unknown = await stripe.rawRequest('GET', '/v1/nothing_here', {}).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ statusCode: 404 });
  });

  it('rejects calls without a valid API key', async () => {
    const strict = await startFakeStripe({ secretKey: 'sk_test_right' });
    try {
      const wrong = createStripeClient({ secretKey: 'sk_test_wrong', host: strict.host, port: strict.port, protocol: 'http' });
      const err = await wrong.customers.list().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    } finally {
      await strict.close();
    }
  });

  it('finds customers by metadata with search and pages lists with starting_after', async () => {
    for (let i = 0; i < 5; i++) await stripe.customers.create({ name: `c${i}`, metadata: { tollgate_team_id: `t${i % 2}` } });
    const found = await stripe.customers.search({ query: "metadata['tollgate_team_id']:'t1'" });
    expect(found.data.map((c) => c.name).sort()).toEqual(['c1', 'c3']);
    const all = await stripe.customers.list({ limit: 2 }).autoPagingToArray({ limit: 100 });
    expect(all.map((c) => c.name)).toEqual(['c4', 'c3', 'c2', 'c1', 'c0']);
    expect(fake.state.requests.filter((r) => r.path === '/v1/customers' && r.method === 'GET')).toHaveLength(3);
  });

  it('hides fresh customers from search while the index lags', async () => {
    const lagging = await startFakeStripe({ searchLagMs: 60_000 });
    try {
      const s = createStripeClient({ secretKey: 'sk_test_x', host: lagging.host, port: lagging.port, protocol: 'http' });
      await s.customers.create({ name: 'new', metadata: { tollgate_team_id: 't9' } });
      expect((await s.customers.search({ query: "metadata['tollgate_team_id']:'t9'" })).data).toHaveLength(0);
      expect(await s.customers.list().autoPagingToArray({ limit: 10 })).toHaveLength(1);
    } finally {
      await lagging.close();
    }
  });

  it('keeps meter event_name unique and requires a meter on metered prices', async () => {
    const { meter } = await meterAndCustomer();
    const dup = await stripe.billing.meters
      .create({ display_name: 'again', event_name: 'tollgate_tokens', default_aggregation: { formula: 'sum' } })
      .catch((e: unknown) => e);
    expect(dup).toMatchObject({ statusCode: 400, param: 'event_name' });
    const product = await stripe.products.create({ id: 'prod_x', name: 'x' });
    const price = await stripe.prices.create({
      currency: 'usd',
      product: product.id,
      unit_amount_decimal: Stripe.Decimal.from('0.000050'),
      recurring: { interval: 'month', usage_type: 'metered', meter: meter.id },
    });
    expect(String(price.unit_amount_decimal)).toBe('0.00005');
    expect(price.recurring).toMatchObject({ usage_type: 'metered', meter: meter.id });
    const noMeter = await stripe.prices
      .create({ currency: 'usd', product: product.id, unit_amount: 1, recurring: { interval: 'month', usage_type: 'metered' } })
      .catch((e: unknown) => e);
    expect(noMeter).toMatchObject({ statusCode: 400, param: 'recurring[meter]' });
    const tooPrecise = await stripe.prices
      .create({
        currency: 'usd',
        product: product.id,
        unit_amount_decimal: Stripe.Decimal.from('0.0000000000001'),
        recurring: { interval: 'month', usage_type: 'metered', meter: meter.id },
      })
      .catch((e: unknown) => e);
    expect(tooPrecise).toMatchObject({ statusCode: 400, param: 'unit_amount_decimal' });
  });

  it('accepts meter events once per identifier, enforces the timestamp window and sums accepted values', async () => {
    const { meter, customer } = await meterAndCustomer();
    const send = (identifier: string, value: string, timestamp = nowSec() - 60) =>
      stripe.billing.meterEvents.create({
        event_name: 'tollgate_tokens',
        identifier,
        timestamp,
        payload: { stripe_customer_id: customer.id, value },
      });
    await send('a', '100');
    await send('b', '23');
    const dup = await send('a', '100').catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(dup).toMatchObject({ statusCode: 400, message: 'An event already exists with identifier a.' });
    const old = await send('c', '1', nowSec() - 35 * 86400 - 5).catch((e: unknown) => e);
    expect(old).toMatchObject({ statusCode: 400, param: 'timestamp' });
    const future = await send('d', '1', nowSec() + 400).catch((e: unknown) => e);
    expect(future).toMatchObject({ statusCode: 400, param: 'timestamp' });
    // Inside the window at both ends.
    await send('e', '1', nowSec() - 35 * 86400 + 60);
    await send('f', '1', nowSec() + 200);
    // Fractional value and unknown customer: accepted by the API, rejected asynchronously.
    await send('g', '1.5');
    await stripe.billing.meterEvents.create({ event_name: 'tollgate_tokens', identifier: 'h', payload: { stripe_customer_id: 'cus_ghost', value: '7' } });
    expect(fake.state.meterEventErrors.map((e) => [e.identifier, e.code])).toEqual([
      ['g', 'meter_event_invalid_value'],
      ['h', 'meter_event_customer_not_found'],
    ]);
    expect(fake.state.meterTotals(meter.id, customer.id)).toBe(125n);
  });

  it('summarises a meter per customer and window like the ground truth', async () => {
    const { meter, customer } = await meterAndCustomer();
    const hour = Math.floor(nowSec() / 3600) * 3600 - 3 * 3600;
    const values = [[hour + 10, 5], [hour + 3599, 7], [hour + 3600, 11], [hour + 2 * 3600 + 1, 13]] as const;
    for (const [i, [ts, v]] of values.entries()) {
      await stripe.billing.meterEvents.create({
        event_name: 'tollgate_tokens',
        identifier: `ev${i}`,
        timestamp: ts,
        payload: { stripe_customer_id: customer.id, value: String(v) },
      });
    }
    const total = await stripe.billing.meters.listEventSummaries(meter.id, { customer: customer.id, start_time: hour, end_time: hour + 3 * 3600 });
    expect(total.data).toHaveLength(1);
    expect(total.data[0]).toMatchObject({ object: 'billing.meter_event_summary', aggregated_value: 36, meter: meter.id });
    expect(BigInt(total.data[0]?.aggregated_value ?? -1)).toBe(fake.state.meterTotals(meter.id, customer.id));
    const hourly = await stripe.billing.meters
      .listEventSummaries(meter.id, { customer: customer.id, start_time: hour, end_time: hour + 3 * 3600, value_grouping_window: 'hour' })
      .autoPagingToArray({ limit: 100 });
    expect(hourly.map((s) => [s.start_time - hour, s.aggregated_value])).toEqual([[0, 12], [3600, 11], [7200, 13]]);
    const unaligned = await stripe.billing.meters
      .listEventSummaries(meter.id, { customer: customer.id, start_time: hour + 1, end_time: hour + 3600 })
      .catch((e: unknown) => e);
    expect(unaligned).toMatchObject({ statusCode: 400, param: 'start_time' });
  });

  it('replays the stored response for a repeated Idempotency-Key and refuses it with other parameters', async () => {
    const a = await stripe.customers.create({ name: 'A' }, { idempotencyKey: 'k-1' });
    const again = await stripe.customers.create({ name: 'A' }, { idempotencyKey: 'k-1' });
    expect(again.id).toBe(a.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(fake.state.customers.size).toBe(1);
    const other = await stripe.customers.create({ name: 'B' }, { idempotencyKey: 'k-1' }).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    fake.forgetIdempotencyKeys();
    expect((await stripe.customers.create({ name: 'A' }, { idempotencyKey: 'k-1' })).id).not.toBe(a.id);
  });

  it('injects 429/500 statuses with Retry-After, only on matching calls, without side effects', async () => {
    fake.setFaults({ nextStatuses: [429, 500], retryAfterSec: 3, match: 'POST /v1/customers' });
    expect(await stripe.customers.list()).toBeDefined(); // GET does not match
    const first = await stripe.customers.create({ name: 'x' }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(first).toMatchObject({ statusCode: 429, headers: expect.objectContaining({ 'retry-after': '3' }) });
    const second = await stripe.customers.create({ name: 'x' }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(second).toMatchObject({ statusCode: 500 });
    expect(fake.state.customers.size).toBe(0);
    await stripe.customers.create({ name: 'x' });
    expect(fake.state.customers.size).toBe(1);
  });

  it('resets connections before processing and drops responses after processing', async () => {
    fake.setFaults({ resetConnections: 2 });
    const reset = await stripe.customers.create({ name: 'r' }).catch((e: unknown) => e);
    expect(reset).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(fake.state.requests.map((r) => r.outcome)).toEqual(['reset', 'reset']); // the SDK retried once
    expect(fake.state.customers.size).toBe(0);

    fake.setFaults({ dropResponses: 2 });
    const dropped = await stripe.customers.create({ name: 'd' }, { idempotencyKey: 'drop-1' }).catch((e: unknown) => e);
    expect(dropped).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(fake.state.customers.size).toBe(1); // processed although the caller never heard back
    const retried = await stripe.customers.create({ name: 'd' }, { idempotencyKey: 'drop-1' });
    expect(fake.state.customers.size).toBe(1);
    expect(retried.lastResponse.headers['idempotent-replayed']).toBe('true');
  });

  it('delays calls so client timeouts can be tested', async () => {
    const impatient = createStripeClient({ secretKey: 'sk_test_x', host: fake.host, port: fake.port, protocol: 'http', timeoutMs: 50 });
    fake.setFaults({ delayMs: 200 });
    const err = await impatient.customers.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect((err as Error).message).toMatch(/timeout/i);
    fake.setFaults({});
    expect((await impatient.customers.list()).data).toEqual([]);
  });

  it('creates metered-only subscriptions and simulated invoices', async () => {
    const { meter, customer } = await meterAndCustomer();
    await stripe.products.create({ id: 'prod_u', name: 'u' });
    const metered = await stripe.prices.create({
      currency: 'usd',
      product: 'prod_u',
      unit_amount_decimal: Stripe.Decimal.from('0.0001'),
      recurring: { interval: 'month', usage_type: 'metered', meter: meter.id },
    });
    const licensed = await stripe.prices.create({ currency: 'usd', product: 'prod_u', unit_amount: 500, recurring: { interval: 'month' } });
    const bad = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: licensed.id }] }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ statusCode: 400 });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: metered.id }], metadata: { tollgate_team_id: 't1' } });
    expect(sub).toMatchObject({ object: 'subscription', status: 'active', customer: customer.id });
    expect(sub.items.data.map((i) => i.price.id)).toEqual([metered.id]);
    expect((await stripe.subscriptions.retrieve(sub.id)).id).toBe(sub.id);

    const inv = fake.state.createInvoice(customer.id, { subscriptionId: sub.id, status: 'open', amountDueCents: 1234 });
    const listed = await stripe.invoices.list({ customer: customer.id });
    expect(listed.data.map((i) => i.id)).toEqual([inv.id]);
    const got = await stripe.invoices.retrieve(inv.id);
    expect(got).toMatchObject({ object: 'invoice', status: 'open', amount_due: 1234, customer: customer.id });
  });

  it('signs webhooks so that the SDK accepts them', () => {
    const payload = JSON.stringify(fake.state.buildEvent('invoice.paid', { id: 'in_1', object: 'invoice' }));
    const header = signWebhook(payload, 'whsec_test');
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const event = Stripe.webhooks.constructEvent(payload, header, 'whsec_test');
    expect(event.type).toBe('invoice.paid');
    // Same inputs, same header as the SDK's own test helper.
    const t = 1_700_000_000;
    expect(signWebhook(payload, 'whsec_test', t)).toBe(
      Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_test', timestamp: t }),
    );
  });
});
