import type { NormalizedUsage } from '../core/adapter.types';
import { count, emptyUsage, normalizeUsage } from '../core/usage';
import type { GeminiWireUsage } from './gemini.types';

/**
 * inputTokens = promptTokenCount (already includes cached) + toolUsePromptTokenCount;
 * outputTokens = candidatesTokenCount + thoughtsTokenCount (thinking is billed as output).
 */
export function convertGeminiUsage(raw: unknown): NormalizedUsage {
  if (!raw || typeof raw !== 'object') return emptyUsage(raw ?? null);
  const u = raw as GeminiWireUsage;
  const thoughts = count(u.thoughtsTokenCount);
  return normalizeUsage(
    {
      inputTokens: count(u.promptTokenCount) + count(u.toolUsePromptTokenCount),
      cachedInputTokens: count(u.cachedContentTokenCount),
      cacheWriteTokens: 0,
      outputTokens: count(u.candidatesTokenCount) + thoughts,
      reasoningTokens: thoughts,
    },
    raw,
  );
}
