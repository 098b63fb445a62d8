import { MARKUP_METER_EVENT_NAME, TOKENS_METER_EVENT_NAME } from '../invoicing/meter-reports';
import { startFakeStripe, type FakeStripe } from '../testing/fake-stripe';
import {
  MARKUP_PRICE_LOOKUP_KEY,
  StripeBillingConfigError,
  TOLLGATE_PRODUCT_ID,
  bootstrapStripeBilling,
  ensureCustomerAndSubscription,
  feePerTokenCentsDecimal,
  tokensPriceLookupKey,
} from './bootstrap';
import { createStripeClient, type StripeClient } from './stripe-client';

const PLAN = { feeMicroUsdPerMTok: 500_000n, markupBasisPoints: 500 }; // $0.50 / MTok + 5 %

describe('feePerTokenCentsDecimal', () => {
  it.each([
    [500_000n, '0.00005'], // $0.50 per million tokens
    [1n, '0.0000000001'],
    [1_000_000n, '0.0001'], // $1 / MTok
    [123_456_789n, '0.0123456789'],
    [10_000_000_000n, '1'], // $10,000 / MTok = 1 cent per token
    [12_345_000_000_000n, '1234.5'],
    [0n, '0'],
  ])('%s µUSD/MTok → %s cents per token', (fee, cents) => {
    expect(feePerTokenCentsDecimal(fee)).toBe(cents);
  });

  it('is exact where a float would not be', () => {
    // Floats: 700000 * 1e-10 = 0.00007000000000000001 and $0.30/1e6/1e6*100 = 0.000029999999999999997.
    expect(feePerTokenCentsDecimal(700_000n)).toBe('0.00007');
    expect(feePerTokenCentsDecimal(300_000n)).toBe('0.00003');
    expect(() => feePerTokenCentsDecimal(-1n)).toThrow(RangeError);
  });
});

describe('bootstrapStripeBilling and ensureCustomerAndSubscription (real SDK against the fake)', () => {
  let fake: FakeStripe;
  let stripe: StripeClient;
  beforeEach(async () => {
    fake = await startFakeStripe();
    stripe = createStripeClient({ secretKey: 'sk_test_x', host: fake.host, port: fake.port, protocol: 'http' });
  });
  afterEach(async () => {
    await fake.close();
  });
  const counts = () => ({
    products: fake.state.products.size,
    meters: fake.state.meters.size,
    prices: fake.state.prices.size,
    customers: fake.state.customers.size,
    subscriptions: fake.state.subscriptions.size,
  });

  it('creates the two sum meters and the metered prices of the fee plan', async () => {
    const res = await bootstrapStripeBilling(stripe, { feePlan: PLAN });
    expect(res.ids.productId).toBe(TOLLGATE_PRODUCT_ID);
    const tokensMeter = fake.state.meters.get(res.ids.tokensMeterId);
    const markupMeter = fake.state.meters.get(res.ids.markupMeterId);
    expect(tokensMeter).toMatchObject({
      event_name: TOKENS_METER_EVENT_NAME,
      default_aggregation: { formula: 'sum' },
      customer_mapping: { type: 'by_id', event_payload_key: 'stripe_customer_id' },
      value_settings: { event_payload_key: 'value' },
    });
    expect(markupMeter).toMatchObject({ event_name: MARKUP_METER_EVENT_NAME, default_aggregation: { formula: 'sum' } });
    expect(fake.state.prices.get(res.ids.tokensPriceId as string)).toMatchObject({
      currency: 'usd',
      unit_amount_decimal: '0.00005',
      lookup_key: tokensPriceLookupKey(500_000n),
      recurring: { usage_type: 'metered', meter: res.ids.tokensMeterId, interval: 'month' },
    });
    expect(fake.state.prices.get(res.ids.markupPriceId as string)).toMatchObject({
      unit_amount_decimal: '0.0001',
      lookup_key: MARKUP_PRICE_LOOKUP_KEY,
      recurring: { usage_type: 'metered', meter: res.ids.markupMeterId },
    });
    expect(res.priceIds).toEqual([res.ids.tokensPriceId, res.ids.markupPriceId]);
    expect(res.changes).toHaveLength(5);
    // The exact wire value, not a float rendering.
    const pricePosts = fake.state.requests.filter((r) => r.path === '/v1/prices' && r.method === 'POST');
    expect(pricePosts.map((p) => p.body['unit_amount_decimal'])).toEqual(['0.00005', '0.0001']);
  });

  it('creates nothing new when run again (and adopts what the first run made)', async () => {
    const first = await bootstrapStripeBilling(stripe, { feePlan: PLAN });
    const before = counts();
    const second = await bootstrapStripeBilling(stripe, { feePlan: PLAN });
    expect(second.ids).toEqual(first.ids);
    expect(second.changes).toEqual([]);
    expect(counts()).toEqual(before);
    expect(fake.state.requests.filter((r) => r.method === 'POST').length).toBe(5); // only the first run wrote
  });

  it('yields one set of objects when two processes bootstrap at the same time', async () => {
    const [a, b] = await Promise.all([bootstrapStripeBilling(stripe, { feePlan: PLAN }), bootstrapStripeBilling(stripe, { feePlan: PLAN })]);
    expect(a.ids).toEqual(b.ids);
    expect(counts()).toMatchObject({ products: 1, meters: 2, prices: 2 });
  });

  it('adopts configured ids and rejects ones that do not exist or contradict the plan', async () => {
    const first = await bootstrapStripeBilling(stripe, { feePlan: PLAN });
    const adopted = await bootstrapStripeBilling(stripe, { feePlan: PLAN, configuredIds: first.ids });
    expect(adopted.ids).toEqual(first.ids);
    expect(adopted.changes).toEqual([]);
    await expect(bootstrapStripeBilling(stripe, { feePlan: PLAN, configuredIds: { tokensMeterId: 'mtr_missing' } })).rejects.toThrow(StripeBillingConfigError);
    await expect(
      bootstrapStripeBilling(stripe, { feePlan: PLAN, configuredIds: { tokensMeterId: first.ids.markupMeterId } }),
    ).rejects.toThrow(/event_name/);
    await expect(
      bootstrapStripeBilling(stripe, { feePlan: { ...PLAN, feeMicroUsdPerMTok: 400_000n }, configuredIds: { tokensPriceId: first.ids.tokensPriceId } }),
    ).rejects.toThrow(/0.00004 cents/);
  });

  it('skips the prices a plan does not need and adds a new token price when the fee changes', async () => {
    const noFee = await bootstrapStripeBilling(stripe, { feePlan: { feeMicroUsdPerMTok: 0n, markupBasisPoints: 0 } });
    expect(noFee.ids.tokensPriceId).toBeNull();
    expect(noFee.ids.markupPriceId).toBeNull();
    expect(noFee.priceIds).toEqual([]);
    expect(counts()).toMatchObject({ meters: 2, prices: 0 });
    const withFee = await bootstrapStripeBilling(stripe, { feePlan: PLAN });
    const newFee = await bootstrapStripeBilling(stripe, { feePlan: { ...PLAN, feeMicroUsdPerMTok: 250_000n } });
    expect(newFee.ids.tokensPriceId).not.toBe(withFee.ids.tokensPriceId);
    expect(newFee.ids.markupPriceId).toBe(withFee.ids.markupPriceId);
    expect(fake.state.prices.get(newFee.ids.tokensPriceId as string)?.['unit_amount_decimal']).toBe('0.000025');
  });

  it('reactivates a deactivated meter instead of failing on the taken event_name', async () => {
    const first = await bootstrapStripeBilling(stripe, { feePlan: PLAN });
    await stripe.billing.meters.deactivate(first.ids.markupMeterId);
    const again = await bootstrapStripeBilling(stripe, { feePlan: PLAN });
    expect(again.ids.markupMeterId).toBe(first.ids.markupMeterId);
    expect(again.changes).toEqual([`reactivated meter ${first.ids.markupMeterId} (${MARKUP_METER_EVENT_NAME})`]);
    expect(fake.state.meters.get(first.ids.markupMeterId)?.['status']).toBe('active');
  });

  it('creates a customer and a metered-only subscription once per team', async () => {
    const { priceIds } = await bootstrapStripeBilling(stripe, { feePlan: PLAN });
    const opts = { teamId: 'team-1', teamName: 'Team One', email: 'billing@one.test', prices: priceIds };
    const first = await ensureCustomerAndSubscription(stripe, opts);
    expect(first).toMatchObject({ createdCustomer: true, createdSubscription: true, addedPriceIds: [], conflictingItems: [] });
    expect(fake.state.customers.get(first.customerId)).toMatchObject({
      name: 'Team One',
      email: 'billing@one.test',
      metadata: { tollgate_team_id: 'team-1' },
    });
    const sub = await stripe.subscriptions.retrieve(first.subscriptionId);
    expect(sub.items.data.map((i) => i.price.id).sort()).toEqual([...priceIds].sort());
    expect(sub.items.data.every((i) => i.price.recurring?.usage_type === 'metered')).toBe(true);
    expect(sub.metadata).toEqual({ tollgate_team_id: 'team-1' });

    const before = counts();
    const second = await ensureCustomerAndSubscription(stripe, opts);
    expect(second).toEqual({ ...first, createdCustomer: false, createdSubscription: false });
    const third = await ensureCustomerAndSubscription(stripe, { ...opts, existingCustomerId: first.customerId });
    expect(third.customerId).toBe(first.customerId);
    expect(counts()).toEqual(before);
    const other = await ensureCustomerAndSubscription(stripe, { ...opts, teamId: 'team-2', teamName: 'Two' });
    expect(other.customerId).not.toBe(first.customerId);
  });

  it('relies on the idempotency key while search has not indexed a fresh customer yet', async () => {
    const lagging = await startFakeStripe({ searchLagMs: 60_000 });
    try {
      const s = createStripeClient({ secretKey: 'sk_test_x', host: lagging.host, port: lagging.port, protocol: 'http' });
      const { priceIds } = await bootstrapStripeBilling(s, { feePlan: PLAN });
      const opts = { teamId: 'team-9', teamName: 'Nine', prices: priceIds };
      const a = await ensureCustomerAndSubscription(s, opts);
      const b = await ensureCustomerAndSubscription(s, opts); // search finds nothing; create replays
      expect(b.customerId).toBe(a.customerId);
      expect(b.subscriptionId).toBe(a.subscriptionId);
      expect(lagging.state.customers.size).toBe(1);
      expect(lagging.state.subscriptions.size).toBe(1);
    } finally {
      await lagging.close();
    }
  });

  it('finds the customer by listing when search is not used', async () => {
    const { priceIds } = await bootstrapStripeBilling(stripe, { feePlan: PLAN });
    for (let i = 0; i < 3; i++) await stripe.customers.create({ name: `noise ${i}` });
    const a = await ensureCustomerAndSubscription(stripe, { teamId: 't-list', teamName: 'L', prices: priceIds, customerLookup: 'list' });
    fake.forgetIdempotencyKeys(); // prove it is the lookup, not a replay, that finds it
    const b = await ensureCustomerAndSubscription(stripe, { teamId: 't-list', teamName: 'L', prices: priceIds, customerLookup: 'list' });
    expect(b).toMatchObject({ customerId: a.customerId, subscriptionId: a.subscriptionId, createdCustomer: false });
    expect(fake.state.requests.some((r) => r.path === '/v1/customers/search')).toBe(false);
  });

  it('adopts a stored customer id, stamps it with the team, and refuses another team\'s customer', async () => {
    const { priceIds } = await bootstrapStripeBilling(stripe, { feePlan: PLAN });
    const manual = await stripe.customers.create({ name: 'made by hand' });
    const res = await ensureCustomerAndSubscription(stripe, { teamId: 'team-h', teamName: 'H', existingCustomerId: manual.id, prices: priceIds });
    expect(res.customerId).toBe(manual.id);
    expect(fake.state.customers.get(manual.id)?.['metadata']).toEqual({ tollgate_team_id: 'team-h' });
    await expect(
      ensureCustomerAndSubscription(stripe, { teamId: 'team-x', teamName: 'X', existingCustomerId: manual.id, prices: priceIds }),
    ).rejects.toThrow(/belongs to team team-h/);
  });

  it('replaces a deleted stored customer', async () => {
    const { priceIds } = await bootstrapStripeBilling(stripe, { feePlan: PLAN });
    const first = await ensureCustomerAndSubscription(stripe, { teamId: 'team-d', teamName: 'D', prices: priceIds });
    await stripe.customers.del(first.customerId);
    fake.forgetIdempotencyKeys(); // a day later
    const next = await ensureCustomerAndSubscription(stripe, { teamId: 'team-d', teamName: 'D', existingCustomerId: first.customerId, prices: priceIds });
    expect(next.createdCustomer).toBe(true);
    expect(next.customerId).not.toBe(first.customerId);
    expect(next.createdSubscription).toBe(true);
  });

  it('adds a newly enabled price to an existing subscription, but never a second price on the same meter', async () => {
    const tokensOnly = await bootstrapStripeBilling(stripe, { feePlan: { feeMicroUsdPerMTok: 500_000n, markupBasisPoints: 0 } });
    const first = await ensureCustomerAndSubscription(stripe, { teamId: 'team-m', teamName: 'M', prices: tokensOnly.priceIds });
    const both = await bootstrapStripeBilling(stripe, { feePlan: PLAN });
    const added = await ensureCustomerAndSubscription(stripe, { teamId: 'team-m', teamName: 'M', prices: both.priceIds });
    expect(added).toMatchObject({ subscriptionId: first.subscriptionId, addedPriceIds: [both.ids.markupPriceId], conflictingItems: [] });
    expect((await stripe.subscriptions.retrieve(first.subscriptionId)).items.data).toHaveLength(2);

    const cheaper = await bootstrapStripeBilling(stripe, { feePlan: { ...PLAN, feeMicroUsdPerMTok: 100_000n } });
    const conflict = await ensureCustomerAndSubscription(stripe, { teamId: 'team-m', teamName: 'M', prices: cheaper.priceIds });
    expect(conflict.addedPriceIds).toEqual([]);
    expect(conflict.conflictingItems).toEqual([
      expect.objectContaining({ priceId: both.ids.tokensPriceId, meterId: both.ids.tokensMeterId }),
    ]);
    expect((await stripe.subscriptions.retrieve(first.subscriptionId)).items.data).toHaveLength(2);
  });

  it('validates its inputs', async () => {
    await expect(ensureCustomerAndSubscription(stripe, { teamId: 't', teamName: 'T', prices: [] })).rejects.toThrow(/metered price/);
    await expect(
      ensureCustomerAndSubscription(stripe, { teamId: 't', teamName: 'T', prices: ['price_x'], collectionMethod: 'send_invoice' }),
    ).rejects.toThrow(/daysUntilDue/);
    await expect(bootstrapStripeBilling(stripe, { feePlan: { feeMicroUsdPerMTok: -1n, markupBasisPoints: 0 } })).rejects.toThrow(RangeError);
  });

  it('creates send_invoice subscriptions when asked', async () => {
    const { priceIds } = await bootstrapStripeBilling(stripe, { feePlan: PLAN });
    const res = await ensureCustomerAndSubscription(stripe, {
      teamId: 'team-s',
      teamName: 'S',
      email: 's@s.test',
      prices: priceIds,
      collectionMethod: 'send_invoice',
      daysUntilDue: 14,
    });
    expect(fake.state.subscriptions.get(res.subscriptionId)).toMatchObject({ collection_method: 'send_invoice', days_until_due: 14 });
  });
});
