import type {
  ChatStreamEvent,
  NormalizedUsage,
  OpenAIChatCompletionChunk,
  ProviderId,
  ToolCallDelta,
} from '../core/adapter.types';
import { extractErrorCode, ProviderError } from '../core/errors';
import type { SseEvent } from '../core/sse';
import { nowSeconds, parseEventJson, truncatedStream, type StreamTranslator } from '../core/stream';
import { mapOpenAIFinishReason } from './openai.response';
import { convertOpenAIUsage } from './openai.usage';

export interface OpenAIStreamOptions {
  provider?: ProviderId;
  convertUsage?: (raw: unknown) => NormalizedUsage;
  /** Vendor-specific usage location (Groq `x_groq.usage`); the standard `usage` field is always read. */
  extractUsage?: (chunk: Record<string, unknown>) => unknown;
}

export interface OpenAIStreamState {
  readonly provider: ProviderId;
  readonly convertUsage: (raw: unknown) => NormalizedUsage;
  readonly extractUsage: ((chunk: Record<string, unknown>) => unknown) | undefined;
  done: boolean;
  finishSeen: boolean;
  usageRaw: unknown;
  usageEmitted: boolean;
}

export function createOpenAIStreamState(opts: OpenAIStreamOptions = {}): OpenAIStreamState {
  return {
    provider: opts.provider ?? 'openai',
    convertUsage: opts.convertUsage ?? convertOpenAIUsage,
    extractUsage: opts.extractUsage,
    done: false,
    finishSeen: false,
    usageRaw: undefined,
    usageEmitted: false,
  };
}

function usageEvent(state: OpenAIStreamState): ChatStreamEvent[] {
  if (state.usageEmitted || state.usageRaw === undefined) return [];
  state.usageEmitted = true;
  return [{ type: 'usage', usage: state.convertUsage(state.usageRaw) }];
}

function toDelta(raw: unknown): OpenAIChatCompletionChunk['choices'][number]['delta'] {
  const d = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const delta: OpenAIChatCompletionChunk['choices'][number]['delta'] = {};
  if (d['role'] === 'assistant') delta.role = 'assistant';
  if (typeof d['content'] === 'string' || d['content'] === null) delta.content = d['content'] as string | null;
  if (Array.isArray(d['tool_calls'])) {
    delta.tool_calls = (d['tool_calls'] as Array<Record<string, unknown>>).map((tc, i) => {
      const out: ToolCallDelta = { index: typeof tc['index'] === 'number' ? tc['index'] : i };
      if (typeof tc['id'] === 'string') out.id = tc['id'];
      if (tc['type'] === 'function') out.type = 'function';
      const fn = tc['function'] as Record<string, unknown> | undefined;
      if (fn && typeof fn === 'object') {
        out.function = {};
        if (typeof fn['name'] === 'string') out.function.name = fn['name'];
        if (typeof fn['arguments'] === 'string') out.function.arguments = fn['arguments'];
        else if (fn['arguments'] && typeof fn['arguments'] === 'object') out.function.arguments = JSON.stringify(fn['arguments']);
      }
      return out;
    });
  }
  if (typeof d['refusal'] === 'string') delta.refusal = d['refusal'];
  return delta;
}

/**
 * One `data:` event of an OpenAI-style stream. Usage is lifted out of chunks (OpenAI's final
 * `choices: []` chunk, Mistral's finish chunk, Groq's x_groq) and emitted once after `[DONE]`.
 */
export function parseOpenAIStreamEvent(ev: SseEvent, state: OpenAIStreamState): ChatStreamEvent[] {
  if (state.done) return [];
  if (ev.data.trim() === '[DONE]') {
    state.done = true;
    return usageEvent(state);
  }
  const obj = parseEventJson(ev, state.provider);
  if (obj['error'] !== undefined && obj['error'] !== null) {
    const upstreamCode = extractErrorCode(obj);
    throw new ProviderError({
      code: 'stream_interrupted',
      provider: state.provider,
      detail: 'upstream_error_event',
      upstreamBody: ev.data,
      ...(upstreamCode ? { upstreamCode } : {}),
    });
  }
  if (obj['usage'] && typeof obj['usage'] === 'object') state.usageRaw = obj['usage'];
  const extra = state.extractUsage?.(obj);
  if (extra && typeof extra === 'object') state.usageRaw = extra;
  const choices = obj['choices'];
  if (!Array.isArray(choices) || choices.length === 0) return [];
  const chunk: OpenAIChatCompletionChunk = {
    id: String(obj['id'] ?? ''),
    object: 'chat.completion.chunk',
    created: typeof obj['created'] === 'number' ? obj['created'] : nowSeconds(),
    model: String(obj['model'] ?? ''),
    choices: (choices as Array<Record<string, unknown>>).map((c, i) => {
      const finish = mapOpenAIFinishReason(c['finish_reason']);
      if (finish) state.finishSeen = true;
      return { index: typeof c['index'] === 'number' ? c['index'] : i, delta: toDelta(c['delta']), finish_reason: finish };
    }),
  };
  if (typeof obj['system_fingerprint'] === 'string') chunk.system_fingerprint = obj['system_fingerprint'];
  return [{ type: 'chunk', chunk }];
}

/** Body ended. Without `[DONE]` the stream only counts as complete if a finish_reason was seen. */
export function finishOpenAIStream(state: OpenAIStreamState): ChatStreamEvent[] {
  if (!state.done && !state.finishSeen) throw truncatedStream(state.provider);
  state.done = true;
  return usageEvent(state);
}

export function createOpenAIStreamTranslator(opts: OpenAIStreamOptions = {}): StreamTranslator {
  const state = createOpenAIStreamState(opts);
  return {
    provider: state.provider,
    parse: (ev) => parseOpenAIStreamEvent(ev, state),
    get done() {
      return state.done;
    },
    finish: () => finishOpenAIStream(state),
    partialUsage: () => (state.usageRaw !== undefined ? state.convertUsage(state.usageRaw) : undefined),
  };
}
