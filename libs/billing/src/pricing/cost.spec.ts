import { loadSeedCatalog } from './catalog-csv';
import { ceilDiv, computeCost } from './cost';
import { SEED_MODELS_CSV } from './data/models-csv';
import type { ModelPrice, TokenUsage } from './price.types';
import { normaliseTokenUsage, splitPromptTokens, totalTokens } from './tokens';
import { formatNanoUsd } from '../ledger/aggregate';

const seed = loadSeedCatalog();
const seedPrice = (provider: string, model: string): ModelPrice => {
  const row = seed.find((r) => r.provider === provider && r.model === model);
  if (!row) throw new Error(`missing ${provider}/${model}`);
  return row;
};
const usage = (u: Partial<TokenUsage>): TokenUsage => ({
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  ...u,
});

// Distinct rates so each class is identifiable: $1 in, $0.10 cached, $1.25 write, $5 out, $7 reasoning.
const allRates: ModelPrice = {
  provider: 'test',
  model: 'all-rates',
  inputMicroUsdPerMTok: 1_000_000n,
  cachedInputMicroUsdPerMTok: 100_000n,
  cacheWriteMicroUsdPerMTok: 1_250_000n,
  outputMicroUsdPerMTok: 5_000_000n,
  reasoningMicroUsdPerMTok: 7_000_000n,
  effectiveFrom: new Date(0),
};
const noOptionalRates: ModelPrice = {
  ...allRates,
  model: 'no-optional-rates',
  cachedInputMicroUsdPerMTok: null,
  cacheWriteMicroUsdPerMTok: null,
  reasoningMicroUsdPerMTok: null,
};

describe('computeCost: each token class', () => {
  // 1000 tokens × rate µUSD/MTok = pico-USD; /1000 = nano-USD.
  it.each<[string, Partial<TokenUsage>, bigint]>([
    ['input', { inputTokens: 1000 }, 1_000_000n],
    ['cachedInput', { cachedInputTokens: 1000 }, 100_000n],
    ['cacheWrite', { cacheWriteTokens: 1000 }, 1_250_000n],
    ['output (no reasoning)', { outputTokens: 1000 }, 5_000_000n],
    ['reasoning (all output was reasoning)', { outputTokens: 1000, reasoningTokens: 1000 }, 7_000_000n],
  ])('%s', (_name, u, expected) => {
    const r = computeCost(usage(u), allRates);
    expect(r.costNanoUsd).toBe(expected);
    expect(r.unpriced).toBe(false);
    expect(r.breakdown?.totalPicoUsd).toBe(expected * 1000n);
  });

  it('splits output into non-reasoning and reasoning lines when reasoning has its own price', () => {
    // 60 × $5 + 40 × $7 per MTok = 300,000,000 + 280,000,000 pico = 580,000 nano
    const r = computeCost(usage({ outputTokens: 100, reasoningTokens: 40 }), allRates);
    expect(r.costNanoUsd).toBe(580_000n);
    expect(r.breakdown?.lines.output).toEqual({ tokens: 60n, microUsdPerMTok: 5_000_000n, fallback: false, costPicoUsd: 300_000_000n });
    expect(r.breakdown?.lines.reasoning).toEqual({ tokens: 40n, microUsdPerMTok: 7_000_000n, fallback: false, costPicoUsd: 280_000_000n });
  });

  it('falls back: cache read/write → input price, reasoning → output price', () => {
    const r = computeCost(usage({ inputTokens: 10, cachedInputTokens: 20, cacheWriteTokens: 30, outputTokens: 100, reasoningTokens: 40 }), noOptionalRates);
    // (10+20+30) × $1 + 100 × $5 = 60,000,000 + 500,000,000 pico
    expect(r.costNanoUsd).toBe(560_000n);
    const lines = r.breakdown?.lines;
    expect(lines?.cachedInput).toMatchObject({ microUsdPerMTok: 1_000_000n, fallback: true });
    expect(lines?.cacheWrite).toMatchObject({ microUsdPerMTok: 1_000_000n, fallback: true });
    expect(lines?.reasoning).toMatchObject({ tokens: 40n, microUsdPerMTok: 5_000_000n, fallback: true });
    expect(lines?.input.fallback).toBe(false);
    // Reasoning priced as output == the same request with reasoning unreported.
    expect(computeCost(usage({ inputTokens: 10, cachedInputTokens: 20, cacheWriteTokens: 30, outputTokens: 100 }), noOptionalRates).costNanoUsd).toBe(560_000n);
  });

  it('all classes together add up', () => {
    const r = computeCost(usage({ inputTokens: 1000, cachedInputTokens: 1000, cacheWriteTokens: 1000, outputTokens: 2000, reasoningTokens: 1000 }), allRates);
    expect(r.costNanoUsd).toBe(1_000_000n + 100_000n + 1_250_000n + 5_000_000n + 7_000_000n);
  });
});

describe('computeCost: providers.md §8 examples worked by hand (no double counting of cache tokens)', () => {
  it('OpenAI gpt-4o-mini: prompt 1200 incl. 1024 cached, completion 40', () => {
    // §8: inputTokens = prompt_tokens − cached_tokens = 176. Rates $0.15 / $0.075 cached / $0.60 out.
    //   176 × 150,000 = 26,400,000 pico
    //  1024 ×  75,000 = 76,800,000 pico
    //    40 × 600,000 = 24,000,000 pico
    //   total 127,200,000 pico = 127,200 nano = $0.0001272
    const u = splitPromptTokens({ promptTokens: 1200, cachedInputTokens: 1024, cacheWriteTokens: 0, outputTokens: 40, reasoningTokens: 0 });
    expect(u.inputTokens).toBe(176n);
    const r = computeCost(u, seedPrice('openai', 'gpt-4o-mini'));
    expect(r.costNanoUsd).toBe(127_200n);
    expect(formatNanoUsd(r.costNanoUsd)).toBe('$0.0001272');
    // Passing prompt_tokens unsplit would bill the 1024 cached tokens twice (280,800 nano).
    expect(computeCost(usage({ inputTokens: 1200, cachedInputTokens: 1024, outputTokens: 40 }), seedPrice('openai', 'gpt-4o-mini')).costNanoUsd).toBe(280_800n);
  });

  it('Anthropic claude-sonnet-4-6: input 12, cache_creation 2048, cache_read 0, output 6', () => {
    // §8: input_tokens already excludes cache reads and writes, so it is used as is.
    // Rates $3 in / $3.75 5m-write / $0.30 read / $15 out.
    //    12 ×  3,000,000 =    36,000,000 pico
    //  2048 ×  3,750,000 = 7,680,000,000 pico
    //     6 × 15,000,000 =    90,000,000 pico
    //   total 7,806,000,000 pico = 7,806,000 nano = $0.007806
    const u = usage({ inputTokens: 12, cacheWriteTokens: 2048, outputTokens: 6 });
    const r = computeCost(u, seedPrice('anthropic', 'claude-sonnet-4-6'));
    expect(r.costNanoUsd).toBe(7_806_000n);
    expect(formatNanoUsd(r.costNanoUsd)).toBe('$0.007806');
    // cacheWrite (2048) > inputTokens (12) is normal for Anthropic and must not throw or clamp.
    // Total prompt tokens = 12 + 2048 + 0 = 2060; the writes are NOT also billed at the input rate
    // (that would add 2048 × 3,000,000 pico = 6,144,000 nano).
    expect(totalTokens(u)).toBe(2066n);
  });

  it('Anthropic with a cache read and thinking: input 50, read 10000, write 0, output 500 (thinking 300)', () => {
    // claude-opus-4-5: $5 in / $0.50 read / $25 out; thinking bills as output (no reasoning price).
    //     50 ×  5,000,000 =   250,000,000
    //  10000 ×    500,000 = 5,000,000,000
    //    500 × 25,000,000 = 12,500,000,000
    //   total 17,750,000,000 pico = 17,750,000 nano
    const r = computeCost(usage({ inputTokens: 50, cachedInputTokens: 10_000, outputTokens: 500, reasoningTokens: 300 }), seedPrice('anthropic', 'claude-opus-4-5'));
    expect(r.costNanoUsd).toBe(17_750_000n);
  });

  it('Gemini 2.5 Flash: prompt 1100 incl. 1024 cached, candidates 3, thoughts 30', () => {
    // §8: input = 1100 − 1024 = 76; output = candidates + thoughts = 33, reasoning 30 (inside output).
    // Rates $0.30 / $0.03 cached / $2.50 out.
    //    76 ×   300,000 = 22,800,000
    //  1024 ×    30,000 = 30,720,000
    //    33 × 2,500,000 = 82,500,000
    //   total 136,020,000 pico = 136,020 nano
    const u = splitPromptTokens({ promptTokens: 1100, cachedInputTokens: 1024, cacheWriteTokens: 0, outputTokens: 3 + 30, reasoningTokens: 30 });
    expect(computeCost(u, seedPrice('gemini', 'gemini-2.5-flash')).costNanoUsd).toBe(136_020n);
  });

  it('DeepSeek v4-flash: cache hit 1000, miss 24, completion 10 (sub-nano cache price)', () => {
    // 1000 × 2,800 = 2,800,000; 24 × 140,000 = 3,360,000; 10 × 280,000 = 2,800,000 → 8,960,000 pico
    expect(
      computeCost(usage({ inputTokens: 24, cachedInputTokens: 1000, outputTokens: 10 }), seedPrice('deepseek', 'deepseek-v4-flash')).costNanoUsd,
    ).toBe(8_960n);
  });

  it('OpenAI gpt-5.6 with cache writes: prompt 5000 = 1000 uncached + 3000 read + 1000 written', () => {
    // $5 in / $0.50 read / $6.25 write / $30 out, output 0.
    // 1000×5,000,000 + 3000×500,000 + 1000×6,250,000 = 5e9 + 1.5e9 + 6.25e9 = 12.75e9 pico
    const u = splitPromptTokens({ promptTokens: 5000, cachedInputTokens: 3000, cacheWriteTokens: 1000, outputTokens: 0, reasoningTokens: 0 });
    expect(u.inputTokens).toBe(1000n);
    expect(computeCost(u, seedPrice('openai', 'gpt-5.6')).costNanoUsd).toBe(12_750_000n);
  });
});

describe('computeCost: rounding (ceil, once, on the summed request)', () => {
  const perPico: ModelPrice = { ...noOptionalRates, inputMicroUsdPerMTok: 1n, outputMicroUsdPerMTok: 1n, cachedInputMicroUsdPerMTok: 1n };

  it.each<[number, bigint]>([
    [0, 0n],
    [1, 1n], // 1 pico → 1 nano
    [999, 1n],
    [1000, 1n],
    [1001, 2n],
    [1999, 2n],
    [2000, 2n],
  ])('%i pico-USD → %s nano-USD', (pico, nano) => {
    expect(computeCost(usage({ inputTokens: pico }), perPico).costNanoUsd).toBe(nano);
  });

  it('rounds once: three 1-pico lines cost 1 nano, not 3', () => {
    const r = computeCost(usage({ inputTokens: 1, cachedInputTokens: 1, outputTokens: 1 }), perPico);
    expect(r.breakdown?.totalPicoUsd).toBe(3n);
    expect(r.costNanoUsd).toBe(1n);
  });

  it('one DeepSeek cached token (2.8 nano) costs 3 nano', () => {
    expect(computeCost(usage({ cachedInputTokens: 1 }), seedPrice('deepseek', 'deepseek-v4-flash')).costNanoUsd).toBe(3n);
  });

  it('ceilDiv guards its inputs', () => {
    expect(ceilDiv(0n, 7n)).toBe(0n);
    expect(ceilDiv(7n, 7n)).toBe(1n);
    expect(ceilDiv(8n, 7n)).toBe(2n);
    expect(() => ceilDiv(-1n, 7n)).toThrow(RangeError);
    expect(() => ceilDiv(1n, 0n)).toThrow(RangeError);
  });
});

describe('computeCost: guards', () => {
  it.each<[string, Partial<TokenUsage>, RegExp]>([
    ['negative number', { inputTokens: -1 }, /inputTokens must not be negative/],
    ['negative bigint', { cachedInputTokens: -1n }, /cachedInputTokens must not be negative/],
    ['fraction', { outputTokens: 1.5 }, /outputTokens must be a non-negative safe integer/],
    ['NaN', { cacheWriteTokens: Number.NaN }, /cacheWriteTokens/],
    ['Infinity', { inputTokens: Number.POSITIVE_INFINITY }, /inputTokens/],
    ['unsafe integer', { inputTokens: 2 ** 53 }, /safe integer/],
    ['string', { inputTokens: '5' as unknown as number }, /inputTokens/],
    ['undefined', { reasoningTokens: undefined as unknown as number }, /reasoningTokens/],
    ['reasoning > output', { outputTokens: 10, reasoningTokens: 11 }, /reasoningTokens \(11\) exceed outputTokens \(10\)/],
  ])('throws on %s', (_name, u, message) => {
    expect(() => computeCost(usage(u), allRates)).toThrow(message);
    expect(() => computeCost(usage(u), null)).toThrow(message); // validated even when unpriced
  });

  it('accepts cached/cacheWrite larger than inputTokens (counts are disjoint, nothing to clamp)', () => {
    expect(computeCost(usage({ inputTokens: 0, cachedInputTokens: 5000, cacheWriteTokens: 100 }), allRates).costNanoUsd).toBe(500_000n + 125_000n);
  });

  it('rejects a price with a negative rate', () => {
    expect(() => computeCost(usage({ inputTokens: 1 }), { ...allRates, cacheWriteMicroUsdPerMTok: -1n })).toThrow(/negative/);
  });
});

describe('splitPromptTokens / totalTokens', () => {
  it('throws (never clamps) when cached + cacheWrite exceed the prompt total', () => {
    expect(() => splitPromptTokens({ promptTokens: 12, cachedInputTokens: 0, cacheWriteTokens: 2048, outputTokens: 6, reasoningTokens: 0 })).toThrow(
      /cachedInputTokens \(0\) \+ cacheWriteTokens \(2048\) exceed promptTokens \(12\)/,
    );
    expect(() => splitPromptTokens({ promptTokens: 10, cachedInputTokens: 11, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 })).toThrow(RangeError);
  });

  it('allows cached == prompt (fully cached prompt)', () => {
    expect(splitPromptTokens({ promptTokens: 10, cachedInputTokens: 10, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 }).inputTokens).toBe(0n);
  });

  it('totalTokens counts reasoning once (it is inside output)', () => {
    expect(totalTokens(usage({ inputTokens: 1, cachedInputTokens: 2, cacheWriteTokens: 3, outputTokens: 10, reasoningTokens: 7 }))).toBe(16n);
  });

  it('normaliseTokenUsage accepts number and bigint mixes', () => {
    expect(normaliseTokenUsage(usage({ inputTokens: 5n, outputTokens: 3 }))).toEqual({
      inputTokens: 5n,
      cachedInputTokens: 0n,
      cacheWriteTokens: 0n,
      outputTokens: 3n,
      reasoningTokens: 0n,
    });
  });
});

describe('computeCost: unpriced', () => {
  it('returns 0n, unpriced: true, no breakdown', () => {
    expect(computeCost(usage({ inputTokens: 1_000_000, outputTokens: 5 }), null)).toEqual({ costNanoUsd: 0n, unpriced: true, breakdown: null });
  });
});

describe('computeCost: large numbers stay exact', () => {
  it('1e12 tokens of every class on claude-opus-4-1', () => {
    // $15 / $1.50 / $18.75 / $75 per MTok; 1e12 tokens = 1e6 MTok.
    // 1e6 × (15 + 1.5 + 18.75 + 75) USD = $110,250,000 = 110,250,000 × 1e9 nano
    const r = computeCost(
      usage({ inputTokens: 1e12, cachedInputTokens: 1e12, cacheWriteTokens: 1e12, outputTokens: 1e12, reasoningTokens: 1e12 }),
      seedPrice('anthropic', 'claude-opus-4-1'),
    );
    expect(r.costNanoUsd).toBe(110_250_000n * 1_000_000_000n);
    expect(formatNanoUsd(r.costNanoUsd)).toBe('$110250000.00');
  });

  it('1e12 + 1 tokens at the sub-nano DeepSeek cache price', () => {
    // (1e12 + 1) × 2800 pico = 2.8e15 + 2800 pico → 2.8e12 + 2.8 nano → ceil = 2,800,000,000,003
    expect(computeCost(usage({ cachedInputTokens: 1e12 + 1 }), seedPrice('deepseek', 'deepseek-v4-flash')).costNanoUsd).toBe(2_800_000_000_003n);
  });

  it('bigint counts beyond 2^53', () => {
    const n = 2n ** 70n + 1n;
    expect(computeCost(usage({ inputTokens: n }), allRates).costNanoUsd).toBe(n * 1000n); // 1e6 pico per token = 1000 nano
  });
});

describe('computeCost: every seed row', () => {
  // Independent of the parser's arithmetic: 1M input tokens must cost exactly the CSV's input string.
  const normalise = (s: string) => {
    const [w, f = ''] = s.split('.');
    return `$${w}.${f.padEnd(2, '0')}`;
  };
  const lines = loadSeedRowsRaw();

  it.each(lines.map((l) => [`${l[0]}/${l[1]}`, l] as const))('%s: 1M input / 1M output tokens cost the listed price', (_name, cells) => {
    const price = seedPrice(cells[0], cells[1]);
    expect(formatNanoUsd(computeCost(usage({ inputTokens: 1_000_000 }), price).costNanoUsd)).toBe(normalise(cells[2]));
    expect(formatNanoUsd(computeCost(usage({ outputTokens: 1_000_000 }), price).costNanoUsd)).toBe(normalise(cells[3] || '0'));
    const cached = cells[4] || cells[2]; // empty cache price → input price
    expect(formatNanoUsd(computeCost(usage({ cachedInputTokens: 1_000_000 }), price).costNanoUsd)).toBe(normalise(cached));
  });
});

function loadSeedRowsRaw(): string[][] {
  return SEED_MODELS_CSV.trim().split('\n').slice(1).map((l) => l.split(','));
}

describe('computeCost: property check against an independent formula', () => {
  // Deterministic PRNG (mulberry32) so failures reproduce.
  function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const rand = rng(0x7011_6a7e);
  const int = (max: number) => Math.floor(rand() * (max + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length - 1)];
  const maybe = (v: bigint): bigint | null => (rand() < 0.3 ? null : v);

  it('matches for 5000 random requests (random and seed prices)', () => {
    for (let i = 0; i < 5000; i++) {
      const scale = pick([10, 1000, 1_000_000, 1_000_000_000, Number.MAX_SAFE_INTEGER]);
      const output = int(scale);
      const u = {
        inputTokens: int(scale),
        cachedInputTokens: int(scale),
        cacheWriteTokens: int(scale),
        outputTokens: output,
        reasoningTokens: int(output),
      };
      const price: ModelPrice =
        rand() < 0.5
          ? pick(seed)
          : {
              ...allRates,
              inputMicroUsdPerMTok: BigInt(int(100_000_000)),
              outputMicroUsdPerMTok: BigInt(int(100_000_000)),
              cachedInputMicroUsdPerMTok: maybe(BigInt(int(100_000_000))),
              cacheWriteMicroUsdPerMTok: maybe(BigInt(int(100_000_000))),
              reasoningMicroUsdPerMTok: maybe(BigInt(int(100_000_000))),
            };

      // Independent formulation: bill all output at the output rate, then adjust reasoning by the
      // rate difference; ceil via division with remainder.
      const I = price.inputMicroUsdPerMTok;
      const O = price.outputMicroUsdPerMTok;
      const pico =
        BigInt(u.inputTokens) * I +
        BigInt(u.cachedInputTokens) * (price.cachedInputMicroUsdPerMTok ?? I) +
        BigInt(u.cacheWriteTokens) * (price.cacheWriteMicroUsdPerMTok ?? I) +
        BigInt(u.outputTokens) * O +
        BigInt(u.reasoningTokens) * ((price.reasoningMicroUsdPerMTok ?? O) - O);
      const expected = pico / 1000n + (pico % 1000n === 0n ? 0n : 1n);

      const r = computeCost(u, price);
      if (r.costNanoUsd !== expected || r.breakdown?.totalPicoUsd !== pico) {
        throw new Error(`mismatch at iteration ${i}: ${JSON.stringify(u)} got ${r.costNanoUsd} expected ${expected}`);
      }
      expect(r.costNanoUsd * 1000n >= pico && r.costNanoUsd * 1000n < pico + 1000n).toBe(true);
    }
  });
});
