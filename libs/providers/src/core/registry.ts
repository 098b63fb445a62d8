import { anthropicAdapter } from '../anthropic/anthropic.adapter';
import { azureOpenAIAdapter } from '../azure-openai/azure-openai.adapter';
import { geminiAdapter } from '../gemini/gemini.adapter';
import { mistralAdapter } from '../mistral/mistral.adapter';
import { openAIAdapter } from '../openai/openai.adapter';
import { createOpenAICompatibleAdapter, OPENAI_COMPATIBLE_HOSTS } from '../openai-compatible/openai-compatible.adapter';
import type { OpenAICompatibleId } from '../openai-compatible/openai-compatible.types';
import { PROVIDER_IDS, type ProviderAdapter, type ProviderId } from './adapter.types';

/**
 * Default upstream base URLs, each in the convention of that vendor's official SDK:
 * OpenAI-style hosts include the version segment (`.../v1`), Anthropic / Mistral / Gemini are the
 * bare origin (the adapter adds `/v1/...` or `/v1beta/...`). null = the operator must configure it
 * (Azure resource, vLLM host). The gateway takes base URLs from server config only, never a request.
 */
export const DEFAULT_BASE_URLS: Record<ProviderId, string | null> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  mistral: 'https://api.mistral.ai',
  gemini: 'https://generativelanguage.googleapis.com',
  'azure-openai': null,
  groq: OPENAI_COMPATIBLE_HOSTS.groq.defaultBaseUrl,
  deepseek: OPENAI_COMPATIBLE_HOSTS.deepseek.defaultBaseUrl,
  xai: OPENAI_COMPATIBLE_HOSTS.xai.defaultBaseUrl,
  together: OPENAI_COMPATIBLE_HOSTS.together.defaultBaseUrl,
  fireworks: OPENAI_COMPATIBLE_HOSTS.fireworks.defaultBaseUrl,
  openrouter: OPENAI_COMPATIBLE_HOSTS.openrouter.defaultBaseUrl,
  ollama: OPENAI_COMPATIBLE_HOSTS.ollama.defaultBaseUrl,
  vllm: OPENAI_COMPATIBLE_HOSTS.vllm.defaultBaseUrl,
};

/** Providers with no embeddings endpoint (their adapter throws ProviderError 'unsupported'). */
export const PROVIDERS_WITHOUT_EMBEDDINGS: readonly ProviderId[] = [
  'anthropic',
  ...(Object.keys(OPENAI_COMPATIBLE_HOSTS) as OpenAICompatibleId[]).filter((id) => !OPENAI_COMPATIBLE_HOSTS[id].embeddings),
];

const adapters: Record<ProviderId, ProviderAdapter> = {
  openai: openAIAdapter,
  anthropic: anthropicAdapter,
  mistral: mistralAdapter,
  gemini: geminiAdapter,
  'azure-openai': azureOpenAIAdapter,
  groq: createOpenAICompatibleAdapter('groq'),
  deepseek: createOpenAICompatibleAdapter('deepseek'),
  xai: createOpenAICompatibleAdapter('xai'),
  together: createOpenAICompatibleAdapter('together'),
  fireworks: createOpenAICompatibleAdapter('fireworks'),
  openrouter: createOpenAICompatibleAdapter('openrouter'),
  ollama: createOpenAICompatibleAdapter('ollama'),
  vllm: createOpenAICompatibleAdapter('vllm'),
};

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && (PROVIDER_IDS as readonly string[]).includes(value);
}

export function getAdapter(id: ProviderId): ProviderAdapter {
  const adapter = isProviderId(id) ? adapters[id] : undefined;
  if (!adapter) throw new TypeError(`Unknown provider id: ${String(id)}`);
  return adapter;
}
