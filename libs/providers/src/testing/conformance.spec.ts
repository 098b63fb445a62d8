/**
 * The same checks against every adapter: recorded wire fixtures (`<provider>/__fixtures__/*.json`)
 * are replayed through a local HTTP server; each case asserts the exact outgoing request (method,
 * path, auth header style, body) and the normalised result. Transport behaviour (split chunks,
 * drops, malformed SSE, aborts, idle/total timeouts, redirects, egress) is checked generically.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallContext, ChatRequest, ChatStreamEvent, EmbeddingsRequest, ProviderId } from '../core/adapter.types';
import { ProviderError } from '../core/errors';
import { closeAllPools } from '../core/http-client';
import { getAdapter } from '../core/registry';
import { startReplayServer, type ReplayServer, type WireFixture } from './replay-server';
import { defined } from './stream-harness';

interface Target {
  id: ProviderId;
  dir: string;
  base: (url: string) => string;
  ctx?: Partial<CallContext>;
}

const TARGETS: Target[] = [
  { id: 'openai', dir: 'openai', base: (u) => `${u}/v1`, ctx: { organization: 'org_test', project: 'proj_test' } },
  { id: 'anthropic', dir: 'anthropic', base: (u) => u },
  { id: 'mistral', dir: 'mistral', base: (u) => u },
  { id: 'gemini', dir: 'gemini', base: (u) => u },
  { id: 'azure-openai', dir: 'azure-openai', base: (u) => u },
  { id: 'groq', dir: 'openai-compatible', base: (u) => `${u}/openai/v1` },
];

const SECRET = 'test-key';

function loadFixtures(dir: string): Array<[string, WireFixture]> {
  const root = join(__dirname, '..', dir, '__fixtures__');
  const out: Array<[string, WireFixture]> = [];
  for (const file of readdirSync(root).filter((f) => f.endsWith('.json')).sort()) {
    const parsed = JSON.parse(readFileSync(join(root, file), 'utf8')) as WireFixture | WireFixture[];
    const list = Array.isArray(parsed) ? parsed : [parsed];
    list.forEach((f, i) => out.push([`${file}${list.length > 1 ? `#${i} ${f.description ?? ''}` : ''}`, f]));
  }
  return out;
}

function stripCreated<T>(actual: T, expected: unknown): T {
  if (expected && typeof expected === 'object' && !('created' in expected) && actual && typeof actual === 'object' && 'created' in actual) {
    expect(typeof (actual as { created: unknown }).created).toBe('number');
    const copy = { ...actual } as Record<string, unknown>;
    delete copy['created'];
    return copy as T;
  }
  return actual;
}

async function drain(it: AsyncIterable<ChatStreamEvent>): Promise<{ events: ChatStreamEvent[]; error?: unknown }> {
  const events: ChatStreamEvent[] = [];
  try {
    for await (const e of it) events.push(e);
    return { events };
  } catch (error) {
    return { events, error };
  }
}

let server: ReplayServer;
let other: ReplayServer;
beforeAll(async () => {
  server = await startReplayServer();
  other = await startReplayServer({ status: 200, body: { hijacked: true } });
});
afterAll(async () => {
  await server.close();
  await other.close();
  await closeAllPools();
});
beforeEach(() => {
  server.requests.length = 0;
  other.requests.length = 0;
});

describe.each(TARGETS)('conformance: $id', (target) => {
  const fixtures = loadFixtures(target.dir);
  const ctx = (extra: Partial<CallContext> = {}): CallContext => ({
    apiKey: { reveal: () => SECRET },
    baseUrl: target.base(server.url),
    allowPrivateNetwork: true,
    requestId: 'req-conf-1',
    timeouts: { connectMs: 1000, idleMs: 2000, totalMs: 5000 },
    ...target.ctx,
    ...extra,
  });
  const adapterFor = (f: WireFixture) => getAdapter((f as WireFixture & { provider?: ProviderId }).provider ?? target.id);
  const streamFixture = defined(fixtures.find(([name]) => name === 'chat-stream.json'))[1];
  const chatFixture = defined(fixtures.find(([name]) => name === 'chat.json'))[1];

  it('has the common fixture set', () => {
    const names = new Set(fixtures.map(([n]) => n.split('#')[0]));
    for (const n of ['chat.json', 'chat-stream.json', 'tools.json', 'tool-result.json', 'tools-stream.json', 'errors.json']) expect(names).toContain(n);
  });

  describe.each(fixtures)('fixture %s', (_name, fixture) => {
    it('sends the exact upstream request and normalises the answer', async () => {
      server.respondWith(fixture.upstream);
      const adapter = adapterFor(fixture);
      let result: unknown;
      let chunks: unknown[] = [];
      let usage: unknown;
      let error: unknown;
      if (fixture.call === 'chatStream') {
        const out = await drain(adapter.chatStream(fixture.request as ChatRequest, ctx()));
        error = out.error;
        chunks = out.events.filter((e) => e.type === 'chunk').map((e) => (e.type === 'chunk' ? e.chunk : null));
        const usages = out.events.filter((e) => e.type === 'usage');
        expect(usages.length).toBeLessThanOrEqual(1);
        if (usages[0]?.type === 'usage') usage = usages[0].usage;
        if (!error) expect(out.events[out.events.length - 1]?.type).toBe('usage');
      } else {
        try {
          result =
            fixture.call === 'chat'
              ? await adapter.chat(fixture.request as ChatRequest, ctx())
              : await adapter.embeddings(fixture.request as EmbeddingsRequest, ctx());
        } catch (e) {
          error = e;
        }
      }

      expect(server.requests).toHaveLength(1);
      const sent = defined(server.requests[0]);
      if (fixture.expectedUpstream) {
        expect(sent.method).toBe(fixture.expectedUpstream.method);
        expect(sent.path).toBe(fixture.expectedUpstream.path);
        for (const [h, v] of Object.entries(fixture.expectedUpstream.headers)) expect({ [h]: sent.headers[h] }).toEqual({ [h]: v });
        for (const h of fixture.expectedUpstream.absentHeaders ?? []) expect(sent.headers[h]).toBeUndefined();
        expect(sent.body).toEqual(fixture.expectedUpstream.body);
      }
      // the key travels only in its auth header
      expect(sent.path).not.toContain(SECRET);
      expect(sent.rawBody).not.toContain(SECRET);

      const exp = fixture.expected;
      if (exp.error) {
        expect(error).toBeInstanceOf(ProviderError);
        const pe = error as ProviderError;
        expect(pe.code).toBe(exp.error.code);
        if ('httpStatus' in exp.error) expect(pe.httpStatus).toBe(exp.error.httpStatus);
        if ('retryable' in exp.error) expect(pe.retryable).toBe(exp.error.retryable);
        if ('retryAfterMs' in exp.error) expect(pe.retryAfterMs).toBe(exp.error.retryAfterMs ?? undefined);
        if ('upstreamCode' in exp.error) expect(pe.upstreamCode).toBe(exp.error.upstreamCode);
        // our own message, never the upstream body; the body is kept non-enumerable for redacted logs
        const upstreamText = JSON.stringify(fixture.upstream.body);
        expect(upstreamText).toContain(defined(pe.upstreamBody).slice(0, 10));
        expect(pe.message.length).toBeGreaterThan(0);
        expect(upstreamText).not.toContain(pe.message);
        expect(Object.keys(pe)).not.toContain('upstreamBody');
        expect(JSON.stringify(pe)).not.toContain(upstreamText.slice(0, 40));
        return;
      }
      expect(error).toBeUndefined();
      if (fixture.call === 'chatStream') {
        const expectedChunks = exp.chunks ?? [];
        expect(chunks.map((c, i) => stripCreated(c, expectedChunks[i]))).toEqual(expectedChunks);
        expect(usage).toEqual(exp.usage);
      } else {
        const r = result as { response: unknown; usage: unknown };
        expect(stripCreated(r.response, exp.response)).toEqual(exp.response);
        expect(r.usage).toEqual(exp.usage);
      }
    });
  });

  it.each([1, 3, 7, 64])('stream survives chunk boundaries split every %i bytes', async (splitBytes) => {
    server.respondWith({ ...streamFixture.upstream, splitBytes, delayMs: 0 });
    const out = await drain(adapterFor(streamFixture).chatStream(streamFixture.request as ChatRequest, ctx()));
    expect(out.error).toBeUndefined();
    const chunks = out.events.flatMap((e, i) => (e.type === 'chunk' ? [stripCreated(e.chunk, streamFixture.expected.chunks?.[i])] : []));
    expect(chunks).toEqual(streamFixture.expected.chunks);
    expect(out.events[out.events.length - 1]).toEqual({ type: 'usage', usage: streamFixture.expected.usage });
  });

  it('yields events as they arrive, before the upstream finishes', async () => {
    server.respondWith({ ...streamFixture.upstream, behavior: 'stall', afterEvents: defined(streamFixture.upstream.sse).length - 1 });
    const it = adapterFor(streamFixture).chatStream(streamFixture.request as ChatRequest, ctx({ timeouts: { idleMs: 400 } }))[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    expect((first.value as ChatStreamEvent).type).toBe('chunk');
    await it.return?.();
  });

  it('a mid-stream connection drop throws stream_interrupted (or a retryable connection error if nothing was yielded)', async () => {
    server.respondWith({ ...streamFixture.upstream, behavior: 'drop', afterEvents: 1 });
    const out = await drain(adapterFor(streamFixture).chatStream(streamFixture.request as ChatRequest, ctx()));
    expect(out.error).toBeInstanceOf(ProviderError);
    const pe = out.error as ProviderError;
    expect(out.events.some((e) => e.type === 'usage')).toBe(false);
    if (out.events.length > 0) expect(pe).toMatchObject({ code: 'stream_interrupted', retryable: false });
    else expect(pe).toMatchObject({ code: 'connection', retryable: true });
  });

  it('malformed SSE throws stream_interrupted/malformed_sse', async () => {
    server.respondWith({ ...streamFixture.upstream, behavior: 'malformed', afterEvents: 1 });
    const out = await drain(adapterFor(streamFixture).chatStream(streamFixture.request as ChatRequest, ctx()));
    expect(out.error).toMatchObject({ code: 'stream_interrupted', detail: 'malformed_sse' });
  });

  it('a stream cut cleanly before its terminal event is truncated, not complete', async () => {
    const sse = defined(streamFixture.upstream.sse);
    server.respondWith({ ...streamFixture.upstream, sse: sse.slice(0, 1) });
    const out = await drain(adapterFor(streamFixture).chatStream(streamFixture.request as ChatRequest, ctx()));
    expect(out.error).toMatchObject({ code: 'stream_interrupted', detail: 'truncated' });
  });

  it('a connection reset before any byte is a retryable connection error', async () => {
    server.respondWith({ status: 200, behavior: 'reset' });
    await expect(adapterFor(chatFixture).chat(chatFixture.request as ChatRequest, ctx())).rejects.toMatchObject({ code: 'connection', retryable: true });
  });

  it('aborting via the signal stops a stream promptly with code aborted', async () => {
    server.respondWith({ ...streamFixture.upstream, behavior: 'stall', afterEvents: 1 });
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 100);
    const out = await drain(adapterFor(streamFixture).chatStream(streamFixture.request as ChatRequest, ctx({ signal: ac.signal })));
    expect(out.error).toMatchObject({ code: 'aborted', retryable: false });
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(out.events.some((e) => e.type === 'usage')).toBe(false);
  });

  it('an already-aborted signal never reaches upstream', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(adapterFor(chatFixture).chat(chatFixture.request as ChatRequest, ctx({ signal: ac.signal }))).rejects.toMatchObject({ code: 'aborted' });
    expect(server.requests).toHaveLength(0);
  });

  it('idle timeout: no headers → retryable timeout', async () => {
    server.respondWith({ status: 200, behavior: 'hang' });
    const t0 = Date.now();
    await expect(adapterFor(chatFixture).chat(chatFixture.request as ChatRequest, ctx({ timeouts: { idleMs: 150, totalMs: 5000 } }))).rejects.toMatchObject({
      code: 'timeout',
      detail: 'idle_timeout',
      retryable: true,
    });
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('idle timeout mid-stream → stream_interrupted/idle_timeout', async () => {
    server.respondWith({ ...streamFixture.upstream, behavior: 'stall', afterEvents: 1 });
    const out = await drain(adapterFor(streamFixture).chatStream(streamFixture.request as ChatRequest, ctx({ timeouts: { idleMs: 150, totalMs: 5000 } })));
    expect(out.error).toMatchObject({ detail: 'idle_timeout' });
    expect(['stream_interrupted', 'timeout']).toContain((out.error as ProviderError).code);
  });

  it('total timeout fires even while bytes keep trickling in', async () => {
    server.respondWith({ ...streamFixture.upstream, splitBytes: 2, delayMs: 25 });
    const t0 = Date.now();
    const out = await drain(adapterFor(streamFixture).chatStream(streamFixture.request as ChatRequest, ctx({ timeouts: { idleMs: 1000, totalMs: 250 } })));
    expect(out.error).toMatchObject({ detail: 'total_timeout' });
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('does not follow redirects', async () => {
    server.respondWith({ status: 307, headers: { location: `${other.url}/steal` } });
    await expect(adapterFor(chatFixture).chat(chatFixture.request as ChatRequest, ctx())).rejects.toMatchObject({
      code: 'upstream_error',
      detail: 'redirect_refused',
      httpStatus: 307,
    });
    expect(other.requests).toHaveLength(0);
  });

  it('refuses loopback upstreams unless the operator allows private networks', async () => {
    server.respondWith(chatFixture.upstream);
    await expect(adapterFor(chatFixture).chat(chatFixture.request as ChatRequest, ctx({ allowPrivateNetwork: false }))).rejects.toMatchObject({
      code: 'connection',
      detail: 'egress_blocked',
      retryable: false,
    });
    expect(server.requests).toHaveLength(0);
  });

  it('testKey: valid / invalid / unreachable, never the upstream body', async () => {
    const adapter = getAdapter(target.id);
    server.respondWith({ status: 200, body: { data: [{ id: 'secret-model-list' }] } });
    const ok = await adapter.testKey(ctx());
    expect(ok).toEqual({ status: 'valid', httpStatus: 200 });
    expect(server.requests[0]?.method).toBe('GET');
    server.respondWith({ status: 401, body: { error: { message: 'bad key' } } });
    expect(await adapter.testKey(ctx())).toEqual({ status: 'invalid', httpStatus: 401 });
    server.respondWith({ status: 500, body: {} });
    expect(await adapter.testKey(ctx())).toEqual({ status: 'unreachable', httpStatus: 500 });
    server.respondWith({ status: 200, behavior: 'reset' });
    expect(await adapter.testKey(ctx())).toEqual({ status: 'unreachable' });
  });
});

describe('idle timeout attribution', () => {
  it('a slow consumer is not an upstream idle timeout', async () => {
    const fixture = defined(loadFixtures('openai').find(([n]) => n === 'chat-stream.json'))[1];
    server.respondWith(fixture.upstream);
    const events: ChatStreamEvent[] = [];
    for await (const e of getAdapter('openai').chatStream(fixture.request as ChatRequest, {
      apiKey: { reveal: () => SECRET },
      baseUrl: `${server.url}/v1`,
      allowPrivateNetwork: true,
      timeouts: { idleMs: 100, totalMs: 5000 },
    })) {
      events.push(e);
      await new Promise((r) => setTimeout(r, 150)); // longer than idleMs, per event
    }
    expect(events[events.length - 1]?.type).toBe('usage');
  });
});
