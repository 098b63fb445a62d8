import { FakeUpstream, fakeUpstreamBaseUrls, startFakeUpstream } from '@tollgate/providers/testing';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { TestApp, startTestApp } from '../../../../test/support/app';
import { http } from '../../../../test/support/http';
import { as, createApiKey, signupOwner } from '../../../../test/support/tenants';
import { GatewayHttp } from './gateway-http';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const LIMIT = 4096;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One raw HTTP request: the test decides every header and how the body is framed. */
function send(url: string, path: string, opts: { headers?: Record<string, string>; body?: string | Buffer; chunks?: Array<string | Buffer>; method?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: opts.method ?? 'POST', headers: opts.headers, agent }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', reject);
    if (opts.chunks) {
      for (const c of opts.chunks) req.write(c);
      req.end();
    } else req.end(opts.body);
  });
}

/** What must match between the two paths: status, the headers a client sees, and the body without per-request ids. */
function comparable(r: Reply): { status: number; headers: Record<string, unknown>; body: unknown } {
  const skip = new Set(['date', 'x-request-id', 'connection', 'keep-alive', 'transfer-encoding']);
  const headers = Object.fromEntries(Object.entries(r.headers).filter(([k]) => !skip.has(k)).sort(([a], [b]) => a.localeCompare(b)));
  const normalize = (text: string): unknown => {
    try {
      return JSON.parse(text, (k, v) => (k === 'id' || k === 'created' ? '<varies>' : v));
    } catch {
      return text;
    }
  };
  const body = r.headers['content-type']?.toString().startsWith('text/event-stream')
    ? r.text
        .split('\n\n')
        .filter(Boolean)
        .map((e) => (e.startsWith('data: ') && e !== 'data: [DONE]' ? normalize(e.slice(6)) : e))
    : normalize(r.text);
  if (typeof headers['content-length'] === 'string' && typeof body === 'object') delete headers['content-length']; // ids may differ in length
  return { status: r.status, headers, body };
}

/**
 * The gateway's own HTTP entry (gateway-http.ts) against the Express + Nest route it stands in for.
 * A request with an Origin header always takes Express; the same request without one takes the
 * entry. Every answer must be the same, success or error.
 */
describe('gateway HTTP entry: same answers as the Express route', () => {
  let t: TestApp;
  let upstream: FakeUpstream;
  let key: string;
  let entry: GatewayHttp;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    t = await startTestApp('gwhttp', { PROVIDER_BASE_URLS: JSON.stringify(fakeUpstreamBaseUrls(upstream.url)), GATEWAY_MAX_RETRIES: '0', MAX_BODY_BYTES: String(LIMIT), CORS_ORIGINS: 'http://console.test' });
    const owner = await signupOwner(t.url, 'gwhttp');
    expect((await http(t.url, 'POST', '/provider-keys', { ...as(owner), body: { provider: 'openai', label: 'o', key: 'sk-openai-good-key-1' } })).status).toBe(201);
    key = (await createApiKey(t.url, owner, { name: 'entry' })).key;
    const installed = GatewayHttp.of(t.app);
    if (!installed) throw new Error('the gateway entry is not installed by createApp');
    entry = installed;
  });
  afterAll(async () => {
    agent.destroy();
    await t.close();
    await upstream.close();
  });

  const json = () => ({ 'content-type': 'application/json', authorization: `Bearer ${key}` });
  const chat = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }], ...extra });

  /** Sends the request both ways and returns both replies, after checking which path each took. */
  async function both(path: string, opts: { headers: Record<string, string>; body?: string | Buffer; chunks?: Array<string | Buffer> }, route: 'chat' | 'embeddings' | null): Promise<[Reply, Reply]> {
    const before = { ...entry.taken };
    const viaEntry = await send(t.url, path, opts);
    if (route) expect(entry.taken[route]).toBe(before[route] + 1);
    const mid = { ...entry.taken };
    const viaExpress = await send(t.url, path, { ...opts, headers: { ...opts.headers, origin: 'http://elsewhere.test' } });
    expect(entry.taken).toEqual(mid);
    return [viaEntry, viaExpress];
  }

  it.each([
    ['success', () => chat()],
    ['invalid JSON', () => '{"model": '],
    ['a JSON string, not an object', () => '"hello"'],
    ['an empty body', () => ''],
    ['an unknown field', () => chat({ api_base: 'http://evil.test' })],
    ['an unknown model', () => chat({ model: 'nope/nothing' })],
    ['a UTF-8 byte order mark', () => '\ufeff' + chat()],
    ['leading whitespace', () => '  \n' + chat()],
  ])('chat: %s', async (_name, body) => {
    const [a, b] = await both('/v1/chat/completions', { headers: json(), body: body() }, 'chat');
    expect(comparable(a)).toEqual(comparable(b));
    expect(a.headers['x-request-id']).toEqual(expect.any(String));
  });

  it('chat: success really is a completion, and errors are the OpenAI shape', async () => {
    const [ok] = await both('/v1/chat/completions', { headers: json(), body: chat() }, 'chat');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toMatchObject({ object: 'chat.completion', model: 'openai/gpt-4o-mini' });
    const [bad] = await both('/v1/chat/completions', { headers: json(), body: '{"model": ' }, 'chat');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toEqual({ error: { message: 'Request body is not valid JSON', type: 'invalid_request_error', code: expect.any(String) } });
  });

  it('chat: streaming', async () => {
    const [a, b] = await both('/v1/chat/completions', { headers: json(), body: chat({ stream: true, stream_options: { include_usage: true } }) }, 'chat');
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(a.text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(comparable(a)).toEqual(comparable(b));
  });

  it.each([
    ['no credentials', {}],
    ['a wrong key', { authorization: 'Bearer tg_live_nothing_here' }],
    ['two different keys', { authorization: `Bearer ${'tg_a'}`, 'x-api-key': 'tg_b' }],
  ])('chat: %s gets the same 401', async (_name, auth) => {
    const [a, b] = await both('/v1/chat/completions', { headers: { 'content-type': 'application/json', ...auth }, body: chat() }, 'chat');
    expect(a.status).toBe(401);
    expect(comparable(a)).toEqual(comparable(b));
  });

  it('a body over MAX_BODY_BYTES gets the same 413 (declared length), and the connection stays usable', async () => {
    const big = chat({ user: 'x'.repeat(LIMIT) });
    const [a, b] = await both('/v1/chat/completions', { headers: json(), body: big }, 'chat');
    expect(a.status).toBe(413);
    expect(comparable(a)).toEqual(comparable(b));
    const next = await send(t.url, '/v1/chat/completions', { headers: json(), body: chat() });
    expect(next.status).toBe(200);
  });

  it('a chunked body over MAX_BODY_BYTES gets the same 413', async () => {
    const half = 'x'.repeat(LIMIT / 2 + 16);
    const chunks = [`{"model":"openai/gpt-4o-mini","user":"${half}`, `${half}","messages":[]}`];
    const [a, b] = await both('/v1/chat/completions', { headers: json(), chunks }, 'chat');
    expect(a.headers['content-length']).toBeDefined();
    expect(a.status).toBe(413);
    expect(comparable(a)).toEqual(comparable(b));
  });

  it('a chunked body within the limit is read whole', async () => {
    const body = chat();
    const [a, b] = await both('/v1/chat/completions', { headers: json(), chunks: [body.slice(0, 20), body.slice(20)] }, 'chat');
    expect(a.status).toBe(200);
    expect(comparable(a)).toEqual(comparable(b));
  });

  it('a client that leaves mid-body gets nothing, and the API goes on serving', async () => {
    const before = entry.taken.chat;
    const { port } = new URL(t.url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nauthorization: Bearer ${key}\r\ncontent-length: 1000\r\n\r\n{"model":`);
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 100);
      });
      socket.on('data', (d: Buffer) => reject(new Error(`unexpected answer: ${d.toString('utf8').slice(0, 80)}`)));
    });
    expect(entry.taken.chat).toBe(before + 1);
    const next = await send(t.url, '/v1/chat/completions', { headers: json(), body: chat() });
    expect(next.status).toBe(200);
  });

  it('embeddings', async () => {
    const [a, b] = await both('/v1/embeddings', { headers: json(), body: JSON.stringify({ model: 'openai/text-embedding-3-small', input: 'hello' }) }, 'embeddings');
    expect(a.status).toBe(200);
    expect(JSON.parse(a.text)).toMatchObject({ object: 'list' });
    expect(comparable(a)).toEqual(comparable(b));
  });

  it('leaves to Express what it does not take: other content types, encodings, query strings, methods', async () => {
    const before = { ...entry.taken };
    const form = await send(t.url, '/v1/chat/completions', { headers: { ...json(), 'content-type': 'text/plain' }, body: chat() });
    expect(form.status).toBe(400);
    const latin = await send(t.url, '/v1/chat/completions', { headers: { ...json(), 'content-type': 'application/json; charset=latin1' }, body: chat() });
    expect(latin.status).toBe(415);
    const gzip = await send(t.url, '/v1/chat/completions', { headers: { ...json(), 'content-encoding': 'gzip' }, body: 'not gzip' });
    expect(gzip.status).toBe(400);
    const query = await send(t.url, '/v1/chat/completions?x=1', { headers: json(), body: chat() });
    expect(query.status).toBe(200);
    const get = await send(t.url, '/v1/chat/completions', { method: 'GET', headers: json() });
    expect(get.status).toBe(404);
    for (const r of [form, latin, gzip, get]) expect(JSON.parse(r.text)).toEqual({ error: expect.objectContaining({ message: expect.any(String), type: expect.any(String) }) });
    expect(entry.taken).toEqual(before);
  });

  it('the CORS headers a browser needs are the same on both paths', async () => {
    const [a, b] = await both('/v1/chat/completions', { headers: json(), body: chat() }, 'chat');
    expect(a.headers.vary).toBe('Origin');
    expect(a.headers['access-control-expose-headers']).toBe('Content-Range,x-request-id,retry-after');
    expect(b.headers.vary).toBe(a.headers.vary);
  });
});
