import type { ChatStreamEvent, FinishReason, OpenAIChatCompletionChunk } from '../core/adapter.types';
import { ProviderError } from '../core/errors';
import type { SseEvent } from '../core/sse';
import { nowSeconds, parseEventJson, truncatedStream, type StreamTranslator } from '../core/stream';
import { mapAnthropicStopReason } from './anthropic.response';
import type { AnthropicWireUsage } from './anthropic.types';
import { convertAnthropicUsage } from './anthropic.usage';

export interface AnthropicStreamState {
  id: string;
  model: string;
  created: number;
  /** message_start usage merged with the cumulative message_delta usage. */
  usage: AnthropicWireUsage | undefined;
  /** content block index → OpenAI tool_calls index */
  toolIndex: Map<number, number>;
  nextToolIndex: number;
  finish: FinishReason | null;
  done: boolean;
  usageEmitted: boolean;
}

export function createAnthropicStreamState(): AnthropicStreamState {
  return {
    id: '',
    model: '',
    created: nowSeconds(),
    usage: undefined,
    toolIndex: new Map(),
    nextToolIndex: 0,
    finish: null,
    done: false,
    usageEmitted: false,
  };
}

function chunk(
  s: AnthropicStreamState,
  delta: OpenAIChatCompletionChunk['choices'][number]['delta'],
  finish: FinishReason | null = null,
): ChatStreamEvent {
  return {
    type: 'chunk',
    chunk: { id: s.id, object: 'chat.completion.chunk', created: s.created, model: s.model, choices: [{ index: 0, delta, finish_reason: finish }] },
  };
}

function usageEvent(s: AnthropicStreamState): ChatStreamEvent[] {
  if (s.usageEmitted || !s.usage) return [];
  s.usageEmitted = true;
  return [{ type: 'usage', usage: convertAnthropicUsage(s.usage) }];
}

/**
 * Anthropic named events → OpenAI chunks, as they arrive: message_start → role chunk; text_delta →
 * content; tool_use start / input_json_delta → incremental tool_calls; message_delta → finish chunk
 * (usage there is cumulative); message_stop → usage event. ping and unknown events are ignored; an
 * `error` event throws stream_interrupted.
 */
export function parseAnthropicStreamEvent(ev: SseEvent, s: AnthropicStreamState): ChatStreamEvent[] {
  if (s.done) return [];
  const data = parseEventJson(ev, 'anthropic');
  const type = (ev.event ?? data['type']) as string | undefined;
  switch (type) {
    case 'message_start': {
      const msg = (data['message'] ?? {}) as Record<string, unknown>;
      s.id = String(msg['id'] ?? '');
      s.model = String(msg['model'] ?? '');
      if (msg['usage'] && typeof msg['usage'] === 'object') s.usage = { ...(msg['usage'] as AnthropicWireUsage) };
      return [chunk(s, { role: 'assistant', content: '' })];
    }
    case 'content_block_start': {
      const block = (data['content_block'] ?? {}) as Record<string, unknown>;
      const index = Number(data['index']);
      if (block['type'] === 'tool_use') {
        const toolIdx = s.nextToolIndex++;
        s.toolIndex.set(index, toolIdx);
        return [
          chunk(s, {
            tool_calls: [
              { index: toolIdx, id: String(block['id'] ?? ''), type: 'function', function: { name: String(block['name'] ?? ''), arguments: '' } },
            ],
          }),
        ];
      }
      if (block['type'] === 'text' && typeof block['text'] === 'string' && block['text']) {
        return [chunk(s, { content: block['text'] })];
      }
      return [];
    }
    case 'content_block_delta': {
      const delta = (data['delta'] ?? {}) as Record<string, unknown>;
      if (delta['type'] === 'text_delta' && typeof delta['text'] === 'string') return [chunk(s, { content: delta['text'] })];
      if (delta['type'] === 'input_json_delta' && typeof delta['partial_json'] === 'string' && delta['partial_json']) {
        const toolIdx = s.toolIndex.get(Number(data['index']));
        if (toolIdx === undefined) return [];
        return [chunk(s, { tool_calls: [{ index: toolIdx, function: { arguments: delta['partial_json'] } }] })];
      }
      return []; // thinking_delta, signature_delta, citations_delta
    }
    case 'message_delta': {
      const delta = (data['delta'] ?? {}) as Record<string, unknown>;
      if (data['usage'] && typeof data['usage'] === 'object') s.usage = { ...(s.usage ?? {}), ...(data['usage'] as AnthropicWireUsage) };
      const finish = mapAnthropicStopReason(delta['stop_reason']);
      if (!finish) return [];
      s.finish = finish;
      return [chunk(s, {}, finish)];
    }
    case 'message_stop':
      s.done = true;
      return usageEvent(s);
    case 'error': {
      const err = (data['error'] ?? {}) as Record<string, unknown>;
      throw new ProviderError({
        code: 'stream_interrupted',
        provider: 'anthropic',
        detail: 'upstream_error_event',
        upstreamBody: ev.data,
        ...(typeof err['type'] === 'string' ? { upstreamCode: err['type'] } : {}),
      });
    }
    default:
      return []; // ping, content_block_stop, future event types
  }
}

export function finishAnthropicStream(s: AnthropicStreamState): ChatStreamEvent[] {
  if (!s.done && !s.finish) throw truncatedStream('anthropic');
  s.done = true;
  return usageEvent(s);
}

export function createAnthropicStreamTranslator(): StreamTranslator {
  const s = createAnthropicStreamState();
  return {
    provider: 'anthropic',
    parse: (ev) => parseAnthropicStreamEvent(ev, s),
    get done() {
      return s.done;
    },
    finish: () => finishAnthropicStream(s),
    partialUsage: () => (s.usage ? convertAnthropicUsage(s.usage) : undefined),
  };
}
