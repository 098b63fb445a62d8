import type { TokenCount, TokenUsage } from './price.types';

/** Validates one token count: a non-negative safe integer number, or a non-negative bigint. */
export function toTokenBigInt(value: TokenCount, name: string): bigint {
  if (typeof value === 'bigint') {
    if (value < 0n) throw new RangeError(`${name} must not be negative, got ${value}`);
    return value;
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`${name} must be a non-negative safe integer or bigint, got ${String(value)}`);
  }
  if (value < 0) throw new RangeError(`${name} must not be negative, got ${value}`);
  return BigInt(value);
}

export interface NormalisedTokens {
  inputTokens: bigint;
  cachedInputTokens: bigint;
  cacheWriteTokens: bigint;
  outputTokens: bigint;
  reasoningTokens: bigint;
}

/** Validates a TokenUsage (see its doc for the convention) and converts it to bigints.
 * Throws when reasoningTokens > outputTokens: reasoning is a subset of output. */
export function normaliseTokenUsage(usage: TokenUsage): NormalisedTokens {
  const t: NormalisedTokens = {
    inputTokens: toTokenBigInt(usage.inputTokens, 'inputTokens'),
    cachedInputTokens: toTokenBigInt(usage.cachedInputTokens, 'cachedInputTokens'),
    cacheWriteTokens: toTokenBigInt(usage.cacheWriteTokens, 'cacheWriteTokens'),
    outputTokens: toTokenBigInt(usage.outputTokens, 'outputTokens'),
    reasoningTokens: toTokenBigInt(usage.reasoningTokens, 'reasoningTokens'),
  };
  if (t.reasoningTokens > t.outputTokens) {
    throw new RangeError(
      `reasoningTokens (${t.reasoningTokens}) exceed outputTokens (${t.outputTokens}); outputTokens must include reasoning (providers.md §8)`,
    );
  }
  return t;
}

/** Every token the request consumed: prompt (uncached + cache read + cache write) + output.
 * Reasoning is not added again: it is inside outputTokens. */
export function totalTokens(usage: TokenUsage): bigint {
  const t = normaliseTokenUsage(usage);
  return t.inputTokens + t.cachedInputTokens + t.cacheWriteTokens + t.outputTokens;
}

/** Usage as reported by providers whose prompt count INCLUDES cache reads (OpenAI, Gemini, Groq). */
export interface PromptTotalUsage {
  /** All prompt tokens, cache reads and cache writes included (OpenAI `prompt_tokens`,
   * Gemini `promptTokenCount + toolUsePromptTokenCount`). */
  promptTokens: TokenCount;
  cachedInputTokens: TokenCount;
  cacheWriteTokens: TokenCount;
  outputTokens: TokenCount;
  reasoningTokens: TokenCount;
}

/**
 * Converts a prompt-total style usage to TokenUsage: inputTokens = prompt − cached − cacheWrite.
 * Throws (never clamps) when cached + cacheWrite > prompt: that means the adapter mixed the two
 * conventions, and clamping would silently bill the wrong amount.
 */
export function splitPromptTokens(usage: PromptTotalUsage): TokenUsage {
  const prompt = toTokenBigInt(usage.promptTokens, 'promptTokens');
  const cached = toTokenBigInt(usage.cachedInputTokens, 'cachedInputTokens');
  const write = toTokenBigInt(usage.cacheWriteTokens, 'cacheWriteTokens');
  if (cached + write > prompt) {
    throw new RangeError(
      `cachedInputTokens (${cached}) + cacheWriteTokens (${write}) exceed promptTokens (${prompt}); is the prompt count already uncached?`,
    );
  }
  return {
    inputTokens: prompt - cached - write,
    cachedInputTokens: cached,
    cacheWriteTokens: write,
    outputTokens: toTokenBigInt(usage.outputTokens, 'outputTokens'),
    reasoningTokens: toTokenBigInt(usage.reasoningTokens, 'reasoningTokens'),
  };
}
