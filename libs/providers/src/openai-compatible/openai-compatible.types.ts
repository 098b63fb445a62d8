import type { ProviderId } from '../core/adapter.types';

export type OpenAICompatibleId = Extract<
  ProviderId,
  'groq' | 'deepseek' | 'xai' | 'together' | 'fireworks' | 'openrouter' | 'ollama' | 'vllm'
>;

export interface OpenAICompatibleHost {
  /** Includes the API version segment, like the OpenAI base URL. null: operator must configure it. */
  defaultBaseUrl: string | null;
  embeddings: boolean;
}

/** DeepSeek and Groq usage extensions on top of OpenAI's (providers.md §5). */
export interface OpenAICompatibleWireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_cache_hit_tokens?: number;
  prompt_cache_miss_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
  [vendorField: string]: unknown;
}
