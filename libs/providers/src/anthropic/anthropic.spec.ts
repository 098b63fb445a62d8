import type { ChatRequest } from '../core/adapter.types';
import { streamText, translateSseText, withoutCreated } from '../testing/stream-harness';
import { mapAnthropicError } from './anthropic.errors';
import { toAnthropicRequest } from './anthropic.request';
import { fromAnthropicResponse, mapAnthropicStopReason } from './anthropic.response';
import { createAnthropicStreamTranslator } from './anthropic.stream';
import { convertAnthropicUsage } from './anthropic.usage';

const weather = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

describe('toAnthropicRequest', () => {
  it('supplies max_tokens, maps images, merges consecutive same-role turns', () => {
    const body = toAnthropicRequest(
      {
        model: 'c',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/PNG;base64,AAAA' } }] },
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } }] },
          { role: 'assistant', content: '' },
        ],
      },
      { stream: false },
    );
    expect(body.max_tokens).toBe(4096);
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
  });

  it('tool_choice mapping', () => {
    const req = (tool_choice: ChatRequest['tool_choice'], parallel?: boolean): ChatRequest => ({
      model: 'c',
      messages: [{ role: 'user', content: 'x' }],
      tools: [weather],
      ...(tool_choice !== undefined ? { tool_choice } : {}),
      ...(parallel !== undefined ? { parallel_tool_calls: parallel } : {}),
    });
    expect(toAnthropicRequest(req('none'), { stream: false }).tool_choice).toEqual({ type: 'none' });
    expect(toAnthropicRequest(req('auto'), { stream: false }).tool_choice).toEqual({ type: 'auto' });
    expect(toAnthropicRequest(req({ type: 'function', function: { name: 'get_weather' } }), { stream: false }).tool_choice).toEqual({ type: 'tool', name: 'get_weather' });
    expect(toAnthropicRequest(req(undefined, false), { stream: false }).tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(toAnthropicRequest(req(undefined), { stream: false })).not.toHaveProperty('tool_choice');
  });

  it('JSON modes become a system instruction', () => {
    const body = toAnthropicRequest(
      { model: 'c', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 's', schema: { type: 'object' } } } },
      { stream: false },
    );
    expect(body.system).toContain('{"type":"object"}');
  });

  it('rejects n > 1 and invalid tool-call JSON as bad_request', () => {
    expect(() => toAnthropicRequest({ model: 'c', n: 2, messages: [] }, { stream: false })).toThrow(expect.objectContaining({ code: 'bad_request' }));
    expect(() =>
      toAnthropicRequest(
        { model: 'c', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{oops' } }] }] },
        { stream: false },
      ),
    ).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });
});

describe('convertAnthropicUsage', () => {
  it('input_tokens excludes cache reads and writes: inputTokens is their sum; raw kept', () => {
    const raw = { input_tokens: 10, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, output_tokens: 50, output_tokens_details: { thinking_tokens: 20 } };
    expect(convertAnthropicUsage(raw)).toEqual({ inputTokens: 1210, cachedInputTokens: 1000, cacheWriteTokens: 200, outputTokens: 50, reasoningTokens: 20, raw });
  });
});

describe('fromAnthropicResponse', () => {
  it('stop reasons', () => {
    expect(mapAnthropicStopReason('end_turn')).toBe('stop');
    expect(mapAnthropicStopReason('max_tokens')).toBe('length');
    expect(mapAnthropicStopReason('model_context_window_exceeded')).toBe('length');
    expect(mapAnthropicStopReason('tool_use')).toBe('tool_calls');
    expect(mapAnthropicStopReason('refusal')).toBe('content_filter');
    expect(mapAnthropicStopReason('pause_turn')).toBe('stop');
  });

  it('ignores thinking blocks', () => {
    const r = fromAnthropicResponse({ id: 'm', model: 'c', content: [{ type: 'thinking', thinking: 'hmm' }, { type: 'text', text: 'ok' }], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 2 } });
    expect(r.response.choices[0]?.message.content).toBe('ok');
  });
});

const EV = (name: string, data: object) => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
const STREAM =
  EV('message_start', { message: { id: 'msg_1', model: 'c', usage: { input_tokens: 12, cache_read_input_tokens: 5, output_tokens: 1 } } }) +
  EV('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '' } }) +
  EV('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'secret' } }) +
  EV('content_block_stop', { index: 0 }) +
  EV('content_block_start', { index: 1, content_block: { type: 'text', text: '' } }) +
  EV('ping', {}) +
  EV('content_block_delta', { index: 1, delta: { type: 'text_delta', text: 'Bonjour ✓' } }) +
  EV('some_future_event', { x: 1 }) +
  EV('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } }) +
  EV('message_stop', {});

describe('Anthropic stream translation', () => {
  it('identical output for every chunk split; thinking hidden; unknown events ignored', () => {
    const whole = translateSseText(STREAM, createAnthropicStreamTranslator());
    expect(streamText(whole)).toBe('Bonjour ✓');
    expect(whole[whole.length - 1]).toEqual({ type: 'usage', usage: expect.objectContaining({ inputTokens: 17, cachedInputTokens: 5, outputTokens: 9 }) });
    for (let size = 1; size < 40; size += 3) expect(withoutCreated(translateSseText(STREAM, createAnthropicStreamTranslator(), size))).toEqual(withoutCreated(whole));
  });

  it('an error event throws stream_interrupted with the vendor error type', () => {
    const text = STREAM.split('event: content_block_start')[0] + EV('error', { error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(() => translateSseText(text, createAnthropicStreamTranslator())).toThrow(expect.objectContaining({ code: 'stream_interrupted', upstreamCode: 'overloaded_error' }));
  });

  it('truncated before message_delta → truncated', () => {
    const text = STREAM.split('event: message_delta')[0];
    expect(() => translateSseText(text, createAnthropicStreamTranslator())).toThrow(expect.objectContaining({ detail: 'truncated' }));
  });
});

describe('mapAnthropicError', () => {
  it('maps status and type, reads retry-after', () => {
    expect(mapAnthropicError(429, { 'retry-after': '3' }, '{"type":"error","error":{"type":"rate_limit_error"}}')).toMatchObject({ code: 'rate_limited', retryAfterMs: 3000 });
    expect(mapAnthropicError(529, {}, '{"type":"error","error":{"type":"overloaded_error"}}')).toMatchObject({ code: 'upstream_error', retryable: true });
    expect(mapAnthropicError(400, {}, '{"type":"error","error":{"type":"authentication_error"}}')).toMatchObject({ code: 'credential_rejected' });
  });
});
