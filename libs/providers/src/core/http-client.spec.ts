/**
 * What happens to the upstream connection when a stream ends: after the provider's terminal event the
 * rest of the body is read off, so the keep-alive connection is reused; a caller that stops before it
 * closes the connection at once (the provider stops generating). A local server speaks OpenAI's SSE.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { AddressInfo, Socket } from 'node:net';
import type { CallContext, ChatStreamEvent } from './adapter.types';
import { AbortLatch } from './abort';
import { ProviderError } from './errors';
import { closeAllPools, sendRequest, STREAM_TAIL_MS } from './http-client';
import { getAdapter } from './registry';

type Tail = 'with-last-event' | 'later' | 'never';

const chunk = (i: number, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: `w${i} ` }, finish_reason: null }], ...extra })}\n\n`;
const usage = `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 } })}\n\n`;

describe('http client: the upstream connection after a stream', () => {
  let server: Server;
  let url = '';
  let tail: Tail = 'with-last-event';
  let chunkDelayMs = 0;
  const sockets = new Set<Socket>();
  let connections = 0;
  let closedSockets = 0;
  const held: ServerResponse[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        void (async () => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          for (let i = 0; i < 4; i++) {
            if (res.destroyed) return;
            res.write(chunk(i));
            await new Promise((r) => setTimeout(r, chunkDelayMs));
          }
          if (res.destroyed) return;
          res.write(usage);
          if (tail === 'with-last-event') res.end('data: [DONE]\n\n');
          else {
            res.write('data: [DONE]\n\n');
            if (tail === 'later') setTimeout(() => res.end(), 100);
            else held.push(res);
          }
        })();
      });
    });
    server.on('connection', (s: Socket) => {
      connections++;
      sockets.add(s);
      s.on('close', () => {
        closedSockets++;
        sockets.delete(s);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await closeAllPools();
    for (const r of held.splice(0)) r.destroy();
    for (let i = 0; i < 50 && sockets.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
    connections = 0;
    closedSockets = 0;
    chunkDelayMs = 0;
  });

  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  const ctx = (): CallContext => ({
    apiKey: { reveal: () => 'sk-test' },
    baseUrl: `${url}/v1`,
    allowPrivateNetwork: true,
    timeouts: { connectMs: 1000, idleMs: 5000, totalMs: 10_000 },
  });
  const stream = () => getAdapter('openai').chatStream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, ctx());
  async function drain(): Promise<ChatStreamEvent[]> {
    const out: ChatStreamEvent[] = [];
    for await (const e of stream()) out.push(e);
    return out;
  }

  it('streams whose body ends with the terminal event keep their connections, and no body is destroyed', async () => {
    tail = 'with-last-event';
    // Destroying an unfinished body builds an AbortError and formats its stack: ~4% of API CPU per stream.
    const destroy = jest.spyOn(Readable.prototype, 'destroy');
    try {
      for (let i = 0; i < 5; i++) {
        const events = await drain();
        expect(events.filter((e) => e.type === 'chunk')).toHaveLength(4);
        expect(events.find((e) => e.type === 'usage')).toMatchObject({ usage: { inputTokens: 5, outputTokens: 4 } });
      }
      // a body ended by itself is destroyed by autoDestroy, with no error
      expect(destroy.mock.calls.filter(([err]) => err !== undefined && err !== null)).toEqual([]);
    } finally {
      destroy.mockRestore();
    }
    // the next call may start before the previous connection is back in the pool: two at most
    expect(connections).toBeLessThanOrEqual(2);
    expect(closedSockets).toBe(0);
  });

  it('a body that ends a little after [DONE] is read off, and the connection is reused', async () => {
    tail = 'later';
    for (let i = 0; i < 3; i++) {
      const events = await drain();
      expect(events.filter((e) => e.type === 'chunk')).toHaveLength(4);
      // the next stream starts before the previous body ended: it may need a second connection
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(connections).toBe(1);
    expect(closedSockets).toBe(0);
  });

  it(`a body that never ends after [DONE] is dropped after ${STREAM_TAIL_MS} ms, and the stream itself is not held up`, async () => {
    tail = 'never';
    const t0 = performance.now();
    const events = await drain();
    expect(performance.now() - t0).toBeLessThan(STREAM_TAIL_MS);
    expect(events.filter((e) => e.type === 'chunk')).toHaveLength(4);
    expect(closedSockets).toBe(0);
    for (let i = 0; i < 100 && closedSockets === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(closedSockets).toBe(1);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(STREAM_TAIL_MS - 50);
  });

  it('a caller that stops before the terminal event closes the connection at once', async () => {
    tail = 'with-last-event';
    chunkDelayMs = 200;
    let n = 0;
    for await (const e of stream()) if (e.type === 'chunk' && ++n === 1) break;
    for (let i = 0; i < 20 && closedSockets === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(closedSockets).toBe(1);
  });
});

/** readText(): a whole body read with listeners, with the idle clock pushed back by every chunk. */
describe('http client: reading a whole body', () => {
  let server: Server;
  let url = '';
  const open = new Set<Socket>();

  beforeAll(async () => {
    // /ok?parts=N&gap=MS: a JSON body in N writes, MS apart; /stall: headers and half a body, then
    // nothing; /cut: half a body, then the socket is destroyed; /big: 3 MB, 64 KiB every 2 ms.
    server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      req.resume();
      const text = JSON.stringify({ id: 'x', words: Array.from({ length: 64 }, (_, i) => `word${i}`) });
      if (u.pathname === '/ok') {
        const parts = Number(u.searchParams.get('parts') ?? 1);
        const gap = Number(u.searchParams.get('gap') ?? 0);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        const size = Math.ceil(text.length / parts);
        let i = 0;
        const next = () => {
          if (res.destroyed) return;
          const piece = text.slice(i * size, (i + 1) * size);
          i++;
          if (i >= parts) res.end(piece);
          else {
            res.write(piece);
            setTimeout(next, gap);
          }
        };
        next();
      } else if (u.pathname === '/stall' || u.pathname === '/cut') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.write(text.slice(0, 40));
        if (u.pathname === '/cut') setTimeout(() => res.socket?.destroy(), 30);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        let sent = 0;
        const more = () => {
          if (res.destroyed) return;
          if (sent >= 3 * 1024 * 1024) return void res.end();
          sent += 64 * 1024;
          res.write(Buffer.alloc(64 * 1024, 0x20));
          setTimeout(more, 2);
        };
        more();
      }
    });
    server.on('connection', (s: Socket) => {
      open.add(s);
      s.on('close', () => open.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await closeAllPools();
    for (const s of open) s.destroy();
  });

  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  const get = (path: string, timeouts: CallContext['timeouts'], signal?: AbortLatch) =>
    sendRequest({ provider: 'openai', method: 'GET', url: `${url}${path}`, headers: {} }, { apiKey: { reveal: () => 'sk-test' }, baseUrl: url, allowPrivateNetwork: true, timeouts, signal });

  it('assembles a body that arrives in many pieces, each one pushing back the idle clock', async () => {
    // 6 pieces 80 ms apart: 400 ms in all against an idle limit of 200 ms
    const res = await get('/ok?parts=6&gap=80', { idleMs: 200, totalMs: 5000 });
    const t0 = performance.now();
    const text = await res.readText();
    expect(performance.now() - t0).toBeGreaterThan(300);
    expect(JSON.parse(text)).toMatchObject({ id: 'x', words: expect.arrayContaining(['word0', 'word63']) });
  });

  it('a body that stops arriving is an idle timeout', async () => {
    const res = await get('/stall', { idleMs: 150, totalMs: 5000 });
    const t0 = performance.now();
    const err = await res.readText().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'timeout', detail: 'idle_timeout' });
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('a body cut off by the server is a connection error, not a hang', async () => {
    const res = await get('/cut', { idleMs: 5000, totalMs: 10_000 });
    await expect(res.readText()).rejects.toMatchObject({ code: 'connection', detail: 'connection_closed' });
  });

  it('a body over the limit is refused and its connection closed', async () => {
    const res = await get('/big', { idleMs: 5000, totalMs: 10_000 });
    const [first] = [...open];
    await expect(res.readText(1024 * 1024)).rejects.toMatchObject({ code: 'upstream_error', detail: 'response_too_large' });
    // undici may open a spare connection after an abort; the one the body came on is closed
    for (let i = 0; i < 50 && !first.destroyed; i++) await new Promise((r) => setTimeout(r, 10));
    expect(first.destroyed).toBe(true);
  });

  it('an abort of the caller\'s latch mid-body rejects with aborted and leaves no listener on it', async () => {
    const latch = new AbortLatch();
    const res = await get('/stall', { idleMs: 5000, totalMs: 10_000 }, latch);
    expect(latch.listenerCount).toBe(1);
    setTimeout(() => latch.abort(), 50);
    await expect(res.readText()).rejects.toMatchObject({ code: 'aborted' });
    expect(latch.listenerCount).toBe(0);
  });

  it('a finished read leaves no listener on the caller\'s latch', async () => {
    const latch = new AbortLatch();
    const res = await get('/ok', { idleMs: 5000, totalMs: 10_000 }, latch);
    await res.readText();
    expect(latch.listenerCount).toBe(0);
  });
});
