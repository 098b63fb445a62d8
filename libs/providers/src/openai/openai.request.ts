import type { ChatRequest, EmbeddingsRequest } from '../core/adapter.types';
import type { OpenAIChatRequestBody } from './openai.types';

/**
 * Copies the known chat.completions fields (an allowlist: nothing else from the client reaches the
 * upstream) and, for streams, always asks for usage.
 */
export function toOpenAIRequest(req: ChatRequest, opts: { stream: boolean }): OpenAIChatRequestBody {
  const body: OpenAIChatRequestBody = { model: req.model, messages: req.messages };
  const r = req as unknown as Record<string, unknown>;
  const b = body as unknown as Record<string, unknown>;
  for (const key of [
    'temperature',
    'top_p',
    'max_tokens',
    'max_completion_tokens',
    'stop',
    'seed',
    'user',
    'n',
    'tools',
    'tool_choice',
    'parallel_tool_calls',
    'response_format',
    'presence_penalty',
    'frequency_penalty',
    'reasoning_effort',
  ] as const) {
    const v = r[key];
    if (v !== undefined && v !== null) b[key] = v;
  }
  if (opts.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

export function toOpenAIEmbeddingsRequest(req: EmbeddingsRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { model: req.model, input: req.input };
  if (req.encoding_format !== undefined) body['encoding_format'] = req.encoding_format;
  if (req.dimensions !== undefined) body['dimensions'] = req.dimensions;
  if (req.user !== undefined) body['user'] = req.user;
  return body;
}
