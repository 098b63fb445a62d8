import type { CallContext, ChatRequest, ChatStreamEvent, NormalizedUsage, ProviderId } from '../core/adapter.types';
import { ProviderError } from '../core/errors';
import { closeAllPools } from '../core/http-client';
import { getAdapter } from '../core/registry';
import { fakeUpstreamBaseUrls, startFakeUpstream } from './fake-upstream';
import type { FakeUpstream } from './fake-upstream.types';
import { defined } from './stream-harness';

const key = (k = 'test-key') => ({ reveal: () => k });

let fake: FakeUpstream;
let bases: Record<string, string>;
beforeAll(async () => {
  fake = await startFakeUpstream();
  bases = fakeUpstreamBaseUrls(fake.url);
});
afterAll(async () => {
  await fake.close();
  await closeAllPools();
});
beforeEach(() => fake.setMode({}));

function ctx(id: ProviderId, extra: Partial<CallContext> = {}): CallContext {
  return { apiKey: key(), baseUrl: defined(bases[id]), allowPrivateNetwork: true, timeouts: { idleMs: 2000, totalMs: 5000 }, ...extra };
}

async function collect(it: AsyncIterable<ChatStreamEvent>) {
  const chunks: ChatStreamEvent[] = [];
  for await (const e of it) chunks.push(e);
  const text = chunks.map((e) => (e.type === 'chunk' ? (e.chunk.choices[0]?.delta.content ?? '') : '')).join('');
  const usage = chunks.filter((e): e is { type: 'usage'; usage: NormalizedUsage } => e.type === 'usage');
  const finish = chunks.flatMap((e) => (e.type === 'chunk' ? e.chunk.choices.map((c) => c.finish_reason) : [])).filter(Boolean);
  return { chunks, text, usage, finish };
}

function tokens(u: NormalizedUsage) {
  return { inputTokens: u.inputTokens, cachedInputTokens: u.cachedInputTokens, cacheWriteTokens: u.cacheWriteTokens, outputTokens: u.outputTokens, reasoningTokens: u.reasoningTokens };
}
function servedTokens(requestId: string) {
  const s = defined(fake.served.get(requestId));
  return { inputTokens: s.inputTokens, cachedInputTokens: s.cachedInputTokens, cacheWriteTokens: s.cacheWriteTokens, outputTokens: s.outputTokens, reasoningTokens: s.reasoningTokens };
}

const model = (id: ProviderId) => (id === 'anthropic' ? 'claude-fake' : id === 'gemini' ? 'gemini-fake' : id === 'azure-openai' ? 'my-deployment' : 'fake-model');
const ALL: ProviderId[] = ['openai', 'anthropic', 'mistral', 'gemini', 'azure-openai', 'groq', 'deepseek', 'xai', 'together', 'fireworks', 'openrouter', 'ollama', 'vllm'];
const weather = [{ type: 'function' as const, function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];

describe.each(ALL)('%s against the fake upstream', (id) => {
  const adapter = getAdapter(id);
  const req = (text: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
    model: model(id),
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: text }],
    ...extra,
  });

  it('chat: echoes and reports exactly the usage the fake served', async () => {
    const rid = `${id}-chat-1`;
    const r = await adapter.chat(req('hello there world', { seed: 7, user: 'u1', max_completion_tokens: 50 }), ctx(id, { requestId: rid }));
    expect(r.response.choices[0]?.message.content).toBe('Echo: hello there world');
    expect(r.response.choices[0]?.finish_reason).toBe('stop');
    expect(tokens(r.usage)).toEqual(servedTokens(rid));
    expect(r.usage.inputTokens).toBeGreaterThan(0);
    expect(r.usage.outputTokens).toBe(4);
    expect(r.response.usage?.prompt_tokens).toBe(r.usage.inputTokens);
  });

  it('stream: yields text incrementally and one usage event equal to the served counts', async () => {
    const rid = `${id}-stream-1`;
    const out = await collect(adapter.chatStream(req('one two three four five~chunks=4'.replace('~chunks=4', '')), ctx(id, { requestId: rid })));
    expect(out.text).toBe('Echo: one two three four five');
    expect(out.chunks.filter((e) => e.type === 'chunk').length).toBeGreaterThan(2);
    expect(out.usage).toHaveLength(1);
    expect(out.chunks[out.chunks.length - 1]?.type).toBe('usage');
    expect(out.finish).toEqual(['stop']);
    expect(tokens(out.usage[0]?.usage)).toEqual(servedTokens(rid));
    expect(fake.served.get(rid)?.completed).toBe(true);
  });

  it('tools: tool call, then the tool result round trip answers with text', async () => {
    const first = await adapter.chat(req('Paris', { tools: weather, tool_choice: 'auto' }), ctx(id));
    const call = defined(first.response.choices[0]?.message.tool_calls?.[0]);
    expect(first.response.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    const second = await adapter.chat(
      {
        model: model(id),
        tools: weather,
        messages: [
          { role: 'user', content: 'Paris' },
          { role: 'assistant', content: null, tool_calls: [call] },
          { role: 'tool', tool_call_id: call.id, content: '{"temp_c":21}' },
        ],
      },
      ctx(id),
    );
    expect(second.response.choices[0]?.finish_reason).toBe('stop');
    expect(second.response.choices[0]?.message.content).toContain('temp_c');
  });

  it('tools in a stream: incremental tool_calls that concatenate to valid JSON', async () => {
    const out = await collect(adapter.chatStream(req('Rome', { tools: weather }), ctx(id)));
    const deltas = out.chunks.flatMap((e) => (e.type === 'chunk' ? (e.chunk.choices[0]?.delta.tool_calls ?? []) : []));
    expect(deltas[0]?.id).toBeTruthy();
    expect(deltas[0]?.function?.name).toBe('get_weather');
    const args = deltas.map((d) => d.function?.arguments ?? '').join('');
    expect(JSON.parse(args)).toEqual({ city: 'Rome' });
    expect(out.finish).toEqual(['tool_calls']);
    expect(out.usage).toHaveLength(1);
  });

  it('bad- keys are rejected as credential_rejected and testKey says invalid', async () => {
    await expect(adapter.chat(req('x'), ctx(id, { apiKey: key('bad-key') }))).rejects.toMatchObject({ code: 'credential_rejected', retryable: false });
    if (id !== 'ollama' && id !== 'vllm') {
      await expect(adapter.testKey(ctx(id, { apiKey: key('bad-key') }))).resolves.toMatchObject({ status: 'invalid' });
    }
    await expect(adapter.testKey(ctx(id))).resolves.toEqual({ status: 'valid', httpStatus: 200 });
  });

  it('429 with retry-after via the model-name mode', async () => {
    const err = (await adapter.chat({ ...req('x'), model: `${model(id)}~fault=429,retry-after=3` }, ctx(id)).catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.code).toBe('rate_limited');
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(3000);
    expect(err.message).not.toMatch(/Rate limit reached/);
  });

  it('mid-stream drop throws stream_interrupted with the usage seen so far', async () => {
    fake.setMode({ fault: 'drop', after: 3, chunks: 5 });
    const seen: ChatStreamEvent[] = [];
    const err = await (async () => {
      for await (const e of adapter.chatStream(req('a b c d e f g h'), ctx(id))) seen.push(e);
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'stream_interrupted' });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some((e) => e.type === 'usage')).toBe(false);
  });
});

describe('fake upstream details', () => {
  it('records requests and honours x-fake-mode', async () => {
    const res = await fetch(`${fake.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json', 'x-fake-mode': 'fault=503' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(503);
    const last = defined(fake.requests[fake.requests.length - 1]);
    expect(last.path).toBe('/v1/chat/completions');
    expect(last.body).toMatchObject({ model: 'm' });
  });

  it('reports cached, cache-write and reasoning tokens in each wire format', async () => {
    fake.setMode({ cached: 4, cacheWrite: 2, reasoning: 5 });
    const messages: ChatRequest['messages'] = [{ role: 'user', content: 'one two three four five six seven eight nine ten' }];
    const a = await getAdapter('anthropic').chat({ model: 'claude-fake', messages }, ctx('anthropic', { requestId: 'cache-a' }));
    expect(tokens(a.usage)).toEqual(servedTokens('cache-a'));
    expect(a.usage).toMatchObject({ cachedInputTokens: 4, cacheWriteTokens: 2, reasoningTokens: 5 });
    const o = await getAdapter('openai').chat({ model: 'm', messages }, ctx('openai', { requestId: 'cache-o' }));
    expect(tokens(o.usage)).toEqual(servedTokens('cache-o'));
    const g = await getAdapter('gemini').chat({ model: 'g', messages }, ctx('gemini', { requestId: 'cache-g' }));
    expect(tokens(g.usage)).toEqual(servedTokens('cache-g'));
    expect(g.usage).toMatchObject({ cachedInputTokens: 4, reasoningTokens: 5 });
    const d = await getAdapter('deepseek').chat({ model: 'm', messages }, ctx('deepseek', { requestId: 'cache-d' }));
    expect(d.usage.cachedInputTokens).toBe(4);
  });

  it('JSON mode returns valid JSON content for every wire', async () => {
    for (const id of ['openai', 'anthropic', 'gemini', 'mistral'] as ProviderId[]) {
      const r = await getAdapter(id).chat(
        { model: model(id), messages: [{ role: 'user', content: 'give json' }], response_format: { type: 'json_object' } },
        ctx(id),
      );
      expect(JSON.parse(defined(r.response.choices[0]?.message.content))).toEqual({ echo: 'give json', words: 2 });
    }
  });

  it('max tokens truncates with finish_reason length', async () => {
    const r = await getAdapter('anthropic').chat({ model: 'c', max_tokens: 2, messages: [{ role: 'user', content: 'a b c d' }] }, ctx('anthropic'));
    expect(r.response.choices[0]?.finish_reason).toBe('length');
    expect(r.usage.outputTokens).toBe(2);
  });

  it('embeddings: deterministic vectors and usage; anthropic is unsupported', async () => {
    const r = await getAdapter('openai').embeddings({ model: 'e', input: ['a b', 'c'] }, ctx('openai', { requestId: 'emb-1' }));
    expect(r.response.data).toHaveLength(2);
    expect(r.usage.inputTokens).toBe(3);
    expect(fake.served.get('emb-1')?.inputTokens).toBe(3);
    const again = await getAdapter('openai').embeddings({ model: 'e', input: ['a b', 'c'] }, ctx('openai'));
    expect(again.response.data[0]?.embedding).toEqual(r.response.data[0]?.embedding);
    const g = await getAdapter('gemini').embeddings({ model: 'text-embedding-004', input: 'x y' }, ctx('gemini'));
    expect(g.response.data[0]?.embedding).toHaveLength(8);
    await expect(getAdapter('anthropic').embeddings({ model: 'x', input: 'a' }, ctx('anthropic'))).rejects.toMatchObject({ code: 'unsupported' });
    await expect(getAdapter('groq').embeddings({ model: 'x', input: 'a' }, ctx('groq'))).rejects.toMatchObject({ code: 'unsupported' });
  });

  it('azure without api-version is a 404 at the fake, so the adapter always sends one', async () => {
    await getAdapter('azure-openai').chat({ model: 'dep', messages: [{ role: 'user', content: 'x' }] }, ctx('azure-openai', { apiVersion: '2025-01-01-preview' }));
    expect(fake.requests[fake.requests.length - 1]?.path).toBe('/openai/deployments/dep/chat/completions?api-version=2025-01-01-preview');
  });

  it('hang + idle timeout, then the server still closes cleanly', async () => {
    fake.setMode({ fault: 'hang' });
    const t0 = Date.now();
    await expect(getAdapter('openai').chat({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, ctx('openai', { timeouts: { idleMs: 150 } }))).rejects.toMatchObject({
      code: 'timeout',
      detail: 'idle_timeout',
    });
    expect(Date.now() - t0).toBeLessThan(1500);
  });
});
