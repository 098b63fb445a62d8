import { joinUrl } from '../core/http-client';
import { OpenAIStyleAdapter } from '../openai/openai.adapter';
import { mapOpenAICompatibleError } from './openai-compatible.errors';
import { toOpenAICompatibleRequest } from './openai-compatible.request';
import type { OpenAICompatibleHost, OpenAICompatibleId } from './openai-compatible.types';
import { convertOpenAICompatibleUsage, extractOpenAICompatibleStreamUsage } from './openai-compatible.usage';

/** providers.md §5. Base URLs include the version segment; vLLM has no public default. */
export const OPENAI_COMPATIBLE_HOSTS: Record<OpenAICompatibleId, OpenAICompatibleHost> = {
  groq: { defaultBaseUrl: 'https://api.groq.com/openai/v1', embeddings: false },
  deepseek: { defaultBaseUrl: 'https://api.deepseek.com', embeddings: false },
  xai: { defaultBaseUrl: 'https://api.x.ai/v1', embeddings: false },
  together: { defaultBaseUrl: 'https://api.together.xyz/v1', embeddings: true },
  fireworks: { defaultBaseUrl: 'https://api.fireworks.ai/inference/v1', embeddings: true },
  openrouter: { defaultBaseUrl: 'https://openrouter.ai/api/v1', embeddings: false },
  ollama: { defaultBaseUrl: 'http://localhost:11434/v1', embeddings: true },
  vllm: { defaultBaseUrl: null, embeddings: true },
};

export function createOpenAICompatibleAdapter(id: OpenAICompatibleId): OpenAIStyleAdapter {
  const host = OPENAI_COMPATIBLE_HOSTS[id];
  return new OpenAIStyleAdapter({
    id,
    chatUrl: (ctx) => joinUrl(ctx.baseUrl, '/chat/completions'),
    embeddingsUrl: (ctx) => (host.embeddings ? joinUrl(ctx.baseUrl, '/embeddings') : null),
    modelsUrl: (ctx) => joinUrl(ctx.baseUrl, '/models'),
    authHeaders: (ctx): Record<string, string> => {
      const key = ctx.apiKey.reveal();
      // Ollama and an unauthenticated vLLM ignore the header; an empty key sends none
      return key ? { authorization: `Bearer ${key}` } : {};
    },
    toRequest: toOpenAICompatibleRequest,
    convertUsage: convertOpenAICompatibleUsage,
    extractStreamUsage: extractOpenAICompatibleStreamUsage,
    mapError: (status, headers, body) => mapOpenAICompatibleError(status, headers, body, id),
    isInvalidKey: (status, body) => mapOpenAICompatibleError(status, {}, body, id).code === 'credential_rejected',
  });
}
