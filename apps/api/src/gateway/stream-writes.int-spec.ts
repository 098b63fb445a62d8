import { createServer, request, type Server } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { TestApp, startTestApp } from '../../../../test/support/app';
import { http } from '../../../../test/support/http';
import { as, createApiKey, signupOwner } from '../../../../test/support/tenants';

const EVENTS = 8;
const chunk = (i: number) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: `w${i} ` }, finish_reason: i === EVENTS - 1 ? 'stop' : null }] })}\n\n`;
const usage = `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 5, completion_tokens: 8, total_tokens: 13 } })}\n\n`;

/**
 * How a stream leaves the gateway: the events that came in one upstream read go to the client in one
 * socket write (one syscall: Node's response corks its socket until the next tick, and the stream loop
 * hands every event of a read over within one drain of the microtask queue), not one write per event;
 * events that come apart still leave as they come. An OpenAI-speaking local server sends the whole
 * answer in one write, or one event every 30 ms.
 */
describe('gateway: stream writes to the client', () => {
  let t: TestApp;
  let upstream: Server;
  let apiKey = '';
  let spacedMs = 0;
  let firstAfterMs = 0;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const events = [...Array.from({ length: EVENTS }, (_, i) => chunk(i)), usage, 'data: [DONE]\n\n'];
        if (spacedMs === 0) return void res.end(events.join(''));
        let i = 0;
        const next = () => {
          if (i === events.length - 1) return void res.end(events[i]);
          res.write(events[i++]);
          setTimeout(next, spacedMs);
        };
        setTimeout(next, firstAfterMs);
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
    t = await startTestApp('streamwrites', { PROVIDER_BASE_URLS: JSON.stringify({ openai: base }), GATEWAY_MAX_RETRIES: '0', GATEWAY_STREAM_KEEPALIVE_MS: '150' });
    const owner = await signupOwner(t.url, 'sw');
    expect((await http(t.url, 'POST', '/provider-keys', { ...as(owner), body: { provider: 'openai', label: 'local', key: 'sk-local-key-1' } })).status).toBe(201);
    apiKey = (await createApiKey(t.url, owner, { name: 'sw' })).key;
  });

  afterAll(async () => {
    await t.close();
    await new Promise<void>((r) => upstream.close(() => r()));
  });

  /** One streamed request; counts the gateway's socket writes to this client (by its port). */
  async function streamOnce(): Promise<{ writes: number; text: string }> {
    const writev = jest.spyOn(Socket.prototype as unknown as { _writev: (...a: unknown[]) => unknown }, '_writev');
    const write = jest.spyOn(Socket.prototype as unknown as { _write: (...a: unknown[]) => unknown }, '_write');
    try {
      let localPort = 0;
      const text = await new Promise<string>((resolve, reject) => {
        const body = JSON.stringify({ model: 'openai/gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
        const req = request(`${t.url}/v1/chat/completions`, { method: 'POST', agent: false, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
        });
        req.on('socket', (s: Socket) => s.on('connect', () => (localPort = s.localPort ?? 0)));
        req.on('error', reject);
        req.end(body);
      });
      const toClient = (calls: Array<unknown>, instances: unknown[]) => calls.filter((_, i) => (instances[i] as Socket).remotePort === localPort).length;
      expect(localPort).toBeGreaterThan(0);
      return { writes: toClient(writev.mock.calls, writev.mock.contexts) + toClient(write.mock.calls, write.mock.contexts), text };
    } finally {
      writev.mockRestore();
      write.mockRestore();
    }
  }

  it('an answer that arrives in one read leaves in one write, every event intact', async () => {
    spacedMs = 0;
    firstAfterMs = 0;
    const { writes, text } = await streamOnce();
    const events = text.split('\n\n').filter(Boolean);
    // the upstream's events, our usage chunk and [DONE]
    expect(events).toHaveLength(EVENTS + 2);
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(JSON.parse(events[0].slice(6))).toMatchObject({ model: 'openai/gpt-4o-mini', choices: [{ delta: { content: 'w0 ' } }] });
    expect(JSON.parse(events[EVENTS].slice(6))).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 8 } });
    // headers and every event in one write (the chunked encoding's end may take a second)
    expect(writes).toBeLessThanOrEqual(2);
  });

  it('events that arrive apart are written as they arrive', async () => {
    spacedMs = 30;
    firstAfterMs = 0;
    const { writes, text } = await streamOnce();
    expect(text.split('\n\n').filter(Boolean)).toHaveLength(EVENTS + 2);
    expect(writes).toBeGreaterThanOrEqual(EVENTS);
  });

  it('a silent upstream gets keep-alive comments, before the first event and between events, and none while events flow', async () => {
    // GATEWAY_STREAM_KEEPALIVE_MS=150: 400 ms before the first event, then events 30 ms apart, then 400 ms before the last ones
    firstAfterMs = 400;
    spacedMs = 30;
    const { text } = await streamOnce();
    const parts = text.split('\n\n').filter(Boolean);
    const firstEvent = parts.findIndex((p) => p.startsWith('data: '));
    expect(parts.slice(0, firstEvent).every((p) => p === ': keep-alive')).toBe(true);
    expect(firstEvent).toBeGreaterThanOrEqual(2);
    // while events come every 30 ms the timer is pushed back: no comment among them
    expect(parts.slice(firstEvent).filter((p) => p === ': keep-alive')).toEqual([]);
    expect(parts.filter((p) => p.startsWith('data: '))).toHaveLength(EVENTS + 2);
  });

  it('a pause mid-stream gets keep-alive comments too', async () => {
    firstAfterMs = 0;
    spacedMs = 200;
    const { text } = await streamOnce();
    const parts = text.split('\n\n').filter(Boolean);
    const firstEvent = parts.findIndex((p) => p.startsWith('data: '));
    // 200 ms between events against a 150 ms keep-alive: a comment in (nearly) every gap
    expect(parts.slice(firstEvent).filter((p) => p === ': keep-alive').length).toBeGreaterThanOrEqual(EVENTS / 2);
    expect(parts.filter((p) => p.startsWith('data: '))).toHaveLength(EVENTS + 2);
  });
});
