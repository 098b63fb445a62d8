import { createHash } from 'node:crypto';
import type { ChatMessage, ChatRequest } from '../core/adapter.types';
import type { MistralRequestBody } from './mistral.types';

const MISTRAL_ID = /^[A-Za-z0-9]{9}$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Mistral only accepts tool-call ids of exactly 9 chars [A-Za-z0-9]. Ids minted elsewhere (OpenAI
 * `call_...`, Anthropic `toolu_...`) are hashed deterministically, so the assistant tool_calls id and
 * the tool message's tool_call_id map to the same value without any stored state.
 */
export function toMistralToolCallId(id: string): string {
  if (MISTRAL_ID.test(id)) return id;
  const digest = createHash('sha256').update(id).digest();
  let out = '';
  for (const byte of digest.subarray(0, 9)) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

function toMistralMessage(m: ChatMessage): ChatMessage {
  switch (m.role) {
    case 'developer':
      return { ...m, role: 'system' };
    case 'assistant':
      return m.tool_calls ? { ...m, tool_calls: m.tool_calls.map((tc) => ({ ...tc, id: toMistralToolCallId(tc.id) })) } : m;
    case 'tool':
      return { ...m, tool_call_id: toMistralToolCallId(m.tool_call_id) };
    default:
      return m;
  }
}

/** providers.md §3: seed → random_seed, max_completion_tokens → max_tokens, drop user/stream_options. */
export function toMistralRequest(req: ChatRequest, opts: { stream: boolean }): MistralRequestBody {
  const body: MistralRequestBody = { model: req.model, messages: req.messages.map(toMistralMessage) };
  const max = req.max_completion_tokens ?? req.max_tokens;
  if (typeof req.temperature === 'number') body.temperature = req.temperature;
  if (typeof req.top_p === 'number') body.top_p = req.top_p;
  if (typeof max === 'number') body.max_tokens = max;
  if (req.stop !== undefined && req.stop !== null) body.stop = req.stop;
  if (typeof req.seed === 'number') body.random_seed = req.seed;
  if (typeof req.n === 'number') body.n = req.n;
  if (req.tools?.length) body.tools = req.tools;
  if (req.tool_choice !== undefined) body.tool_choice = req.tool_choice === 'required' ? 'any' : req.tool_choice;
  if (typeof req.parallel_tool_calls === 'boolean') body.parallel_tool_calls = req.parallel_tool_calls;
  if (req.response_format) body.response_format = req.response_format;
  if (typeof req.presence_penalty === 'number') body.presence_penalty = req.presence_penalty;
  if (typeof req.frequency_penalty === 'number') body.frequency_penalty = req.frequency_penalty;
  if (typeof req.reasoning_effort === 'string') body.reasoning_effort = req.reasoning_effort;
  // Mistral streams always end with usage on the finish chunk; there is no stream_options to send
  if (opts.stream) body.stream = true;
  return body;
}
