import type { FakeAnswer, FakeConversation, FakeTurn } from './fake-upstream.engine';
import type { FakeFlavor, FakeWire } from './fake-upstream.types';

/** One SSE event as written, and the visible output tokens sent once it is on the wire. */
export interface FakeStreamEvent {
  text: string;
  outputTokensSoFar: number;
}

export interface RenderContext {
  id: string;
  model: string;
  created: number;
  flavor: FakeFlavor;
  includeUsage: boolean;
  azure: boolean;
}

const CREATED = 1760000000;
export const FAKE_CREATED = CREATED;
export const FAKE_THOUGHT_SIGNATURE = 'ZmFrZS10aG91Z2h0LXNpZ25hdHVyZQ==';

type Json = Record<string, unknown>;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p: Json) => (typeof p?.['text'] === 'string' ? (p['text'] as string) : typeof p?.['content'] === 'string' ? (p['content'] as string) : ''))
      .join(' ');
  }
  return '';
}

function safeParse(s: unknown): unknown {
  if (typeof s !== 'string') return s ?? {};
  try {
    return JSON.parse(s);
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------------------------------------
// Request parsing into the neutral conversation

export function conversationFromOpenAI(body: Json, model: string): FakeConversation {
  const messages = Array.isArray(body['messages']) ? (body['messages'] as Json[]) : [];
  const turns: FakeTurn[] = messages.map((m) => {
    const role = m['role'] === 'assistant' ? 'assistant' : m['role'] === 'tool' ? 'tool' : m['role'] === 'user' ? 'user' : 'system';
    const turn: FakeTurn = { role, text: textOf(m['content']) };
    if (Array.isArray(m['tool_calls'])) {
      turn.toolCalls = (m['tool_calls'] as Json[]).map((tc) => {
        const fn = (tc['function'] ?? {}) as Json;
        return { name: String(fn['name'] ?? ''), args: safeParse(fn['arguments']) };
      });
    }
    return turn;
  });
  const tools = Array.isArray(body['tools'])
    ? (body['tools'] as Json[]).map((t) => {
        const fn = (t['function'] ?? {}) as Json;
        return { name: String(fn['name'] ?? ''), parameters: fn['parameters'] as Json | undefined };
      })
    : [];
  const tc = body['tool_choice'];
  const toolChoice = typeof tc === 'string' ? (tc === 'any' ? 'required' : tc) : tc && typeof tc === 'object' ? String(((tc as Json)['function'] as Json)?.['name'] ?? 'auto') : 'auto';
  const rf = body['response_format'] as Json | undefined;
  const max = body['max_completion_tokens'] ?? body['max_tokens'];
  return {
    model,
    turns,
    tools,
    toolChoice,
    json: rf?.['type'] === 'json_object' || rf?.['type'] === 'json_schema',
    ...(typeof max === 'number' ? { maxTokens: max } : {}),
  };
}

export function conversationFromAnthropic(body: Json, model: string): FakeConversation {
  const turns: FakeTurn[] = [];
  if (body['system']) turns.push({ role: 'system', text: textOf(body['system']) });
  for (const m of (Array.isArray(body['messages']) ? body['messages'] : []) as Json[]) {
    const content = m['content'];
    if (typeof content === 'string') {
      turns.push({ role: m['role'] === 'assistant' ? 'assistant' : 'user', text: content });
      continue;
    }
    const blocks = (Array.isArray(content) ? content : []) as Json[];
    const results = blocks.filter((b) => b['type'] === 'tool_result');
    for (const r of results) turns.push({ role: 'tool', text: textOf(r['content']) });
    const texts = blocks.filter((b) => b['type'] === 'text').map((b) => String(b['text'] ?? ''));
    const uses = blocks.filter((b) => b['type'] === 'tool_use');
    if (texts.length || uses.length || results.length === 0) {
      const turn: FakeTurn = { role: m['role'] === 'assistant' ? 'assistant' : 'user', text: texts.join(' ') };
      if (uses.length) turn.toolCalls = uses.map((u) => ({ name: String(u['name'] ?? ''), args: u['input'] ?? {} }));
      turns.push(turn);
    }
  }
  const tools = Array.isArray(body['tools'])
    ? (body['tools'] as Json[]).map((t) => ({ name: String(t['name'] ?? ''), parameters: t['input_schema'] as Json | undefined }))
    : [];
  const tc = body['tool_choice'] as Json | undefined;
  const toolChoice = !tc ? 'auto' : tc['type'] === 'tool' ? String(tc['name']) : tc['type'] === 'any' ? 'required' : String(tc['type']);
  const system = textOf(body['system']);
  return {
    model,
    turns,
    tools,
    toolChoice,
    json: /valid JSON/.test(system),
    ...(typeof body['max_tokens'] === 'number' ? { maxTokens: body['max_tokens'] as number } : {}),
  };
}

export function conversationFromGemini(body: Json, model: string): FakeConversation {
  const turns: FakeTurn[] = [];
  const sys = body['systemInstruction'] as Json | undefined;
  if (sys) turns.push({ role: 'system', text: textOf(sys['parts']) });
  for (const c of (Array.isArray(body['contents']) ? body['contents'] : []) as Json[]) {
    const parts = (Array.isArray(c['parts']) ? c['parts'] : []) as Json[];
    const responses = parts.filter((p) => p['functionResponse']);
    for (const r of responses) turns.push({ role: 'tool', text: JSON.stringify((r['functionResponse'] as Json)['response'] ?? {}) });
    const calls = parts.filter((p) => p['functionCall']);
    const texts = parts.filter((p) => typeof p['text'] === 'string').map((p) => p['text'] as string);
    if (texts.length || calls.length || responses.length === 0) {
      const turn: FakeTurn = { role: c['role'] === 'model' ? 'assistant' : 'user', text: texts.join(' ') };
      if (calls.length) turn.toolCalls = calls.map((p) => ({ name: String((p['functionCall'] as Json)['name']), args: (p['functionCall'] as Json)['args'] ?? {} }));
      turns.push(turn);
    }
  }
  const decls = ((Array.isArray(body['tools']) ? body['tools'] : []) as Json[]).flatMap((t) =>
    Array.isArray(t['functionDeclarations']) ? (t['functionDeclarations'] as Json[]) : [],
  );
  const tools = decls.map((d) => ({ name: String(d['name']), parameters: (d['parametersJsonSchema'] ?? d['parameters']) as Json | undefined }));
  const fcc = ((body['toolConfig'] as Json | undefined)?.['functionCallingConfig'] ?? {}) as Json;
  const allowed = Array.isArray(fcc['allowedFunctionNames']) ? (fcc['allowedFunctionNames'] as string[]) : [];
  const toolChoice = fcc['mode'] === 'NONE' ? 'none' : allowed[0] ?? (fcc['mode'] === 'ANY' ? 'required' : 'auto');
  const gc = (body['generationConfig'] ?? {}) as Json;
  return {
    model,
    turns,
    tools,
    toolChoice,
    json: gc['responseMimeType'] === 'application/json',
    ...(typeof gc['maxOutputTokens'] === 'number' ? { maxTokens: gc['maxOutputTokens'] as number } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// OpenAI dialect (OpenAI, Azure, Mistral, compatible hosts)

function toolCallId(ctx: RenderContext, i: number, wire: FakeWire, flavor: FakeFlavor): string {
  if (flavor === 'mistral') return `${ctx.id.replace(/[^A-Za-z0-9]/g, '').slice(-6).padStart(6, 'x')}tc${i}`.slice(0, 9);
  const n = ctx.id.replace(/[^A-Za-z0-9]/g, '').slice(-8);
  return wire === 'anthropic' ? `toolu_${n}${i}` : `call_${n}${i}`;
}

export function openAIUsage(ans: FakeAnswer, flavor: FakeFlavor): Json {
  const completion = ans.visibleOutputTokens + ans.reasoningTokens;
  const total = ans.inputTokens + completion;
  if (flavor === 'mistral') return { prompt_tokens: ans.inputTokens, total_tokens: total, completion_tokens: completion };
  const usage: Json = {
    prompt_tokens: ans.inputTokens,
    completion_tokens: completion,
    total_tokens: total,
    prompt_tokens_details: {
      cached_tokens: ans.cachedInputTokens,
      audio_tokens: 0,
      ...(ans.cacheWriteTokens ? { cache_write_tokens: ans.cacheWriteTokens } : {}),
    },
    completion_tokens_details: { reasoning_tokens: ans.reasoningTokens, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  if (flavor === 'deepseek') {
    usage['prompt_cache_hit_tokens'] = ans.cachedInputTokens;
    usage['prompt_cache_miss_tokens'] = ans.inputTokens - ans.cachedInputTokens;
  }
  if (flavor === 'groq') Object.assign(usage, { queue_time: 0.01, prompt_time: 0.002, completion_time: 0.05, total_time: 0.062 });
  return usage;
}

export function openAICompletion(ans: FakeAnswer, ctx: RenderContext): Json {
  const message: Json = { role: 'assistant', content: ans.toolCalls.length ? null : ans.pieces.join(''), refusal: null };
  if (ans.toolCalls.length) {
    message['tool_calls'] = ans.toolCalls.map((c, i) => ({
      id: toolCallId(ctx, i, 'openai', ctx.flavor),
      type: 'function',
      function: { name: c.name, arguments: c.argsJson },
    }));
  }
  const choice: Json = { index: 0, message, logprobs: null, finish_reason: ans.finish };
  if (ctx.azure) choice['content_filter_results'] = { hate: { filtered: false, severity: 'safe' } };
  const body: Json = {
    id: ctx.id,
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model,
    choices: [choice],
    usage: openAIUsage(ans, ctx.flavor),
    system_fingerprint: 'fp_fake',
  };
  if (ctx.flavor === 'groq') body['x_groq'] = { id: `req_${ctx.id}` };
  return body;
}

function sse(data: unknown, eol = '\n'): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}${eol}${eol}`;
}

export function openAIStream(ans: FakeAnswer, ctx: RenderContext): FakeStreamEvent[] {
  const out: FakeStreamEvent[] = [];
  let sent = 0;
  const base = { id: ctx.id, object: 'chat.completion.chunk', created: ctx.created, model: ctx.model, system_fingerprint: 'fp_fake' };
  const chunk = (delta: Json, finish: string | null = null, extra: Json = {}): Json => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(ctx.flavor === 'openai' || ctx.azure ? { usage: null } : {}),
    ...extra,
  });
  if (ctx.flavor === 'openrouter') out.push({ text: ': OPENROUTER PROCESSING\n\n', outputTokensSoFar: 0 });
  if (ctx.azure) out.push({ text: sse({ id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] }), outputTokensSoFar: 0 });
  out.push({ text: sse(chunk({ role: 'assistant', content: '' })), outputTokensSoFar: 0 });
  if (ans.toolCalls.length) {
    ans.toolCalls.forEach((c, i) => {
      out.push({
        text: sse(chunk({ tool_calls: [{ index: i, id: toolCallId(ctx, i, 'openai', ctx.flavor), type: 'function', function: { name: c.name, arguments: '' } }] })),
        outputTokensSoFar: sent,
      });
      const mid = Math.ceil(c.argsJson.length / 2);
      for (const frag of [c.argsJson.slice(0, mid), c.argsJson.slice(mid)]) {
        out.push({ text: sse(chunk({ tool_calls: [{ index: i, function: { arguments: frag } }] })), outputTokensSoFar: sent });
      }
    });
    sent = ans.visibleOutputTokens;
    const lastEvent = out[out.length - 1];
    if (lastEvent) lastEvent.outputTokensSoFar = sent;
  } else {
    for (const piece of ans.pieces) {
      sent += piece.split(/\s+/).filter(Boolean).length;
      out.push({ text: sse(chunk({ content: piece })), outputTokensSoFar: sent });
    }
  }
  const usage = openAIUsage(ans, ctx.flavor);
  const finishExtra: Json = {};
  if (ctx.flavor === 'mistral') finishExtra['usage'] = usage;
  if (ctx.flavor === 'groq') finishExtra['x_groq'] = { id: `req_${ctx.id}`, usage };
  out.push({ text: sse(chunk(ctx.flavor === 'mistral' ? { content: '' } : {}, ans.finish, finishExtra)), outputTokensSoFar: sent });
  if (ctx.includeUsage && ctx.flavor !== 'mistral' && ctx.flavor !== 'groq') {
    out.push({ text: sse({ ...base, choices: [], usage }), outputTokensSoFar: sent });
  }
  out.push({ text: sse('[DONE]'), outputTokensSoFar: sent });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Anthropic

export function anthropicUsage(ans: FakeAnswer): Json {
  return {
    input_tokens: ans.inputTokens - ans.cachedInputTokens - ans.cacheWriteTokens,
    cache_creation_input_tokens: ans.cacheWriteTokens,
    cache_read_input_tokens: ans.cachedInputTokens,
    cache_creation: { ephemeral_5m_input_tokens: ans.cacheWriteTokens, ephemeral_1h_input_tokens: 0 },
    output_tokens: ans.visibleOutputTokens + ans.reasoningTokens,
    ...(ans.reasoningTokens ? { output_tokens_details: { thinking_tokens: ans.reasoningTokens } } : {}),
    service_tier: 'standard',
  };
}

function anthropicStop(ans: FakeAnswer): string {
  return ans.finish === 'tool_calls' ? 'tool_use' : ans.finish === 'length' ? 'max_tokens' : 'end_turn';
}

export function anthropicMessage(ans: FakeAnswer, ctx: RenderContext): Json {
  const content: Json[] = ans.toolCalls.length
    ? ans.toolCalls.map((c, i) => ({ type: 'tool_use', id: toolCallId(ctx, i, 'anthropic', ctx.flavor), name: c.name, input: c.args }))
    : [{ type: 'text', text: ans.pieces.join('') }];
  return {
    id: ctx.id,
    type: 'message',
    role: 'assistant',
    model: ctx.model,
    content,
    stop_reason: anthropicStop(ans),
    stop_sequence: null,
    usage: anthropicUsage(ans),
  };
}

function named(event: string, data: Json): string {
  return `event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`;
}

export function anthropicStream(ans: FakeAnswer, ctx: RenderContext): FakeStreamEvent[] {
  const usage = anthropicUsage(ans);
  const out: FakeStreamEvent[] = [];
  let sent = 0;
  out.push({
    text: named('message_start', {
      message: { id: ctx.id, type: 'message', role: 'assistant', model: ctx.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
    }),
    outputTokensSoFar: 0,
  });
  if (ans.toolCalls.length) {
    ans.toolCalls.forEach((c, i) => {
      out.push({ text: named('content_block_start', { index: i, content_block: { type: 'tool_use', id: toolCallId(ctx, i, 'anthropic', ctx.flavor), name: c.name, input: {} } }), outputTokensSoFar: sent });
      const mid = Math.ceil(c.argsJson.length / 2);
      for (const frag of ['', c.argsJson.slice(0, mid), c.argsJson.slice(mid)]) {
        out.push({ text: named('content_block_delta', { index: i, delta: { type: 'input_json_delta', partial_json: frag } }), outputTokensSoFar: sent });
      }
      out.push({ text: named('content_block_stop', { index: i }), outputTokensSoFar: sent });
    });
    sent = ans.visibleOutputTokens;
  } else {
    out.push({ text: named('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }), outputTokensSoFar: 0 });
    out.push({ text: named('ping', {}), outputTokensSoFar: 0 });
    for (const piece of ans.pieces) {
      sent += piece.split(/\s+/).filter(Boolean).length;
      out.push({ text: named('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }), outputTokensSoFar: sent });
    }
    out.push({ text: named('content_block_stop', { index: 0 }), outputTokensSoFar: sent });
  }
  out.push({
    text: named('message_delta', { delta: { stop_reason: anthropicStop(ans), stop_sequence: null }, usage: { output_tokens: usage['output_tokens'] } }),
    outputTokensSoFar: sent,
  });
  out.push({ text: named('message_stop', {}), outputTokensSoFar: sent });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Gemini (CRLF framing, running usage totals, whole functionCall parts)

function geminiUsage(ans: FakeAnswer, visible: number): Json {
  return {
    promptTokenCount: ans.inputTokens,
    ...(ans.cachedInputTokens ? { cachedContentTokenCount: ans.cachedInputTokens } : {}),
    candidatesTokenCount: visible,
    ...(ans.reasoningTokens ? { thoughtsTokenCount: ans.reasoningTokens } : {}),
    totalTokenCount: ans.inputTokens + visible + ans.reasoningTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: ans.inputTokens }],
  };
}

function geminiFinish(ans: FakeAnswer): string {
  return ans.finish === 'length' ? 'MAX_TOKENS' : 'STOP';
}

function geminiCallParts(ans: FakeAnswer): Json[] {
  return ans.toolCalls.map((c) => ({ functionCall: { name: c.name, args: c.args }, thoughtSignature: FAKE_THOUGHT_SIGNATURE }));
}

export function geminiResponse(ans: FakeAnswer, ctx: RenderContext): Json {
  const parts = ans.toolCalls.length ? geminiCallParts(ans) : [{ text: ans.pieces.join('') }];
  return {
    candidates: [{ content: { role: 'model', parts }, finishReason: geminiFinish(ans), index: 0 }],
    usageMetadata: geminiUsage(ans, ans.visibleOutputTokens),
    modelVersion: ctx.model,
    responseId: ctx.id,
  };
}

export function geminiStream(ans: FakeAnswer, ctx: RenderContext): FakeStreamEvent[] {
  const out: FakeStreamEvent[] = [];
  const tail = { modelVersion: ctx.model, responseId: ctx.id };
  if (ans.toolCalls.length) {
    out.push({
      text: sse({ candidates: [{ content: { role: 'model', parts: geminiCallParts(ans) }, finishReason: 'STOP', index: 0 }], usageMetadata: geminiUsage(ans, ans.visibleOutputTokens), ...tail }, '\r\n'),
      outputTokensSoFar: ans.visibleOutputTokens,
    });
    return out;
  }
  let sent = 0;
  ans.pieces.forEach((piece, i) => {
    sent += piece.split(/\s+/).filter(Boolean).length;
    const last = i === ans.pieces.length - 1;
    out.push({
      text: sse(
        {
          candidates: [{ content: { role: 'model', parts: [{ text: piece }] }, ...(last ? { finishReason: geminiFinish(ans) } : {}), index: 0 }],
          usageMetadata: geminiUsage(ans, sent),
          ...tail,
        },
        '\r\n',
      ),
      outputTokensSoFar: sent,
    });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Errors, in each wire's format

const RPC: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED' };
const ANTHROPIC_TYPES: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 402: 'billing_error', 403: 'permission_error', 404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 504: 'timeout_error', 529: 'overloaded_error' };

export interface FakeErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: Json;
}

/** `message` is a fixed text per status; a `keyHint` (masked) is echoed like real vendors do. */
export function errorResponse(wire: FakeWire, flavor: FakeFlavor, status: number, opts: { retryAfter?: number; message?: string; badKey?: boolean } = {}): FakeErrorResponse {
  const headers: Record<string, string> = {};
  if (opts.retryAfter !== undefined) headers['retry-after'] = String(opts.retryAfter);
  const message = opts.message ?? (status === 401 ? 'Incorrect API key provided.' : status === 429 ? 'Rate limit reached for requests.' : `Fake upstream error ${status}.`);
  if (wire === 'anthropic') {
    return { status, headers, body: { type: 'error', error: { type: ANTHROPIC_TYPES[status] ?? 'api_error', message }, request_id: 'req_fake' } };
  }
  if (wire === 'gemini') {
    if (status === 401 || opts.badKey) {
      return {
        status: 400,
        headers,
        body: { error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }] } },
      };
    }
    const details: Json[] = [];
    if (status === 429) details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${opts.retryAfter ?? 1}s` });
    delete headers['retry-after'];
    return { status, headers, body: { error: { code: status, message, status: RPC[status] ?? 'UNKNOWN', details } } };
  }
  if (flavor === 'mistral') {
    if (status === 401) return { status, headers, body: { message: 'Unauthorized', request_id: 'fake' } };
    const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'internal_server_error' : 'invalid_request_error';
    return { status, headers, body: { object: 'error', message, type, param: null, code: status === 429 ? '3505' : null } };
  }
  if (flavor === 'xai' && status === 401) {
    return { status: 400, headers, body: { code: 'invalid-argument', error: 'Incorrect API key provided: ba***ey. You can obtain an API key from https://console.x.ai.' } };
  }
  const type = status === 401 ? 'invalid_request_error' : status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error';
  const code = status === 401 ? 'invalid_api_key' : status === 429 ? 'rate_limit_exceeded' : status === 404 ? 'model_not_found' : null;
  return { status, headers, body: { error: { message, type, param: null, code } } };
}

/** The in-stream error event each wire sends after a 200. */
export function streamErrorEvent(wire: FakeWire): string {
  if (wire === 'anthropic') return named('error', { error: { type: 'overloaded_error', message: 'Overloaded' } });
  if (wire === 'gemini') return sse({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }, '\r\n');
  return sse({ error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } });
}
