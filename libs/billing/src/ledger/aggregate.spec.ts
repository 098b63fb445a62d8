import { addRow, emptyTotals, formatNanoUsd, groupBy, mergeTotals, sumUsage, toBigIntStrict } from './aggregate';
import type { AggregatableRow } from './aggregate';

type Row = AggregatableRow & { teamId: string; model: string; day: string };

const row = (r: Partial<Row>): Row => ({
  teamId: 't1',
  model: 'm1',
  day: '2026-07-01',
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  costNanoUsd: 0,
  feeNanoUsd: 0,
  ...r,
});

const rows: Row[] = [
  row({ inputTokens: 100, cachedInputTokens: 1000, outputTokens: 50, reasoningTokens: 20, costNanoUsd: 1234n, feeNanoUsd: 10n }),
  row({ model: 'm2', inputTokens: '200', cacheWriteTokens: 2048n, outputTokens: 6, costNanoUsd: '7806000', feeNanoUsd: '5' }),
  row({ teamId: 't2', inputTokens: 1n, outputTokens: 1n, costNanoUsd: 0n, feeNanoUsd: 0n, unpriced: true }),
  row({ day: '2026-07-02', inputTokens: 10, outputTokens: 10, costNanoUsd: 100, feeNanoUsd: 1, requests: 3 }),
];

describe('sumUsage', () => {
  it('is all zeros for no rows', () => {
    expect(sumUsage([])).toEqual(emptyTotals());
    expect(Object.values(emptyTotals()).every((v) => v === 0n)).toBe(true);
  });

  it('sums every class, cost, fee and requests (default 1 per row) from mixed integer types', () => {
    expect(sumUsage(rows)).toEqual({
      requests: 6n,
      unpricedRequests: 1n,
      inputTokens: 311n,
      cachedInputTokens: 1000n,
      cacheWriteTokens: 2048n,
      outputTokens: 67n,
      reasoningTokens: 20n,
      totalTokens: 311n + 1000n + 2048n + 67n, // reasoning is inside output, not added again
      costNanoUsd: 1234n + 7_806_000n + 100n,
      feeNanoUsd: 16n,
    });
  });

  it('accepts any Iterable (e.g. a generator)', () => {
    function* gen() {
      yield* rows;
    }
    expect(sumUsage(gen())).toEqual(sumUsage(rows));
  });

  it('is exact beyond 2^53 (Postgres bigint strings)', () => {
    const big = '9007199254740993'; // 2^53 + 1: not representable as a double
    const t = sumUsage([row({ costNanoUsd: big, inputTokens: big }), row({ costNanoUsd: big, inputTokens: big })]);
    expect(t.costNanoUsd).toBe(18_014_398_509_481_986n);
    expect(t.inputTokens).toBe(18_014_398_509_481_986n);
    const huge = 10n ** 30n;
    expect(sumUsage([row({ feeNanoUsd: huge }), row({ feeNanoUsd: 1n })]).feeNanoUsd).toBe(huge + 1n);
  });

  it('keeps negative money (correction rows)', () => {
    expect(sumUsage([row({ costNanoUsd: 100n }), row({ costNanoUsd: '-40', requests: 0 })])).toMatchObject({ costNanoUsd: 60n, requests: 1n });
  });

  it.each<[string, Partial<Row>]>([
    ['fractional number', { costNanoUsd: 1.5 }],
    ['decimal string', { feeNanoUsd: '1.5' }],
    ['exponent string', { inputTokens: '1e3' }],
    ['empty string', { outputTokens: '' }],
    ['NaN', { reasoningTokens: Number.NaN }],
    ['unsafe number', { costNanoUsd: 2 ** 53 }],
    ['null', { cachedInputTokens: null as unknown as number }],
    ['undefined', { cacheWriteTokens: undefined as unknown as number }],
  ])('rejects %s', (_name, patch) => {
    expect(() => sumUsage([row(patch)])).toThrow(TypeError);
  });
});

describe('groupBy', () => {
  it('totals per key in first-seen order', () => {
    const byTeam = groupBy(rows, (r) => r.teamId);
    expect([...byTeam.keys()]).toEqual(['t1', 't2']);
    expect(byTeam.get('t1')).toMatchObject({ requests: 5n, costNanoUsd: 7_807_334n, unpricedRequests: 0n });
    expect(byTeam.get('t2')).toMatchObject({ requests: 1n, costNanoUsd: 0n, unpricedRequests: 1n, totalTokens: 2n });
  });

  it('supports composite keys; groups merge back to the grand total', () => {
    const byTeamModelDay = groupBy(rows, (r) => `${r.teamId}|${r.model}|${r.day}`);
    expect(byTeamModelDay.size).toBe(4);
    const merged = [...byTeamModelDay.values()].reduce(mergeTotals, emptyTotals());
    expect(merged).toEqual(sumUsage(rows));
  });

  it('returns an empty map for no rows', () => {
    expect(groupBy([], () => 'x').size).toBe(0);
  });
});

describe('addRow / toBigIntStrict', () => {
  it('addRow mutates and returns the same totals object', () => {
    const t = emptyTotals();
    expect(addRow(t, rows[0])).toBe(t);
    expect(t.requests).toBe(1n);
  });

  it('toBigIntStrict', () => {
    expect(toBigIntStrict('-12', 'x')).toBe(-12n);
    expect(toBigIntStrict(12, 'x')).toBe(12n);
    expect(toBigIntStrict(12n, 'x')).toBe(12n);
    expect(() => toBigIntStrict(' 12', 'x')).toThrow(/x must be an integer/);
  });
});

describe('formatNanoUsd', () => {
  it.each<[bigint, string]>([
    [0n, '$0.00'],
    [1n, '$0.000000001'],
    [10n, '$0.00000001'],
    [123_000n, '$0.000123'],
    [127_200n, '$0.0001272'],
    [2_800n, '$0.0000028'],
    [10_000_000n, '$0.01'],
    [100_000_000n, '$0.10'],
    [120_000_000n, '$0.12'],
    [123_000_000n, '$0.123'],
    [1_000_000_000n, '$1.00'],
    [1_500_000_000n, '$1.50'],
    [1_234_567_891n, '$1.234567891'],
    [110_250_000_000_000_000n, '$110250000.00'],
    [10n ** 30n + 1n, '$1000000000000000000000.000000001'],
    [-5n, '-$0.000000005'],
    [-1_500_000_000n, '-$1.50'],
  ])('%s → %s', (n, s) => {
    expect(formatNanoUsd(n)).toBe(s);
  });

  it('rejects numbers', () => {
    expect(() => formatNanoUsd(5 as unknown as bigint)).toThrow(TypeError);
  });
});
