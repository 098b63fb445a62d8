import type { ChatStreamEvent } from '../core/adapter.types';
import { SseParser } from '../core/sse';
import type { StreamTranslator } from '../core/stream';

/**
 * Feeds raw SSE text to a translator in pieces of `pieceSize` characters (no network), the way
 * bytes would arrive, and returns everything it emitted, including finish(). For unit specs.
 */
export function translateSseText(text: string, translator: StreamTranslator, pieceSize = text.length): ChatStreamEvent[] {
  const parser = new SseParser();
  const out: ChatStreamEvent[] = [];
  for (let i = 0; i < text.length && !translator.done; i += pieceSize) {
    for (const ev of parser.push(text.slice(i, i + pieceSize))) {
      out.push(...translator.parse(ev));
      if (translator.done) break;
    }
  }
  if (!translator.done) for (const ev of parser.end()) out.push(...translator.parse(ev));
  out.push(...translator.finish());
  return out;
}

/**
 * The events with each chunk's `created` set to 0. Translators that stamp chunks with the local clock
 * (Anthropic, Gemini) give two runs different values when a second boundary falls between them.
 */
export function withoutCreated(events: ChatStreamEvent[]): ChatStreamEvent[] {
  return events.map((e) => (e.type === 'chunk' ? { ...e, chunk: { ...e.chunk, created: 0 } } : e));
}

/** Text deltas joined, for compact assertions. */
export function streamText(events: ChatStreamEvent[]): string {
  return events.map((e) => (e.type === 'chunk' ? (e.chunk.choices[0]?.delta.content ?? '') : '')).join('');
}

/** Narrows away null/undefined in specs, failing loudly instead of with a TypeError later. */
export function defined<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`expected ${what} to be defined`);
  return value;
}
