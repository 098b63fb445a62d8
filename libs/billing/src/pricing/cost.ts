import type { ModelPrice, TokenClass, TokenUsage } from './price.types';
import { normaliseTokenUsage } from './tokens';

export interface CostLine {
  tokens: bigint;
  /** The rate actually applied (after fallback). */
  microUsdPerMTok: bigint;
  /** True when this class has no own price and borrowed the input (cache) or output (reasoning) rate. */
  fallback: boolean;
  costPicoUsd: bigint;
}

export interface CostBreakdown {
  /** `output` holds output tokens EXCLUDING reasoning; `reasoning` holds the reasoning part. */
  lines: Record<TokenClass, CostLine>;
  /** Exact sum before rounding. */
  totalPicoUsd: bigint;
}

export interface CostResult {
  costNanoUsd: bigint;
  unpriced: boolean;
  breakdown: CostBreakdown | null;
}

export const PICO_PER_NANO = 1000n;

/** Integer division rounding toward +∞, for non-negative numerators. */
export function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  if (numerator < 0n || denominator <= 0n) throw new RangeError('ceilDiv expects numerator >= 0 and denominator > 0');
  return (numerator + denominator - 1n) / denominator;
}

/**
 * Cost of one request.
 *
 * Convention (providers.md §8): usage counts are already normalised and disjoint on the prompt side.
 * `inputTokens` is the UNCACHED prompt count; cache reads and writes are separate, so nothing is
 * subtracted here and nothing is counted twice. `outputTokens` includes reasoning; reasoningTokens
 * is the part of it that was reasoning.
 *
 *   picoUsd = input·inputPrice
 *           + cachedInput·(cachedInputPrice ?? inputPrice)
 *           + cacheWrite·(cacheWritePrice ?? inputPrice)
 *           + (output − reasoning)·outputPrice
 *           + reasoning·(reasoningPrice ?? outputPrice)
 *
 * tokens × micro-USD/MTok is exactly pico-USD, so the sum is exact. It is rounded ONCE, UP (ceil),
 * to nano-USD: the gateway never reports less than the provider bills (budgets stay conservative),
 * and the error is below 1 nano-USD per request.
 *
 * Guards: every count must be a non-negative safe integer (or bigint); reasoning > output throws.
 * Unpriced (price null): costNanoUsd 0n, unpriced true, breakdown null; usage is still validated.
 */
export function computeCost(usage: TokenUsage, price: ModelPrice | null): CostResult {
  const t = normaliseTokenUsage(usage);
  if (price === null) return { costNanoUsd: 0n, unpriced: true, breakdown: null };

  const line = (tokens: bigint, own: bigint | null, fallbackRate: bigint): CostLine => {
    const rate = own ?? fallbackRate;
    if (typeof rate !== 'bigint' || rate < 0n) {
      throw new RangeError(`price for ${price.provider}/${price.model} has a negative or non-bigint rate`);
    }
    return { tokens, microUsdPerMTok: rate, fallback: own === null, costPicoUsd: tokens * rate };
  };
  const inRate = price.inputMicroUsdPerMTok;
  const outRate = price.outputMicroUsdPerMTok;
  const lines: Record<TokenClass, CostLine> = {
    input: line(t.inputTokens, inRate, inRate),
    cachedInput: line(t.cachedInputTokens, price.cachedInputMicroUsdPerMTok, inRate),
    cacheWrite: line(t.cacheWriteTokens, price.cacheWriteMicroUsdPerMTok, inRate),
    output: line(t.outputTokens - t.reasoningTokens, outRate, outRate),
    reasoning: line(t.reasoningTokens, price.reasoningMicroUsdPerMTok, outRate),
  };
  const totalPicoUsd =
    lines.input.costPicoUsd +
    lines.cachedInput.costPicoUsd +
    lines.cacheWrite.costPicoUsd +
    lines.output.costPicoUsd +
    lines.reasoning.costPicoUsd;
  return {
    costNanoUsd: ceilDiv(totalPicoUsd, PICO_PER_NANO),
    unpriced: false,
    breakdown: { lines, totalPicoUsd },
  };
}
