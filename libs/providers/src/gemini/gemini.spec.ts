import type { ChatRequest } from '../core/adapter.types';
import { streamText, translateSseText, withoutCreated } from '../testing/stream-harness';
import { mapGeminiError } from './gemini.errors';
import { decodeGeminiToolCallId, encodeGeminiToolCallId, toGeminiEmbeddingsRequest, toGeminiRequest } from './gemini.request';
import { fromGeminiResponse, mapGeminiFinishReason } from './gemini.response';
import { createGeminiStreamTranslator } from './gemini.stream';
import { convertGeminiUsage } from './gemini.usage';

describe('toGeminiRequest', () => {
  it('images: data URLs inline, http URLs as fileData; roles user/model; JSON schema mode', () => {
    const body = toGeminiRequest({
      model: 'g',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'see' }, { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,QUJD' } }, { type: 'image_url', image_url: { url: 'https://x.test/a.png' } }] },
        { role: 'assistant', content: 'ok' },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'n', schema: { type: 'object' } } },
    });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'see' }, { inlineData: { mimeType: 'image/jpeg', data: 'QUJD' } }, { fileData: { mimeType: 'image/png', fileUri: 'https://x.test/a.png' } }] },
      { role: 'model', parts: [{ text: 'ok' }] },
    ]);
    expect(body.generationConfig).toEqual({ responseMimeType: 'application/json', responseJsonSchema: { type: 'object' } });
  });

  it('parallel tool results go in one user turn; non-object results are wrapped in {output}', () => {
    const req: ChatRequest = {
      model: 'g',
      messages: [
        { role: 'user', content: 'two cities' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'a', type: 'function', function: { name: 'w', arguments: '{"city":"A"}' } },
            { id: 'b', type: 'function', function: { name: 'w', arguments: '{"city":"B"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'a', content: 'sunny' },
        { role: 'tool', tool_call_id: 'b', content: '[1,2]' },
      ],
    };
    expect(toGeminiRequest(req).contents[2]).toEqual({
      role: 'user',
      parts: [{ functionResponse: { name: 'w', response: { output: 'sunny' } } }, { functionResponse: { name: 'w', response: { output: [1, 2] } } }],
    });
  });

  it('a tool result for an unknown call id is a bad request', () => {
    expect(() => toGeminiRequest({ model: 'g', messages: [{ role: 'tool', tool_call_id: 'nope', content: 'x' }] })).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });

  it('thought signatures survive the round trip through the tool-call id', () => {
    const sig = 'CiQBx9Abc+/=ü';
    const id = encodeGeminiToolCallId('call_1', sig);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeGeminiToolCallId(id)).toEqual({ signature: sig });
    expect(decodeGeminiToolCallId('call_plain')).toEqual({});
  });

  it('embeddings use batchEmbedContents with models/ names', () => {
    expect(toGeminiEmbeddingsRequest({ model: 'text-embedding-004', input: ['a', 'b'], dimensions: 64 })).toEqual({
      requests: [
        { model: 'models/text-embedding-004', content: { parts: [{ text: 'a' }] }, outputDimensionality: 64 },
        { model: 'models/text-embedding-004', content: { parts: [{ text: 'b' }] }, outputDimensionality: 64 },
      ],
    });
    expect(() => toGeminiEmbeddingsRequest({ model: 'e', input: [1, 2] })).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });
});

describe('convertGeminiUsage', () => {
  it('prompt includes cached; output = candidates + thoughts; tool-use prompt counts as input; raw kept', () => {
    const raw = { promptTokenCount: 100, cachedContentTokenCount: 60, candidatesTokenCount: 10, thoughtsTokenCount: 5, toolUsePromptTokenCount: 7 };
    expect(convertGeminiUsage(raw)).toEqual({ inputTokens: 107, cachedInputTokens: 60, cacheWriteTokens: 0, outputTokens: 15, reasoningTokens: 5, raw });
  });
});

describe('fromGeminiResponse', () => {
  it('a blocked prompt (200, no candidates) is content_filter', () => {
    const r = fromGeminiResponse({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 4 }, responseId: 'r' });
    expect(r.response.choices).toEqual([{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'content_filter' }]);
    expect(r.usage.inputTokens).toBe(4);
  });

  it('finish reasons', () => {
    expect(mapGeminiFinishReason('STOP', false)).toBe('stop');
    expect(mapGeminiFinishReason('STOP', true)).toBe('tool_calls');
    expect(mapGeminiFinishReason('MAX_TOKENS', false)).toBe('length');
    expect(mapGeminiFinishReason('RECITATION', false)).toBe('content_filter');
    expect(mapGeminiFinishReason('IMAGE_SAFETY', false)).toBe('content_filter');
    expect(mapGeminiFinishReason('MALFORMED_FUNCTION_CALL', false)).toBe('stop');
  });

  it('thought parts are not part of the answer', () => {
    const r = fromGeminiResponse({ candidates: [{ content: { parts: [{ text: 'plan', thought: true }, { text: 'answer' }] }, finishReason: 'STOP' }], responseId: 'r' });
    expect(r.response.choices[0]?.message.content).toBe('answer');
  });
});

const CRLF_STREAM =
  'data: {"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":1},"responseId":"r1","modelVersion":"g"}\r\n\r\n' +
  'data: {"candidates":[{"content":{"parts":[{"text":" there"}],"role":"model"},"index":0}],"responseId":"r1","modelVersion":"g"}\r\n\r\n' +
  'data: {"candidates":[{"content":{"parts":[],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3,"thoughtsTokenCount":2},"responseId":"r1","modelVersion":"g"}\r\n\r\n';

describe('Gemini stream translation', () => {
  it('CRLF framing split anywhere; last usage wins, a chunk without usage does not reset it', () => {
    const whole = translateSseText(CRLF_STREAM, createGeminiStreamTranslator());
    expect(streamText(whole)).toBe('Hi there');
    expect(whole[whole.length - 1]).toEqual({ type: 'usage', usage: expect.objectContaining({ inputTokens: 5, outputTokens: 5, reasoningTokens: 2 }) });
    for (let size = 1; size < 30; size += 2) expect(withoutCreated(translateSseText(CRLF_STREAM, createGeminiStreamTranslator(), size))).toEqual(withoutCreated(whole));
  });

  it('no finishReason before the body ends → truncated; error object → stream_interrupted', () => {
    expect(() => translateSseText(CRLF_STREAM.split('\r\n\r\n')[0] + '\r\n\r\n', createGeminiStreamTranslator())).toThrow(expect.objectContaining({ detail: 'truncated' }));
    expect(() => translateSseText('data: {"error":{"code":503,"status":"UNAVAILABLE"}}\r\n\r\n', createGeminiStreamTranslator())).toThrow(
      expect.objectContaining({ code: 'stream_interrupted', upstreamCode: 'UNAVAILABLE' }),
    );
  });
});

describe('mapGeminiError', () => {
  it('API_KEY_INVALID is a credential error; RetryInfo beats headers', () => {
    expect(mapGeminiError(400, {}, JSON.stringify({ error: { code: 400, status: 'INVALID_ARGUMENT', details: [{ reason: 'API_KEY_INVALID' }] } }))).toMatchObject({ code: 'credential_rejected' });
    expect(mapGeminiError(400, {}, JSON.stringify({ error: { code: 400, status: 'INVALID_ARGUMENT' } }))).toMatchObject({ code: 'bad_request' });
    expect(
      mapGeminiError(429, { 'retry-after': '1' }, JSON.stringify({ error: { code: 429, details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12s' }] } })),
    ).toMatchObject({ code: 'rate_limited', retryAfterMs: 12000 });
  });
});
