import type { ChatMessage, FunctionTool, ResponseFormat, ToolChoice } from '../core/adapter.types';

/** Body of POST /v1/chat/completions as we send it (an allowlist of the client's fields). */
export interface OpenAIChatRequestBody {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage: boolean };
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  stop?: string | string[];
  seed?: number;
  user?: string;
  n?: number;
  tools?: FunctionTool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  presence_penalty?: number;
  frequency_penalty?: number;
  reasoning_effort?: string;
}

/** OpenAI usage as it comes over the wire (all detail fields optional). */
export interface OpenAIWireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number; audio_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number; audio_tokens?: number } | null;
  [vendorField: string]: unknown;
}

export interface OpenAIErrorBody {
  error?: { message?: string; type?: string; param?: string | null; code?: string | number | null };
}
