import { streamText, translateSseText } from '../testing/stream-harness';
import { mapMistralError } from './mistral.errors';
import { toMistralRequest, toMistralToolCallId } from './mistral.request';
import { fromMistralResponse } from './mistral.response';
import { createMistralStreamTranslator } from './mistral.stream';
import { convertMistralUsage } from './mistral.usage';

describe('toMistralToolCallId', () => {
  it('9 alphanumerics, deterministic, identity for valid ids, distinct for distinct ids', () => {
    const a = toMistralToolCallId('call_abc');
    expect(a).toMatch(/^[A-Za-z0-9]{9}$/);
    expect(toMistralToolCallId('call_abc')).toBe(a);
    expect(toMistralToolCallId('toolu_01X')).not.toBe(a);
    expect(toMistralToolCallId('D681PevKs')).toBe('D681PevKs');
  });
});

describe('toMistralRequest', () => {
  it('never sends fields Mistral rejects with 422', () => {
    const body = toMistralRequest(
      { model: 'm', messages: [{ role: 'user', content: 'x' }], user: 'u', seed: 1, max_tokens: 5, max_completion_tokens: 9, stream_options: { include_usage: true } },
      { stream: true },
    );
    expect(body).toEqual({ model: 'm', messages: [{ role: 'user', content: 'x' }], random_seed: 1, max_tokens: 9, stream: true });
  });
});

describe('Mistral responses and usage', () => {
  it('model_length → length; usage has no cache breakdown; raw kept', () => {
    const raw = { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, prompt_audio_seconds: null };
    const r = fromMistralResponse({ id: 'a', choices: [{ index: 0, message: { role: 'assistant', content: 'x' }, finish_reason: 'model_length' }], usage: raw });
    expect(r.response.choices[0]?.finish_reason).toBe('length');
    expect(r.usage).toEqual({ inputTokens: 3, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 4, reasoningTokens: 0, raw });
    expect(convertMistralUsage(undefined)).toMatchObject({ inputTokens: 0, raw: null });
  });

  it('usage on the finish chunk (not a separate chunk) becomes the usage event', () => {
    const text =
      'data: {"id":"a","choices":[{"index":0,"delta":{"role":"assistant","content":"Sa"},"finish_reason":null}]}\n\n' +
      'data: {"id":"a","choices":[{"index":0,"delta":{"content":"lut"},"finish_reason":"stop"}],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}\n\n' +
      'data: [DONE]\n\n';
    for (const size of [1, 4, 1000]) {
      const out = translateSseText(text, createMistralStreamTranslator(), size);
      expect(streamText(out)).toBe('Salut');
      expect(out[out.length - 1]).toEqual({ type: 'usage', usage: expect.objectContaining({ inputTokens: 7, outputTokens: 3 }) });
    }
  });
});

describe('mapMistralError', () => {
  it('unknown model is a 400 invalid_model; 401 flat body', () => {
    expect(mapMistralError(400, {}, '{"object":"error","message":"Invalid model: foo","type":"invalid_model","code":"1500"}')).toMatchObject({ code: 'bad_request', upstreamCode: 'invalid_model' });
    expect(mapMistralError(401, {}, '{"message":"Unauthorized"}')).toMatchObject({ code: 'credential_rejected' });
  });
});
