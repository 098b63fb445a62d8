import { toBigInt } from '../common/money';
import type { ChatUsage } from './gateway-client';

export interface ModelPriceRow {
  id: string;
  inputMicroUsdPerMTok: string | null;
  cachedInputMicroUsdPerMTok: string | null;
  cacheWriteMicroUsdPerMTok: string | null;
  outputMicroUsdPerMTok: string | null;
}

/**
 * Estimated cost of one answer in nano-USD, with the same convention as the server's billing library:
 * tokens × micro-USD per million tokens is exactly pico-USD; the sum is rounded once, up, to nano-USD.
 * Cached prompt tokens use the cached price, or the input price when there is none. The fee is not included.
 * Returns null when the model has no input or output price (unpriced, or a route alias).
 */
export function estimateCostNanoUsd(usage: ChatUsage, price: ModelPriceRow | undefined): bigint | null {
  if (!price || price.inputMicroUsdPerMTok === null || price.outputMicroUsdPerMTok === null) return null;
  const input = toBigInt(price.inputMicroUsdPerMTok);
  const cachedRate = price.cachedInputMicroUsdPerMTok === null ? input : toBigInt(price.cachedInputMicroUsdPerMTok);
  const output = toBigInt(price.outputMicroUsdPerMTok);
  const cached = BigInt(Math.max(0, Math.min(usage.cachedPromptTokens, usage.promptTokens)));
  const uncached = BigInt(Math.max(0, usage.promptTokens)) - cached;
  const completion = BigInt(Math.max(0, usage.completionTokens));
  const pico = uncached * input + cached * cachedRate + completion * output;
  return (pico + 999n) / 1000n;
}
