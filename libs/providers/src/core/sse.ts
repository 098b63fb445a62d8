/**
 * Incremental Server-Sent Events parser (WHATWG rules): feed it decoded text in arbitrary pieces.
 * Handles LF, CRLF and CR line endings (also a CRLF split across two pushes), comments (`:`),
 * multiple `data:` lines, one optional space after the colon, unknown fields (ignored), and
 * lines without a colon (a field name with empty value, per spec).
 */
export interface SseEvent {
  /** `event:` field, undefined when absent. */
  event?: string;
  data: string;
  id?: string;
}

export class SseBufferOverflowError extends Error {
  constructor() {
    super('SSE event exceeds the maximum size');
    this.name = 'SseBufferOverflowError';
  }
}

/** 8 MiB: far above any real chunk; stops a hostile upstream from growing memory without bound. */
const DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

export class SseParser {
  private buffer = '';
  private pendingCr = false;
  private dataLines: string[] = [];
  private eventName: string | undefined;
  private lastId: string | undefined;
  private eventSize = 0;

  constructor(private readonly maxEventBytes = DEFAULT_MAX_EVENT_BYTES) {}

  push(text: string): SseEvent[] {
    const out: SseEvent[] = [];
    let input = text;
    if (this.pendingCr) {
      // a CR ended the previous piece; a leading LF belongs to that CR
      if (input.startsWith('\n')) input = input.slice(1);
      this.pendingCr = false;
    }
    this.buffer += input;
    let start = 0;
    for (;;) {
      let i = start;
      let found = -1;
      while (i < this.buffer.length) {
        const c = this.buffer.charCodeAt(i);
        if (c === 10 || c === 13) {
          found = i;
          break;
        }
        i++;
      }
      if (found === -1) break;
      const line = this.buffer.slice(start, found);
      let next = found + 1;
      if (this.buffer.charCodeAt(found) === 13) {
        if (next < this.buffer.length) {
          if (this.buffer.charCodeAt(next) === 10) next++;
        } else {
          this.pendingCr = true;
        }
      }
      start = next;
      this.processLine(line, out);
    }
    this.buffer = this.buffer.slice(start);
    if (this.buffer.length + this.eventSize > this.maxEventBytes) throw new SseBufferOverflowError();
    return out;
  }

  /** End of stream: a trailing line without newline is processed; an unterminated event is dispatched. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.buffer.length > 0) {
      this.processLine(this.buffer, out);
      this.buffer = '';
    }
    this.dispatch(out);
    return out;
  }

  private processLine(line: string, out: SseEvent[]): void {
    if (line === '') {
      this.dispatch(out);
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
    }
    switch (field) {
      case 'data':
        this.dataLines.push(value);
        this.eventSize += value.length;
        break;
      case 'event':
        this.eventName = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      default:
        // retry and unknown fields are ignored
        break;
    }
  }

  private dispatch(out: SseEvent[]): void {
    if (this.dataLines.length === 0) {
      this.eventName = undefined;
      this.eventSize = 0;
      return;
    }
    const ev: SseEvent = { data: this.dataLines.join('\n') };
    if (this.eventName !== undefined) ev.event = this.eventName;
    if (this.lastId !== undefined) ev.id = this.lastId;
    out.push(ev);
    this.dataLines = [];
    this.eventName = undefined;
    this.eventSize = 0;
  }
}

/** Decodes bytes (UTF-8 sequences may be split across chunks) and yields complete SSE events. */
export async function* parseSseStream(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder('utf-8');
  const parser = new SseParser();
  for await (const chunk of chunks) {
    const events = parser.push(decoder.decode(chunk, { stream: true }));
    for (const ev of events) yield ev;
  }
  const tail = decoder.decode();
  for (const ev of tail ? parser.push(tail) : []) yield ev;
  for (const ev of parser.end()) yield ev;
}
