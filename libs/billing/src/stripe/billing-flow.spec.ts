import { buildMeterReports, type HourlyTeamUsage, type MeterReport } from '../invoicing/meter-reports';
import { computeFee } from '../pricing/fee';
import { startFakeStripe, type FakeStripe } from '../testing/fake-stripe';
import { bootstrapStripeBilling, ensureCustomerAndSubscription } from './bootstrap';
import { sendMeterEvent } from './send-meter-event';
import { createStripeClient, type StripeClient } from './stripe-client';

/**
 * The whole path with the real SDK: fee plan → Stripe objects → ledger rows → hourly aggregates →
 * meter reports → sends through 429s, 500s, resets, lost answers and a full re-run → Stripe's
 * totals match the ledger exactly.
 */
const PLAN = { feeMicroUsdPerMTok: 500_000n, markupBasisPoints: 750 }; // $0.50/MTok + 7.5 %
const H = 3600 * 1000;

describe('usage billing end to end (fake Stripe, real SDK)', () => {
  let fake: FakeStripe;
  let stripe: StripeClient;
  beforeAll(async () => {
    fake = await startFakeStripe();
    stripe = createStripeClient({ secretKey: 'sk_test_flow', host: fake.host, port: fake.port, protocol: 'http', timeoutMs: 1000 });
  });
  afterAll(async () => {
    await fake.close();
  });

  /** What a billing job does with an outbox of reports: send, keep the retryable ones, try again. */
  async function drain(outbox: MeterReport[]): Promise<{ attempts: number; fatal: MeterReport[] }> {
    let pending = [...outbox];
    const fatal: MeterReport[] = [];
    let attempts = 0;
    for (let round = 0; round < 10 && pending.length > 0; round++) {
      const next: MeterReport[] = [];
      for (const r of pending) {
        attempts += 1;
        const res = await sendMeterEvent(stripe, r);
        if (res.outcome === 'retry') next.push(r);
        else if (res.outcome === 'fatal') fatal.push(r);
      }
      pending = next;
    }
    expect(pending).toEqual([]);
    return { attempts, fatal };
  }

  it('bills exactly what the ledger says, whatever the network does', async () => {
    const boot = await bootstrapStripeBilling(stripe, { feePlan: PLAN });
    const teams = ['team-a', 'team-b'];
    const customerOf = new Map<string, string>();
    for (const teamId of teams) {
      const r = await ensureCustomerAndSubscription(stripe, { teamId, teamName: teamId, prices: boot.priceIds });
      customerOf.set(teamId, r.customerId);
    }

    // Ledger: requests over the last 8 closed hours, with awkward costs so markup has remainders.
    const now = new Date(Math.floor(Date.now() / H) * H + 5 * 60 * 1000);
    const firstHour = Math.floor(now.getTime() / H) * H - 8 * H;
    const hourly = new Map<string, HourlyTeamUsage>();
    const ledger = { tokens: new Map<string, bigint>(), markup: new Map<string, bigint>(), fee: new Map<string, bigint>(), requests: 0n };
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    for (let i = 0; i < 400; i++) {
      const teamId = teams[rand(2)] as string;
      const hourStart = firstHour + rand(9) * H; // the 9th hour is still open at `now`
      const tokens = BigInt(1 + rand(20_000));
      const costNanoUsd = BigInt(rand(3_000_000)) + 1n;
      const fee = computeFee({ totalTokens: tokens, costNanoUsd }, PLAN);
      const key = `${teamId}@${hourStart}`;
      const agg = hourly.get(key) ?? { teamId, hourStart: new Date(hourStart), totalTokens: 0n, markupNanoUsd: 0n };
      agg.totalTokens += tokens;
      agg.markupNanoUsd += fee.markupNanoUsd;
      hourly.set(key, agg);
      if (hourStart + H <= now.getTime()) {
        ledger.tokens.set(teamId, (ledger.tokens.get(teamId) ?? 0n) + tokens);
        ledger.markup.set(teamId, (ledger.markup.get(teamId) ?? 0n) + fee.markupNanoUsd);
        ledger.fee.set(teamId, (ledger.fee.get(teamId) ?? 0n) + fee.feeNanoUsd);
        ledger.requests += 1n;
      }
    }

    const batch = buildMeterReports([...hourly.values()], { now, customerIdForTeam: customerOf });
    expect(batch.tooOld).toEqual([]);
    expect(batch.unmappedTeams).toEqual([]);
    expect(batch.openHours.length).toBeGreaterThan(0);

    // Hostile network on the meter event endpoint only.
    fake.setFaults({ match: '/v1/billing/meter_events', nextStatuses: [429, 500, 503, 429], resetConnections: 3, dropResponses: 3, retryAfterSec: 1 });
    const first = await drain(batch.reports);
    expect(first.fatal).toEqual([]);
    expect(first.attempts).toBeGreaterThan(batch.reports.length);

    // A crash before the outbox was marked: the whole batch is sent again, a day later.
    fake.setFaults({});
    fake.forgetIdempotencyKeys();
    const rebuilt = buildMeterReports([...hourly.values()], { now, customerIdForTeam: customerOf });
    expect(rebuilt.reports).toEqual(batch.reports);
    const second = await drain(rebuilt.reports);
    expect(second).toEqual({ attempts: batch.reports.length, fatal: [] });

    expect(fake.state.meterEventErrors).toEqual([]);
    const start = firstHour / 1000;
    const end = start + 9 * 3600;
    let stripeNano = 0n;
    let ledgerNano = 0n;
    for (const teamId of teams) {
      const customer = customerOf.get(teamId) as string;
      const tokens = fake.state.meterTotals(boot.ids.tokensMeterId, customer);
      const markupMicro = fake.state.meterTotals(boot.ids.markupMeterId, customer);
      expect(tokens).toBe(ledger.tokens.get(teamId));
      const carry = batch.carry.get(teamId)?.markupNanoUsd ?? -1n;
      expect(markupMicro * 1000n + carry).toBe(ledger.markup.get(teamId));
      expect(carry >= 0n && carry < 1000n).toBe(true);
      // Stripe's own view (summaries) agrees with the ground truth.
      for (const [meterId, expected] of [[boot.ids.tokensMeterId, tokens], [boot.ids.markupMeterId, markupMicro]] as const) {
        const summary = await stripe.billing.meters.listEventSummaries(meterId, { customer, start_time: start, end_time: end });
        expect(BigInt(summary.data[0]?.aggregated_value ?? -1)).toBe(expected);
      }
      // tokens × µUSD/MTok = pico-USD → /1000 nano; markup meter is in µUSD.
      stripeNano += (tokens * PLAN.feeMicroUsdPerMTok) / 1000n + markupMicro * 1000n;
      ledgerNano += ledger.fee.get(teamId) ?? 0n;
    }
    // What Stripe will invoice differs from the ledger's fees only by per-request round-ups (< 1 nano
    // each) and the sub-micro-USD carry: never more than the ledger, never by a cent.
    expect(ledgerNano - stripeNano >= 0n).toBe(true);
    expect(ledgerNano - stripeNano < ledger.requests + 2n * 1000n).toBe(true);
  });
});
