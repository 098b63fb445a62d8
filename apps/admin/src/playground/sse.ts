/**
 * Minimal Server-Sent Events reader for fetch() bodies: yields the `data` of each event (multi-line data
 * joined with "\n"), skipping comments and other fields. EventSource cannot send a POST body or an
 * Authorization header, hence this.
 */
export async function* readSseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const boundary = /\r\n\r\n|\n\n|\r\r/;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let match: RegExpExecArray | null;
      while ((match = boundary.exec(buffer)) !== null) {
        const raw = buffer.slice(0, match.index);
        buffer = buffer.slice(match.index + match[0].length);
        const data = eventData(raw);
        if (data !== null) yield data;
      }
      if (done) {
        const data = eventData(buffer);
        if (data !== null) yield data;
        return;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

function eventData(raw: string): string | null {
  const lines = raw.split(/\r\n|\n|\r/).filter((line) => line.startsWith('data:'));
  if (lines.length === 0) return null;
  return lines.map((line) => line.slice(5).replace(/^ /, '')).join('\n');
}
