/**
 * The contract between the gateway and every provider adapter.
 *
 * Requests and responses are in the OpenAI chat.completions shape; each adapter translates to and from
 * its vendor's wire format. Usage is normalised into {@link NormalizedUsage}.
 */

import type { CallSignal } from './abort';

export type ProviderId =
  | 'openai'
  | 'anthropic'
  | 'mistral'
  | 'gemini'
  | 'azure-openai'
  | 'groq'
  | 'deepseek'
  | 'xai'
  | 'together'
  | 'fireworks'
  | 'openrouter'
  | 'ollama'
  | 'vllm';

export const PROVIDER_IDS: readonly ProviderId[] = [
  'openai',
  'anthropic',
  'mistral',
  'gemini',
  'azure-openai',
  'groq',
  'deepseek',
  'xai',
  'together',
  'fireworks',
  'openrouter',
  'ollama',
  'vllm',
];

/** The app passes its SecretString. Adapters call reveal() only to build the auth header. */
export interface SecretLike {
  reveal(): string;
}

export interface CallTimeouts {
  /** TCP + TLS connect. Default 10 000 ms. */
  connectMs?: number;
  /** Longest silence from upstream: waiting for headers and between body chunks. Default 120 000 ms. */
  idleMs?: number;
  /** Wall clock for the whole call, including reading the full body or stream. Default 600 000 ms. */
  totalMs?: number;
  /**
   * Wall clock until the response headers arrive, when shorter than totalMs: a stream is held to it
   * until it starts, and then only to idleMs and totalMs. Unset: no separate clock.
   */
  headersMs?: number;
}

export interface CallContext {
  apiKey: SecretLike;
  /** From server config only; the adapter never takes one from the request. See DEFAULT_BASE_URLS. */
  baseUrl: string;
  /** Client disconnect / deadline. Aborting rejects with ProviderError code 'aborted'. */
  signal?: CallSignal;
  timeouts?: CallTimeouts;
  /** OpenAI only. */
  organization?: string;
  project?: string;
  /** Azure OpenAI only (dated api-version). Default '2024-10-21'. */
  apiVersion?: string;
  /** Sent upstream as `x-tollgate-request-id` (fake upstream accounting). */
  requestId?: string;
  /**
   * Egress guard (security.md item 1): by default the HTTP client refuses to connect to loopback,
   * private, link-local, CGNAT and metadata addresses, checked on the resolved IP at connect time.
   * Operators set this for self-hosted upstreams (Ollama, vLLM, the fake upstream).
   */
  allowPrivateNetwork?: boolean;
}

// ---------------------------------------------------------------------------------------------
// OpenAI chat.completions request shape (the gateway's public API dialect)

export interface TextContentPart {
  type: 'text';
  text: string;
}
export interface ImageContentPart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}
export type ContentPart = TextContentPart | ImageContentPart;

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface SystemMessage {
  role: 'system' | 'developer';
  content: string | TextContentPart[];
  name?: string;
}
export interface UserMessage {
  role: 'user';
  content: string | ContentPart[];
  name?: string;
}
export interface AssistantMessage {
  role: 'assistant';
  content?: string | TextContentPart[] | null;
  tool_calls?: ToolCall[];
  name?: string;
  refusal?: string | null;
}
export interface ToolMessage {
  role: 'tool';
  tool_call_id: string;
  content: string | TextContentPart[];
}
export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export interface FunctionTool {
  type: 'function';
  function: {
    name: string;
    description?: string;
    parameters?: Record<string, unknown>;
    strict?: boolean | null;
  };
}

export type ToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { type: 'function'; function: { name: string } };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null };
    };

export interface ChatRequest {
  /** Upstream model id (for Azure: the deployment name), no provider prefix. */
  model: string;
  messages: ChatMessage[];
  temperature?: number | null;
  top_p?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  stop?: string | string[] | null;
  seed?: number | null;
  user?: string;
  n?: number | null;
  tools?: FunctionTool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  reasoning_effort?: string | null;
  /** Ignored by adapters: chatStream() always streams and always asks upstream for usage. */
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
}

// ---------------------------------------------------------------------------------------------
// OpenAI chat.completions response shapes

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/** OpenAI `usage` object. */
export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number; [k: string]: unknown };
  completion_tokens_details?: { reasoning_tokens?: number; [k: string]: unknown };
}

export interface OpenAIChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: { role: 'assistant'; content: string | null; tool_calls?: ToolCall[]; refusal?: string | null };
    finish_reason: FinishReason | null;
  }>;
  usage?: OpenAIUsage;
  system_fingerprint?: string | null;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface OpenAIChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: 'assistant'; content?: string | null; tool_calls?: ToolCallDelta[]; refusal?: string | null };
    finish_reason: FinishReason | null;
  }>;
  system_fingerprint?: string | null;
}

// ---------------------------------------------------------------------------------------------
// Usage

/**
 * Token counts for metering. THE convention (the one place it is written down):
 *
 * - `inputTokens`       = ALL prompt tokens: uncached + cache reads + cache writes (+ Gemini tool-use
 *                         prompt tokens). Comparable across providers with OpenAI's `prompt_tokens`.
 * - `cachedInputTokens` = the part of inputTokens read from the prompt cache.
 * - `cacheWriteTokens`  = the part of inputTokens written to the prompt cache (Anthropic
 *                         cache_creation, OpenAI cache_write_tokens).
 * - `outputTokens`      = ALL billable output tokens, reasoning/thinking included.
 * - `reasoningTokens`   = the part of outputTokens spent on reasoning (information only).
 *
 * So cost = uncachedInputTokens(u) * in + cachedInputTokens * cachedIn + cacheWriteTokens * write
 *         + outputTokens * out, never charging a token twice. (providers.md §8 tabulates the uncached
 * figure; we store the total and derive uncached with {@link uncachedInputTokens}.)
 * `raw` is the vendor's usage object, untouched.
 */
export interface NormalizedUsage {
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  raw: unknown;
}

export function uncachedInputTokens(usage: NormalizedUsage): number {
  return Math.max(0, usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteTokens);
}

// ---------------------------------------------------------------------------------------------
// Results

export interface ChatResult {
  response: OpenAIChatCompletion;
  usage: NormalizedUsage;
}

export type ChatStreamEvent =
  | { type: 'chunk'; chunk: OpenAIChatCompletionChunk }
  | { type: 'usage'; usage: NormalizedUsage };

export interface EmbeddingsRequest {
  model: string;
  input: string | string[] | number[] | number[][];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  user?: string;
}

export interface EmbeddingsResponse {
  object: 'list';
  model: string;
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  usage: { prompt_tokens: number; total_tokens: number };
}

export interface EmbeddingsResult {
  response: EmbeddingsResponse;
  usage: NormalizedUsage;
}

export interface KeyTestResult {
  status: 'valid' | 'invalid' | 'unreachable';
  httpStatus?: number;
}

export interface ProviderAdapter {
  readonly id: ProviderId;
  chat(req: ChatRequest, ctx: CallContext): Promise<ChatResult>;
  /** Always asks upstream for usage; yields chunks as they arrive and one 'usage' event at the end. */
  chatStream(req: ChatRequest, ctx: CallContext): AsyncIterable<ChatStreamEvent>;
  /** OpenAI shape in/out. Providers without embeddings throw ProviderError code 'unsupported'. */
  embeddings(req: EmbeddingsRequest, ctx: CallContext): Promise<EmbeddingsResult>;
  /** Cheapest authenticated endpoint; never returns or throws the upstream body. */
  testKey(ctx: CallContext): Promise<KeyTestResult>;
}
