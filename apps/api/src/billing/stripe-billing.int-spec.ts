import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MARKUP_METER_EVENT_NAME, TOKENS_METER_EVENT_NAME, computeFee, createStripeClient, meterEventIdentifier } from '@tollgate/billing';
import { startFakeStripe, type FakeStripe } from '@tollgate/billing/testing';
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { startTestApp, type TestApp } from '../../../../test/support/app';
import { http } from '../../../../test/support/http';
import { login, signupOwner, type Session } from '../../../../test/support/tenants';
import { coreImports } from '../core.imports';
import { StripeBillingModule } from './billing.module';
import { BillingSetupService } from './billing-setup.service';
import { ADVISORY_NAMESPACE, FULL_LOOKBACK_MS, MeterOutboxService } from './meter-outbox.service';
import { ReconciliationService } from './reconciliation.service';

@Module({ imports: [...coreImports('worker'), StripeBillingModule] })
class BillingTestModule {}

const H = 3_600_000;
const PLAN = { feeMicroUsdPerMTok: 500_000n, markupBasisPoints: 1000 };
const OPERATOR = { email: 'operator-billing@example.test', password: 'operator-password-123' };

/**
 * A loopback proxy in front of the fake Stripe that counts meter event calls in flight per
 * (customer, event name): Stripe allows one at a time, and this is where we can watch it.
 */
interface Watch {
  url: string;
  server: Server;
  maxPerPair: number;
  maxOverall: number;
  reset(): void;
}

function startWatch(target: string): Promise<Watch> {
  const inflight = new Map<string, number>();
  let overall = 0;
  const watch = { url: '', maxPerPair: 0, maxOverall: 0 } as Watch;
  watch.reset = () => {
    watch.maxPerPair = 0;
    watch.maxOverall = 0;
  };
  const upstream = new URL(target);
  watch.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let key: string | undefined;
      if (req.method === 'POST' && req.url === '/v1/billing/meter_events') {
        const form = new URLSearchParams(body.toString());
        key = `${form.get('payload[stripe_customer_id]')}/${form.get('event_name')}`;
        inflight.set(key, (inflight.get(key) ?? 0) + 1);
        overall += 1;
        watch.maxPerPair = Math.max(watch.maxPerPair, inflight.get(key) ?? 0);
        watch.maxOverall = Math.max(watch.maxOverall, overall);
      }
      let settled = false;
      const done = () => {
        if (settled || !key) return;
        settled = true;
        inflight.set(key, (inflight.get(key) ?? 1) - 1);
        overall -= 1;
      };
      const up = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (ures) => {
        res.writeHead(ures.statusCode ?? 502, ures.headers);
        ures.pipe(res);
        ures.on('end', done);
      });
      up.on('error', () => {
        done();
        req.socket.destroy();
      });
      up.end(body);
    });
  });
  return new Promise((resolve) =>
    watch.server.listen(0, '127.0.0.1', () => {
      watch.url = `http://127.0.0.1:${(watch.server.address() as AddressInfo).port}`;
      resolve(watch);
    }),
  );
}

describe('Stripe usage-based invoicing (real Postgres and Redis, fake Stripe over HTTP, real stripe SDK)', () => {
  let fake: FakeStripe;
  let watch: Watch;
  let t: TestApp;
  let ctx: INestApplicationContext;
  let pg: Client;
  let setup: BillingSetupService;
  let outbox: MeterOutboxService;
  let reconciliation: ReconciliationService;
  let a: Session;
  let b: Session;
  let c: Session;
  const base = Math.floor(Date.now() / H) * H - 3 * H;
  let nextHour = base - 4 * H;
  /** A fresh closed hour for each scenario, walking back from `base`. */
  const freshHour = () => new Date((nextHour -= H));

  beforeAll(async () => {
    fake = await startFakeStripe();
    watch = await startWatch(fake.url);
    t = await startTestApp('stripebilling', {
      STRIPE_SECRET_KEY: 'sk_test_tollgate_int',
      STRIPE_WEBHOOK_SECRET: 'whsec_tollgate_int',
      STRIPE_API_BASE_URL: watch.url,
      STRIPE_TIMEOUT_MS: '400',
      STRIPE_REPORT_GRACE_SECONDS: '0',
      OPERATOR_EMAIL: OPERATOR.email,
      OPERATOR_PASSWORD: OPERATOR.password,
    });
    ctx = await NestFactory.createApplicationContext(BillingTestModule, { logger: false, abortOnError: false });
    await ctx.init();
    setup = ctx.get(BillingSetupService);
    outbox = ctx.get(MeterOutboxService);
    reconciliation = ctx.get(ReconciliationService);
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    await pg.query(`INSERT INTO fee_plans (team_id, effective_from, fee_micro_usd_per_mtok, markup_basis_points) VALUES (NULL, now() - interval '60 days', $1, $2)`, [PLAN.feeMicroUsdPerMTok.toString(), PLAN.markupBasisPoints]);
    a = await signupOwner(t.url, 'billa');
    b = await signupOwner(t.url, 'billb');
    c = await signupOwner(t.url, 'billc');
    // Team C pays no fee: nothing to bill, so it gets no Stripe customer.
    await pg.query(`INSERT INTO fee_plans (team_id, effective_from, fee_micro_usd_per_mtok, markup_basis_points) VALUES ($1, now() - interval '30 days', 0, 0)`, [c.teamId]);
  });

  afterAll(async () => {
    await pg?.end();
    await ctx?.close();
    await t?.close();
    await new Promise((r) => watch?.server.close(r));
    await fake?.close();
  });

  let seq = 0;
  /** One ledger row priced like LedgerWriter (computeFee under PLAN); returns fee tokens and markup. */
  async function ledgerRow(teamId: string, startedAt: Date, input = 1000, output = 250, costNanoUsd = 123_457n): Promise<{ tokens: bigint; markupNanoUsd: bigint }> {
    seq += 1;
    const tokens = BigInt(input + output);
    const fee = computeFee({ totalTokens: tokens, costNanoUsd }, PLAN);
    const id = randomUUID();
    await pg.query(
      `INSERT INTO usage_ledger (request_id, team_id, membership_id, user_id, api_key_id, provider, endpoint, requested_model, served_model, status,
                                 input_tokens, output_tokens, cost_nano_usd, fee_nano_usd, started_at, finished_at)
       VALUES ($1, $2, $3, $3, $3, 'openai', 'chat', 'gpt-4o-mini', 'gpt-4o-mini', 'success', $4, $5, $6, $7, $8, $8)`,
      [`req_billing_${seq}`, teamId, id, input, output, costNanoUsd.toString(), fee.feeNanoUsd.toString(), startedAt],
    );
    return { tokens, markupNanoUsd: fee.markupNanoUsd };
  }

  async function customerOf(teamId: string): Promise<string> {
    return (await pg.query(`SELECT customer_id FROM stripe_customers WHERE team_id = $1`, [teamId])).rows[0].customer_id;
  }

  async function meterId(kind: 'tokens' | 'markup'): Promise<string> {
    return (await pg.query(`SELECT meter_id FROM stripe_meters WHERE meter = $1`, [kind])).rows[0].meter_id;
  }

  async function reports(where = 'true', params: unknown[] = []): Promise<Array<Record<string, any>>> {
    return (await pg.query(`SELECT identifier, team_id, meter, hour_start, revision, value::text, status, attempts, next_attempt_at, last_error FROM stripe_meter_reports WHERE ${where} ORDER BY hour_start, meter, revision`, params)).rows;
  }

  const meterRequests = (identifier: string) => fake.state.requests.filter((r) => r.path === '/v1/billing/meter_events' && r.body['identifier'] === identifier);

  it('bootstrap: meters, metered prices, a customer and a usage-only subscription per billable team; a re-run and a lost local row create nothing', async () => {
    const first = await setup.run();
    expect(first.linkedTeams).toBe(2);
    expect(first.createdCustomers).toBe(2);
    expect(first.createdSubscriptions).toBe(2);
    expect(first.noFeeTeams).toEqual([c.teamId]);
    expect(first.failedTeams).toEqual([]);
    expect(fake.state.meters.size).toBe(2);
    expect(fake.state.prices.size).toBe(2);
    expect(fake.state.customers.size).toBe(2);
    expect(fake.state.subscriptions.size).toBe(2);
    for (const sub of fake.state.subscriptions.values()) {
      const items = (sub['items'] as { data: Array<{ price: { recurring: { usage_type: string; meter: string } } }> }).data;
      expect(items).toHaveLength(2);
      // Usage only: every item is metered, there is no fixed fee.
      expect(items.every((i) => i.price.recurring.usage_type === 'metered' && i.price.recurring.meter.startsWith('mtr_'))).toBe(true);
    }
    const meters = (await pg.query(`SELECT meter, meter_id, event_name FROM stripe_meters ORDER BY meter`)).rows;
    expect(meters.map((m) => [m.meter, m.event_name])).toEqual([
      ['markup', MARKUP_METER_EVENT_NAME],
      ['tokens', TOKENS_METER_EVENT_NAME],
    ]);
    const linked = (await pg.query(`SELECT team_id, customer_id, subscription_id FROM stripe_customers ORDER BY team_id`)).rows;
    expect(linked.map((r) => r.team_id).sort()).toEqual([a.teamId, b.teamId].sort());
    expect(linked.every((r) => fake.state.customers.has(r.customer_id) && fake.state.subscriptions.has(r.subscription_id))).toBe(true);

    const again = await setup.run();
    expect(again.changes).toEqual([]);
    expect([again.createdCustomers, again.createdSubscriptions, again.linkedTeams]).toEqual([0, 0, 2]);
    expect([fake.state.meters.size, fake.state.prices.size, fake.state.customers.size, fake.state.subscriptions.size]).toEqual([2, 2, 2, 2]);

    // Resumable: the local row of team A is gone (an interrupted run); the next run adopts A's customer.
    const before = await customerOf(a.teamId);
    await pg.query(`DELETE FROM stripe_customers WHERE team_id = $1`, [a.teamId]);
    const resumed = await setup.run({ onlyUnlinked: true });
    expect([resumed.linkedTeams, resumed.createdCustomers, resumed.createdSubscriptions]).toEqual([1, 0, 0]);
    expect(await customerOf(a.teamId)).toBe(before);
    expect([fake.state.customers.size, fake.state.subscriptions.size]).toEqual([2, 2]);
    // Nothing left to link: no Stripe call at all.
    const calls = fake.state.requests.length;
    await setup.run({ onlyUnlinked: true });
    expect(fake.state.requests.length).toBe(calls);
  });

  it('build + send: closed hours become outbox rows (identifier stored before any send); a late row becomes a delta revision; totals equal the ledger', async () => {
    const h1 = new Date(base);
    const h2 = new Date(base + H);
    const want = { tokens: 0n, markup: 0n };
    const add = (x: { tokens: bigint; markupNanoUsd: bigint }) => {
      want.tokens += x.tokens;
      want.markup += x.markupNanoUsd;
    };
    add(await ledgerRow(a.teamId, new Date(h1.getTime() + 5 * 60_000)));
    add(await ledgerRow(a.teamId, new Date(h1.getTime() + 59 * 60_000), 3333, 77, 999_999n));
    add(await ledgerRow(a.teamId, new Date(h2.getTime() + 1000), 10, 5, 1n));
    await ledgerRow(b.teamId, new Date(h1.getTime() + 60_000));
    // The current hour is still open: not built.
    await ledgerRow(a.teamId, new Date(Date.now()));
    const requestsBefore = fake.state.requests.length;

    const built = await outbox.build();
    // A: h1 tokens + markup, h2 tokens (its markup stays below one micro-USD and is carried); B: h1 tokens + markup.
    expect(built.reports).toBe(5);
    expect(fake.state.requests.length).toBe(requestsBefore);
    const rows = await reports();
    expect(rows.map((r) => r.identifier)).toContain(meterEventIdentifier(TOKENS_METER_EVENT_NAME, a.teamId, h1));
    expect(rows.every((r) => r.status === 'pending' && r.revision === 0)).toBe(true);
    expect(await outbox.build()).toEqual({ changedHours: 0, reports: 0, expired: 0 });

    const sent = await outbox.send();
    expect(sent).toMatchObject({ delivered: 5, retried: 0, failed: 0 });
    for (const r of await reports()) {
      expect(r.status).toBe('delivered');
      const reqs = meterRequests(r.identifier);
      expect(reqs).toHaveLength(1);
      expect(reqs[0].idempotencyKey).toBe(r.identifier);
      expect(reqs[0].body['timestamp']).toBe(String(r.hour_start.getTime() / 1000));
    }
    const customer = await customerOf(a.teamId);
    expect(fake.state.meterTotals(await meterId('tokens'), customer)).toBe(want.tokens);
    expect(fake.state.meterTotals(await meterId('markup'), customer)).toBe(want.markup / 1000n);

    // A late ledger row for the already-reported hour h1: reported as revision 1, nothing lost.
    add(await ledgerRow(a.teamId, new Date(h1.getTime() + 30 * 60_000), 400, 100, 5_000_000n));
    const late = await outbox.build();
    expect(late.changedHours).toBe(1);
    const delta = await reports('revision = 1');
    expect(delta.map((r) => r.identifier)).toContain(`${meterEventIdentifier(TOKENS_METER_EVENT_NAME, a.teamId, h1)}:r1`);
    expect(delta.find((r) => r.meter === 'tokens')?.value).toBe('500');
    await outbox.send();
    expect(fake.state.meterTotals(await meterId('tokens'), customer)).toBe(want.tokens);
    expect(fake.state.meterTotals(await meterId('markup'), customer)).toBe(want.markup / 1000n);
    const carry = (await pg.query(`SELECT carry_markup_nano_usd::text AS c FROM stripe_customers WHERE team_id = $1`, [a.teamId])).rows[0].c;
    expect(BigInt(carry)).toBe(want.markup % 1000n);
  });

  async function oneHourOfRows(): Promise<{ hour: Date; identifiers: string[] }> {
    const hour = freshHour();
    await ledgerRow(a.teamId, new Date(hour.getTime() + 60_000), 2000, 500, 4_000_000n);
    await outbox.build();
    const rows = await reports('hour_start = $1', [hour]);
    expect(rows).toHaveLength(2);
    return { hour, identifiers: rows.map((r) => r.identifier) };
  }

  it('429 then success: backs off at least Retry-After, retries with the same identifier and Idempotency-Key, counts once', async () => {
    const { identifiers } = await oneHourOfRows();
    fake.setFaults({ nextStatuses: [429], retryAfterSec: 7, match: '/v1/billing/meter_events' });
    const now = new Date();
    const first = await outbox.send({ now, parallel: 1 });
    expect(first.retried).toBe(1);
    const throttled = (await reports(`identifier = ANY($1) AND attempts = 1 AND status = 'pending'`, [identifiers]))[0];
    expect(throttled.last_error).toMatch(/rate_limited \(HTTP 429\)/);
    expect(throttled.next_attempt_at.getTime()).toBeGreaterThanOrEqual(now.getTime() + 7000);
    // Not due yet: nothing is sent for it.
    await outbox.send({ now });
    expect(meterRequests(throttled.identifier)).toHaveLength(1);
    await outbox.send({ now: new Date(now.getTime() + 8000) });
    const reqs = meterRequests(throttled.identifier);
    expect(reqs.map((r) => r.outcome)).toEqual([429, 200]);
    expect(reqs.map((r) => r.idempotencyKey)).toEqual([throttled.identifier, throttled.identifier]);
    expect((await reports('identifier = ANY($1)', [identifiers])).map((r) => r.status)).toEqual(['delivered', 'delivered']);
    expect(identifiers.map((id) => fake.state.meterEvents.has(id))).toEqual([true, true]);
  });

  it('500 and connection resets are retried later; nothing is counted twice', async () => {
    const { identifiers } = await oneHourOfRows();
    fake.setFaults({ nextStatuses: [500], match: '/v1/billing/meter_events' });
    const now = new Date();
    expect((await outbox.send({ now, parallel: 1 })).retried).toBe(1);
    expect((await reports(`identifier = ANY($1) AND status = 'pending'`, [identifiers]))[0].last_error).toMatch(/server_error \(HTTP 500\)/);
    fake.setFaults({ resetConnections: 10, match: '/v1/billing/meter_events' });
    const later = new Date(now.getTime() + 60_000);
    const reset = await outbox.send({ now: later, parallel: 1 });
    expect(reset.retried).toBeGreaterThanOrEqual(1);
    expect((await reports(`identifier = ANY($1) AND status = 'pending'`, [identifiers]))[0].last_error).toMatch(/connection/);
    fake.setFaults({});
    await outbox.send({ now: new Date(later.getTime() + 60 * 60_000) });
    expect((await reports('identifier = ANY($1)', [identifiers])).map((r) => r.status)).toEqual(['delivered', 'delivered']);
    expect(identifiers.map((id) => fake.state.meterEvents.has(id))).toEqual([true, true]);
  });

  it('a timeout after Stripe applied the event: the retry is replayed by the Idempotency-Key, counted once', async () => {
    const { identifiers } = await oneHourOfRows();
    fake.setFaults({ delayMs: 1200, match: '/v1/billing/meter_events' });
    const now = new Date();
    const res = await outbox.send({ now, parallel: 2 });
    expect(res.retried).toBe(2);
    // The fake applies both calls after its delay, though the client gave up at 400 ms.
    for (const id of identifiers) await waitUntil(() => fake.state.meterEvents.has(id));
    fake.setFaults({});
    await outbox.send({ now: new Date(now.getTime() + 60 * 60_000) });
    for (const id of identifiers) {
      const reqs = meterRequests(id);
      expect(reqs.at(-1)?.replayed).toBe(true);
      expect(reqs.every((r) => r.idempotencyKey === id)).toBe(true);
    }
    expect((await reports('identifier = ANY($1)', [identifiers])).map((r) => r.status)).toEqual(['delivered', 'delivered']);
    expect([...fake.state.meterEvents.keys()].filter((k) => identifiers.includes(k))).toHaveLength(2);
  });

  it('"an event already exists with identifier" (HTTP 400) counts as delivered', async () => {
    const { identifiers } = await oneHourOfRows();
    // Stripe applies the call but the response is lost; by the retry the idempotency key has expired.
    // (The SDK itself retries a dropped connection once: two drops per row.)
    fake.setFaults({ dropResponses: 4, match: '/v1/billing/meter_events' });
    const now = new Date();
    await outbox.send({ now, parallel: 2 });
    fake.setFaults({});
    fake.forgetIdempotencyKeys();
    const res = await outbox.send({ now: new Date(now.getTime() + 60 * 60_000) });
    expect(res.alreadyDelivered).toBe(2);
    for (const r of await reports('identifier = ANY($1)', [identifiers])) {
      expect(r.status).toBe('delivered');
      expect(r.last_error).toMatch(/already had this identifier/);
      expect(meterRequests(r.identifier).at(-1)?.outcome).toBe(400);
    }
  });

  it('one call in flight per (customer, meter), even with two senders at once; other pairs proceed in parallel', async () => {
    const hours = [freshHour(), freshHour(), freshHour()];
    for (const h of hours) {
      await ledgerRow(a.teamId, new Date(h.getTime() + 1000), 100, 10, 2_000_000n);
      await ledgerRow(b.teamId, new Date(h.getTime() + 1000), 200, 20, 3_000_000n);
    }
    await outbox.build();
    const ids = (await reports(`hour_start = ANY($1)`, [hours])).map((r) => r.identifier);
    expect(ids).toHaveLength(12);
    fake.setFaults({ delayMs: 150, match: '/v1/billing/meter_events' });
    watch.reset();
    const [x, y] = await Promise.all([outbox.send({ parallel: 4 }), outbox.send({ parallel: 4 })]);
    fake.setFaults({});
    expect(watch.maxPerPair).toBe(1);
    expect(watch.maxOverall).toBeGreaterThan(1);
    expect(x.delivered + y.delivered).toBe(12);
    expect(ids.every((id) => meterRequests(id).length === 1)).toBe(true);

    // A pair whose lock is held elsewhere (another worker mid-call) is left alone.
    const h = await oneHourOfRows();
    const holder = new Client({ connectionString: t.db.url });
    await holder.connect();
    const customer = await customerOf(a.teamId);
    await holder.query(`SELECT pg_advisory_lock($1, hashtext($2))`, [ADVISORY_NAMESPACE, `${customer}/tokens`]);
    const blocked = await outbox.send();
    expect(blocked.busy).toBe(1);
    expect((await reports(`identifier = ANY($1) AND status = 'pending'`, [h.identifiers])).map((r) => r.meter)).toEqual(['tokens']);
    await holder.end();
    await outbox.send();
    expect((await reports(`identifier = ANY($1)`, [h.identifiers])).map((r) => r.status)).toEqual(['delivered', 'delivered']);
  });

  it('reconciliation: equal totals are ok; an event Stripe counted that the ledger has not shows as a mismatch (operator endpoint)', async () => {
    // Eleven minutes on (past the summaries' settling time; maybe into the next hour): the report job runs first.
    const later = new Date(Date.now() + 11 * 60_000);
    await outbox.build({ now: later });
    await outbox.send({ now: later });
    const first = await reconciliation.run({ now: later });
    expect(first.checked).toBeGreaterThanOrEqual(4);
    expect(first.mismatches).toBe(0);
    expect(first.pending).toBe(0);
    const rows = (await pg.query(`SELECT * FROM stripe_reconciliations`)).rows;
    expect(rows.every((r) => r.status === 'ok')).toBe(true);
    const tokensA = rows.find((r) => r.team_id === a.teamId && r.meter === 'tokens' && r.period_start.getTime() === Math.floor(base / 86_400_000) * 86_400_000);
    expect(tokensA.ledger_value).toBe(tokensA.stripe_value);

    // Someone (a second deployment, a script) sent an event for team B: Stripe now bills 5 tokens more.
    const direct = createStripeClient({ secretKey: 'sk_test_other', host: '127.0.0.1', port: fake.port, protocol: 'http' });
    await direct.billing.meterEvents.create({ event_name: TOKENS_METER_EVENT_NAME, identifier: 'not-from-tollgate-1', timestamp: Math.floor(base / 1000), payload: { stripe_customer_id: await customerOf(b.teamId), value: '5' } });
    const second = await reconciliation.run({ now: later });
    expect(second.mismatches).toBe(1);
    const mismatch = (await pg.query(`SELECT * FROM stripe_reconciliations WHERE status = 'mismatch'`)).rows;
    expect(mismatch).toHaveLength(1);
    expect([mismatch[0].team_id, mismatch[0].meter, mismatch[0].difference]).toEqual([b.teamId, 'tokens', '5']);
    const alerts = (await pg.query(`SELECT team_id, metadata FROM audit_events WHERE action = 'billing.reconciliation_mismatch'`)).rows;
    expect(alerts).toHaveLength(1);
    expect(alerts[0].team_id).toBe(b.teamId);
    // Unchanged on the next run: no second alert.
    await reconciliation.run({ now: later });
    expect((await pg.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'billing.reconciliation_mismatch'`)).rows[0].n).toBe(1);

    const op = await login(t.url, OPERATOR.email, OPERATOR.password);
    expect(op.status).toBe(200);
    const token = op.body.accessToken as string;
    const list = await http(t.url, 'GET', `/billing/reconciliations?filter=${encodeURIComponent(JSON.stringify({ status: 'mismatch' }))}`, { token });
    expect(list.status).toBe(200);
    expect(list.body).toEqual([expect.objectContaining({ teamId: b.teamId, teamName: 'billb team', meter: 'tokens', difference: '5', status: 'mismatch', stripeValue: expect.any(String), ledgerValue: expect.any(String) })]);
    expect(list.headers.get('content-range')).toBe('reconciliations 0-0/1');
    const bad = await http(t.url, 'GET', `/billing/reconciliations?filter=${encodeURIComponent(JSON.stringify({ status: 'bogus' }))}`, { token });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: { message: expect.stringContaining('filter.status'), type: 'invalid_request_error', code: 'invalid_request' } });
    const notJson = await http(t.url, 'GET', '/billing/reconciliations?filter=%7Bnope', { token });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request' });
    const owner = await http(t.url, 'GET', '/billing/reconciliations', { token: a.token, headers: { 'x-team-id': a.teamId } });
    expect(owner.status).toBe(403);
    expect(owner.body.error).toMatchObject({ code: 'forbidden' });
    const outboxList = await http(t.url, 'GET', `/billing/meter-reports?filter=${encodeURIComponent(JSON.stringify({ teamId: b.teamId, status: 'delivered' }))}`, { token });
    expect(outboxList.status).toBe(200);
    expect(outboxList.body.length).toBeGreaterThan(0);
    const outboxRows = outboxList.body as Array<{ teamId: string; teamName: string; hourStart: string }>;
    expect(new Set(outboxRows.map((r) => `${r.teamId} ${r.teamName}`))).toEqual(new Set([`${b.teamId} billb team`]));
    // newest hour first, as the page asks (the team name is joined after the page is cut, not before)
    expect(outboxRows.map((r) => r.hourStart)).toEqual([...outboxRows.map((r) => r.hourStart)].sort().reverse());
  });

  it("usage older than Stripe's window is never sent and raises an alert; so does a pending row that aged past it", async () => {
    const old = new Date(Math.floor((Date.now() - 36 * 86_400_000) / H) * H);
    await ledgerRow(a.teamId, new Date(old.getTime() + 1000));
    const built = await outbox.build({ lookbackMs: FULL_LOOKBACK_MS });
    expect(built.expired).toBe(2);
    const expired = await reports(`hour_start = $1`, [old]);
    expect(expired.map((r) => r.status)).toEqual(['expired', 'expired']);
    expect(expired.every((r) => meterRequests(r.identifier).length === 0)).toBe(true);
    const alerts = (await pg.query(`SELECT team_id, target_id, metadata FROM audit_events WHERE action = 'billing.meter_report_expired'`)).rows;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ team_id: a.teamId, metadata: expect.objectContaining({ reports: 2 }) });
    await outbox.send();
    expect(expired.every((r) => meterRequests(r.identifier).length === 0)).toBe(true);

    // Stripe unreachable for five weeks: a pending row is expired at send time, not sent.
    const { identifiers } = await oneHourOfRows();
    const res = await outbox.send({ now: new Date(Date.now() + 36 * 86_400_000) });
    expect(res.expired).toBe(2);
    expect((await reports('identifier = ANY($1)', [identifiers])).map((r) => r.status)).toEqual(['expired', 'expired']);
    expect(identifiers.every((id) => meterRequests(id).length === 0)).toBe(true);
    expect((await pg.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'billing.meter_report_expired'`)).rows[0].n).toBe(3);
  });
});

async function waitUntil(fn: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
