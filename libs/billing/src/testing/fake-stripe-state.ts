import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';
import type { FormObject, FormValue } from './form-body';

/**
 * In-memory state of the fake Stripe API: the resources Tollgate's billing uses, with Stripe's
 * validation rules where our code depends on them (unique meter event_name, unique meter event
 * identifier, the 35-day/5-minute timestamp window, metered-only subscriptions, lookup_key
 * uniqueness). Responses are JSON shaped like Stripe's; errors use Stripe's `{ error: {...} }` body.
 */
type Json = Record<string, unknown>;

export const METER_EVENT_MAX_AGE_SEC = 35 * 24 * 3600;
export const METER_EVENT_MAX_FUTURE_SEC = 5 * 60;

export interface StripeErrorBody {
  type: 'invalid_request_error' | 'api_error' | 'idempotency_error' | 'card_error';
  message: string;
  code?: string;
  param?: string;
}

export class FakeStripeError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

export interface FakeMeterEvent {
  identifier: string;
  eventName: string;
  payload: Record<string, string>;
  /** Seconds since the epoch, as sent (or the receive time when omitted). */
  timestamp: number;
  created: number;
  /** False when the asynchronous validation failed (no meter, unknown customer, bad value). */
  accepted: boolean;
  errorCode?: string;
}

export interface FakeMeterEventError {
  identifier: string;
  eventName: string;
  code: 'no_meter' | 'meter_event_customer_not_found' | 'meter_event_no_customer_defined' | 'meter_event_invalid_value' | 'archived_meter';
  message: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: FormObject;
  body: FormObject;
  idempotencyKey?: string;
  /** Request headers, lower-cased names. */
  headers: Record<string, string>;
  /** HTTP status sent, or 'reset' / 'dropped' when the connection was cut. */
  outcome: number | 'reset' | 'dropped';
  replayed?: boolean;
}

export interface CreateInvoiceOptions {
  subscriptionId?: string;
  status?: 'draft' | 'open' | 'paid' | 'uncollectible' | 'void';
  amountDueCents?: number;
  amountPaidCents?: number;
  currency?: string;
  periodStart?: number;
  periodEnd?: number;
  hostedInvoiceUrl?: string | null;
}

function missing(resource: string, id: string): FakeStripeError {
  return new FakeStripeError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param: 'id',
    message: `No such ${resource}: '${id}'`,
  });
}

function invalid(message: string, param?: string, code?: string): FakeStripeError {
  const body: StripeErrorBody = { type: 'invalid_request_error', message };
  if (param !== undefined) body.param = param;
  if (code !== undefined) body.code = code;
  return new FakeStripeError(400, body);
}

function str(form: FormObject, key: string): string | undefined {
  const v = form[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalid(`Invalid string: ${key}`, key);
  return v;
}

function reqStr(form: FormObject, key: string): string {
  const v = str(form, key);
  if (v === undefined || v === '') throw invalid(`Missing required param: ${key}.`, key, 'parameter_missing');
  return v;
}

function obj(form: FormObject, key: string): FormObject | undefined {
  const v = form[key];
  if (v === undefined) return undefined;
  if (typeof v === 'string' || Array.isArray(v)) {
    if (v === '') return {};
    throw invalid(`Invalid object: ${key}`, key);
  }
  return v;
}

function arr(form: FormObject, key: string): FormValue[] {
  const v = form[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw invalid(`Invalid array: ${key}`, key);
  return v;
}

function intParam(form: FormObject, key: string, required: boolean): number | undefined {
  const v = str(form, key);
  if (v === undefined) {
    if (required) throw invalid(`Missing required param: ${key}.`, key, 'parameter_missing');
    return undefined;
  }
  if (!/^-?\d+$/.test(v)) throw invalid(`Invalid integer: ${v}`, key, 'parameter_invalid_integer');
  return Number(v);
}

function metadata(form: FormObject): Record<string, string> {
  const m = obj(form, 'metadata') ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v !== 'string') throw invalid(`Invalid metadata value for ${k}`, `metadata[${k}]`);
    if (v !== '') out[k] = v;
  }
  return out;
}

const DECIMAL_RE = /^\d+(\.\d{1,12})?$/;

function normaliseDecimal(value: string, param: string): string {
  if (!DECIMAL_RE.test(value)) {
    throw invalid(`Invalid decimal: ${value}. Must be a non-negative decimal with at most 12 decimal places.`, param);
  }
  let [int, frac = ''] = value.split('.') as [string, string?];
  int = int.replace(/^0+(?=\d)/, '');
  frac = frac.replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
}

export class FakeStripeState {
  readonly customers = new Map<string, Json>();
  readonly products = new Map<string, Json>();
  readonly prices = new Map<string, Json>();
  readonly meters = new Map<string, Json>();
  readonly subscriptions = new Map<string, Json>();
  readonly invoices = new Map<string, Json>();
  readonly meterEvents = new Map<string, FakeMeterEvent>();
  readonly meterEventErrors: FakeMeterEventError[] = [];
  readonly requests: RecordedRequest[] = [];
  private seq = 0;
  private readonly customerCreatedMs = new Map<string, number>();

  /**
   * @param searchLagMs Stripe's Search API is eventually consistent: customers younger than this
   *   are not found by /v1/customers/search yet (0 = immediately visible).
   */
  constructor(
    private readonly nowMs: () => number,
    private readonly searchLagMs = 0,
  ) {}

  nowSec(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  newId(prefix: string): string {
    this.seq += 1;
    return `${prefix}_${this.seq.toString(36).padStart(4, '0')}${randomBytes(6).toString('hex')}`;
  }

  /** Ground truth for end-to-end tests: the meter's aggregate over accepted events of one customer. */
  meterTotals(meterId: string, customerId: string, range: { startTime?: number; endTime?: number } = {}): bigint {
    const meter = this.meters.get(meterId);
    if (!meter) throw new Error(`fake-stripe: no meter ${meterId}`);
    return this.aggregate(meter, customerId, range.startTime ?? Number.MIN_SAFE_INTEGER, range.endTime ?? Number.MAX_SAFE_INTEGER);
  }

  /** Accepted events for one meter (and optionally one customer), oldest first. */
  acceptedEvents(meterId: string, customerId?: string): FakeMeterEvent[] {
    const meter = this.meters.get(meterId);
    if (!meter) throw new Error(`fake-stripe: no meter ${meterId}`);
    return [...this.meterEvents.values()].filter(
      (e) => e.accepted && this.eventMatches(meter, e, customerId),
    );
  }

  /** Simulates Stripe creating an invoice (e.g. at the end of a billing period). */
  createInvoice(customerId: string, opts: CreateInvoiceOptions = {}): Stripe.Invoice {
    if (!this.customers.has(customerId)) throw new Error(`fake-stripe: no customer ${customerId}`);
    const now = this.nowSec();
    const id = this.newId('in');
    const status = opts.status ?? 'draft';
    const amountDue = opts.amountDueCents ?? 0;
    const amountPaid = opts.amountPaidCents ?? (status === 'paid' ? amountDue : 0);
    const invoice: Json = {
      id,
      object: 'invoice',
      amount_due: amountDue,
      amount_paid: amountPaid,
      amount_remaining: Math.max(0, amountDue - amountPaid),
      attempt_count: 0,
      attempted: false,
      billing_reason: opts.subscriptionId ? 'subscription_cycle' : 'manual',
      collection_method: 'charge_automatically',
      created: now,
      currency: opts.currency ?? 'usd',
      customer: customerId,
      hosted_invoice_url: opts.hostedInvoiceUrl === undefined ? (status === 'draft' ? null : `https://invoice.stripe.test/i/${id}`) : opts.hostedInvoiceUrl,
      livemode: false,
      metadata: {},
      parent: opts.subscriptionId
        ? { type: 'subscription_details', subscription_details: { subscription: opts.subscriptionId, metadata: {} }, quote_details: null }
        : null,
      period_end: opts.periodEnd ?? now,
      period_start: opts.periodStart ?? now - 30 * 86400,
      status,
      subtotal: amountDue,
      total: amountDue,
    };
    this.invoices.set(id, invoice);
    return invoice as unknown as Stripe.Invoice;
  }

  updateInvoice(id: string, patch: Partial<Record<string, unknown>>): Stripe.Invoice {
    const inv = this.invoices.get(id);
    if (!inv) throw new Error(`fake-stripe: no invoice ${id}`);
    Object.assign(inv, patch);
    return inv as unknown as Stripe.Invoice;
  }

  /** An Event envelope as Stripe would POST it to a webhook endpoint (snapshot of `object`). */
  buildEvent(type: string, object: object): Stripe.Event {
    return {
      id: this.newId('evt'),
      object: 'event',
      api_version: '2026-10-28.endive',
      created: this.nowSec(),
      data: { object: structuredClone(object) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    } as unknown as Stripe.Event;
  }

  /** Routes one API call. Throws FakeStripeError for Stripe-style errors. */
  handle(method: string, path: string, query: FormObject, body: FormObject): { status: number; json: Json } {
    const seg = path.split('/').filter(Boolean); // ['v1', ...]
    if (seg[0] !== 'v1') throw this.unrecognized(method, path);
    const [, a, b, c, d] = seg;
    const n = seg.length;
    const ok = (json: Json) => ({ status: 200, json });
    if (a === 'customers') {
      if (n === 2 && method === 'POST') return ok(this.createCustomer(body));
      if (n === 2 && method === 'GET') return ok(this.listCustomers(query, path));
      if (n === 3 && b === 'search' && method === 'GET') return ok(this.searchCustomers(query, path));
      if (n === 3 && method === 'GET') return ok(this.getCustomer(b as string, true));
      if (n === 3 && method === 'POST') return ok(this.updateCustomer(b as string, body));
      if (n === 3 && method === 'DELETE') return ok(this.deleteCustomer(b as string));
    }
    if (a === 'products') {
      if (n === 2 && method === 'POST') return ok(this.createProduct(body));
      if (n === 2 && method === 'GET') return ok(this.page([...this.products.values()], query, path));
      if (n === 3 && method === 'GET') return ok(this.must(this.products, 'product', b as string));
    }
    if (a === 'prices') {
      if (n === 2 && method === 'POST') return ok(this.createPrice(body));
      if (n === 2 && method === 'GET') return ok(this.listPrices(query, path));
      if (n === 3 && method === 'GET') return ok(this.must(this.prices, 'price', b as string));
    }
    if (a === 'billing' && b === 'meters') {
      if (n === 3 && method === 'POST') return ok(this.createMeter(body));
      if (n === 3 && method === 'GET') return ok(this.listMeters(query, path));
      if (n === 4 && method === 'GET') return ok(this.must(this.meters, 'billing.meter', c as string));
      if (n === 5 && method === 'POST' && (d === 'deactivate' || d === 'reactivate')) {
        return ok(this.setMeterStatus(c as string, d === 'deactivate' ? 'inactive' : 'active'));
      }
      if (n === 5 && method === 'GET' && d === 'event_summaries') return ok(this.eventSummaries(c as string, query, path));
    }
    if (a === 'billing' && b === 'meter_events' && n === 3 && method === 'POST') return ok(this.createMeterEvent(body));
    if (a === 'subscriptions') {
      if (n === 2 && method === 'POST') return ok(this.createSubscription(body));
      if (n === 2 && method === 'GET') return ok(this.listSubscriptions(query, path));
      if (n === 3 && method === 'GET') return ok(this.must(this.subscriptions, 'subscription', b as string));
    }
    if (a === 'subscription_items' && n === 2 && method === 'POST') return ok(this.createSubscriptionItem(body));
    if (a === 'invoices') {
      if (n === 2 && method === 'GET') return ok(this.listInvoices(query, path));
      if (n === 3 && method === 'GET') return ok(this.must(this.invoices, 'invoice', b as string));
    }
    throw this.unrecognized(method, path);
  }

  // ---------------------------------------------------------------- helpers

  private unrecognized(method: string, path: string): FakeStripeError {
    return new FakeStripeError(404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${method}: ${path}).`,
    });
  }

  private must(map: Map<string, Json>, resource: string, id: string): Json {
    const v = map.get(id);
    if (!v) throw missing(resource, id);
    return v;
  }

  /** Stripe lists newest first; `limit` (default 10, max 100), `starting_after`, `ending_before`. */
  private page(items: Json[], query: FormObject, url: string): Json {
    const all = [...items].reverse();
    const limit = Math.min(100, Math.max(1, intParam(query, 'limit', false) ?? 10));
    const after = str(query, 'starting_after');
    const before = str(query, 'ending_before');
    let start = 0;
    let end = all.length;
    if (after) {
      const i = all.findIndex((x) => x['id'] === after);
      if (i < 0) throw missing('object', after);
      start = i + 1;
    } else if (before) {
      const i = all.findIndex((x) => x['id'] === before);
      if (i < 0) throw missing('object', before);
      end = i;
      start = Math.max(0, end - limit);
    }
    const data = all.slice(start, Math.min(end, start + limit));
    return { object: 'list', data, has_more: start + limit < end, url };
  }

  // ---------------------------------------------------------------- customers

  private createCustomer(body: FormObject): Json {
    const id = this.newId('cus');
    const c: Json = {
      id,
      object: 'customer',
      created: this.nowSec(),
      email: str(body, 'email') ?? null,
      name: str(body, 'name') ?? null,
      description: str(body, 'description') ?? null,
      metadata: metadata(body),
      livemode: false,
      currency: null,
      delinquent: false,
    };
    this.customers.set(id, c);
    this.customerCreatedMs.set(id, this.nowMs());
    return c;
  }

  private getCustomer(id: string, allowDeleted: boolean): Json {
    const c = this.must(this.customers, 'customer', id);
    if (c['deleted'] && !allowDeleted) throw missing('customer', id);
    return c['deleted'] ? { id, object: 'customer', deleted: true } : c;
  }

  private updateCustomer(id: string, body: FormObject): Json {
    const c = this.getCustomer(id, false);
    for (const key of ['email', 'name', 'description'] as const) {
      const v = str(body, key);
      if (v !== undefined) c[key] = v === '' ? null : v;
    }
    const m = obj(body, 'metadata');
    if (m) {
      const current = c['metadata'] as Record<string, string>;
      for (const [k, v] of Object.entries(m)) {
        if (typeof v !== 'string') throw invalid(`Invalid metadata value for ${k}`);
        if (v === '') delete current[k];
        else current[k] = v;
      }
    }
    return c;
  }

  private deleteCustomer(id: string): Json {
    const c = this.getCustomer(id, false);
    c['deleted'] = true;
    for (const s of this.subscriptions.values()) {
      if (s['customer'] === id) s['status'] = 'canceled';
    }
    return { id, object: 'customer', deleted: true };
  }

  private liveCustomers(): Json[] {
    return [...this.customers.values()].filter((c) => !c['deleted']);
  }

  private listCustomers(query: FormObject, url: string): Json {
    const email = str(query, 'email');
    return this.page(
      this.liveCustomers().filter((c) => email === undefined || c['email'] === email),
      query,
      url,
    );
  }

  /** Supports `metadata['k']:'v'`, `email:'v'`, `name:'v'` clauses joined by AND. */
  private searchCustomers(query: FormObject, url: string): Json {
    const q = reqStr(query, 'query');
    const clauses = q.split(/\s+AND\s+/i).map((clause) => {
      const m = /^\s*(?:metadata\[(['"])(.+?)\1\]|(email|name))\s*:\s*(['"])(.*)\4\s*$/.exec(clause);
      if (!m) throw invalid(`fake-stripe: unsupported search query clause: ${clause}`, 'query');
      return { metaKey: m[2], field: m[3], value: m[5] as string };
    });
    const indexedBefore = this.nowMs() - this.searchLagMs;
    const data = this.liveCustomers()
      .filter((c) => (this.customerCreatedMs.get(c['id'] as string) ?? 0) <= indexedBefore)
      .filter((c) =>
        clauses.every(({ metaKey, field, value }) =>
          metaKey !== undefined
            ? (c['metadata'] as Record<string, string>)[metaKey] === value
            : c[field as string] === value,
        ),
      )
      .reverse();
    const limit = Math.min(100, Math.max(1, intParam(query, 'limit', false) ?? 10));
    return { object: 'search_result', data: data.slice(0, limit), has_more: data.length > limit, next_page: null, url };
  }

  // ---------------------------------------------------------------- products & prices

  private createProduct(body: FormObject): Json {
    const id = str(body, 'id') ?? this.newId('prod');
    if (this.products.has(id)) {
      throw invalid(`Product already exists.`, 'id', 'resource_already_exists');
    }
    const p: Json = {
      id,
      object: 'product',
      active: true,
      created: this.nowSec(),
      name: reqStr(body, 'name'),
      description: str(body, 'description') ?? null,
      metadata: metadata(body),
      livemode: false,
      type: 'service',
    };
    this.products.set(id, p);
    return p;
  }

  private createPrice(body: FormObject): Json {
    const currency = reqStr(body, 'currency').toLowerCase();
    const product = reqStr(body, 'product');
    if (!this.products.has(product)) throw missing('product', product);
    const unitAmount = intParam(body, 'unit_amount', false);
    const unitDecimalRaw = str(body, 'unit_amount_decimal');
    if (unitAmount !== undefined && unitDecimalRaw !== undefined) {
      throw invalid('You may only specify one of these parameters: unit_amount, unit_amount_decimal.', 'unit_amount_decimal');
    }
    if (unitAmount === undefined && unitDecimalRaw === undefined) {
      throw invalid('Missing required param: unit_amount.', 'unit_amount', 'parameter_missing');
    }
    const unitDecimal = unitDecimalRaw !== undefined ? normaliseDecimal(unitDecimalRaw, 'unit_amount_decimal') : String(unitAmount);
    const rec = obj(body, 'recurring');
    let recurring: Json | null = null;
    if (rec) {
      const usageType = str(rec, 'usage_type') ?? 'licensed';
      const meter = str(rec, 'meter');
      if (usageType === 'metered') {
        if (!meter) throw invalid('Metered prices must reference a meter (recurring[meter]).', 'recurring[meter]');
        const m = this.meters.get(meter);
        if (!m) throw missing('billing.meter', meter);
        if (m['status'] !== 'active') throw invalid(`Meter ${meter} is not active.`, 'recurring[meter]');
      } else if (meter) {
        throw invalid('recurring[meter] requires recurring[usage_type]=metered.', 'recurring[meter]');
      }
      recurring = {
        interval: reqStr(rec, 'interval'),
        interval_count: intParam(rec, 'interval_count', false) ?? 1,
        meter: meter ?? null,
        usage_type: usageType,
        trial_period_days: null,
      };
    }
    const lookupKey = str(body, 'lookup_key') ?? null;
    if (lookupKey) {
      const holder = [...this.prices.values()].find((p) => p['lookup_key'] === lookupKey);
      if (holder) {
        if (str(body, 'transfer_lookup_key') !== 'true') {
          throw invalid(`A price (\`${String(holder['id'])}\`) already uses that lookup key.`, 'lookup_key');
        }
        holder['lookup_key'] = null;
      }
    }
    const id = this.newId('price');
    const price: Json = {
      id,
      object: 'price',
      active: true,
      billing_scheme: 'per_unit',
      created: this.nowSec(),
      currency,
      livemode: false,
      lookup_key: lookupKey,
      metadata: metadata(body),
      nickname: str(body, 'nickname') ?? null,
      product,
      recurring,
      tax_behavior: 'unspecified',
      tiers_mode: null,
      transform_quantity: null,
      type: recurring ? 'recurring' : 'one_time',
      unit_amount: unitAmount ?? (Number.isInteger(Number(unitDecimal)) ? Number(unitDecimal) : null),
      unit_amount_decimal: unitDecimal,
    };
    this.prices.set(id, price);
    return price;
  }

  private listPrices(query: FormObject, url: string): Json {
    const keys = arr(query, 'lookup_keys');
    const active = str(query, 'active');
    const product = str(query, 'product');
    return this.page(
      [...this.prices.values()].filter(
        (p) =>
          (keys.length === 0 || keys.includes(p['lookup_key'] as string)) &&
          (active === undefined || String(p['active']) === active) &&
          (product === undefined || p['product'] === product),
      ),
      query,
      url,
    );
  }

  // ---------------------------------------------------------------- meters

  private createMeter(body: FormObject): Json {
    const eventName = reqStr(body, 'event_name');
    if (eventName.length > 100) throw invalid('event_name must be at most 100 characters.', 'event_name');
    const displayName = reqStr(body, 'display_name');
    const agg = obj(body, 'default_aggregation');
    const formula = agg ? reqStr(agg, 'formula') : undefined;
    if (!formula) throw invalid('Missing required param: default_aggregation[formula].', 'default_aggregation[formula]', 'parameter_missing');
    if (!['sum', 'count', 'last'].includes(formula)) throw invalid(`Invalid formula: ${formula}`, 'default_aggregation[formula]');
    if ([...this.meters.values()].some((m) => m['event_name'] === eventName)) {
      throw invalid(`A meter with event_name \`${eventName}\` already exists.`, 'event_name', 'resource_already_exists');
    }
    const mapping = obj(body, 'customer_mapping');
    const value = obj(body, 'value_settings');
    const now = this.nowSec();
    const id = this.newId('mtr');
    const meter: Json = {
      id,
      object: 'billing.meter',
      created: now,
      customer_mapping: {
        event_payload_key: (mapping && str(mapping, 'event_payload_key')) ?? 'stripe_customer_id',
        type: (mapping && str(mapping, 'type')) ?? 'by_id',
      },
      default_aggregation: { formula },
      display_name: displayName,
      event_name: eventName,
      event_time_window: str(body, 'event_time_window') ?? null,
      livemode: false,
      status: 'active',
      status_transitions: { deactivated_at: null },
      updated: now,
      value_settings: { event_payload_key: (value && str(value, 'event_payload_key')) ?? 'value' },
    };
    this.meters.set(id, meter);
    return meter;
  }

  private listMeters(query: FormObject, url: string): Json {
    const status = str(query, 'status');
    return this.page(
      [...this.meters.values()].filter((m) => status === undefined || m['status'] === status),
      query,
      url,
    );
  }

  private setMeterStatus(id: string, status: 'active' | 'inactive'): Json {
    const m = this.must(this.meters, 'billing.meter', id);
    if (m['status'] === status) throw invalid(`Meter ${id} is already ${status}.`);
    m['status'] = status;
    m['updated'] = this.nowSec();
    m['status_transitions'] = { deactivated_at: status === 'inactive' ? this.nowSec() : null };
    return m;
  }

  private eventMatches(meter: Json, e: FakeMeterEvent, customerId?: string): boolean {
    if (e.eventName !== meter['event_name']) return false;
    if (customerId === undefined) return true;
    const key = (meter['customer_mapping'] as { event_payload_key: string }).event_payload_key;
    return e.payload[key] === customerId;
  }

  private aggregate(meter: Json, customerId: string, start: number, end: number): bigint {
    const key = (meter['value_settings'] as { event_payload_key: string }).event_payload_key;
    const events = [...this.meterEvents.values()].filter(
      (e) => e.accepted && this.eventMatches(meter, e, customerId) && e.timestamp >= start && e.timestamp < end,
    );
    const formula = (meter['default_aggregation'] as { formula: string }).formula;
    if (formula === 'count') return BigInt(events.length);
    if (formula === 'last') {
      const last = [...events].sort((x, y) => x.timestamp - y.timestamp || x.created - y.created).at(-1);
      return last ? BigInt(last.payload[key] as string) : 0n;
    }
    return events.reduce((s, e) => s + BigInt(e.payload[key] as string), 0n);
  }

  private eventSummaries(meterId: string, query: FormObject, url: string): Json {
    const meter = this.must(this.meters, 'billing.meter', meterId);
    const customer = reqStr(query, 'customer');
    const start = intParam(query, 'start_time', true) as number;
    const end = intParam(query, 'end_time', true) as number;
    const grouping = str(query, 'value_grouping_window');
    const step = grouping === undefined ? undefined : grouping === 'hour' ? 3600 : grouping === 'day' ? 86400 : -1;
    if (step === -1) throw invalid(`Invalid value_grouping_window: ${String(grouping)}`, 'value_grouping_window');
    const align = step ?? 60;
    for (const [name, t] of [['start_time', start], ['end_time', end]] as const) {
      if (t % align !== 0) {
        throw invalid(`${name} must be aligned to ${grouping ?? 'minute'} boundaries.`, name);
      }
    }
    if (end <= start) throw invalid('end_time must be after start_time.', 'end_time');
    const windows: Array<[number, number]> = [];
    if (step === undefined) windows.push([start, end]);
    else for (let t = start; t < end; t += step) windows.push([t, Math.min(end, t + step)]);
    const data = windows.map(([s, e]) => ({
      id: `mtrusg_${meterId.slice(4)}_${s}_${e}`,
      object: 'billing.meter_event_summary',
      aggregated_value: Number(this.aggregate(meter, customer, s, e)),
      end_time: e,
      livemode: false,
      meter: meterId,
      start_time: s,
    }));
    return this.page([...data].reverse(), query, url);
  }

  private createMeterEvent(body: FormObject): Json {
    const eventName = reqStr(body, 'event_name');
    const payloadForm = obj(body, 'payload');
    if (!payloadForm) throw invalid('Missing required param: payload.', 'payload', 'parameter_missing');
    const payload: Record<string, string> = {};
    for (const [k, v] of Object.entries(payloadForm)) {
      if (typeof v !== 'string') throw invalid(`Invalid payload value for ${k}`, `payload[${k}]`);
      payload[k] = v;
    }
    const now = this.nowSec();
    const timestamp = intParam(body, 'timestamp', false) ?? now;
    if (now - timestamp > METER_EVENT_MAX_AGE_SEC || timestamp - now > METER_EVENT_MAX_FUTURE_SEC) {
      throw invalid(
        'Timestamp must be within the past 35 calendar days or up to 5 minutes in the future.',
        'timestamp',
        'timestamp_out_of_range',
      );
    }
    const identifier = str(body, 'identifier') ?? this.newId('evtid');
    if (identifier.length > 100) throw invalid('identifier must be at most 100 characters.', 'identifier');
    if (this.meterEvents.has(identifier)) {
      throw invalid(`An event already exists with identifier ${identifier}.`, 'identifier');
    }
    const event: FakeMeterEvent = { identifier, eventName, payload, timestamp, created: now, accepted: true };
    // Stripe validates the rest asynchronously (v1.billing.meter.error_report_triggered): the call
    // succeeds and the event is simply not counted.
    const meter = [...this.meters.values()].find((m) => m['event_name'] === eventName);
    const fail = (code: FakeMeterEventError['code'], message: string) => {
      event.accepted = false;
      event.errorCode = code;
      this.meterEventErrors.push({ identifier, eventName, code, message });
    };
    if (!meter) fail('no_meter', `No active meter for event_name ${eventName}`);
    else if (meter['status'] !== 'active') fail('archived_meter', `Meter ${String(meter['id'])} is inactive`);
    else {
      const customerKey = (meter['customer_mapping'] as { event_payload_key: string }).event_payload_key;
      const valueKey = (meter['value_settings'] as { event_payload_key: string }).event_payload_key;
      const customerId = payload[customerKey];
      const value = payload[valueKey];
      if (!customerId) fail('meter_event_no_customer_defined', `payload[${customerKey}] missing`);
      else if (!this.customers.has(customerId) || this.customers.get(customerId)?.['deleted']) {
        fail('meter_event_customer_not_found', `No customer ${customerId}`);
      } else if (value === undefined || !/^\d+$/.test(value)) {
        fail('meter_event_invalid_value', `payload[${valueKey}] must be a whole number, got ${String(value)}`);
      }
    }
    this.meterEvents.set(identifier, event);
    return {
      object: 'billing.meter_event',
      created: now,
      event_name: eventName,
      identifier,
      livemode: false,
      payload,
      timestamp,
    };
  }

  // ---------------------------------------------------------------- subscriptions

  private meteredItem(subscriptionId: string, priceId: string, param: string): Json {
    const price = this.prices.get(priceId);
    if (!price) throw missing('price', priceId);
    if (!price['active']) throw invalid(`The price ${priceId} is not active.`, param);
    const rec = price['recurring'] as { usage_type: string } | null;
    if (!rec || rec.usage_type !== 'metered') {
      throw invalid(`fake-stripe supports metered prices only; ${priceId} is not metered.`, param);
    }
    const now = this.nowSec();
    return {
      id: this.newId('si'),
      object: 'subscription_item',
      created: now,
      current_period_start: now,
      current_period_end: now + 30 * 86400,
      metadata: {},
      price,
      subscription: subscriptionId,
    };
  }

  private createSubscription(body: FormObject): Json {
    const customer = reqStr(body, 'customer');
    this.getCustomer(customer, false);
    const items = arr(body, 'items');
    if (items.length === 0) throw invalid('Missing required param: items.', 'items', 'parameter_missing');
    const id = this.newId('sub');
    const seen = new Set<string>();
    const data = items.map((raw, i) => {
      if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid('Invalid items', `items[${i}]`);
      if (raw['quantity'] !== undefined) {
        throw invalid('Quantity should not be specified where usage_type is `metered`.', `items[${i}][quantity]`);
      }
      const priceId = reqStr(raw, 'price');
      if (seen.has(priceId)) throw invalid('Cannot add multiple subscription items with the same price.', `items[${i}][price]`);
      seen.add(priceId);
      return this.meteredItem(id, priceId, `items[${i}][price]`);
    });
    const now = this.nowSec();
    const collection = str(body, 'collection_method') ?? 'charge_automatically';
    const daysUntilDue = intParam(body, 'days_until_due', false) ?? null;
    if (collection === 'send_invoice' && daysUntilDue === null) {
      throw invalid('days_until_due is required when collection_method is send_invoice.', 'days_until_due');
    }
    const sub: Json = {
      id,
      object: 'subscription',
      billing_cycle_anchor: now,
      cancel_at_period_end: false,
      canceled_at: null,
      collection_method: collection,
      created: now,
      currency: (data[0]?.['price'] as Json | undefined)?.['currency'] ?? 'usd',
      customer,
      days_until_due: daysUntilDue,
      ended_at: null,
      items: { object: 'list', data, has_more: false, url: `/v1/subscription_items?subscription=${id}` },
      livemode: false,
      metadata: metadata(body),
      start_date: now,
      status: 'active',
    };
    this.subscriptions.set(id, sub);
    return sub;
  }

  private createSubscriptionItem(body: FormObject): Json {
    const subId = reqStr(body, 'subscription');
    const sub = this.must(this.subscriptions, 'subscription', subId);
    if (sub['status'] === 'canceled') throw invalid(`Subscription ${subId} is canceled.`, 'subscription');
    const priceId = reqStr(body, 'price');
    const items = (sub['items'] as { data: Json[] }).data;
    if (items.some((it) => (it['price'] as Json)['id'] === priceId)) {
      throw invalid('Cannot add multiple subscription items with the same price.', 'price');
    }
    const item = this.meteredItem(subId, priceId, 'price');
    items.push(item);
    return item;
  }

  private listSubscriptions(query: FormObject, url: string): Json {
    const customer = str(query, 'customer');
    const price = str(query, 'price');
    const status = str(query, 'status');
    return this.page(
      [...this.subscriptions.values()].filter(
        (s) =>
          (customer === undefined || s['customer'] === customer) &&
          (price === undefined || (s['items'] as { data: Json[] }).data.some((it) => (it['price'] as Json)['id'] === price)) &&
          (status === 'all' || (status === undefined ? s['status'] !== 'canceled' : s['status'] === status)),
      ),
      query,
      url,
    );
  }

  private listInvoices(query: FormObject, url: string): Json {
    const customer = str(query, 'customer');
    const status = str(query, 'status');
    const subscription = str(query, 'subscription');
    return this.page(
      [...this.invoices.values()].filter(
        (inv) =>
          (customer === undefined || inv['customer'] === customer) &&
          (status === undefined || inv['status'] === status) &&
          (subscription === undefined ||
            (inv['parent'] as { subscription_details?: { subscription?: string } } | null)?.subscription_details?.subscription === subscription),
      ),
      query,
      url,
    );
  }
}
