import { parseSseStream, SseBufferOverflowError, SseParser, type SseEvent } from './sse';

function parseAll(pieces: string[]): SseEvent[] {
  const p = new SseParser();
  const out: SseEvent[] = [];
  for (const piece of pieces) out.push(...p.push(piece));
  out.push(...p.end());
  return out;
}

describe('SseParser', () => {
  const stream = 'event: message_start\ndata: {"a":1}\n\n: comment\ndata: second\n\ndata: [DONE]\n\n';

  it('parses named events, comments and data', () => {
    expect(parseAll([stream])).toEqual([{ event: 'message_start', data: '{"a":1}' }, { data: 'second' }, { data: '[DONE]' }]);
  });

  it('gives the same events however the text is split', () => {
    const whole = parseAll([stream]);
    for (let size = 1; size <= stream.length; size++) {
      const pieces: string[] = [];
      for (let i = 0; i < stream.length; i += size) pieces.push(stream.slice(i, i + size));
      expect(parseAll(pieces)).toEqual(whole);
    }
  });

  it('handles CRLF (also split between pushes) and bare CR line endings', () => {
    const crlf = 'data: one\r\n\r\ndata: two\r\n\r\n';
    expect(parseAll([crlf])).toEqual([{ data: 'one' }, { data: 'two' }]);
    expect(parseAll(['data: one\r', '\n\r', '\ndata: two\r\n\r\n'])).toEqual([{ data: 'one' }, { data: 'two' }]);
    expect(parseAll(['data: one\r\rdata: two\r\r'])).toEqual([{ data: 'one' }, { data: 'two' }]);
    // a CRLF split right between CR and LF is one line ending, not a blank line
    expect(parseAll(['data: a\r', '\ndata: b\r\n\r\n'])).toEqual([{ data: 'a\nb' }]);
  });

  it('joins multi-line data, keeps only one optional space, ignores unknown fields', () => {
    expect(parseAll(['data:a\ndata:  b\nretry: 10\nfoo: bar\n\n'])).toEqual([{ data: 'a\n b' }]);
  });

  it('ignores events without data and lines without a colon', () => {
    expect(parseAll(['event: ping\n\ngarbage line\n\ndata: x\n\n'])).toEqual([{ data: 'x' }]);
  });

  it('dispatches an unterminated final event at end of stream', () => {
    expect(parseAll(['data: tail'])).toEqual([{ data: 'tail' }]);
  });

  it('refuses an event that grows beyond the size limit', () => {
    const p = new SseParser(16);
    expect(() => p.push('data: 01234567890123456789')).toThrow(SseBufferOverflowError);
  });
});

describe('parseSseStream', () => {
  it('decodes UTF-8 split across byte chunks', async () => {
    const bytes = Buffer.from('data: {"t":"héllo – 世界"}\n\n', 'utf8');
    async function* oneByteAtATime() {
      for (const b of bytes) yield Uint8Array.of(b);
    }
    const events: SseEvent[] = [];
    for await (const e of parseSseStream(oneByteAtATime())) events.push(e);
    expect(events).toEqual([{ data: '{"t":"héllo – 世界"}' }]);
  });
});
