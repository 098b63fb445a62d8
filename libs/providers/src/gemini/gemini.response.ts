import { createHash, randomBytes } from 'node:crypto';
import type { ChatResult, EmbeddingsResult, FinishReason, OpenAIChatCompletion, ToolCall } from '../core/adapter.types';
import { ProviderError } from '../core/errors';
import { nowSeconds } from '../core/stream';
import { count, normalizeUsage, toOpenAIUsage, emptyUsage } from '../core/usage';
import { encodeGeminiToolCallId } from './gemini.request';
import type { GeminiCandidate, GeminiPart, GeminiResponseBody } from './gemini.types';
import { convertGeminiUsage } from './gemini.usage';

const CONTENT_FILTER = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII']);

/** providers.md §7: STOP with functionCall parts → tool_calls; safety family → content_filter. */
export function mapGeminiFinishReason(reason: unknown, hasToolCalls: boolean): FinishReason | null {
  if (typeof reason !== 'string' || !reason) return null;
  if (reason === 'MAX_TOKENS') return 'length';
  if (CONTENT_FILTER.has(reason) || reason.startsWith('IMAGE_')) return 'content_filter';
  return hasToolCalls ? 'tool_calls' : 'stop';
}

/** Gemini rarely sends functionCall.id: mint a stable one from the response id and position. */
export function mintGeminiToolCallId(responseId: string | undefined, candidate: number, position: number, part: GeminiPart): string {
  const seed = responseId ? `${responseId}:${candidate}:${position}:${part.functionCall?.name ?? ''}` : undefined;
  const base = part.functionCall?.id && /^[A-Za-z0-9-]+$/.test(part.functionCall.id)
    ? `call_${part.functionCall.id}`
    : `call_${seed ? createHash('sha256').update(seed).digest('hex').slice(0, 16) : randomBytes(8).toString('hex')}`;
  return encodeGeminiToolCallId(base, part.thoughtSignature);
}

export function geminiToolCall(responseId: string | undefined, candidate: number, position: number, part: GeminiPart): ToolCall {
  return {
    id: mintGeminiToolCallId(responseId, candidate, position, part),
    type: 'function',
    function: { name: part.functionCall?.name ?? '', arguments: JSON.stringify(part.functionCall?.args ?? {}) },
  };
}

function candidateMessage(c: GeminiCandidate, index: number, responseId: string | undefined) {
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const part of c.content?.parts ?? []) {
    if (part.thought) continue;
    if (typeof part.text === 'string') text += part.text;
    if (part.functionCall) toolCalls.push(geminiToolCall(responseId, index, toolCalls.length, part));
  }
  const message: OpenAIChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: text || (toolCalls.length ? null : ''),
  };
  if (toolCalls.length) message.tool_calls = toolCalls;
  return { message, finish: mapGeminiFinishReason(c.finishReason, toolCalls.length > 0) };
}

export function fromGeminiResponse(body: unknown): ChatResult {
  if (!body || typeof body !== 'object') {
    throw new ProviderError({ code: 'upstream_error', provider: 'gemini', detail: 'malformed_body', retryable: true });
  }
  const b = body as GeminiResponseBody;
  const usage = b.usageMetadata ? convertGeminiUsage(b.usageMetadata) : emptyUsage(null);
  const candidates = Array.isArray(b.candidates) ? b.candidates : [];
  const choices: OpenAIChatCompletion['choices'] = candidates.map((c, i) => {
    const { message, finish } = candidateMessage(c, i, b.responseId);
    return { index: typeof c.index === 'number' ? c.index : i, message, finish_reason: finish };
  });
  if (choices.length === 0) {
    // blocked prompt: HTTP 200, no candidates, promptFeedback.blockReason
    choices.push({ index: 0, message: { role: 'assistant', content: '' }, finish_reason: b.promptFeedback?.blockReason ? 'content_filter' : 'stop' });
  }
  const response: OpenAIChatCompletion = {
    id: b.responseId ?? `gemini-${randomBytes(8).toString('hex')}`,
    object: 'chat.completion',
    created: nowSeconds(),
    model: b.modelVersion ?? '',
    choices,
    usage: toOpenAIUsage(usage),
  };
  return { response, usage };
}

export function fromGeminiEmbeddingsResponse(body: unknown, model: string): EmbeddingsResult {
  const b = body as { embeddings?: Array<{ values?: number[] }>; usageMetadata?: { promptTokenCount?: number } } | null;
  if (!b || !Array.isArray(b.embeddings)) {
    throw new ProviderError({ code: 'upstream_error', provider: 'gemini', detail: 'malformed_body', retryable: true });
  }
  // batchEmbedContents usually reports no usage; the gateway estimates when raw is null
  const promptTokens = count(b.usageMetadata?.promptTokenCount);
  return {
    response: {
      object: 'list',
      model,
      data: b.embeddings.map((e, index) => ({ object: 'embedding', index, embedding: e.values ?? [] })),
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
    usage: normalizeUsage(
      { inputTokens: promptTokens, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 },
      b.usageMetadata ?? null,
    ),
  };
}
