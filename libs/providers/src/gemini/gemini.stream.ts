import { randomBytes } from 'node:crypto';
import type { ChatStreamEvent, OpenAIChatCompletionChunk, ToolCallDelta } from '../core/adapter.types';
import { ProviderError } from '../core/errors';
import type { SseEvent } from '../core/sse';
import { nowSeconds, parseEventJson, truncatedStream, type StreamTranslator } from '../core/stream';
import { geminiErrorReason } from './gemini.errors';
import { geminiToolCall, mapGeminiFinishReason } from './gemini.response';
import type { GeminiResponseBody, GeminiWireUsage } from './gemini.types';
import { convertGeminiUsage } from './gemini.usage';

export interface GeminiStreamState {
  id: string;
  created: number;
  roleSent: Set<number>;
  toolCount: Map<number, number>;
  usage: GeminiWireUsage | undefined;
  finishSeen: boolean;
  done: boolean;
}

export function createGeminiStreamState(): GeminiStreamState {
  return { id: '', created: nowSeconds(), roleSent: new Set(), toolCount: new Map(), usage: undefined, finishSeen: false, done: false };
}

/**
 * One `alt=sse` event = one complete GenerateContentResponse with only the NEW parts. usageMetadata
 * holds running totals (last wins, a chunk without it changes nothing). functionCall parts arrive
 * whole, so each becomes one complete tool_calls delta. No terminal marker: the body end finishes.
 */
export function parseGeminiStreamEvent(ev: SseEvent, s: GeminiStreamState): ChatStreamEvent[] {
  const data = parseEventJson(ev, 'gemini');
  if (data['error'] && typeof data['error'] === 'object') {
    const reason = geminiErrorReason(data) ?? (data['error'] as { status?: unknown }).status;
    throw new ProviderError({
      code: 'stream_interrupted',
      provider: 'gemini',
      detail: 'upstream_error_event',
      upstreamBody: ev.data,
      ...(typeof reason === 'string' ? { upstreamCode: reason } : {}),
    });
  }
  const b = data as GeminiResponseBody;
  if (!s.id) s.id = b.responseId ?? `gemini-${randomBytes(8).toString('hex')}`;
  if (b.usageMetadata && typeof b.usageMetadata === 'object') s.usage = b.usageMetadata;
  const model = b.modelVersion ?? '';
  const choices: OpenAIChatCompletionChunk['choices'] = [];
  const candidates = Array.isArray(b.candidates) ? b.candidates : [];
  if (candidates.length === 0 && b.promptFeedback?.blockReason) {
    s.finishSeen = true;
    choices.push({ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: 'content_filter' });
  }
  candidates.forEach((c, i) => {
    const index = typeof c.index === 'number' ? c.index : i;
    const delta: OpenAIChatCompletionChunk['choices'][number]['delta'] = {};
    if (!s.roleSent.has(index)) {
      delta.role = 'assistant';
      s.roleSent.add(index);
    }
    let text = '';
    const calls: ToolCallDelta[] = [];
    for (const part of c.content?.parts ?? []) {
      if (part.thought) continue;
      if (typeof part.text === 'string') text += part.text;
      if (part.functionCall) {
        const n = s.toolCount.get(index) ?? 0;
        s.toolCount.set(index, n + 1);
        const call = geminiToolCall(b.responseId, index, n, part);
        calls.push({ index: n, id: call.id, type: 'function', function: call.function });
      }
    }
    if (text) delta.content = text;
    else if (delta.role && calls.length === 0) delta.content = '';
    if (calls.length) delta.tool_calls = calls;
    const finish = mapGeminiFinishReason(c.finishReason, (s.toolCount.get(index) ?? 0) > 0);
    if (finish) s.finishSeen = true;
    if (Object.keys(delta).length || finish) choices.push({ index, delta, finish_reason: finish });
  });
  if (choices.length === 0) return [];
  return [{ type: 'chunk', chunk: { id: s.id, object: 'chat.completion.chunk', created: s.created, model, choices } }];
}

export function finishGeminiStream(s: GeminiStreamState): ChatStreamEvent[] {
  if (!s.finishSeen) throw truncatedStream('gemini');
  if (s.done) return [];
  s.done = true;
  return s.usage ? [{ type: 'usage', usage: convertGeminiUsage(s.usage) }] : [];
}

export function createGeminiStreamTranslator(): StreamTranslator {
  const s = createGeminiStreamState();
  return {
    provider: 'gemini',
    parse: (ev) => parseGeminiStreamEvent(ev, s),
    done: false,
    finish: () => finishGeminiStream(s),
    partialUsage: () => (s.usage ? convertGeminiUsage(s.usage) : undefined),
  };
}
