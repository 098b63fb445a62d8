import type { NormalizedUsage } from '../core/adapter.types';
import { count, emptyUsage, normalizeUsage } from '../core/usage';
import type { AnthropicWireUsage } from './anthropic.types';

/** inputTokens = input_tokens + cache_read_input_tokens + cache_creation_input_tokens (all prompt tokens). */
export function convertAnthropicUsage(raw: unknown): NormalizedUsage {
  if (!raw || typeof raw !== 'object') return emptyUsage(raw ?? null);
  const u = raw as AnthropicWireUsage;
  const read = count(u.cache_read_input_tokens);
  const write = count(u.cache_creation_input_tokens);
  return normalizeUsage(
    {
      inputTokens: count(u.input_tokens) + read + write,
      cachedInputTokens: read,
      cacheWriteTokens: write,
      outputTokens: count(u.output_tokens),
      reasoningTokens: count(u.output_tokens_details?.thinking_tokens),
    },
    raw,
  );
}
