import type { NormalizedUsage } from '../core/adapter.types';
import { count, emptyUsage, normalizeUsage } from '../core/usage';
import type { MistralWireUsage } from './mistral.types';

/** Mistral reports no cache or reasoning breakdown: prompt_tokens / completion_tokens only. */
export function convertMistralUsage(raw: unknown): NormalizedUsage {
  if (!raw || typeof raw !== 'object') return emptyUsage(raw ?? null);
  const u = raw as MistralWireUsage;
  return normalizeUsage(
    { inputTokens: count(u.prompt_tokens), cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: count(u.completion_tokens), reasoningTokens: 0 },
    raw,
  );
}
