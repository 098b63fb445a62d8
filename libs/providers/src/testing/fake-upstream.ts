import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerFakeConversation, countFakeTokens, type FakeConversation } from './fake-upstream.engine';
import { parseFakeMode, splitModel } from './fake-upstream.mode';
import type {
  FakeFlavor,
  FakeMode,
  FakeRecordedRequest,
  FakeServedUsage,
  FakeUpstream,
  FakeUpstreamOptions,
  FakeWire,
} from './fake-upstream.types';
import {
  anthropicMessage,
  anthropicStream,
  conversationFromAnthropic,
  conversationFromGemini,
  conversationFromOpenAI,
  errorResponse,
  FAKE_CREATED,
  geminiResponse,
  geminiStream,
  openAICompletion,
  openAIStream,
  streamErrorEvent,
  type FakeStreamEvent,
  type RenderContext,
} from './fake-upstream.wire';

type Json = Record<string, unknown>;

const FLAVORS: ReadonlySet<string> = new Set(['openai', 'mistral', 'groq', 'deepseek', 'xai', 'openrouter', 'together', 'fireworks', 'ollama', 'vllm']);
const MAX_BODY = 10 * 1024 * 1024;
const MISTRAL_REJECTS = ['stream_options', 'user', 'seed', 'max_completion_tokens', 'logit_bias'];

/** Base URLs to configure for each provider when pointing the gateway at one fake upstream. */
export function fakeUpstreamBaseUrls(url: string): Record<string, string> {
  return {
    openai: `${url}/v1`,
    anthropic: url,
    mistral: `${url}/mistral`,
    gemini: url,
    'azure-openai': url,
    groq: `${url}/groq/v1`,
    deepseek: `${url}/deepseek/v1`,
    xai: `${url}/xai/v1`,
    together: `${url}/together/v1`,
    fireworks: `${url}/fireworks/v1`,
    openrouter: `${url}/openrouter/v1`,
    ollama: `${url}/ollama/v1`,
    vllm: `${url}/vllm/v1`,
  };
}

interface Route {
  wire: FakeWire;
  flavor: FakeFlavor;
  op: 'chat' | 'stream-chat' | 'embeddings' | 'models';
  model?: string;
}

function route(method: string, url: URL, headers: IncomingMessage['headers']): Route | { notFound: true; status?: number } {
  const p = url.pathname;
  let m: RegExpExecArray | null;
  if ((m = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/.exec(p)) && method === 'POST') {
    if (!url.searchParams.get('api-version')) return { notFound: true };
    return { wire: 'azure', flavor: 'openai', op: m[2] === 'embeddings' ? 'embeddings' : 'chat', model: decodeURIComponent(m[1] ?? '') };
  }
  if (p === '/openai/models' && method === 'GET') {
    if (!url.searchParams.get('api-version')) return { notFound: true };
    return { wire: 'azure', flavor: 'openai', op: 'models' };
  }
  if ((m = /^\/openai\/v1\/(chat\/completions|embeddings|models)$/.exec(p))) {
    return { wire: 'azure', flavor: 'openai', op: m[1] === 'models' ? 'models' : m[1] === 'embeddings' ? 'embeddings' : 'chat' };
  }
  if ((m = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|batchEmbedContents)$/.exec(p)) && method === 'POST') {
    if (m[2] === 'streamGenerateContent' && url.searchParams.get('alt') !== 'sse') return { notFound: true, status: 400 };
    const op = m[2] === 'generateContent' ? 'chat' : m[2] === 'streamGenerateContent' ? 'stream-chat' : 'embeddings';
    return { wire: 'gemini', flavor: 'openai', op, model: decodeURIComponent(m[1] ?? '') };
  }
  if (p === '/v1beta/models' && method === 'GET') return { wire: 'gemini', flavor: 'openai', op: 'models' };
  if (/^(?:\/anthropic)?\/v1\/messages$/.test(p) && method === 'POST') return { wire: 'anthropic', flavor: 'openai', op: 'chat' };
  if ((m = /^(?:\/([a-z]+))?\/v1\/(chat\/completions|embeddings|models)$/.exec(p))) {
    const flavor = m[1];
    if (flavor && flavor !== 'anthropic' && !FLAVORS.has(flavor)) return { notFound: true };
    if (m[2] === 'models') {
      if (method !== 'GET') return { notFound: true };
      const anthropic = flavor === 'anthropic' || (!flavor && headers['x-api-key'] !== undefined);
      return anthropic ? { wire: 'anthropic', flavor: 'openai', op: 'models' } : { wire: 'openai', flavor: (flavor ?? 'openai') as FakeFlavor, op: 'models' };
    }
    if (method !== 'POST' || flavor === 'anthropic') return { notFound: true };
    return { wire: 'openai', flavor: (flavor ?? 'openai') as FakeFlavor, op: m[2] === 'embeddings' ? 'embeddings' : 'chat' };
  }
  return { notFound: true };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The key the request carries in its wire's auth header, or undefined. */
function presentedKey(req: IncomingMessage, wire: FakeWire, url: URL): string | undefined {
  const bearer = /^Bearer (.+)$/.exec(header(req, 'authorization') ?? '')?.[1];
  if (wire === 'anthropic') return header(req, 'x-api-key');
  if (wire === 'gemini') return header(req, 'x-goog-api-key') ?? url.searchParams.get('key') ?? undefined;
  if (wire === 'azure') return header(req, 'api-key') ?? bearer;
  return bearer;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function embedding(text: string, dims: number): number[] {
  const digest = createHash('sha256').update(text).digest();
  return Array.from({ length: dims }, (_, i) => Number((((digest[i % digest.length] ?? 0) - 128) / 128).toFixed(6)));
}

/**
 * Starts a deterministic, offline stand-in for every supported provider on 127.0.0.1 (port 0 by
 * default). See FakeMode for the fault switches; `served` is the metering ground truth.
 */
export async function startFakeUpstream(opts: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  let serverMode: FakeMode = { ...(opts.mode ?? {}) };
  const served = new Map<string, FakeServedUsage>();
  const requests: FakeRecordedRequest[] = [];
  let counter = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: 'fake upstream failure', type: 'server_error' } });
      else res.destroy();
    });
  });

  async function readBody(req: IncomingMessage): Promise<string> {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) throw new Error('body too large');
      parts.push(chunk);
    }
    return Buffer.concat(parts).toString('utf8');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.local');
    const rawBody = await readBody(req);
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, headers: { ...req.headers }, body, rawBody });
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    const sleep = (ms: number): Promise<void> =>
      ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : new Promise((resolve) => setImmediate(resolve));

    const r = route(req.method ?? 'GET', url, req.headers);
    if ('notFound' in r) {
      sendJson(res, r.status ?? 404, { error: { message: 'Not found', type: 'invalid_request_error', code: 'not_found' } });
      return;
    }
    const json = (body && typeof body === 'object' ? body : {}) as Json;
    const rawModel = r.model ?? (typeof json['model'] === 'string' ? (json['model'] as string) : 'fake-model');
    const { model, mode: modelMode } = splitModel(rawModel);
    const mode: FakeMode = { ...serverMode, ...modelMode, ...parseFakeMode(header(req, 'x-fake-mode')) };
    const requestId = header(req, 'x-tollgate-request-id') ?? `fake-${counter + 1}`;
    const id = r.wire === 'anthropic' ? `msg_fake${++counter}` : `chatcmpl-fake${++counter}`;

    await sleep(mode.latency ?? 0);
    if (closed) return;
    if (mode.fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (mode.fault === 'hang') return; // never answer; close() tears the socket down
    if (mode.fault === 'redirect') {
      res.writeHead(307, { location: mode.location ?? '/redirected' });
      res.end();
      return;
    }

    const err = (status: number, extra: { retryAfter?: number; message?: string; badKey?: boolean } = {}): void => {
      const e = errorResponse(r.wire, r.flavor, status, extra);
      sendJson(res, e.status, e.body, e.headers);
    };

    const key = presentedKey(req, r.wire, url);
    const keyOptional = r.flavor === 'ollama' || r.flavor === 'vllm';
    if ((!key && !keyOptional) || key?.startsWith('bad-')) {
      err(401, { badKey: true });
      return;
    }

    if (r.op === 'models') {
      if (r.wire === 'anthropic') sendJson(res, 200, { data: [{ type: 'model', id: 'claude-fake', display_name: 'Claude Fake', created_at: '2025-01-01T00:00:00Z' }], has_more: false, first_id: 'claude-fake', last_id: 'claude-fake' });
      else if (r.wire === 'gemini') sendJson(res, 200, { models: [{ name: 'models/gemini-fake', displayName: 'Gemini Fake', inputTokenLimit: 1000000, outputTokenLimit: 8192, supportedGenerationMethods: ['generateContent'] }] });
      else sendJson(res, 200, { object: 'list', data: [{ id: 'fake-model', object: 'model', created: FAKE_CREATED, owned_by: 'fake' }] });
      return;
    }

    // wire-level validation, so adapter translation mistakes fail loudly in tests
    if (r.wire === 'anthropic') {
      if (!header(req, 'anthropic-version')) return err(400, { message: 'anthropic-version header is required' });
      if (typeof json['max_tokens'] !== 'number') return err(400, { message: 'max_tokens: Field required' });
      const msgs = (Array.isArray(json['messages']) ? json['messages'] : []) as Json[];
      if (msgs.some((m) => m['role'] !== 'user' && m['role'] !== 'assistant')) return err(400, { message: 'messages: roles must be user or assistant' });
    }
    if (r.wire === 'openai' && r.flavor === 'mistral' && r.op === 'chat') {
      const bad = MISTRAL_REJECTS.find((k) => k in json);
      if (bad) {
        sendJson(res, 422, { object: 'error', message: { detail: [{ loc: ['body', bad], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' }] }, type: 'invalid_request_error', param: null, code: null });
        return;
      }
      const ids = ((Array.isArray(json['messages']) ? json['messages'] : []) as Json[]).flatMap((m) => [
        ...(Array.isArray(m['tool_calls']) ? (m['tool_calls'] as Json[]).map((t) => String(t['id'])) : []),
        ...(typeof m['tool_call_id'] === 'string' ? [m['tool_call_id'] as string] : []),
      ]);
      if (ids.some((i) => !/^[A-Za-z0-9]{9}$/.test(i))) return err(400, { message: 'Tool call id has to be a string of length 9 with a-z, A-Z, 0-9' });
    }
    if (r.wire === 'gemini' && r.op !== 'embeddings') {
      const contents = (Array.isArray(json['contents']) ? json['contents'] : []) as Json[];
      if (contents.some((c) => c['role'] !== 'user' && c['role'] !== 'model')) return err(400, { message: 'Please use a valid role: user, model.' });
      const unsigned = contents.some((c) => c['role'] === 'model' && ((c['parts'] ?? []) as Json[]).some((p) => p['functionCall'] && !p['thoughtSignature']));
      if (unsigned) return err(400, { message: 'Function call is missing a thought_signature in functionCall parts.' });
    }

    if (mode.fault === 'status') {
      const status = mode.status ?? 500;
      err(status, mode.retryAfter !== undefined ? { retryAfter: mode.retryAfter } : status === 429 ? { retryAfter: 1 } : {});
      return;
    }

    if (r.op === 'embeddings') {
      const inputs: string[] =
        r.wire === 'gemini'
          ? ((json['requests'] ?? []) as Json[]).map((q) => String((((q['content'] as Json)?.['parts'] ?? []) as Json[])[0]?.['text'] ?? ''))
          : typeof json['input'] === 'string'
            ? [json['input'] as string]
            : ((json['input'] ?? []) as unknown[]).map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
      const tokens = inputs.reduce((n, s) => n + countFakeTokens(s), 0);
      const dims = typeof json['dimensions'] === 'number' ? (json['dimensions'] as number) : 8;
      served.set(requestId, { wire: r.wire, flavor: r.flavor, model, stream: false, completed: true, inputTokens: tokens, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 });
      if (r.wire === 'gemini') sendJson(res, 200, { embeddings: inputs.map((s) => ({ values: embedding(s, dims) })) });
      else sendJson(res, 200, { object: 'list', model, data: inputs.map((s, index) => ({ object: 'embedding', index, embedding: embedding(s, dims) })), usage: { prompt_tokens: tokens, total_tokens: tokens } });
      return;
    }

    const stream = r.op === 'stream-chat' || (r.wire !== 'gemini' && json['stream'] === true);
    let conv: FakeConversation;
    if (r.wire === 'anthropic') conv = conversationFromAnthropic(json, model);
    else if (r.wire === 'gemini') conv = conversationFromGemini(json, model);
    else conv = conversationFromOpenAI(json, model);
    const ans = answerFakeConversation(conv, mode);
    const record: FakeServedUsage = {
      wire: r.wire,
      ...(r.wire === 'openai' ? { flavor: r.flavor } : {}),
      model,
      stream,
      completed: false,
      inputTokens: ans.inputTokens,
      cachedInputTokens: ans.cachedInputTokens,
      cacheWriteTokens: r.wire === 'gemini' || r.flavor === 'mistral' ? 0 : ans.cacheWriteTokens,
      outputTokens: 0,
      reasoningTokens: ans.reasoningTokens,
    };
    if (r.flavor === 'mistral') record.cachedInputTokens = 0;
    served.set(requestId, record);
    const so = json['stream_options'] as Json | undefined;
    const ctx: RenderContext = { id, model, created: FAKE_CREATED, flavor: r.flavor, includeUsage: so?.['include_usage'] === true, azure: r.wire === 'azure' };

    if (!stream) {
      if (mode.fault === 'drop') {
        req.socket.destroy();
        return;
      }
      if (mode.fault === 'stall') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        return;
      }
      const out = r.wire === 'anthropic' ? anthropicMessage(ans, ctx) : r.wire === 'gemini' ? geminiResponse(ans, ctx) : openAICompletion(ans, ctx);
      record.completed = true;
      record.outputTokens = ans.visibleOutputTokens + ans.reasoningTokens;
      sendJson(res, 200, out);
      return;
    }

    const events: FakeStreamEvent[] = r.wire === 'anthropic' ? anthropicStream(ans, ctx) : r.wire === 'gemini' ? geminiStream(ans, ctx) : openAIStream(ans, ctx);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    const after = mode.after ?? 1;
    const midFault = mode.fault === 'drop' || mode.fault === 'stall' || mode.fault === 'malformed' || mode.fault === 'error-event';
    for (const [i, event] of events.entries()) {
      if (closed) return;
      if (midFault && i === after) {
        if (mode.fault === 'drop') {
          req.socket.destroy();
        } else if (mode.fault === 'malformed') {
          res.end(r.wire === 'gemini' ? 'data: {"candidates": [{"content": \r\n\r\n' : 'data: {"id": "broken", \n\n');
        } else if (mode.fault === 'error-event') {
          res.end(streamErrorEvent(r.wire));
        }
        return; // stall: keep the socket open and silent
      }
      record.outputTokens = event.outputTokensSoFar + (i > 0 ? ans.reasoningTokens : 0);
      if (i === events.length - 1) {
        // recorded before the bytes leave, so a client that stops at [DONE] sees final numbers
        record.completed = true;
        record.outputTokens = ans.visibleOutputTokens + ans.reasoningTokens;
        res.end(event.text);
        return;
      }
      res.write(event.text);
      await sleep(mode.delay ?? 0);
    }
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = opts.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    port: address.port,
    served,
    requests,
    setMode(mode: FakeMode) {
      serverMode = { ...mode };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
