import { joinUrl } from '../core/http-client';
import { OpenAIStyleAdapter } from '../openai/openai.adapter';
import { mapMistralError } from './mistral.errors';
import { toMistralRequest } from './mistral.request';
import { convertMistralUsage } from './mistral.usage';

/** Base URL convention: without `/v1` (https://api.mistral.ai), like the official SDK. */
export const mistralAdapter = new OpenAIStyleAdapter({
  id: 'mistral',
  chatUrl: (ctx) => joinUrl(ctx.baseUrl, '/v1/chat/completions'),
  embeddingsUrl: (ctx) => joinUrl(ctx.baseUrl, '/v1/embeddings'),
  modelsUrl: (ctx) => joinUrl(ctx.baseUrl, '/v1/models'),
  authHeaders: (ctx) => ({ authorization: `Bearer ${ctx.apiKey.reveal()}` }),
  toRequest: toMistralRequest,
  convertUsage: convertMistralUsage,
  mapError: mapMistralError,
});
