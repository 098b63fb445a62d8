import { DEFAULT_BASE_URLS } from '../core/registry';
import { translateSseText } from '../testing/stream-harness';
import { OPENAI_COMPATIBLE_HOSTS } from './openai-compatible.adapter';
import { mapOpenAICompatibleError } from './openai-compatible.errors';
import { toOpenAICompatibleRequest } from './openai-compatible.request';
import { fromOpenAICompatibleResponse } from './openai-compatible.response';
import { createOpenAICompatibleStreamTranslator } from './openai-compatible.stream';
import { convertOpenAICompatibleUsage } from './openai-compatible.usage';

describe('openai-compatible request', () => {
  it('developer → system, max_completion_tokens → max_tokens, include_usage on streams', () => {
    const body = toOpenAICompatibleRequest({ model: 'm', messages: [{ role: 'developer', content: 'd' }], max_completion_tokens: 8 }, { stream: true });
    expect(body).toEqual({ model: 'm', messages: [{ role: 'system', content: 'd' }], max_tokens: 8, stream: true, stream_options: { include_usage: true } });
  });
});

describe('openai-compatible usage', () => {
  it('DeepSeek cache hit/miss', () => {
    const raw = { prompt_tokens: 100, completion_tokens: 5, prompt_cache_hit_tokens: 80, prompt_cache_miss_tokens: 20 };
    expect(convertOpenAICompatibleUsage(raw)).toEqual({ inputTokens: 100, cachedInputTokens: 80, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0, raw });
  });

  it('Groq x_groq.usage on the finish chunk', () => {
    const text =
      'data: {"id":"g","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}],"x_groq":{"id":"r"}}\n\n' +
      'data: {"id":"g","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"id":"r","usage":{"prompt_tokens":4,"completion_tokens":1,"queue_time":0.1}}}\n\n' +
      'data: [DONE]\n\n';
    const out = translateSseText(text, createOpenAICompatibleStreamTranslator('groq'));
    expect(out[out.length - 1]).toEqual({ type: 'usage', usage: expect.objectContaining({ inputTokens: 4, outputTokens: 1, raw: expect.objectContaining({ queue_time: 0.1 }) }) });
  });

  it('responses use the compatible usage converter', () => {
    const r = fromOpenAICompatibleResponse({ id: 'x', choices: [], usage: { prompt_tokens: 10, prompt_cache_hit_tokens: 4, prompt_cache_miss_tokens: 6 } }, 'deepseek');
    expect(r.usage.cachedInputTokens).toBe(4);
  });
});

describe('openai-compatible errors', () => {
  it('xAI flat 400 for a bad key is a credential error; other 400s are bad requests', () => {
    expect(mapOpenAICompatibleError(400, {}, '{"code":"invalid-argument","error":"Incorrect API key provided: xa***23."}', 'xai')).toMatchObject({ code: 'credential_rejected' });
    expect(mapOpenAICompatibleError(400, {}, '{"error":{"message":"bad temperature"}}', 'xai')).toMatchObject({ code: 'bad_request' });
    expect(mapOpenAICompatibleError(402, {}, '{"error":{"code":402,"message":"Insufficient credits"}}', 'openrouter')).toMatchObject({ code: 'credential_rejected', httpStatus: 402 });
  });
});

describe('hosts table', () => {
  it('feeds DEFAULT_BASE_URLS', () => {
    for (const [id, host] of Object.entries(OPENAI_COMPATIBLE_HOSTS)) expect(DEFAULT_BASE_URLS[id as keyof typeof DEFAULT_BASE_URLS]).toBe(host.defaultBaseUrl);
  });
});
