import type { ChatResult } from '../core/adapter.types';
import { fromOpenAIResponse } from '../openai/openai.response';
import { convertAzureOpenAIUsage } from './azure-openai.usage';

/** content_filter_results / prompt_filter_results are dropped; finish_reason content_filter is kept. */
export function fromAzureOpenAIResponse(body: unknown): ChatResult {
  return fromOpenAIResponse(body, { provider: 'azure-openai', convertUsage: convertAzureOpenAIUsage });
}
