import type { ChatMessage, ChatRequest, EmbeddingsRequest } from '@tollgate/providers';
import { ApiError } from '../common/api-error';

/**
 * The chat request body is an allowlist. Unknown fields, and above all the ones peers let clients
 * use to redirect keys (api_base, base_url, api_key, headers, ...), are refused with 400.
 */
const CHAT_FIELDS = new Set([
  'model',
  'messages',
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
  'stream',
  'stream_options',
  'metadata',
  'store',
  'logprobs',
  'top_logprobs',
  'logit_bias',
  'service_tier',
]);
const IGNORED_FIELDS = new Set(['metadata', 'store', 'service_tier']);
const EMBEDDING_FIELDS = new Set(['model', 'input', 'encoding_format', 'dimensions', 'user']);
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

export interface GatewayLimits {
  maxMessages: number;
  maxTokensCap: number;
}

export interface ValidatedChat {
  model: string;
  request: ChatRequest;
  stream: boolean;
  includeUsage: boolean;
  maxTokens: number | null;
}

function bad(message: string, param?: string): never {
  const err = ApiError.badRequest(message);
  if (param) (err.getResponse() as { error: { param?: string } }).error.param = param;
  throw err;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(body: Record<string, unknown>, key: string, min: number, max: number, int = false): void {
  const v = body[key];
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (int && !Number.isInteger(v))) {
    bad(`${key} must be ${int ? 'an integer' : 'a number'} between ${min} and ${max}`, key);
  }
}

function checkContent(content: unknown, role: string, i: number): void {
  if (content === null && role === 'assistant') return;
  if (typeof content === 'string') return;
  if (!Array.isArray(content)) bad(`messages[${i}].content must be a string or an array of parts`, `messages[${i}].content`);
  content.forEach((part, j) => {
    if (!isObj(part) || typeof part.type !== 'string') bad(`messages[${i}].content[${j}] must be an object with a type`, `messages[${i}].content`);
    if (part.type === 'text') {
      if (typeof part.text !== 'string') bad(`messages[${i}].content[${j}].text must be a string`, `messages[${i}].content`);
    } else if (part.type === 'image_url') {
      if (role !== 'user') bad(`messages[${i}]: only user messages may carry images`, `messages[${i}].content`);
      const img = part.image_url;
      if (!isObj(img) || typeof img.url !== 'string' || !/^(https:\/\/|data:image\/)/.test(img.url)) {
        bad(`messages[${i}].content[${j}].image_url.url must be an https URL or a data:image URL`, `messages[${i}].content`);
      }
    } else {
      bad(`messages[${i}].content[${j}].type "${String(part.type)}" is not supported`, `messages[${i}].content`);
    }
  });
}

function checkMessages(messages: unknown, limits: GatewayLimits): ChatMessage[] {
  if (!Array.isArray(messages) || messages.length === 0) bad('messages must be a non-empty array', 'messages');
  if (messages.length > limits.maxMessages) bad(`messages may hold at most ${limits.maxMessages} entries`, 'messages');
  messages.forEach((m, i) => {
    if (!isObj(m) || typeof m.role !== 'string' || !ROLES.has(m.role)) bad(`messages[${i}].role must be one of ${[...ROLES].join(', ')}`, `messages[${i}].role`);
    const allowed = new Set(['role', 'content', 'name', 'tool_calls', 'tool_call_id', 'refusal']);
    for (const k of Object.keys(m)) if (!allowed.has(k)) bad(`messages[${i}].${k} is not a supported field`, `messages[${i}].${k}`);
    if (m.role === 'tool') {
      if (typeof m.tool_call_id !== 'string') bad(`messages[${i}].tool_call_id is required for tool messages`, `messages[${i}].tool_call_id`);
    }
    if (m.role === 'assistant' && m.tool_calls !== undefined) {
      if (!Array.isArray(m.tool_calls)) bad(`messages[${i}].tool_calls must be an array`, `messages[${i}].tool_calls`);
      m.tool_calls.forEach((tc, j) => {
        if (!isObj(tc) || typeof tc.id !== 'string' || !isObj(tc.function) || typeof tc.function.name !== 'string' || typeof tc.function.arguments !== 'string') {
          bad(`messages[${i}].tool_calls[${j}] must have id and function {name, arguments}`, `messages[${i}].tool_calls`);
        }
      });
    }
    if (m.content === undefined && !(m.role === 'assistant' && m.tool_calls)) bad(`messages[${i}].content is required`, `messages[${i}].content`);
    if (m.content !== undefined) checkContent(m.content, m.role as string, i);
  });
  return messages as ChatMessage[];
}

export function validateChatBody(body: unknown, limits: GatewayLimits): ValidatedChat {
  if (!isObj(body)) bad('The request body must be a JSON object');
  for (const key of Object.keys(body)) if (!CHAT_FIELDS.has(key)) bad(`Unrecognized request argument supplied: ${key}`, key);
  if (typeof body.model !== 'string' || body.model.length === 0 || body.model.length > 200) bad('model is required', 'model');
  const messages = checkMessages(body.messages, limits);
  num(body, 'temperature', 0, 2);
  num(body, 'top_p', 0, 1);
  num(body, 'presence_penalty', -2, 2);
  num(body, 'frequency_penalty', -2, 2);
  num(body, 'max_tokens', 1, limits.maxTokensCap, true);
  num(body, 'max_completion_tokens', 1, limits.maxTokensCap, true);
  num(body, 'seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true);
  num(body, 'n', 1, 1, true);
  if (body.stop !== undefined && body.stop !== null) {
    const ok = typeof body.stop === 'string' || (Array.isArray(body.stop) && body.stop.length <= 4 && body.stop.every((s) => typeof s === 'string'));
    if (!ok) bad('stop must be a string or up to 4 strings', 'stop');
  }
  if (body.user !== undefined && (typeof body.user !== 'string' || body.user.length > 256)) bad('user must be a string', 'user');
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') bad('stream must be a boolean', 'stream');
  if (body.stream_options !== undefined && body.stream_options !== null) {
    if (!isObj(body.stream_options) || Object.keys(body.stream_options).some((k) => k !== 'include_usage')) bad('stream_options supports include_usage only', 'stream_options');
  }
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools) || body.tools.length > 128) bad('tools must be an array of at most 128 functions', 'tools');
    body.tools.forEach((tool, i) => {
      if (!isObj(tool) || tool.type !== 'function' || !isObj(tool.function) || typeof tool.function.name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(tool.function.name)) {
        bad(`tools[${i}] must be {type:"function", function:{name, description?, parameters?}}`, 'tools');
      }
      if (tool.function.parameters !== undefined && !isObj(tool.function.parameters)) bad(`tools[${i}].function.parameters must be a JSON schema object`, 'tools');
    });
  }
  if (body.tool_choice !== undefined) {
    const tc = body.tool_choice;
    const ok = tc === 'none' || tc === 'auto' || tc === 'required' || (isObj(tc) && tc.type === 'function' && isObj(tc.function) && typeof tc.function.name === 'string');
    if (!ok) bad('tool_choice must be none, auto, required or {type:"function", function:{name}}', 'tool_choice');
  }
  if (body.response_format !== undefined) {
    const rf = body.response_format;
    const ok = isObj(rf) && (rf.type === 'text' || rf.type === 'json_object' || (rf.type === 'json_schema' && isObj(rf.json_schema) && typeof rf.json_schema.name === 'string'));
    if (!ok) bad('response_format must be {type:"text"|"json_object"} or {type:"json_schema", json_schema:{name, schema}}', 'response_format');
  }
  for (const k of ['logprobs', 'top_logprobs', 'logit_bias']) if (body[k] !== undefined && body[k] !== null && body[k] !== false) bad(`${k} is not supported by this gateway`, k);
  const request: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!IGNORED_FIELDS.has(k) && v !== undefined && !['logprobs', 'top_logprobs', 'logit_bias'].includes(k)) request[k] = v;
  request.messages = messages;
  const stream = body.stream === true;
  const includeUsage = stream && isObj(body.stream_options) && body.stream_options.include_usage === true;
  const maxTokens = (body.max_completion_tokens ?? body.max_tokens ?? null) as number | null;
  return { model: body.model as string, request: request as unknown as ChatRequest, stream, includeUsage, maxTokens };
}

export function validateEmbeddingsBody(body: unknown): { model: string; request: EmbeddingsRequest } {
  if (!isObj(body)) bad('The request body must be a JSON object');
  for (const key of Object.keys(body)) if (!EMBEDDING_FIELDS.has(key)) bad(`Unrecognized request argument supplied: ${key}`, key);
  if (typeof body.model !== 'string' || !body.model) bad('model is required', 'model');
  const input = body.input;
  const okInput =
    (typeof input === 'string' && input.length > 0) ||
    (Array.isArray(input) && input.length > 0 && input.length <= 2048 && (input.every((s) => typeof s === 'string') || input.every((n) => typeof n === 'number' && Number.isInteger(n)) || input.every((a) => Array.isArray(a) && a.every((n) => Number.isInteger(n)))));
  if (!okInput) bad('input must be a non-empty string or array of strings (or token arrays), at most 2048 items', 'input');
  if (body.encoding_format !== undefined && body.encoding_format !== 'float' && body.encoding_format !== 'base64') bad('encoding_format must be float or base64', 'encoding_format');
  num(body, 'dimensions', 1, 65_536, true);
  return { model: body.model as string, request: body as unknown as EmbeddingsRequest };
}
