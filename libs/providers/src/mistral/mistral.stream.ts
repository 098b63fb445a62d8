import type { ChatStreamEvent } from '../core/adapter.types';
import type { SseEvent } from '../core/sse';
import type { StreamTranslator } from '../core/stream';
import {
  createOpenAIStreamState,
  createOpenAIStreamTranslator,
  parseOpenAIStreamEvent,
  type OpenAIStreamState,
} from '../openai/openai.stream';
import { convertMistralUsage } from './mistral.usage';

export function createMistralStreamState(): OpenAIStreamState {
  return createOpenAIStreamState({ provider: 'mistral', convertUsage: convertMistralUsage });
}

/** OpenAI dialect; usage rides on the finish chunk (choices not empty) and is lifted out. */
export function parseMistralStreamEvent(ev: SseEvent, state: OpenAIStreamState): ChatStreamEvent[] {
  return parseOpenAIStreamEvent(ev, state);
}

export function createMistralStreamTranslator(): StreamTranslator {
  return createOpenAIStreamTranslator({ provider: 'mistral', convertUsage: convertMistralUsage });
}
