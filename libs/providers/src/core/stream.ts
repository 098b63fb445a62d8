import type { ChatStreamEvent, NormalizedUsage, ProviderId } from './adapter.types';
import { ProviderError } from './errors';
import type { UpstreamResponse } from './http-client';
import { parseSseStream, SseBufferOverflowError, type SseEvent } from './sse';

/** What each provider's stream module supplies to the shared driver. */
export interface StreamTranslator {
  readonly provider: ProviderId;
  /** One SSE event in, zero or more OpenAI-shaped events out. Throws ProviderError on upstream errors. */
  parse(event: SseEvent): ChatStreamEvent[];
  /** True once the provider's terminal event ([DONE], message_stop) was seen. */
  readonly done: boolean;
  /** Body ended: returns trailing events (usage) or throws when the stream was truncated. */
  finish(): ChatStreamEvent[];
  /** Usage seen so far, attached to interruption errors so the gateway can meter partial streams. */
  partialUsage(): NormalizedUsage | undefined;
}

export function attachUsage(err: ProviderError, usage: NormalizedUsage | undefined): ProviderError {
  if (usage && !err.usage) Object.defineProperty(err, 'usage', { value: usage, enumerable: false, configurable: true });
  return err;
}

/**
 * Drives an SSE response through a translator, yielding events as they arrive (no buffering).
 * Every failure surfaces as a ProviderError from the iterator; the body is always released.
 */
export async function* runSseStream(res: UpstreamResponse, t: StreamTranslator): AsyncGenerator<ChatStreamEvent> {
  let yielded = false;
  try {
    for await (const ev of parseSseStream(res.chunks())) {
      const out = t.parse(ev);
      for (const e of out) {
        yielded = true;
        yield e;
      }
      if (t.done) {
        res.markComplete();
        break;
      }
    }
    for (const e of t.finish()) {
      yielded = true;
      yield e;
    }
  } catch (err) {
    let pe: ProviderError;
    if (err instanceof ProviderError) pe = err;
    else if (err instanceof SseBufferOverflowError) {
      pe = new ProviderError({ code: 'stream_interrupted', provider: t.provider, detail: 'malformed_sse' });
    } else {
      // before the first event nothing reached the caller: a drop/timeout is then a retryable
      // 'connection'/'timeout'; afterwards it is 'stream_interrupted'
      pe = res.toError(err, yielded);
    }
    throw attachUsage(pe, t.partialUsage());
  } finally {
    res.close();
  }
}

export function malformedStream(provider: ProviderId): ProviderError {
  return new ProviderError({ code: 'stream_interrupted', provider, detail: 'malformed_sse' });
}

export function truncatedStream(provider: ProviderId): ProviderError {
  return new ProviderError({ code: 'stream_interrupted', provider, detail: 'truncated' });
}

export function parseEventJson(ev: SseEvent, provider: ProviderId): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(ev.data);
  } catch {
    throw malformedStream(provider);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw malformedStream(provider);
  return parsed as Record<string, unknown>;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
