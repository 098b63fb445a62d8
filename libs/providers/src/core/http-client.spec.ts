/**
 * What happens to the upstream connection when a stream ends: after the provider's terminal event the
 * rest of the body is read off, so the keep-alive connection is reused; a caller that stops before it
 * closes the connection at once (the provider stops generating). A local server speaks OpenAI's SSE.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { AddressInfo, Socket } from 'node:net';
import type { CallContext, ChatStreamEvent } from './adapter.types';
import { closeAllPools, STREAM_TAIL_MS } from './http-client';
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
