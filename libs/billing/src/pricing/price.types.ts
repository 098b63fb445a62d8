/**
 * Price and usage types. All money is integer bigint with its unit in the name.
 *
 * Units: a price in micro-USD per million tokens (`MicroUsdPerMTok`) times a token count is exactly
 * pico-USD (1e-6 USD / 1e6 tokens = 1e-12 USD per token), so per-request arithmetic stays integral
 * until the single rounding step to nano-USD.
 */

export type TokenClass = 'input' | 'cachedInput' | 'cacheWrite' | 'output' | 'reasoning';

export const TOKEN_CLASSES: readonly TokenClass[] = [
  'input',
  'cachedInput',
  'cacheWrite',
  'output',
  'reasoning',
];

export interface ModelPrice {
  provider: string;
  model: string;
  /** Uncached prompt tokens. */
  inputMicroUsdPerMTok: bigint;
  /** Prompt-cache reads; null = no published cache price, billed at the input price. */
  cachedInputMicroUsdPerMTok: bigint | null;
  /** Prompt-cache writes; null = not applicable, billed at the input price. */
  cacheWriteMicroUsdPerMTok: bigint | null;
  outputMicroUsdPerMTok: bigint;
  /** Reasoning/thinking tokens; null = billed as output (true for every seed row). */
  reasoningMicroUsdPerMTok: bigint | null;
  effectiveFrom: Date;
  /** Provenance (URL, ticket, operator note); informational only. */
  source?: string;
}

/** A token count as it arrives: a JSON number (must be a safe integer) or a bigint. */
export type TokenCount = number | bigint;

/**
 * Normalised usage of ONE request, following providers.md §8. The five counts are disjoint on the
 * prompt side and nested on the output side:
 * - `inputTokens`: UNCACHED prompt tokens only (OpenAI/Gemini: prompt − cached; Anthropic:
 *   `input_tokens`; DeepSeek: `prompt_cache_miss_tokens`). Cache reads and writes are NOT inside it.
 * - `cachedInputTokens`: prompt tokens read from the provider cache.
 * - `cacheWriteTokens`: prompt tokens written to the provider cache.
 * - `outputTokens`: ALL billable output tokens, reasoning/thinking INCLUDED
 *   (Gemini: candidates + thoughts).
 * - `reasoningTokens`: the part of `outputTokens` that was reasoning (≤ outputTokens).
 * Total prompt tokens = inputTokens + cachedInputTokens + cacheWriteTokens.
 */
export interface TokenUsage {
  inputTokens: TokenCount;
  cachedInputTokens: TokenCount;
  cacheWriteTokens: TokenCount;
  outputTokens: TokenCount;
  reasoningTokens: TokenCount;
}
