import type {
  CallContext,
  ChatRequest,
  ChatResult,
  ChatStreamEvent,
  EmbeddingsResult,
  KeyTestResult,
  ProviderAdapter,
} from '../core/adapter.types';
import { callJson, JSON_HEADERS, probeKey, sendChecked, SSE_HEADERS, unsupported } from '../core/adapter-kit';
import { joinUrl } from '../core/http-client';
import { runSseStream } from '../core/stream';
import { mapAnthropicError } from './anthropic.errors';
import { toAnthropicRequest } from './anthropic.request';
import { fromAnthropicResponse } from './anthropic.response';
import { createAnthropicStreamTranslator } from './anthropic.stream';
import { ANTHROPIC_VERSION } from './anthropic.types';

function anthropicHeaders(ctx: CallContext): Record<string, string> {
  return { 'x-api-key': ctx.apiKey.reveal(), 'anthropic-version': ANTHROPIC_VERSION };
}

/** Base URL convention: without `/v1` (https://api.anthropic.com), like the official SDK. */
export class AnthropicAdapter implements ProviderAdapter {
  readonly id = 'anthropic' as const;

  async chat(req: ChatRequest, ctx: CallContext): Promise<ChatResult> {
    const body = await callJson(
      {
        provider: 'anthropic',
        method: 'POST',
        url: joinUrl(ctx.baseUrl, '/v1/messages'),
        headers: { ...JSON_HEADERS, ...anthropicHeaders(ctx) },
        body: JSON.stringify(toAnthropicRequest(req, { stream: false })),
      },
      ctx,
      mapAnthropicError,
    );
    return fromAnthropicResponse(body);
  }

  async *chatStream(req: ChatRequest, ctx: CallContext): AsyncGenerator<ChatStreamEvent> {
    // Anthropic streams always carry usage (message_start + message_delta); nothing to opt into.
    const res = await sendChecked(
      {
        provider: 'anthropic',
        method: 'POST',
        url: joinUrl(ctx.baseUrl, '/v1/messages'),
        headers: { ...SSE_HEADERS, ...anthropicHeaders(ctx) },
        body: JSON.stringify(toAnthropicRequest(req, { stream: true })),
      },
      ctx,
      mapAnthropicError,
    );
    yield* runSseStream(res, createAnthropicStreamTranslator());
  }

  embeddings(): Promise<EmbeddingsResult> {
    return Promise.reject(unsupported('anthropic', 'Embeddings'));
  }

  testKey(ctx: CallContext): Promise<KeyTestResult> {
    return probeKey(
      {
        provider: 'anthropic',
        method: 'GET',
        url: joinUrl(ctx.baseUrl, '/v1/models?limit=1'),
        headers: { accept: 'application/json', ...anthropicHeaders(ctx) },
      },
      ctx,
    );
  }
}

export const anthropicAdapter = new AnthropicAdapter();
