import type {
  ChatResult,
  EmbeddingsResponse,
  EmbeddingsResult,
  FinishReason,
  NormalizedUsage,
  OpenAIChatCompletion,
  ProviderId,
  ToolCall,
} from '../core/adapter.types';
import { ProviderError } from '../core/errors';
import { count, emptyUsage, normalizeUsage, toOpenAIUsage } from '../core/usage';
import { nowSeconds } from '../core/stream';
import { convertOpenAIUsage } from './openai.usage';

const FINISH: ReadonlySet<string> = new Set(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']);

/** Maps OpenAI-family finish reasons; vendor extras (Mistral `model_length`) fold into ours. */
export function mapOpenAIFinishReason(reason: unknown): FinishReason | null {
  if (typeof reason !== 'string' || !reason) return null;
  if (FINISH.has(reason)) return reason as FinishReason;
  if (reason === 'model_length') return 'length';
  return 'stop';
}

function malformed(provider: ProviderId): ProviderError {
  return new ProviderError({ code: 'upstream_error', provider, detail: 'malformed_body', retryable: true });
}

function toolCalls(raw: unknown): ToolCall[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  return raw.map((tc: Record<string, unknown>) => {
    const fn = (tc['function'] ?? {}) as Record<string, unknown>;
    const args = fn['arguments'];
    return {
      id: String(tc['id'] ?? ''),
      type: 'function' as const,
      function: {
        name: String(fn['name'] ?? ''),
        // Mistral may send arguments as an object (providers.md §3)
        arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
      },
    };
  });
}

/** Rebuilds the completion from known fields; vendor extras are dropped, usage is re-derived. */
export function fromOpenAIResponse(
  body: unknown,
  opts: { provider?: ProviderId; convertUsage?: (raw: unknown) => NormalizedUsage } = {},
): ChatResult {
  const provider = opts.provider ?? 'openai';
  if (!body || typeof body !== 'object') throw malformed(provider);
  const b = body as Record<string, unknown>;
  if (b['error'] && typeof b['error'] === 'object') throw malformed(provider);
  if (!Array.isArray(b['choices'])) throw malformed(provider);
  const usage = b['usage'] ? (opts.convertUsage ?? convertOpenAIUsage)(b['usage']) : emptyUsage(null);
  const response: OpenAIChatCompletion = {
    id: String(b['id'] ?? ''),
    object: 'chat.completion',
    created: typeof b['created'] === 'number' ? b['created'] : nowSeconds(),
    model: String(b['model'] ?? ''),
    choices: (b['choices'] as Array<Record<string, unknown>>).map((c, i) => {
      const m = (c['message'] ?? {}) as Record<string, unknown>;
      const content = m['content'];
      const message: OpenAIChatCompletion['choices'][number]['message'] = {
        role: 'assistant',
        content: typeof content === 'string' ? content : Array.isArray(content) ? textOf(content) : null,
      };
      const calls = toolCalls(m['tool_calls']);
      if (calls) message.tool_calls = calls;
      if (typeof m['refusal'] === 'string') message.refusal = m['refusal'];
      return { index: typeof c['index'] === 'number' ? c['index'] : i, message, finish_reason: mapOpenAIFinishReason(c['finish_reason']) };
    }),
    usage: toOpenAIUsage(usage),
  };
  if (typeof b['system_fingerprint'] === 'string') response.system_fingerprint = b['system_fingerprint'];
  return { response, usage };
}

function textOf(parts: unknown[]): string {
  return parts
    .map((p) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : ''))
    .join('');
}

export function fromOpenAIEmbeddingsResponse(body: unknown, provider: ProviderId = 'openai'): EmbeddingsResult {
  if (!body || typeof body !== 'object' || !Array.isArray((body as { data?: unknown }).data)) throw malformed(provider);
  const b = body as { model?: unknown; data: Array<Record<string, unknown>>; usage?: Record<string, unknown> };
  const promptTokens = count(b.usage?.['prompt_tokens']);
  const response: EmbeddingsResponse = {
    object: 'list',
    model: String(b.model ?? ''),
    data: b.data.map((d, i) => ({
      object: 'embedding',
      index: typeof d['index'] === 'number' ? d['index'] : i,
      embedding: d['embedding'] as number[] | string,
    })),
    usage: { prompt_tokens: promptTokens, total_tokens: count(b.usage?.['total_tokens']) || promptTokens },
  };
  const usage = normalizeUsage(
    { inputTokens: promptTokens, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 },
    b.usage ?? null,
  );
  return { response, usage };
}
