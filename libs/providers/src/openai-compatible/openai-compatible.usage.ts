import type { NormalizedUsage } from '../core/adapter.types';
import { count, normalizeUsage } from '../core/usage';
import { convertOpenAIUsage } from '../openai/openai.usage';
import type { OpenAICompatibleWireUsage } from './openai-compatible.types';

/**
 * OpenAI usage plus DeepSeek's `prompt_cache_hit_tokens` / `prompt_cache_miss_tokens` (hit + miss =
 * prompt_tokens). Groq's timing fields and OpenRouter's `cost` stay in `raw` only.
 */
export function convertOpenAICompatibleUsage(raw: unknown): NormalizedUsage {
  const base = convertOpenAIUsage(raw);
  if (!raw || typeof raw !== 'object') return base;
  const u = raw as OpenAICompatibleWireUsage;
  if (u.prompt_cache_hit_tokens === undefined && u.prompt_cache_miss_tokens === undefined) return base;
  const hit = count(u.prompt_cache_hit_tokens);
  const miss = count(u.prompt_cache_miss_tokens);
  return normalizeUsage(
    {
      ...base,
      inputTokens: Math.max(count(u.prompt_tokens), hit + miss),
      cachedInputTokens: hit,
    },
    raw,
  );
}

/** Groq streams put usage in `x_groq.usage` on the finish chunk. */
export function extractOpenAICompatibleStreamUsage(chunk: Record<string, unknown>): unknown {
  const xGroq = chunk['x_groq'];
  if (xGroq && typeof xGroq === 'object') return (xGroq as { usage?: unknown }).usage;
  return undefined;
}
