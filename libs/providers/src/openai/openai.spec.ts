import type { ChatRequest } from '../core/adapter.types';
import { ProviderError } from '../core/errors';
import { streamText, translateSseText } from '../testing/stream-harness';
import { mapOpenAIError } from './openai.errors';
import { toOpenAIRequest } from './openai.request';
import { fromOpenAIResponse, mapOpenAIFinishReason } from './openai.response';
import { createOpenAIStreamTranslator } from './openai.stream';
import { convertOpenAIUsage } from './openai.usage';

const base: ChatRequest = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

describe('toOpenAIRequest', () => {
  it('copies only known fields and drops nulls', () => {
    const req = { ...base, temperature: null, top_p: 0.5, api_key: 'x', base_url: 'http://evil', extra_headers: { a: 'b' } } as unknown as ChatRequest;
    expect(toOpenAIRequest(req, { stream: false })).toEqual({ model: 'gpt-4o-mini', messages: base.messages, top_p: 0.5 });
  });

  it('always asks for usage when streaming, whatever the client said', () => {
    const body = toOpenAIRequest({ ...base, stream: false, stream_options: { include_usage: false } }, { stream: true });
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
  });

  it('never sends stream:true for a non-stream call', () => {
    expect(toOpenAIRequest({ ...base, stream: true }, { stream: false })).not.toHaveProperty('stream');
  });
});

describe('convertOpenAIUsage', () => {
  it('prompt_tokens already includes cached and cache writes; completion includes reasoning; raw kept', () => {
    const raw = { prompt_tokens: 1200, completion_tokens: 40, prompt_tokens_details: { cached_tokens: 1000, cache_write_tokens: 100 }, completion_tokens_details: { reasoning_tokens: 30 }, extra: 1 };
    expect(convertOpenAIUsage(raw)).toEqual({ inputTokens: 1200, cachedInputTokens: 1000, cacheWriteTokens: 100, outputTokens: 40, reasoningTokens: 30, raw });
  });

  it('tolerates nulls and nonsense', () => {
    expect(convertOpenAIUsage({ prompt_tokens: null, completion_tokens: -3, prompt_tokens_details: null })).toMatchObject({ inputTokens: 0, outputTokens: 0 });
    expect(convertOpenAIUsage(null)).toMatchObject({ inputTokens: 0, raw: null });
  });

  it('never reports more cached than total input', () => {
    expect(convertOpenAIUsage({ prompt_tokens: 10, prompt_tokens_details: { cached_tokens: 50 } }).cachedInputTokens).toBe(10);
  });
});

describe('fromOpenAIResponse', () => {
  it('rejects bodies that are not completions', () => {
    expect(() => fromOpenAIResponse({ error: { message: 'x' } })).toThrow(ProviderError);
    expect(() => fromOpenAIResponse('nope')).toThrow(ProviderError);
  });

  it('maps unknown finish reasons to stop and vendor ones to ours', () => {
    expect(mapOpenAIFinishReason('model_length')).toBe('length');
    expect(mapOpenAIFinishReason('weird')).toBe('stop');
    expect(mapOpenAIFinishReason(null)).toBeNull();
  });

  it('returns zero usage with raw null when upstream reported none', () => {
    const r = fromOpenAIResponse({ id: 'x', choices: [{ index: 0, message: { role: 'assistant', content: 'a' }, finish_reason: 'stop' }] });
    expect(r.usage).toMatchObject({ inputTokens: 0, outputTokens: 0, raw: null });
  });
});

const STREAM = [
  'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}',
  'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hé"},"finish_reason":null}],"usage":null}',
  'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"llo"},"finish_reason":"stop"}],"usage":null}',
  'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}',
  'data: [DONE]',
].join('\n\n') + '\n\n';

describe('OpenAI stream translation', () => {
  it('same events for every split of the byte stream; usage lifted into one final event', () => {
    const whole = translateSseText(STREAM, createOpenAIStreamTranslator());
    expect(streamText(whole)).toBe('Héllo');
    expect(whole[whole.length - 1]).toEqual({ type: 'usage', usage: expect.objectContaining({ inputTokens: 5, outputTokens: 2 }) });
    expect(whole.filter((e) => e.type === 'chunk').every((e) => e.type === 'chunk' && !('usage' in e.chunk))).toBe(true);
    for (const size of [1, 2, 5, 17, 100]) expect(translateSseText(STREAM, createOpenAIStreamTranslator(), size)).toEqual(whole);
  });

  it('an error object inside the stream throws stream_interrupted', () => {
    const text = STREAM.split('\n\n')[0] + '\n\ndata: {"error":{"message":"boom","type":"server_error"}}\n\n';
    expect(() => translateSseText(text, createOpenAIStreamTranslator())).toThrow(expect.objectContaining({ code: 'stream_interrupted', detail: 'upstream_error_event', upstreamCode: 'server_error' }));
  });

  it('a body that ends without [DONE] and without a finish_reason is truncated', () => {
    const text = STREAM.split('\n\n').slice(0, 2).join('\n\n') + '\n\n';
    expect(() => translateSseText(text, createOpenAIStreamTranslator())).toThrow(expect.objectContaining({ detail: 'truncated' }));
  });

  it('vLLM usage-only chunk with choices null still counts', () => {
    const text = [STREAM.split('\n\n')[2], 'data: {"id":"c1","choices":null,"usage":{"prompt_tokens":3,"completion_tokens":1}}', 'data: [DONE]', ''].join('\n\n');
    const out = translateSseText(text, createOpenAIStreamTranslator());
    expect(out.filter((e) => e.type === 'usage')).toHaveLength(1);
  });

  it('incremental tool call deltas keep index, id and argument fragments', () => {
    const text = [
      'data: {"id":"t","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]},"finish_reason":null}]}',
      'data: {"id":"t","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"a\\":1}"}}]},"finish_reason":"tool_calls"}]}',
      'data: [DONE]',
      '',
    ].join('\n\n');
    const out = translateSseText(text, createOpenAIStreamTranslator());
    const deltas = out.flatMap((e) => (e.type === 'chunk' ? (e.chunk.choices[0]?.delta.tool_calls ?? []) : []));
    expect(deltas).toEqual([
      { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } },
      { index: 0, function: { arguments: '{"a":1}' } },
    ]);
    expect(out.some((e) => e.type === 'usage')).toBe(false);
  });
});

describe('mapOpenAIError', () => {
  it('401 / 429 with retry-after / 500', () => {
    expect(mapOpenAIError(401, {}, '{"error":{"code":"invalid_api_key"}}')).toMatchObject({ code: 'credential_rejected', upstreamCode: 'invalid_api_key' });
    expect(mapOpenAIError(429, { 'retry-after': '4' }, '{"error":{"type":"requests","code":"rate_limit_exceeded"}}')).toMatchObject({ code: 'rate_limited', retryAfterMs: 4000, retryable: true });
    expect(mapOpenAIError(500, {}, 'not json at all')).toMatchObject({ code: 'upstream_error', retryable: true, provider: 'openai' });
  });
});
