import type { NormalizedUsage, OpenAIUsage } from './adapter.types';

/** Non-negative integer or 0: vendors send null, strings or omit fields. */
export function count(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

export function emptyUsage(raw: unknown = null): NormalizedUsage {
  return { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, raw };
}

/** Keeps the subset invariants of NormalizedUsage even when a vendor reports odd numbers. */
export function normalizeUsage(u: Omit<NormalizedUsage, 'raw'>, raw: unknown): NormalizedUsage {
  const inputTokens = u.inputTokens;
  const cachedInputTokens = Math.min(u.cachedInputTokens, inputTokens);
  const cacheWriteTokens = Math.min(u.cacheWriteTokens, inputTokens - cachedInputTokens);
  const outputTokens = u.outputTokens;
  const reasoningTokens = Math.min(u.reasoningTokens, outputTokens);
  return { inputTokens, cachedInputTokens, cacheWriteTokens, outputTokens, reasoningTokens, raw };
}

/** The OpenAI-shaped `usage` our responses carry, whatever the upstream was. */
export function toOpenAIUsage(u: NormalizedUsage): OpenAIUsage {
  const out: OpenAIUsage = {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    prompt_tokens_details: {
      cached_tokens: u.cachedInputTokens,
      ...(u.cacheWriteTokens > 0 ? { cache_write_tokens: u.cacheWriteTokens } : {}),
    },
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens },
  };
  return out;
}
