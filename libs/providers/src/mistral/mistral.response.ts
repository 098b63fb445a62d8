import type { ChatResult } from '../core/adapter.types';
import { fromOpenAIResponse } from '../openai/openai.response';
import { convertMistralUsage } from './mistral.usage';

/** OpenAI-shaped; `model_length` maps to `length`, object-typed tool arguments are stringified. */
export function fromMistralResponse(body: unknown): ChatResult {
  return fromOpenAIResponse(body, { provider: 'mistral', convertUsage: convertMistralUsage });
}
