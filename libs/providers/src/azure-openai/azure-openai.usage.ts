import type { NormalizedUsage } from '../core/adapter.types';
import { convertOpenAIUsage } from '../openai/openai.usage';

/** Azure reports OpenAI's usage fields unchanged. */
export function convertAzureOpenAIUsage(raw: unknown): NormalizedUsage {
  return convertOpenAIUsage(raw);
}
