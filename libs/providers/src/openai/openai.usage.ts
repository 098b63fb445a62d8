import type { NormalizedUsage } from '../core/adapter.types';
import { count, emptyUsage, normalizeUsage } from '../core/usage';
import type { OpenAIWireUsage } from './openai.types';

/**
 * prompt_tokens already includes cached_tokens (and cache writes); completion_tokens already
 * includes reasoning_tokens (providers.md §1), which is exactly the NormalizedUsage convention.
 */
export function convertOpenAIUsage(raw: unknown): NormalizedUsage {
  if (!raw || typeof raw !== 'object') return emptyUsage(raw ?? null);
  const u = raw as OpenAIWireUsage;
  return normalizeUsage(
    {
      inputTokens: count(u.prompt_tokens),
      cachedInputTokens: count(u.prompt_tokens_details?.cached_tokens),
      cacheWriteTokens: count(u.prompt_tokens_details?.cache_write_tokens),
      outputTokens: count(u.completion_tokens),
      reasoningTokens: count(u.completion_tokens_details?.reasoning_tokens),
    },
    raw,
  );
}
