import {
  DEFAULT_REPORT_MAX_AGE_MS,
  MARKUP_METER_EVENT_NAME,
  TOKENS_METER_EVENT_NAME,
  buildMeterReports,
  hourKey,
  meterEventIdentifier,
  type HourlyTeamUsage,
  type MeterCarry,
} from './meter-reports';

const H = 3600 * 1000;
const T0 = Date.parse('2026-11-20T00:00:00Z');
const now = new Date(T0 + 48 * H);
const customers = new Map([
  ['team-a', 'cus_A'],
  ['team-b', 'cus_B'],
]);
const row = (teamId: string, hour: number, totalTokens: bigint, markupNanoUsd: bigint): HourlyTeamUsage => ({
  teamId,
  hourStart: new Date(T0 + hour * H),
  totalTokens,
  markupNanoUsd,
});

describe('meterEventIdentifier', () => {
  it('is deterministic, readable and at most 100 characters', () => {
    const id = meterEventIdentifier(MARKUP_METER_EVENT_NAME, 'team-a', new Date(T0 + 5 * H));
    expect(id).toBe('tg:tollgate_markup_micro_usd:team-a:2026-11-20T05Z');
    expect(meterEventIdentifier(MARKUP_METER_EVENT_NAME, 'team-a', new Date(T0 + 5 * H))).toBe(id);
    expect(meterEventIdentifier(TOKENS_METER_EVENT_NAME, 'team-a', new Date(T0 + 5 * H))).not.toBe(id);
    expect(meterEventIdentifier(MARKUP_METER_EVENT_NAME, 'team-a', new Date(T0 + 6 * H))).not.toBe(id);
    const uuid = '6f1c7d2e-8a4b-4c1d-9e2f-0123456789ab';
    expect(meterEventIdentifier(MARKUP_METER_EVENT_NAME, uuid, now).length).toBeLessThanOrEqual(100);
  });

  it('hashes identifiers that would exceed 100 characters, still deterministically', () => {
    const longTeam = 'x'.repeat(90);
    const id = meterEventIdentifier(TOKENS_METER_EVENT_NAME, longTeam, now);
    expect(id).toMatch(/^tg:[0-9a-f]{64}$/);
    expect(meterEventIdentifier(TOKENS_METER_EVENT_NAME, longTeam, now)).toBe(id);
    expect(meterEventIdentifier(TOKENS_METER_EVENT_NAME, `${longTeam}y`, now)).not.toBe(id);
  });

  it('gives a delta report (revision > 0) its own identifier for the same hour', () => {
    const hour = new Date(T0 + 5 * H);
    expect(meterEventIdentifier(TOKENS_METER_EVENT_NAME, 'team-a', hour, 0)).toBe('tg:tollgate_tokens:team-a:2026-11-20T05Z');
    expect(meterEventIdentifier(TOKENS_METER_EVENT_NAME, 'team-a', hour, 2)).toBe('tg:tollgate_tokens:team-a:2026-11-20T05Z:r2');
    const uuid = '6f1c7d2e-8a4b-4c1d-9e2f-0123456789ab';
    expect(meterEventIdentifier(MARKUP_METER_EVENT_NAME, uuid, hour, 99_999).length).toBeLessThanOrEqual(100);
    expect(() => meterEventIdentifier(TOKENS_METER_EVENT_NAME, 'team-a', hour, -1)).toThrow(RangeError);
    const batch = buildMeterReports([{ ...row('team-a', 0, 10n, 0n), revision: 3 }], { now, customerIdForTeam: new Map([['team-a', 'cus_a']]) });
    expect(batch.reports.map((r) => [r.identifier, r.revision, r.value])).toEqual([['tg:tollgate_tokens:team-a:2026-11-20T00Z:r3', 3, 10n]]);
  });

  it('formats the hour compactly in UTC', () => {
    expect(hourKey(new Date('2026-01-02T23:00:00Z'))).toBe('2026-01-02T23Z');
  });
});

describe('buildMeterReports', () => {
  it('reports tokens as-is and markup in whole micro-USD, carrying the nano remainder between hours', () => {
    const batch = buildMeterReports(
      [row('team-a', 0, 1000n, 1_500n), row('team-a', 1, 0n, 700n), row('team-a', 2, 5n, 300n)],
      { now, customerIdForTeam: customers },
    );
    const markup = batch.reports.filter((r) => r.meter === 'markup').map((r) => [hourKey(r.hourStart), r.value]);
    // 1500 → 1 µUSD (carry 500); 500+700 = 1200 → 1 (carry 200); 200+300 = 500 → 0 (carry 500).
    expect(markup).toEqual([
      ['2026-11-20T00Z', 1n],
      ['2026-11-20T01Z', 1n],
    ]);
    const tokens = batch.reports.filter((r) => r.meter === 'tokens').map((r) => [hourKey(r.hourStart), r.value]);
    expect(tokens).toEqual([
      ['2026-11-20T00Z', 1000n],
      ['2026-11-20T02Z', 5n],
    ]);
    expect(batch.carry.get('team-a')).toEqual({ tokens: 0n, markupNanoUsd: 500n });
    expect(batch.reports[0]).toEqual({
      identifier: 'tg:tollgate_tokens:team-a:2026-11-20T00Z',
      eventName: 'tollgate_tokens',
      customerId: 'cus_A',
      teamId: 'team-a',
      meter: 'tokens',
      hourStart: new Date(T0),
      revision: 0,
      value: 1000n,
      timestamp: T0 / 1000,
    });
  });

  it('continues from the previous batch carry, so splitting a run into batches changes nothing', () => {
    const rows = Array.from({ length: 30 }, (_, h) => row('team-a', h, BigInt(h * 7), BigInt(((h * 7919) % 2500) + 1)));
    const whole = buildMeterReports(rows, { now, customerIdForTeam: customers });
    const first = buildMeterReports(rows.slice(0, 11), { now, customerIdForTeam: customers });
    const second = buildMeterReports(rows.slice(11), { now, customerIdForTeam: customers, carry: first.carry });
    expect([...first.reports, ...second.reports]).toEqual(whole.reports);
    expect(second.carry).toEqual(whole.carry);
  });

  it('never loses value: reported micro-USD = floor((carry in + total nano) / 1000), carry stays below 1000', () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let trial = 0; trial < 50; trial++) {
      const rows = Array.from({ length: 40 }, (_, h) => row('team-b', h, 0n, BigInt(rand() % 5000)));
      const carryIn = BigInt(rand() % 1000);
      const batch = buildMeterReports(rows, {
        now,
        customerIdForTeam: customers,
        carry: new Map([['team-b', { tokens: 0n, markupNanoUsd: carryIn }]]),
      });
      const total = rows.reduce((s, r) => s + r.markupNanoUsd, carryIn);
      const reported = batch.reports.reduce((s, r) => s + r.value, 0n);
      const carry = batch.carry.get('team-b') as MeterCarry;
      expect(reported).toBe(total / 1000n);
      expect(reported * 1000n + carry.markupNanoUsd).toBe(total);
      expect(carry.markupNanoUsd >= 0n && carry.markupNanoUsd < 1000n).toBe(true);
    }
  });

  it('absorbs a negative (corrected) hour into the carry instead of reporting a negative value', () => {
    const batch = buildMeterReports(
      [row('team-a', 0, 100n, 5_000n), row('team-a', 1, -40n, -3_500n), row('team-a', 2, 50n, 2_000n), row('team-a', 3, 10n, 4_000n)],
      { now, customerIdForTeam: customers },
    );
    const values = (meter: string) => batch.reports.filter((r) => r.meter === meter).map((r) => [hourKey(r.hourStart).slice(11, 13), r.value]);
    // markup: 5 µUSD; −3.5 → carry −3500; −1500 → carry −1500; 2500 → 2 (carry 500)
    expect(values('markup')).toEqual([
      ['00', 5n],
      ['03', 2n],
    ]);
    // tokens: 100; −40 → carry −40; 10 → carry 10… → 10 reported at hour 2; 10 at hour 3
    expect(values('tokens')).toEqual([
      ['00', 100n],
      ['02', 10n],
      ['03', 10n],
    ]);
    expect(batch.carry.get('team-a')).toEqual({ tokens: 0n, markupNanoUsd: 500n });
    expect(batch.reports.every((r) => r.value > 0n)).toBe(true);
  });

  it('sorts by team and hour regardless of input order, and identifiers are stable across rebuilds', () => {
    const rows = [row('team-b', 3, 1n, 0n), row('team-a', 1, 2n, 0n), row('team-b', 0, 3n, 0n), row('team-a', 0, 4n, 0n)];
    const a = buildMeterReports(rows, { now, customerIdForTeam: customers });
    const b = buildMeterReports([...rows].reverse(), { now, customerIdForTeam: customers });
    expect(a).toEqual(b);
    expect(a.reports.map((r) => `${r.teamId}@${hourKey(r.hourStart).slice(11, 13)}`)).toEqual([
      'team-a@00',
      'team-a@01',
      'team-b@00',
      'team-b@03',
    ]);
    expect(new Set(a.reports.map((r) => r.identifier)).size).toBe(a.reports.length);
  });

  it('puts hours beyond the Stripe window in tooOld (still moving the carry) and leaves open hours alone', () => {
    const oldHour = -Math.ceil(DEFAULT_REPORT_MAX_AGE_MS / H) + 48 - 1; // relative to T0, just older than the cut-off
    const rows = [
      row('team-a', oldHour, 10n, 1_600n),
      row('team-a', 0, 10n, 600n),
      row('team-a', 47, 10n, 1_000n), // ends exactly at now: closed
      row('team-a', 48, 10n, 9_000n), // still running
    ];
    const batch = buildMeterReports(rows, { now, customerIdForTeam: customers });
    expect(batch.tooOld.map((r) => [r.meter, r.value])).toEqual([
      ['tokens', 10n],
      ['markup', 1n],
    ]);
    expect(batch.reports.filter((r) => r.meter === 'markup').map((r) => r.value)).toEqual([1n, 1n]); // 600+600, 200+1000
    expect(batch.openHours).toEqual([rows[3]]);
    expect(batch.carry.get('team-a')).toEqual({ tokens: 0n, markupNanoUsd: 200n });
    expect(batch.reports.every((r) => r.timestamp * 1000 >= now.getTime() - DEFAULT_REPORT_MAX_AGE_MS)).toBe(true);
  });

  it('skips teams without a Stripe customer without touching their carry', () => {
    const carry = new Map([['team-z', { tokens: 0n, markupNanoUsd: 999n }]]);
    const batch = buildMeterReports([row('team-z', 0, 10n, 10n), row('team-z', 1, 10n, 10n), row('team-a', 0, 1n, 0n)], {
      now,
      customerIdForTeam: (t) => customers.get(t),
      carry,
    });
    expect(batch.unmappedTeams).toEqual(['team-z']);
    expect(batch.reports.map((r) => r.teamId)).toEqual(['team-a']);
    expect(batch.carry.has('team-z')).toBe(false);
  });

  it('can disable a meter (fee plan without markup or without per-token fee)', () => {
    const rows = [row('team-a', 0, 10n, 5_000n)];
    expect(buildMeterReports(rows, { now, customerIdForTeam: customers, eventNames: { markup: null } }).reports.map((r) => r.meter)).toEqual(['tokens']);
    const custom = buildMeterReports(rows, { now, customerIdForTeam: customers, eventNames: { tokens: null, markup: 'm2' } });
    expect(custom.reports.map((r) => [r.eventName, r.identifier])).toEqual([['m2', 'tg:m2:team-a:2026-11-20T00Z']]);
  });

  it('rejects rows it cannot report correctly', () => {
    const opts = { now, customerIdForTeam: customers };
    expect(() => buildMeterReports([{ ...row('team-a', 0, 1n, 1n), hourStart: new Date(T0 + 60_000) }], opts)).toThrow(/not on a UTC hour/);
    expect(() => buildMeterReports([row('team-a', 0, 1n, 1n), row('team-a', 0, 2n, 2n)], opts)).toThrow(/two rows/);
    expect(() => buildMeterReports([{ ...row('team-a', 0, 1n, 1n), totalTokens: 1 as unknown as bigint }], opts)).toThrow(/bigint/);
    expect(() => buildMeterReports([], { ...opts, maxAgeMs: 36 * 24 * H })).toThrow(/maxAgeMs/);
    expect(() => buildMeterReports([], { ...opts, now: new Date('nope') })).toThrow(/now/);
  });
});
