import type { ChatStreamEvent, ProviderId } from '../core/adapter.types';
import type { SseEvent } from '../core/sse';
import type { StreamTranslator } from '../core/stream';
import {
  createOpenAIStreamState,
  createOpenAIStreamTranslator,
  parseOpenAIStreamEvent,
  type OpenAIStreamState,
} from '../openai/openai.stream';
import { convertOpenAICompatibleUsage, extractOpenAICompatibleStreamUsage } from './openai-compatible.usage';

export function createOpenAICompatibleStreamState(provider: ProviderId): OpenAIStreamState {
  return createOpenAIStreamState({
    provider,
    convertUsage: convertOpenAICompatibleUsage,
    extractUsage: extractOpenAICompatibleStreamUsage,
  });
}

/** Same dialect as OpenAI; comments (`: OPENROUTER PROCESSING`, `: keep-alive`) never reach here. */
export function parseOpenAICompatibleStreamEvent(ev: SseEvent, state: OpenAIStreamState): ChatStreamEvent[] {
  return parseOpenAIStreamEvent(ev, state);
}

export function createOpenAICompatibleStreamTranslator(provider: ProviderId): StreamTranslator {
  return createOpenAIStreamTranslator({
    provider,
    convertUsage: convertOpenAICompatibleUsage,
    extractUsage: extractOpenAICompatibleStreamUsage,
  });
}
