import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import { MARKUP_METER_EVENT_NAME, TOKENS_METER_EVENT_NAME } from '../invoicing/meter-reports';
import { validateFeePlan, type FeePlan } from '../pricing/fee';
import type { StripeClient } from './stripe-client';

/**
 * Idempotent setup of the Stripe objects that express a fee plan as usage-based billing:
 *   product `tollgate_usage`
 *   meter `tollgate_tokens` (sum)           + metered price: fee per token, in cents
 *   meter `tollgate_markup_micro_usd` (sum) + metered price: 0.0001 cents per micro-USD of markup
 * No fixed price anywhere: a subscription holding only these items produces usage-only invoices.
 *
 * Every object is looked up before it is created (configured id → well-known id / event_name /
 * lookup_key), and every create carries a deterministic Idempotency-Key, so a second run, or two
 * processes booting at once, create nothing new.
 */
export const TOLLGATE_PRODUCT_ID = 'tollgate_usage';
export const TOLLGATE_TEAM_METADATA_KEY = 'tollgate_team_id';
/** 1 micro-USD = 0.0001 cents. */
export const MARKUP_UNIT_AMOUNT_DECIMAL = '0.0001';
export const MARKUP_PRICE_LOOKUP_KEY = 'tollgate_markup_micro_usd';

export interface StripeBillingIds {
  productId: string;
  tokensMeterId: string;
  markupMeterId: string;
  /** null when the fee plan has no per-token fee. */
  tokensPriceId: string | null;
  /** null when the fee plan has no markup. */
  markupPriceId: string | null;
}

export interface BootstrapStripeBillingOptions {
  feePlan: FeePlan;
  /** Ids from server config to adopt (validated, never replaced). A configured id that does not exist throws. */
  configuredIds?: Partial<StripeBillingIds>;
  productName?: string;
}

export interface BootstrapStripeBillingResult {
  ids: StripeBillingIds;
  /** The metered prices a team subscription should hold (non-null price ids). */
  priceIds: string[];
  /** What this run wrote to Stripe ('created meter mtr_...', ...); empty on a re-run. */
  changes: string[];
}

/** Thrown when Stripe holds an object that contradicts the fee plan or the configured ids. */
export class StripeBillingConfigError extends Error {
  override name = 'StripeBillingConfigError';
}

/**
 * µUSD per million tokens → cents per token, exactly: fee·10⁻⁶ USD / 10⁶ tokens = fee·10⁻¹⁰ cents.
 * 500000 (= $0.50/MTok) → "0.00005". At most 10 decimals, inside Stripe's 12.
 */
export function feePerTokenCentsDecimal(feeMicroUsdPerMTok: bigint): string {
  if (typeof feeMicroUsdPerMTok !== 'bigint' || feeMicroUsdPerMTok < 0n) {
    throw new RangeError(`feeMicroUsdPerMTok must be a non-negative bigint, got ${String(feeMicroUsdPerMTok)}`);
  }
  const digits = feeMicroUsdPerMTok.toString().padStart(11, '0');
  const int = digits.slice(0, -10).replace(/^0+(?=\d)/, '');
  const frac = digits.slice(-10).replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
}

/** One token price per fee amount, so every team on the same fee shares it. */
export function tokensPriceLookupKey(feeMicroUsdPerMTok: bigint): string {
  return `tollgate_tokens_${feeMicroUsdPerMTok.toString()}_umusd_per_mtok`;
}

/** Deterministic Idempotency-Key (Stripe allows 255 characters). */
export function idempotencyKeyFor(...parts: string[]): string {
  const key = `tollgate:${parts.join(':')}`;
  return key.length <= 255 ? key : `tollgate:${createHash('sha256').update(key).digest('hex')}`;
}

function isMissing(err: unknown): boolean {
  const e = err as { statusCode?: unknown; code?: unknown };
  return e?.statusCode === 404 || e?.code === 'resource_missing';
}

async function ensureProduct(stripe: StripeClient, configured: string | undefined, name: string, changes: string[]): Promise<string> {
  const id = configured ?? TOLLGATE_PRODUCT_ID;
  try {
    const p = await stripe.products.retrieve(id);
    return p.id;
  } catch (err) {
    if (!isMissing(err)) throw err;
    if (configured) throw new StripeBillingConfigError(`configured Stripe product ${configured} does not exist`);
  }
  const created = await stripe.products.create(
    { id, name, metadata: { tollgate_role: 'usage' } },
    { idempotencyKey: idempotencyKeyFor('product', id) },
  );
  changes.push(`created product ${created.id}`);
  return created.id;
}

async function ensureMeter(
  stripe: StripeClient,
  eventName: string,
  displayName: string,
  configured: string | undefined,
  changes: string[],
): Promise<string> {
  let meter: Stripe.Billing.Meter | undefined;
  if (configured) {
    try {
      meter = await stripe.billing.meters.retrieve(configured);
    } catch (err) {
      if (isMissing(err)) throw new StripeBillingConfigError(`configured Stripe meter ${configured} does not exist`);
      throw err;
    }
    if (meter.event_name !== eventName) {
      throw new StripeBillingConfigError(`configured meter ${configured} has event_name ${meter.event_name}, expected ${eventName}`);
    }
  } else {
    for await (const m of stripe.billing.meters.list({ limit: 100 })) {
      if (m.event_name === eventName) {
        meter = m;
        break;
      }
    }
  }
  if (meter) {
    if (meter.default_aggregation.formula !== 'sum') {
      throw new StripeBillingConfigError(`meter ${meter.id} (${eventName}) aggregates with ${meter.default_aggregation.formula}, expected sum`);
    }
    if (meter.status !== 'active') {
      meter = await stripe.billing.meters.reactivate(meter.id, {}, { idempotencyKey: idempotencyKeyFor('meter-reactivate', meter.id, String(meter.updated)) });
      changes.push(`reactivated meter ${meter.id} (${eventName})`);
    }
    return meter.id;
  }
  // event_name is unique per account, so the key may be too: two booting processes get one meter.
  const created = await stripe.billing.meters.create(
    {
      display_name: displayName,
      event_name: eventName,
      default_aggregation: { formula: 'sum' },
      customer_mapping: { type: 'by_id', event_payload_key: 'stripe_customer_id' },
      value_settings: { event_payload_key: 'value' },
    },
    { idempotencyKey: idempotencyKeyFor('meter', eventName) },
  );
  changes.push(`created meter ${created.id} (${eventName})`);
  return created.id;
}

function priceMatches(price: Stripe.Price, meterId: string, unitAmountDecimal: string): boolean {
  const rec = price.recurring;
  return (
    price.active &&
    price.currency === 'usd' &&
    rec !== null &&
    rec.usage_type === 'metered' &&
    rec.meter === meterId &&
    price.unit_amount_decimal !== null &&
    price.unit_amount_decimal.eq(Stripe.Decimal.from(unitAmountDecimal))
  );
}

async function ensurePrice(
  stripe: StripeClient,
  spec: { productId: string; meterId: string; unitAmountDecimal: string; lookupKey: string; nickname: string },
  configured: string | undefined,
  changes: string[],
): Promise<string> {
  if (configured) {
    let price: Stripe.Price;
    try {
      price = await stripe.prices.retrieve(configured);
    } catch (err) {
      if (isMissing(err)) throw new StripeBillingConfigError(`configured Stripe price ${configured} does not exist`);
      throw err;
    }
    if (!priceMatches(price, spec.meterId, spec.unitAmountDecimal)) {
      throw new StripeBillingConfigError(
        `configured price ${configured} is not an active usd metered price of ${spec.unitAmountDecimal} cents on meter ${spec.meterId}`,
      );
    }
    return price.id;
  }
  const found = await stripe.prices.list({ lookup_keys: [spec.lookupKey], active: true, limit: 10 });
  const existing = found.data[0];
  if (existing && priceMatches(existing, spec.meterId, spec.unitAmountDecimal)) return existing.id;
  // No price, or the lookup key points at a price on another meter (the meter was replaced): make
  // a new one and move the key to it. Prices are immutable, so this is the only way to change one.
  const created = await stripe.prices.create(
    {
      currency: 'usd',
      product: spec.productId,
      nickname: spec.nickname,
      lookup_key: spec.lookupKey,
      transfer_lookup_key: existing !== undefined,
      billing_scheme: 'per_unit',
      unit_amount_decimal: Stripe.Decimal.from(spec.unitAmountDecimal),
      recurring: { interval: 'month', usage_type: 'metered', meter: spec.meterId },
      metadata: { tollgate_role: spec.lookupKey },
    },
    { idempotencyKey: idempotencyKeyFor('price', spec.lookupKey, spec.meterId) },
  );
  changes.push(`created price ${created.id} (${spec.lookupKey})`);
  return created.id;
}

export async function bootstrapStripeBilling(
  stripe: StripeClient,
  opts: BootstrapStripeBillingOptions,
): Promise<BootstrapStripeBillingResult> {
  validateFeePlan(opts.feePlan);
  const cfg = opts.configuredIds ?? {};
  const changes: string[] = [];
  const productId = await ensureProduct(stripe, cfg.productId, opts.productName ?? 'Tollgate usage', changes);
  const tokensMeterId = await ensureMeter(stripe, TOKENS_METER_EVENT_NAME, 'Tollgate tokens', cfg.tokensMeterId, changes);
  const markupMeterId = await ensureMeter(stripe, MARKUP_METER_EVENT_NAME, 'Tollgate markup (micro-USD)', cfg.markupMeterId, changes);

  const fee = opts.feePlan.feeMicroUsdPerMTok;
  const tokensPriceId =
    fee > 0n
      ? await ensurePrice(
          stripe,
          {
            productId,
            meterId: tokensMeterId,
            unitAmountDecimal: feePerTokenCentsDecimal(fee),
            lookupKey: tokensPriceLookupKey(fee),
            nickname: `Tokens (${feePerTokenCentsDecimal(fee)} cents per token)`,
          },
          cfg.tokensPriceId ?? undefined,
          changes,
        )
      : null;
  const markupPriceId =
    opts.feePlan.markupBasisPoints > 0
      ? await ensurePrice(
          stripe,
          {
            productId,
            meterId: markupMeterId,
            unitAmountDecimal: MARKUP_UNIT_AMOUNT_DECIMAL,
            lookupKey: MARKUP_PRICE_LOOKUP_KEY,
            nickname: 'Markup on provider cost (per micro-USD)',
          },
          cfg.markupPriceId ?? undefined,
          changes,
        )
      : null;
  const ids: StripeBillingIds = { productId, tokensMeterId, markupMeterId, tokensPriceId, markupPriceId };
  return { ids, priceIds: [tokensPriceId, markupPriceId].filter((p): p is string => p !== null), changes };
}

// ------------------------------------------------------------------ customers and subscriptions

export interface EnsureCustomerAndSubscriptionOptions {
  teamId: string;
  teamName: string;
  email?: string;
  /** A customer id already stored for the team; adopted if it exists and is not another team's. */
  existingCustomerId?: string;
  /** Metered price ids the subscription must hold (bootstrap's `priceIds`). */
  prices: readonly string[];
  /** Stripe's default is charge_automatically; send_invoice needs daysUntilDue. */
  collectionMethod?: 'charge_automatically' | 'send_invoice';
  daysUntilDue?: number;
  /** How to find the team's customer without a stored id: Search API (default) or a full list scan. */
  customerLookup?: 'search' | 'list';
}

export interface EnsureCustomerAndSubscriptionResult {
  customerId: string;
  subscriptionId: string;
  createdCustomer: boolean;
  createdSubscription: boolean;
  /** Prices added to an existing subscription. */
  addedPriceIds: string[];
  /**
   * Items on one of the wanted prices' meters but with another price (the fee changed). They are
   * left alone, and the wanted price is not added, so no meter is billed twice; migrate deliberately.
   */
  conflictingItems: Array<{ itemId: string; priceId: string; meterId: string }>;
}

const LIVE_SUBSCRIPTION_STATUSES = new Set(['active', 'trialing', 'past_due', 'unpaid', 'incomplete', 'paused']);

function searchLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

async function findTeamCustomer(
  stripe: StripeClient,
  opts: EnsureCustomerAndSubscriptionOptions,
): Promise<Stripe.Customer | undefined> {
  if (opts.existingCustomerId) {
    try {
      const c = await stripe.customers.retrieve(opts.existingCustomerId);
      if (!c.deleted) {
        const owner = c.metadata?.[TOLLGATE_TEAM_METADATA_KEY];
        if (owner && owner !== opts.teamId) {
          throw new StripeBillingConfigError(`Stripe customer ${c.id} belongs to team ${owner}, not ${opts.teamId}`);
        }
        if (!owner) {
          return stripe.customers.update(
            c.id,
            { metadata: { [TOLLGATE_TEAM_METADATA_KEY]: opts.teamId } },
            { idempotencyKey: idempotencyKeyFor('customer-adopt', opts.teamId, c.id) },
          );
        }
        return c;
      }
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }
  const candidates: Stripe.Customer[] = [];
  if ((opts.customerLookup ?? 'search') === 'search') {
    // Search is eventually consistent (about a minute); the create's idempotency key covers that gap.
    const res = await stripe.customers.search({
      query: `metadata['${TOLLGATE_TEAM_METADATA_KEY}']:${searchLiteral(opts.teamId)}`,
      limit: 10,
    });
    candidates.push(...res.data);
  } else {
    for await (const c of stripe.customers.list({ limit: 100 })) {
      if (c.metadata?.[TOLLGATE_TEAM_METADATA_KEY] === opts.teamId) candidates.push(c);
    }
  }
  // Several (created by hand?): always the oldest, so every run picks the same one.
  return candidates.sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1))[0];
}

async function findTeamSubscription(stripe: StripeClient, customerId: string, teamId: string): Promise<Stripe.Subscription | undefined> {
  const live: Stripe.Subscription[] = [];
  for await (const s of stripe.subscriptions.list({ customer: customerId, status: 'all', limit: 100 })) {
    if (LIVE_SUBSCRIPTION_STATUSES.has(s.status) && s.metadata?.[TOLLGATE_TEAM_METADATA_KEY] === teamId) live.push(s);
  }
  return live.sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1))[0];
}

export async function ensureCustomerAndSubscription(
  stripe: StripeClient,
  opts: EnsureCustomerAndSubscriptionOptions,
): Promise<EnsureCustomerAndSubscriptionResult> {
  if (!opts.teamId) throw new TypeError('ensureCustomerAndSubscription: teamId is required');
  const prices = [...new Set(opts.prices)].sort();
  if (prices.length === 0) throw new TypeError('ensureCustomerAndSubscription: at least one metered price is required');
  if (opts.collectionMethod === 'send_invoice' && opts.daysUntilDue === undefined) {
    throw new TypeError('ensureCustomerAndSubscription: send_invoice needs daysUntilDue');
  }

  let customer = await findTeamCustomer(stripe, opts);
  let createdCustomer = false;
  if (!customer) {
    const params: Stripe.CustomerCreateParams = {
      name: opts.teamName,
      metadata: { [TOLLGATE_TEAM_METADATA_KEY]: opts.teamId },
    };
    if (opts.email) params.email = opts.email;
    customer = await stripe.customers.create(params, { idempotencyKey: idempotencyKeyFor('customer', opts.teamId) });
    createdCustomer = true;
  }

  const wanted = await Promise.all(prices.map((id) => stripe.prices.retrieve(id)));
  for (const p of wanted) {
    if (p.recurring?.usage_type !== 'metered' || !p.recurring.meter) {
      throw new StripeBillingConfigError(`price ${p.id} is not a metered price; team subscriptions hold metered items only`);
    }
  }

  const existing = await findTeamSubscription(stripe, customer.id, opts.teamId);
  if (!existing) {
    const params: Stripe.SubscriptionCreateParams = {
      customer: customer.id,
      items: prices.map((price) => ({ price })),
      metadata: { [TOLLGATE_TEAM_METADATA_KEY]: opts.teamId },
    };
    if (opts.collectionMethod) params.collection_method = opts.collectionMethod;
    if (opts.daysUntilDue !== undefined) params.days_until_due = opts.daysUntilDue;
    const priceHash = createHash('sha256').update(prices.join(',')).digest('hex').slice(0, 16);
    const sub = await stripe.subscriptions.create(params, {
      idempotencyKey: idempotencyKeyFor('subscription', opts.teamId, customer.id, priceHash),
    });
    return {
      customerId: customer.id,
      subscriptionId: sub.id,
      createdCustomer,
      createdSubscription: true,
      addedPriceIds: [],
      conflictingItems: [],
    };
  }

  const items = existing.items.data;
  const addedPriceIds: string[] = [];
  const conflictingItems: EnsureCustomerAndSubscriptionResult['conflictingItems'] = [];
  for (const price of wanted) {
    if (items.some((it) => it.price.id === price.id)) continue;
    const meterId = price.recurring?.meter as string;
    const sameMeter = items.filter((it) => it.price.recurring?.meter === meterId);
    if (sameMeter.length > 0) {
      for (const it of sameMeter) conflictingItems.push({ itemId: it.id, priceId: it.price.id, meterId });
      continue;
    }
    await stripe.subscriptionItems.create(
      { subscription: existing.id, price: price.id },
      { idempotencyKey: idempotencyKeyFor('subscription-item', existing.id, price.id) },
    );
    addedPriceIds.push(price.id);
  }
  return {
    customerId: customer.id,
    subscriptionId: existing.id,
    createdCustomer,
    createdSubscription: false,
    addedPriceIds,
    conflictingItems,
  };
}
