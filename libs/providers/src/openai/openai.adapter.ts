import type {
  CallContext,
  ChatRequest,
  ChatResult,
  ChatStreamEvent,
  EmbeddingsRequest,
  EmbeddingsResult,
  KeyTestResult,
  NormalizedUsage,
  ProviderAdapter,
  ProviderId,
} from '../core/adapter.types';
import { callJson, JSON_HEADERS, probeKey, sendChecked, SSE_HEADERS, unsupported, type ErrorMapper } from '../core/adapter-kit';
import { joinUrl } from '../core/http-client';
import { runSseStream } from '../core/stream';
import { mapOpenAIError } from './openai.errors';
import { toOpenAIEmbeddingsRequest, toOpenAIRequest } from './openai.request';
import { fromOpenAIEmbeddingsResponse, fromOpenAIResponse } from './openai.response';
import { createOpenAIStreamTranslator } from './openai.stream';
import { convertOpenAIUsage } from './openai.usage';

/**
 * Hooks for everything that speaks the OpenAI chat.completions dialect (OpenAI, Azure, Mistral and
 * the OpenAI-compatible hosts): only URLs, auth, body tweaks, usage and errors differ.
 */
export interface OpenAIStyleConfig {
  id: ProviderId;
  chatUrl(ctx: CallContext, req: ChatRequest): string;
  /** null: the provider has no embeddings endpoint. */
  embeddingsUrl(ctx: CallContext, req: EmbeddingsRequest): string | null;
  modelsUrl(ctx: CallContext): string;
  authHeaders(ctx: CallContext): Record<string, string>;
  toRequest(req: ChatRequest, opts: { stream: boolean }): object;
  convertUsage(raw: unknown): NormalizedUsage;
  mapError: ErrorMapper;
  extractStreamUsage?: (chunk: Record<string, unknown>) => unknown;
  isInvalidKey?: (status: number, body: string) => boolean;
}

export class OpenAIStyleAdapter implements ProviderAdapter {
  readonly id: ProviderId;

  constructor(private readonly config: OpenAIStyleConfig) {
    this.id = config.id;
  }

  async chat(req: ChatRequest, ctx: CallContext): Promise<ChatResult> {
    const c = this.config;
    const body = await callJson(
      {
        provider: c.id,
        method: 'POST',
        url: c.chatUrl(ctx, req),
        headers: { ...JSON_HEADERS, ...c.authHeaders(ctx) },
        body: JSON.stringify(c.toRequest(req, { stream: false })),
      },
      ctx,
      c.mapError,
    );
    return fromOpenAIResponse(body, { provider: c.id, convertUsage: c.convertUsage });
  }

  async *chatStream(req: ChatRequest, ctx: CallContext): AsyncGenerator<ChatStreamEvent> {
    const c = this.config;
    const res = await sendChecked(
      {
        provider: c.id,
        method: 'POST',
        url: c.chatUrl(ctx, req),
        headers: { ...SSE_HEADERS, ...c.authHeaders(ctx) },
        body: JSON.stringify(c.toRequest(req, { stream: true })),
      },
      ctx,
      c.mapError,
    );
    yield* runSseStream(
      res,
      createOpenAIStreamTranslator({
        provider: c.id,
        convertUsage: c.convertUsage,
        ...(c.extractStreamUsage ? { extractUsage: c.extractStreamUsage } : {}),
      }),
    );
  }

  async embeddings(req: EmbeddingsRequest, ctx: CallContext): Promise<EmbeddingsResult> {
    const c = this.config;
    const url = c.embeddingsUrl(ctx, req);
    if (!url) throw unsupported(c.id, 'Embeddings');
    const body = await callJson(
      {
        provider: c.id,
        method: 'POST',
        url,
        headers: { ...JSON_HEADERS, ...c.authHeaders(ctx) },
        body: JSON.stringify(toOpenAIEmbeddingsRequest(req)),
      },
      ctx,
      c.mapError,
    );
    return fromOpenAIEmbeddingsResponse(body, c.id);
  }

  testKey(ctx: CallContext): Promise<KeyTestResult> {
    const c = this.config;
    return probeKey(
      { provider: c.id, method: 'GET', url: c.modelsUrl(ctx), headers: { accept: 'application/json', ...c.authHeaders(ctx) } },
      ctx,
      c.isInvalidKey,
    );
  }
}

export function openAIAuthHeaders(ctx: CallContext): Record<string, string> {
  const h: Record<string, string> = { authorization: `Bearer ${ctx.apiKey.reveal()}` };
  if (ctx.organization) h['openai-organization'] = ctx.organization;
  if (ctx.project) h['openai-project'] = ctx.project;
  return h;
}

/** Base URL convention: includes `/v1` (https://api.openai.com/v1), like the official SDK. */
export const openAIAdapter = new OpenAIStyleAdapter({
  id: 'openai',
  chatUrl: (ctx) => joinUrl(ctx.baseUrl, '/chat/completions'),
  embeddingsUrl: (ctx) => joinUrl(ctx.baseUrl, '/embeddings'),
  modelsUrl: (ctx) => joinUrl(ctx.baseUrl, '/models'),
  authHeaders: openAIAuthHeaders,
  toRequest: toOpenAIRequest,
  convertUsage: convertOpenAIUsage,
  mapError: (status, headers, body) => mapOpenAIError(status, headers, body, 'openai'),
});
