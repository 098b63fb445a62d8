import type { ChatStreamEvent } from '../core/adapter.types';
import type { SseEvent } from '../core/sse';
import type { StreamTranslator } from '../core/stream';
import {
  createOpenAIStreamState,
  createOpenAIStreamTranslator,
  parseOpenAIStreamEvent,
  type OpenAIStreamState,
} from '../openai/openai.stream';
import { convertAzureOpenAIUsage } from './azure-openai.usage';

export function createAzureOpenAIStreamState(): OpenAIStreamState {
  return createOpenAIStreamState({ provider: 'azure-openai', convertUsage: convertAzureOpenAIUsage });
}

/**
 * Azure streams often open with `choices: []` + `prompt_filter_results`: not a usage chunk (usage is
 * null), so it yields nothing. The real usage chunk has non-null usage.
 */
export function parseAzureOpenAIStreamEvent(ev: SseEvent, state: OpenAIStreamState): ChatStreamEvent[] {
  return parseOpenAIStreamEvent(ev, state);
}

export function createAzureOpenAIStreamTranslator(): StreamTranslator {
  return createOpenAIStreamTranslator({ provider: 'azure-openai', convertUsage: convertAzureOpenAIUsage });
}
