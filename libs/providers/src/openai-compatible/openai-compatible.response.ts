import type { ChatResult, ProviderId } from '../core/adapter.types';
import { fromOpenAIResponse } from '../openai/openai.response';
import { convertOpenAICompatibleUsage } from './openai-compatible.usage';

export function fromOpenAICompatibleResponse(body: unknown, provider: ProviderId): ChatResult {
  return fromOpenAIResponse(body, { provider, convertUsage: convertOpenAICompatibleUsage });
}
