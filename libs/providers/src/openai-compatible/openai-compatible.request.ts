import type { ChatMessage, ChatRequest } from '../core/adapter.types';
import { toOpenAIRequest } from '../openai/openai.request';
import type { OpenAIChatRequestBody } from '../openai/openai.types';

/**
 * OpenAI body with the lowest-common-denominator tweaks the compatible hosts need:
 * `developer` → `system` (many hosts reject the newer role), `max_completion_tokens` → `max_tokens`
 * (Ollama, older vLLM and Together only know the latter). Streams still ask for include_usage.
 */
export function toOpenAICompatibleRequest(req: ChatRequest, opts: { stream: boolean }): OpenAIChatRequestBody {
  const body = toOpenAIRequest(req, opts);
  body.messages = req.messages.map((m): ChatMessage => (m.role === 'developer' ? { ...m, role: 'system' } : m));
  if (body.max_completion_tokens !== undefined) {
    if (body.max_tokens === undefined) body.max_tokens = body.max_completion_tokens;
    delete body.max_completion_tokens;
  }
  return body;
}
