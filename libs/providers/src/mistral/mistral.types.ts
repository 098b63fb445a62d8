import type { ChatMessage, FunctionTool, ResponseFormat } from '../core/adapter.types';

/** Mistral's chat body: OpenAI-like, but `random_seed`, only `max_tokens`, no stream_options/user (422). */
export interface MistralRequestBody {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  stop?: string | string[];
  random_seed?: number;
  n?: number;
  tools?: FunctionTool[];
  tool_choice?: 'auto' | 'none' | 'any' | 'required' | { type: 'function'; function: { name: string } };
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  presence_penalty?: number;
  frequency_penalty?: number;
  reasoning_effort?: string;
}

export interface MistralWireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  [vendorField: string]: unknown;
}
