import type {
  CallContext,
  ChatRequest,
  ChatResult,
  ChatStreamEvent,
  EmbeddingsRequest,
  EmbeddingsResult,
  KeyTestResult,
  ProviderAdapter,
} from '../core/adapter.types';
import { callJson, JSON_HEADERS, probeKey, sendChecked, SSE_HEADERS } from '../core/adapter-kit';
import { joinUrl } from '../core/http-client';
import { runSseStream } from '../core/stream';
import { mapGeminiError } from './gemini.errors';
import { geminiModelPath, toGeminiEmbeddingsRequest, toGeminiRequest } from './gemini.request';
import { fromGeminiEmbeddingsResponse, fromGeminiResponse } from './gemini.response';
import { createGeminiStreamTranslator } from './gemini.stream';
import { GEMINI_API_VERSION } from './gemini.types';

function geminiHeaders(ctx: CallContext): Record<string, string> {
  // header, never the ?key= query parameter: URLs end up in logs
  return { 'x-goog-api-key': ctx.apiKey.reveal() };
}

/** Base URL convention: host only (https://generativelanguage.googleapis.com); the adapter adds /v1beta. */
export class GeminiAdapter implements ProviderAdapter {
  readonly id = 'gemini' as const;

  async chat(req: ChatRequest, ctx: CallContext): Promise<ChatResult> {
    const body = await callJson(
      {
        provider: 'gemini',
        method: 'POST',
        url: joinUrl(ctx.baseUrl, `/${GEMINI_API_VERSION}/models/${geminiModelPath(req.model)}:generateContent`),
        headers: { ...JSON_HEADERS, ...geminiHeaders(ctx) },
        body: JSON.stringify(toGeminiRequest(req)),
      },
      ctx,
      mapGeminiError,
    );
    return fromGeminiResponse(body);
  }

  async *chatStream(req: ChatRequest, ctx: CallContext): AsyncGenerator<ChatStreamEvent> {
    // usageMetadata is always present on alt=sse chunks; nothing to opt into
    const res = await sendChecked(
      {
        provider: 'gemini',
        method: 'POST',
        url: joinUrl(ctx.baseUrl, `/${GEMINI_API_VERSION}/models/${geminiModelPath(req.model)}:streamGenerateContent?alt=sse`),
        headers: { ...SSE_HEADERS, ...geminiHeaders(ctx) },
        body: JSON.stringify(toGeminiRequest(req)),
      },
      ctx,
      mapGeminiError,
    );
    yield* runSseStream(res, createGeminiStreamTranslator());
  }

  async embeddings(req: EmbeddingsRequest, ctx: CallContext): Promise<EmbeddingsResult> {
    const body = await callJson(
      {
        provider: 'gemini',
        method: 'POST',
        url: joinUrl(ctx.baseUrl, `/${GEMINI_API_VERSION}/models/${geminiModelPath(req.model)}:batchEmbedContents`),
        headers: { ...JSON_HEADERS, ...geminiHeaders(ctx) },
        body: JSON.stringify(toGeminiEmbeddingsRequest(req)),
      },
      ctx,
      mapGeminiError,
    );
    return fromGeminiEmbeddingsResponse(body, req.model);
  }

  testKey(ctx: CallContext): Promise<KeyTestResult> {
    return probeKey(
      {
        provider: 'gemini',
        method: 'GET',
        url: joinUrl(ctx.baseUrl, `/${GEMINI_API_VERSION}/models?pageSize=1`),
        headers: { accept: 'application/json', ...geminiHeaders(ctx) },
      },
      ctx,
      (status, body) => status === 400 && body.includes('API_KEY_INVALID'),
    );
  }
}

export const geminiAdapter = new GeminiAdapter();
