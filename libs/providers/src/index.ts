// Public API of @tollgate/providers. Fake upstreams and the conformance helpers live under
// '@tollgate/providers/testing'.
export {
  PROVIDER_IDS,
  uncachedInputTokens,
  type AssistantMessage,
  type CallContext,
  type CallTimeouts,
  type ChatMessage,
  type ChatRequest,
  type ChatResult,
  type ChatStreamEvent,
  type ContentPart,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  type EmbeddingsResult,
  type FinishReason,
  type FunctionTool,
  type ImageContentPart,
  type KeyTestResult,
  type NormalizedUsage,
  type OpenAIChatCompletion,
  type OpenAIChatCompletionChunk,
  type OpenAIUsage,
  type ProviderAdapter,
  type ProviderId,
  type ResponseFormat,
  type SecretLike,
  type SystemMessage,
  type TextContentPart,
  type ToolCall,
  type ToolCallDelta,
  type ToolChoice,
  type ToolMessage,
  type UserMessage,
} from './core/adapter.types';
export { AbortLatch, type CallSignal } from './core/abort';
export {
  ProviderError,
  isProviderError,
  parseRetryAfterMs,
  type ProviderErrorCode,
  type ProviderErrorDetail,
} from './core/errors';
export { DEFAULT_BASE_URLS, PROVIDERS_WITHOUT_EMBEDDINGS, getAdapter, isProviderId } from './core/registry';
export { DEFAULT_TIMEOUTS, closeAllPools } from './core/http-client';
export { isPrivateAddress } from './core/egress';
export { SseParser, type SseEvent } from './core/sse';
export { emptyUsage, toOpenAIUsage } from './core/usage';
export { OPENAI_COMPATIBLE_HOSTS } from './openai-compatible/openai-compatible.adapter';
export type { OpenAICompatibleId } from './openai-compatible/openai-compatible.types';
export { ANTHROPIC_DEFAULT_MAX_TOKENS } from './anthropic/anthropic.types';
export { AZURE_OPENAI_DEFAULT_API_VERSION } from './azure-openai/azure-openai.types';
