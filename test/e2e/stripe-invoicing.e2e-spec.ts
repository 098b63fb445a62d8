import { startFakeStripe, type FakeStripe } from '@tollgate/billing/testing';
import { FakeUpstream, fakeUpstreamBaseUrls, startFakeUpstream } from '@tollgate/providers/testing';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { http } from '../support/http';
import { Stack, startStack, waitFor } from '../support/stack';
import { Session, as, createApiKey, signupOwner } from '../support/tenants';

const FEE_MICRO_USD_PER_MTOK = 500_000n;
const MARKUP_BASIS_POINTS = 1000;
const METER_EVENTS = '/v1/billing/meter_events';
const DIST_CLI = resolve(__dirname, '..', '..', 'dist/apps/api/src/cli.js');

/**
 * Gateway traffic → ledger → outbox → meter events in a fake Stripe (real SDK, over HTTP), with
 * timeouts whose calls Stripe applied anyway, the worker SIGKILLed while calls are in flight and
 * restarted, then 500/429/503 and connection resets, then late rows for hours already reported.
 * Stripe's totals must equal the ledger's fee totals to the unit: no double count, nothing missing.
 */
describe('Stripe invoicing end to end: API and worker processes, real Postgres and Redis, fake Stripe', () => {
  let stack: Stack;
  let upstream: FakeUpstream;
  let fake: FakeStripe;
  let pg: Client;
  const teams: Array<{ owner: Session; key: string; keyId: string }> = [];

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    fake = await startFakeStripe();
    stack = await startStack('stripee2e', {
      PROVIDER_BASE_URLS: JSON.stringify(fakeUpstreamBaseUrls(upstream.url)),
      GATEWAY_MAX_RETRIES: '0',
      STRIPE_SECRET_KEY: 'sk_test_tollgate_e2e',
      STRIPE_WEBHOOK_SECRET: 'whsec_tollgate_e2e',
      STRIPE_API_BASE_URL: fake.url,
      STRIPE_TIMEOUT_MS: '700',
      STRIPE_REPORT_INTERVAL_SECONDS: '1',
      STRIPE_REPORT_GRACE_SECONDS: '0',
    });
    pg = new Client({ connectionString: stack.db.url });
    await pg.connect();
    await pg.query(`INSERT INTO fee_plans (team_id, effective_from, fee_micro_usd_per_mtok, markup_basis_points) VALUES (NULL, now() - interval '60 days', $1, $2)`, [FEE_MICRO_USD_PER_MTOK.toString(), MARKUP_BASIS_POINTS]);
    await stack.startApi();
    const url = stack.apis[0].url;
    for (const label of ['stra', 'strb', 'strc']) {
      const owner = await signupOwner(url, label);
      for (const provider of ['openai', 'anthropic']) {
        await http(url, 'POST', '/provider-keys', { ...as(owner), body: { provider, label: provider, key: `sk-${provider}-${label}-1` } });
      }
      const key = await createApiKey(url, owner, { name: 'traffic' });
      teams.push({ owner, key: key.key, keyId: key.id });
    }
  });

  afterAll(async () => {
    await pg?.end();
    await stack?.stop();
    await fake?.close();
    await upstream?.close();
  });

  async function traffic(n: number, offset: number): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < n) {
          const i = offset + next++;
          const t = teams[i % teams.length];
          const stream = i % 2 === 0;
          const body: Record<string, unknown> = { model: i % 3 === 0 ? 'anthropic/claude-haiku-4-5' : 'openai/gpt-4o-mini', stream, messages: [{ role: 'user', content: `bill me ${i} ${'word '.repeat(i % 17)}` }] };
          if (stream) body.stream_options = { include_usage: true };
          const res = await http(stack.apis[0].url, 'POST', '/v1/chat/completions', { apiKey: t.key, body });
          expect(res.status).toBe(200);
        }
      }),
    );
    const total = offset + n;
    await waitFor(async () => (await pg.query(`SELECT count(*)::int AS n FROM usage_ledger`)).rows[0].n >= total, 60_000, `${total} ledger rows`);
  }

  /**
   * Time travel: moves rows of the current hour 3 to 8 hours back so their hours are closed and get
   * reported now. The append-only trigger guards the application; this test's session skips triggers.
   */
  async function closeTheirHours(): Promise<number> {
    await pg.query(`SET session_replication_role = replica`);
    const r = await pg.query(
      `UPDATE usage_ledger SET started_at = started_at - (3 + abs(hashtext(request_id)) % 6) * interval '1 hour',
                               finished_at = finished_at - (3 + abs(hashtext(request_id)) % 6) * interval '1 hour'
        WHERE started_at > now() - interval '2 hours'`,
    );
    await pg.query(`SET session_replication_role = origin`);
    return r.rowCount ?? 0;
  }

  /** What Stripe must hold per team, straight from the ledger rows (computeFee's split, see libs/billing fee.ts). */
  async function ledgerTotals(): Promise<Map<string, { tokens: bigint; markupNanoUsd: bigint; feeNanoUsd: bigint }>> {
    const rows = (await pg.query(`SELECT team_id, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, fee_nano_usd FROM usage_ledger`)).rows;
    const out = new Map<string, { tokens: bigint; markupNanoUsd: bigint; feeNanoUsd: bigint }>();
    for (const r of rows) {
      const cached = BigInt(r.cached_input_tokens);
      const write = BigInt(r.cache_write_tokens);
      let input = BigInt(r.input_tokens) - cached - write;
      if (input < 0n) input = 0n;
      const tokens = input + cached + write + BigInt(r.output_tokens);
      const pico = tokens * FEE_MICRO_USD_PER_MTOK;
      const tokenFee = (pico + 999n) / 1000n;
      const t = out.get(r.team_id) ?? { tokens: 0n, markupNanoUsd: 0n, feeNanoUsd: 0n };
      t.tokens += tokens;
      t.markupNanoUsd += BigInt(r.fee_nano_usd) - tokenFee;
      t.feeNanoUsd += BigInt(r.fee_nano_usd);
      out.set(r.team_id, t);
    }
    return out;
  }

  async function stripeIds(): Promise<{ tokens: string; markup: string; customers: Map<string, string> }> {
    const meters = (await pg.query(`SELECT meter, meter_id FROM stripe_meters`)).rows;
    const customers = (await pg.query(`SELECT team_id, customer_id FROM stripe_customers`)).rows;
    return {
      tokens: meters.find((m) => m.meter === 'tokens').meter_id,
      markup: meters.find((m) => m.meter === 'markup').meter_id,
      customers: new Map(customers.map((c) => [c.team_id, c.customer_id])),
    };
  }

  /** True when every team's Stripe totals equal the ledger (tokens exactly, markup in whole micro-USD). */
  async function stripeMatchesLedger(): Promise<boolean> {
    const want = await ledgerTotals();
    const ids = await stripeIds();
    for (const [teamId, w] of want) {
      const customer = ids.customers.get(teamId);
      if (!customer) return false;
      if (fake.state.meterTotals(ids.tokens, customer) !== w.tokens) return false;
      if (fake.state.meterTotals(ids.markup, customer) !== w.markupNanoUsd / 1000n) return false;
    }
    const [{ n }] = (await pg.query(`SELECT count(*)::int AS n FROM stripe_meter_reports WHERE status <> 'delivered'`)).rows;
    return n === 0;
  }

  it('billing:bootstrap links every team once; a second run changes nothing', async () => {
    // Asynchronous: the fake Stripe answers from this process.
    const cli = () =>
      new Promise<{ status: number | null; out: string }>((done) => {
        const p = spawn(process.execPath, [DIST_CLI, 'billing:bootstrap'], { env: { PATH: process.env.PATH ?? '', ...stack.env }, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.stderr.on('data', (d: Buffer) => (out += d.toString()));
        p.on('exit', (status) => done({ status, out }));
      });
    const first = await cli();
    expect(first.status).toBe(0);
    expect(first.out).toContain('billing:bootstrap: 3 teams linked (3 new customers, 3 new subscriptions), 0 without a fee');
    expect(first.out).toMatch(/created meter mtr_\w+ \(tollgate_tokens\)/);
    const second = await cli();
    expect(second.status).toBe(0);
    expect(second.out).toContain('billing:bootstrap: 3 teams linked (0 new customers, 0 new subscriptions), 0 without a fee');
    expect(second.out).toContain('billing:bootstrap: nothing to change');
    expect([fake.state.meters.size, fake.state.customers.size, fake.state.subscriptions.size]).toEqual([2, 3, 3]);
    stack.startWorker();
  });

  it('every fee unit in the ledger reaches Stripe exactly once, through timeouts, a killed worker, 500/429/503, resets and late rows', async () => {
    expect((await pg.query(`SELECT count(*)::int AS n FROM stripe_customers`)).rows[0].n).toBe(3);

    await traffic(150, 0);
    // Every meter event call now outlives the client's 700 ms timeout, and Stripe applies it anyway.
    fake.setFaults({ delayMs: 1500, match: METER_EVENTS });
    expect(await closeTheirHours()).toBe(150);
    const inFlight = () => fake.state.requests.filter((r) => r.path === METER_EVENTS && r.outcome === 0).length;
    await waitFor(async () => inFlight() >= 2, 30_000, 'meter event calls in flight');
    const killedWith = inFlight();
    const cutOff = fake.state.requests.filter((r) => r.path === METER_EVENTS && r.outcome === 0).map((r) => String(r.body['identifier']));
    stack.workers[0].child.kill('SIGKILL');
    await waitFor(async () => stack.workers[0].child.signalCode === 'SIGKILL', 5000, 'worker killed');
    expect(killedWith).toBeGreaterThanOrEqual(2);
    // Stripe finishes the calls of the dead worker: applied, but nobody heard the answer.
    const callsOf = (id: string) => fake.state.requests.filter((r) => r.path === METER_EVENTS && r.body['identifier'] === id);
    await waitFor(async () => cutOff.every((id) => callsOf(id)[0].outcome !== 0), 10_000, 'cut-off calls applied');
    expect(cutOff.every((id) => fake.state.meterEvents.has(id))).toBe(true);

    fake.setFaults({ nextStatuses: [500, 429, 503, 500], retryAfterSec: 1, match: METER_EVENTS });
    stack.startWorker();
    await waitFor(async () => fake.state.requests.filter((r) => r.path === METER_EVENTS && [500, 429, 503].includes(r.outcome as number)).length >= 4, 30_000, 'injected 500/429/503 consumed');
    fake.setFaults({ resetConnections: 3, match: METER_EVENTS });
    await waitFor(stripeMatchesLedger, 90_000, 'Stripe totals equal to the ledger after the first wave');
    fake.setFaults({});
    expect(fake.state.requests.some((r) => r.path === METER_EVENTS && r.outcome === 'reset')).toBe(true);
    // The new worker sent the cut-off calls again with the same identifier and key: Stripe replayed them.
    for (const id of cutOff) {
      const reqs = callsOf(id);
      expect(reqs.length).toBeGreaterThanOrEqual(2);
      expect(new Set(reqs.map((r) => r.idempotencyKey))).toEqual(new Set([id]));
      expect(reqs.some((r) => r.replayed)).toBe(true);
    }

    // Late rows: more traffic moved into hours that were already reported.
    const firstWaveEvents = fake.state.meterEvents.size;
    await traffic(60, 150);
    expect(await closeTheirHours()).toBe(60);
    await waitFor(async () => (await pg.query(`SELECT count(*)::int AS n FROM stripe_meter_reports WHERE revision > 0`)).rows[0].n > 0, 30_000, 'delta reports of late rows');
    await waitFor(stripeMatchesLedger, 90_000, 'Stripe totals equal to the ledger after the late rows');
    expect(fake.state.meterEvents.size).toBeGreaterThan(firstWaveEvents);

    // To the unit: per team, Stripe's amount in nano-USD (tokens × 500 + markup micro-USD × 1000)
    // plus the carried sub-micro-USD remainder is the ledger's fee total.
    const want = await ledgerTotals();
    const ids = await stripeIds();
    const carry = new Map((await pg.query(`SELECT team_id, carry_markup_nano_usd::text AS c FROM stripe_customers`)).rows.map((r) => [r.team_id, BigInt(r.c)]));
    for (const [teamId, w] of want) {
      const customer = ids.customers.get(teamId) as string;
      const stripeNano = fake.state.meterTotals(ids.tokens, customer) * (FEE_MICRO_USD_PER_MTOK / 1000n) + fake.state.meterTotals(ids.markup, customer) * 1000n;
      expect(stripeNano + (carry.get(teamId) ?? 0n)).toBe(w.feeNanoUsd);
    }
    // No double count: one accepted event per delivered outbox row, same identifiers, same values.
    const delivered = (await pg.query(`SELECT identifier, value::text AS value FROM stripe_meter_reports WHERE status = 'delivered'`)).rows;
    const accepted = [...fake.state.meterEvents.values()].filter((e) => e.accepted);
    expect(accepted.map((e) => e.identifier).sort()).toEqual(delivered.map((r) => r.identifier).sort());
    const valueOf = new Map(delivered.map((r) => [r.identifier, r.value]));
    expect(accepted.every((e) => e.payload['value'] === valueOf.get(e.identifier))).toBe(true);
    expect(fake.state.meterEventErrors).toEqual([]);
  });
});
