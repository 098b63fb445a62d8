import { ZERO_FEE_PLAN, computeFee, resolveFeePlan, validateFeePlan } from './fee';
import type { FeePlan, FeePlanRow } from './fee';
import { computeCost } from './cost';
import { loadSeedCatalog } from './catalog-csv';
import { totalTokens } from './tokens';

const plan = (feeMicroUsdPerMTok: bigint, markupBasisPoints: number): FeePlan => ({ feeMicroUsdPerMTok, markupBasisPoints });

describe('computeFee', () => {
  it('token fee only: $0.50 per MTok', () => {
    // 1e6 tokens × 500,000 µUSD/MTok = 5e11 pico = 5e8 nano = $0.50
    expect(computeFee({ totalTokens: 1_000_000, costNanoUsd: 123n }, plan(500_000n, 0))).toEqual({
      feeNanoUsd: 500_000_000n,
      tokenFeeNanoUsd: 500_000_000n,
      markupNanoUsd: 0n,
    });
    // 1 token = 500,000 pico = 500 nano
    expect(computeFee({ totalTokens: 1, costNanoUsd: 0n }, plan(500_000n, 0)).feeNanoUsd).toBe(500n);
    // 3 tokens × 1 µUSD/MTok = 3 pico → ceil → 1 nano
    expect(computeFee({ totalTokens: 3, costNanoUsd: 0n }, plan(1n, 0)).feeNanoUsd).toBe(1n);
  });

  it('markup only: 10 % (1000 bp) and 1000 % (the maximum)', () => {
    expect(computeFee({ totalTokens: 999, costNanoUsd: 1_000_000n }, plan(0n, 1000))).toEqual({
      feeNanoUsd: 100_000n,
      tokenFeeNanoUsd: 0n,
      markupNanoUsd: 100_000n,
    });
    expect(computeFee({ totalTokens: 0, costNanoUsd: 7n }, plan(0n, 1000)).feeNanoUsd).toBe(1n); // 0.7 → 1
    expect(computeFee({ totalTokens: 0, costNanoUsd: 7n }, plan(0n, 100_000)).feeNanoUsd).toBe(70n);
    expect(computeFee({ totalTokens: 0, costNanoUsd: 10_000n }, plan(0n, 1)).feeNanoUsd).toBe(1n); // 0.01 %
  });

  it('both: token fee plus 2.5 % markup', () => {
    // token: 1000 × 500,000 = 5e8 pico = 500,000 nano
    // markup: 1,234,567 × 250 / 10,000 = 30,864.175 nano
    // fee = ceil(530,864.175) = 530,865; markup part = 530,865 − 500,000 = 30,865
    expect(computeFee({ totalTokens: 1000, costNanoUsd: 1_234_567n }, plan(500_000n, 250))).toEqual({
      feeNanoUsd: 530_865n,
      tokenFeeNanoUsd: 500_000n,
      markupNanoUsd: 30_865n,
    });
  });

  it('rounds once: 0.5 nano token fee + 0.5 nano markup = 1 nano, not 2', () => {
    // 1 token × 500 µUSD/MTok = 500 pico = 0.5 nano; 5 nano × 10 % = 0.5 nano
    const r = computeFee({ totalTokens: 1, costNanoUsd: 5n }, plan(500n, 1000));
    expect(r).toEqual({ feeNanoUsd: 1n, tokenFeeNanoUsd: 1n, markupNanoUsd: 0n });
  });

  it('zero plan and zero usage cost nothing', () => {
    expect(computeFee({ totalTokens: 123_456, costNanoUsd: 999_999n }, ZERO_FEE_PLAN)).toEqual({ feeNanoUsd: 0n, tokenFeeNanoUsd: 0n, markupNanoUsd: 0n });
    expect(computeFee({ totalTokens: 0, costNanoUsd: 0n }, plan(500_000n, 1000)).feeNanoUsd).toBe(0n);
  });

  it('large numbers stay exact: 1e12 tokens at $1/MTok, markup 1000 % on $15M', () => {
    // 1e12 × 1e6 = 1e18 pico = 1e15 nano; 1.5e16 × 100000 / 10000 = 1.5e17
    const r = computeFee({ totalTokens: 1e12, costNanoUsd: 15_000_000_000_000_000n }, plan(1_000_000n, 100_000));
    expect(r).toEqual({ tokenFeeNanoUsd: 1_000_000_000_000_000n, markupNanoUsd: 150_000_000_000_000_000n, feeNanoUsd: 151_000_000_000_000_000n });
  });

  it('works with computeCost and totalTokens (Anthropic §8 example, $0.50/MTok + 5 %)', () => {
    const price = loadSeedCatalog().find((r) => r.model === 'claude-sonnet-4-6') ?? null;
    const u = { inputTokens: 12, cachedInputTokens: 0, cacheWriteTokens: 2048, outputTokens: 6, reasoningTokens: 0 };
    const { costNanoUsd } = computeCost(u, price); // 7,806,000
    // tokens 2066 × 500,000 = 1,033,000,000 pico = 1,033,000 nano; markup 7,806,000 × 5 % = 390,300
    expect(computeFee({ totalTokens: totalTokens(u), costNanoUsd }, plan(500_000n, 500))).toEqual({
      feeNanoUsd: 1_423_300n,
      tokenFeeNanoUsd: 1_033_000n,
      markupNanoUsd: 390_300n,
    });
  });

  it.each<[string, FeePlan]>([
    ['negative bp', plan(0n, -1)],
    ['bp over 100000', plan(0n, 100_001)],
    ['fractional bp', plan(0n, 1.5)],
    ['NaN bp', plan(0n, Number.NaN)],
    ['negative token fee', plan(-1n, 0)],
    ['number token fee', { feeMicroUsdPerMTok: 5 as unknown as bigint, markupBasisPoints: 0 }],
  ])('rejects a plan with %s', (_name, p) => {
    expect(() => validateFeePlan(p)).toThrow(RangeError);
    expect(() => computeFee({ totalTokens: 1, costNanoUsd: 1n }, p)).toThrow(RangeError);
  });

  it('rejects bad inputs', () => {
    expect(() => computeFee({ totalTokens: -1, costNanoUsd: 0n }, ZERO_FEE_PLAN)).toThrow(/totalTokens/);
    expect(() => computeFee({ totalTokens: 1.5, costNanoUsd: 0n }, ZERO_FEE_PLAN)).toThrow(/totalTokens/);
    expect(() => computeFee({ totalTokens: 1, costNanoUsd: -1n }, ZERO_FEE_PLAN)).toThrow(/costNanoUsd/);
    expect(() => computeFee({ totalTokens: 1, costNanoUsd: 5 as unknown as bigint }, ZERO_FEE_PLAN)).toThrow(/costNanoUsd/);
  });

  it('property: single rounding, parts add up, markup within bounds (3000 random cases)', () => {
    let a = 12345;
    const rand = () => {
      a = (Math.imul(a, 1103515245) + 12345) >>> 0;
      return a / 4294967296;
    };
    for (let i = 0; i < 3000; i++) {
      const tokens = BigInt(Math.floor(rand() * 1e12));
      const cost = BigInt(Math.floor(rand() * 1e15));
      const p = plan(BigInt(Math.floor(rand() * 10_000_000)), Math.floor(rand() * 100_001));
      const r = computeFee({ totalTokens: tokens, costNanoUsd: cost }, p);
      const numerator = tokens * p.feeMicroUsdPerMTok * 10n + cost * BigInt(p.markupBasisPoints); // in 1e-4 nano
      const ok =
        r.feeNanoUsd * 10_000n >= numerator &&
        r.feeNanoUsd * 10_000n < numerator + 10_000n &&
        r.tokenFeeNanoUsd + r.markupNanoUsd === r.feeNanoUsd &&
        r.tokenFeeNanoUsd * 1000n >= tokens * p.feeMicroUsdPerMTok &&
        r.tokenFeeNanoUsd * 1000n < tokens * p.feeMicroUsdPerMTok + 1000n &&
        r.markupNanoUsd >= 0n &&
        r.markupNanoUsd * 10_000n < cost * BigInt(p.markupBasisPoints) + 10_000n;
      if (!ok) throw new Error(`fee property failed at ${i}: ${tokens} ${cost} ${JSON.stringify({ ...p, feeMicroUsdPerMTok: String(p.feeMicroUsdPerMTok) })}`);
    }
  });
});

describe('resolveFeePlan', () => {
  const at = (iso: string) => new Date(iso);
  const rows: FeePlanRow[] = [
    { teamId: null, effectiveFrom: at('2026-01-01T00:00:00Z'), plan: plan(500_000n, 0) },
    { teamId: null, effectiveFrom: at('2026-07-01T00:00:00Z'), plan: plan(400_000n, 0) },
    { teamId: 'acme', effectiveFrom: at('2026-03-01T00:00:00Z'), plan: plan(0n, 1500) },
    { teamId: 'acme', effectiveFrom: at('2026-09-01T00:00:00Z'), plan: plan(100_000n, 1000) },
    { teamId: 'beta', effectiveFrom: at('2026-05-01T00:00:00Z'), plan: plan(1n, 1) },
  ];

  it('uses the latest default plan in effect for teams without an override', () => {
    expect(resolveFeePlan(rows, { teamId: 'other', at: at('2026-02-01T00:00:00Z') })).toEqual({
      feeMicroUsdPerMTok: 500_000n,
      markupBasisPoints: 0,
      layer: 'default',
      effectiveFrom: at('2026-01-01T00:00:00Z'),
    });
    expect(resolveFeePlan(rows, { at: at('2026-07-01T00:00:00Z') })?.feeMicroUsdPerMTok).toBe(400_000n);
    expect(resolveFeePlan(rows, { teamId: null, at: at('2026-12-01T00:00:00Z') })?.layer).toBe('default');
  });

  it('team override beats the default, by version', () => {
    expect(resolveFeePlan(rows, { teamId: 'acme', at: at('2026-02-28T23:59:59Z') })?.layer).toBe('default');
    expect(resolveFeePlan(rows, { teamId: 'acme', at: at('2026-03-01T00:00:00Z') })).toMatchObject({ layer: 'team', teamId: 'acme', markupBasisPoints: 1500 });
    expect(resolveFeePlan(rows, { teamId: 'acme', at: at('2026-08-01T00:00:00Z') })).toMatchObject({ layer: 'team', markupBasisPoints: 1500 });
    expect(resolveFeePlan(rows, { teamId: 'acme', at: at('2026-09-01T00:00:00Z') })).toMatchObject({ layer: 'team', feeMicroUsdPerMTok: 100_000n, markupBasisPoints: 1000 });
    expect(resolveFeePlan(rows, { teamId: 'beta', at: at('2026-06-01T00:00:00Z') })).toMatchObject({ teamId: 'beta', markupBasisPoints: 1 });
  });

  it('returns null when nothing is in effect', () => {
    expect(resolveFeePlan(rows, { teamId: 'acme', at: at('2025-01-01T00:00:00Z') })).toBeNull();
    expect(resolveFeePlan([], { at: at('2026-01-01T00:00:00Z') })).toBeNull();
  });

  it('rejects duplicates, invalid plans and invalid dates', () => {
    expect(() => resolveFeePlan([rows[0], { ...rows[0], plan: plan(1n, 0) }], { at: at('2026-02-01T00:00:00Z') })).toThrow(/two fee plans for team \(default\)/);
    expect(() => resolveFeePlan([{ ...rows[2], plan: plan(0n, -5) }], { at: at('2026-02-01T00:00:00Z') })).toThrow(RangeError);
    expect(() => resolveFeePlan([{ ...rows[2], effectiveFrom: new Date('x') }], { at: at('2026-02-01T00:00:00Z') })).toThrow(/invalid effectiveFrom/);
    expect(() => resolveFeePlan(rows, { at: new Date('x') })).toThrow(/valid Date/);
  });
});
