import type { HeaderBag, ProviderError } from '../core/errors';
import { mapOpenAIError } from '../openai/openai.errors';

/** OpenAI body shape; a filtered prompt is 400 `content_filter` (bad_request); 429 has retry-after(-ms). */
export function mapAzureOpenAIError(status: number, headers: HeaderBag, body: string): ProviderError {
  return mapOpenAIError(status, headers, body, 'azure-openai');
}
