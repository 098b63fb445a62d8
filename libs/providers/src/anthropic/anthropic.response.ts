import type { ChatResult, FinishReason, OpenAIChatCompletion, ToolCall } from '../core/adapter.types';
import { ProviderError } from '../core/errors';
import { nowSeconds } from '../core/stream';
import { toOpenAIUsage } from '../core/usage';
import { convertAnthropicUsage } from './anthropic.usage';

/** providers.md §7 stop-reason table. */
export function mapAnthropicStopReason(reason: unknown): FinishReason | null {
  switch (reason) {
    case null:
    case undefined:
      return null;
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      // end_turn, stop_sequence, pause_turn and anything new
      return 'stop';
  }
}

export function fromAnthropicResponse(body: unknown): ChatResult {
  const b = body as Record<string, unknown> | null;
  if (!b || typeof b !== 'object' || !Array.isArray(b['content'])) {
    throw new ProviderError({ code: 'upstream_error', provider: 'anthropic', detail: 'malformed_body', retryable: true });
  }
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of b['content'] as Array<Record<string, unknown>>) {
    if (block['type'] === 'text' && typeof block['text'] === 'string') text += block['text'];
    else if (block['type'] === 'tool_use') {
      toolCalls.push({
        id: String(block['id'] ?? ''),
        type: 'function',
        function: { name: String(block['name'] ?? ''), arguments: JSON.stringify(block['input'] ?? {}) },
      });
    }
    // thinking / redacted_thinking / server tool blocks are not part of the OpenAI message
  }
  const usage = convertAnthropicUsage(b['usage']);
  const message: OpenAIChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: text || (toolCalls.length ? null : ''),
  };
  if (toolCalls.length) message.tool_calls = toolCalls;
  const response: OpenAIChatCompletion = {
    id: String(b['id'] ?? ''),
    object: 'chat.completion',
    created: nowSeconds(),
    model: String(b['model'] ?? ''),
    choices: [{ index: 0, message, finish_reason: mapAnthropicStopReason(b['stop_reason']) }],
    usage: toOpenAIUsage(usage),
  };
  return { response, usage };
}
