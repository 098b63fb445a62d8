import { Injectable, Logger } from '@nestjs/common';
import {
  CallContext,
  ChatStreamEvent,
  EmbeddingsResult,
  NormalizedUsage,
  ProviderError,
  getAdapter,
  isProviderError,
  type CallSignal,
  type ChatResult,
  type ProviderId,
} from '@tollgate/providers';
import type { ApiKeyAuthContext } from '../auth/auth-context';
import { ApiError } from '../common/api-error';
import { AppConfig } from '../config/app-config';
import { ProviderKeysService } from '../provider-keys/provider-keys.service';
import type { RingKey } from '../provider-keys/provider-key-ring';
import { UpstreamConfig } from '../provider-keys/upstream-config';
import { VaultService } from '../provider-keys/vault.service';
import type { UsageAttempt } from '../usage/usage-event';
import { NO_KEY_ERROR, TIMEOUT_ERROR, fromProviderError } from './gateway-errors';
import { ModelRouter, Target } from './model-router';

/** Everything the gateway knows about one request while it runs. */
export interface RequestScope {
  requestId: string;
  auth: ApiKeyAuthContext;
  requestedModel: string;
  startedAt: number;
  startedAtIso: string;
  deadline: number;
  /** Aborted when the client goes away or the deadline passes. */
  signal: CallSignal;
  attempts: UsageAttempt[];
  served?: { target: Target; key: RingKey };
  firstByteAt?: number;
  /** Set once the response headers (or any byte) went to the client: no retry after that. */
  committed: boolean;
  /** Set when the request's own deadline (GATEWAY_TOTAL_TIMEOUT_MS) aborted it, not the client. */
  timedOut: boolean;
}

export interface OpenedStream {
  first: ChatStreamEvent;
  rest: AsyncIterator<ChatStreamEvent>;
}

const sleep = (ms: number, signal: CallSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

/**
 * Runs a request against the team's own keys: targets in route order, keys by priority and weight,
 * retries with exponential backoff and jitter on 429/5xx/connection errors (honouring retry-after),
 * a per-attempt timeout and a total deadline, and key health updates (401/403 invalid, 429 cool-down).
 */
@Injectable()
export class GatewayService {
  private readonly logger = new Logger('Gateway');
  private readonly maxRetries: number;
  private readonly attemptTimeoutMs: number;
  private readonly idleTimeoutMs: number;

  constructor(
    private readonly router: ModelRouter,
    private readonly vault: VaultService,
    private readonly upstreams: UpstreamConfig,
    private readonly providerKeys: ProviderKeysService,
    config: AppConfig,
  ) {
    this.maxRetries = config.get('GATEWAY_MAX_RETRIES');
    this.attemptTimeoutMs = config.get('GATEWAY_ATTEMPT_TIMEOUT_MS');
    this.idleTimeoutMs = config.get('GATEWAY_IDLE_TIMEOUT_MS');
  }

  chat(scope: RequestScope, targets: Target[], body: Record<string, unknown>): Promise<ChatResult> {
    return this.run(scope, targets, (adapter, model, ctx) => adapter.chat({ ...body, model } as never, ctx));
  }

  embeddings(scope: RequestScope, targets: Target[], body: Record<string, unknown>): Promise<EmbeddingsResult> {
    return this.run(scope, targets, (adapter, model, ctx) => adapter.embeddings({ ...body, model } as never, ctx));
  }

  /** Opens a stream and waits for its first event: until then, failures may still retry or fall back. */
  openStream(scope: RequestScope, targets: Target[], body: Record<string, unknown>): Promise<OpenedStream> {
    return this.run(scope, targets, async (adapter, model, ctx) => {
      const it = adapter.chatStream({ ...body, model, stream: true } as never, ctx)[Symbol.asyncIterator]();
      const first = await it.next();
      if (first.done) throw new ProviderError({ code: 'upstream_error', message: 'empty stream' });
      return { first: first.value, rest: it };
    }, true);
  }

  /**
   * An attempt gets GATEWAY_ATTEMPT_TIMEOUT_MS, cut to what is left of the request's deadline. A
   * stream is held to it until its headers arrive; from then on only silence (GATEWAY_IDLE_TIMEOUT_MS)
   * and the request's deadline end it: a long generation that keeps streaming is not cut mid-way.
   */
  private timeouts(scope: RequestScope, streaming: boolean): CallContext['timeouts'] {
    const left = Math.max(1, scope.deadline - Date.now());
    const attempt = Math.min(this.attemptTimeoutMs, left);
    return streaming
      ? { connectMs: 10_000, idleMs: this.idleTimeoutMs, totalMs: left, ...(attempt < left ? { headersMs: attempt } : {}) }
      : { connectMs: 10_000, idleMs: this.idleTimeoutMs, totalMs: attempt };
  }

  private async run<T>(scope: RequestScope, targets: Target[], call: (adapter: ReturnType<typeof getAdapter>, model: string, ctx: CallContext) => Promise<T>, streaming = false): Promise<T> {
    let lastError: ApiError | undefined;
    for (const target of targets) {
      const keys = await this.router.keysFor(scope.auth.teamId, target.provider);
      if (keys.length === 0) {
        scope.attempts.push({ provider: target.provider, model: target.model, providerKeyId: null, outcome: 'no_key', latencyMs: 0 });
        lastError ??= NO_KEY_ERROR();
        continue;
      }
      const adapter = getAdapter(target.provider as ProviderId);
      let nextTarget = false;
      for (const key of keys) {
        for (let retry = 0; ; retry++) {
          if (scope.signal.aborted || Date.now() >= scope.deadline) {
            throw scope.timedOut || Date.now() >= scope.deadline || !lastError ? TIMEOUT_ERROR() : lastError;
          }
          const secret = this.vault.openHeld({ teamId: key.teamId, recordId: key.id, provider: key.provider }, key.sealed);
          const { baseUrl, allowPrivateNetwork } = this.upstreams.resolve(key.provider, key.baseUrl);
          const ctx: CallContext = {
            apiKey: secret,
            baseUrl,
            allowPrivateNetwork,
            signal: scope.signal,
            requestId: scope.requestId,
            organization: key.organization ?? undefined,
            project: key.project ?? undefined,
            timeouts: this.timeouts(scope, streaming),
          };
          const t0 = performance.now();
          try {
            const result = await call(adapter, target.model, ctx);
            scope.attempts.push({ provider: target.provider, model: target.model, providerKeyId: key.id, outcome: 'success', latencyMs: Math.round(performance.now() - t0) });
            scope.served = { target, key };
            if (key.status !== 'active') void this.providerKeys.markHealthy(key.teamId, key.id).catch(() => undefined);
            return result;
          } catch (err) {
            const latencyMs = Math.round(performance.now() - t0);
            if (!isProviderError(err)) throw err;
            scope.attempts.push({
              provider: target.provider,
              model: target.model,
              providerKeyId: key.id,
              outcome: err.code === 'aborted' ? 'aborted' : 'error',
              errorCode: err.code,
              httpStatus: err.httpStatus,
              latencyMs,
            });
            const mapped = fromProviderError(err);
            // The latch is aborted by the client leaving and by the request's deadline: only the first is a cancellation.
            if (err.code === 'aborted') throw scope.timedOut ? TIMEOUT_ERROR() : mapped;
            lastError = mapped;
            this.logger.warn({ provider: target.provider, providerKeyId: key.id, code: err.code, httpStatus: err.httpStatus, detail: err.detail }, 'upstream attempt failed');
            if (err.code === 'credential_rejected') {
              void this.providerKeys.markInvalid(key.teamId, key.id, `credential_rejected_${err.httpStatus ?? 'unknown'}`).catch(() => undefined);
              break; // next key
            }
            if (err.code === 'rate_limited') {
              void this.providerKeys.coolDown(key.teamId, key.id, err.retryAfterMs).catch(() => undefined);
              if (!err.retryable) break;
              if (keys.length > 1) break; // another key of the team may have room
            }
            if (err.code === 'bad_request' || err.code === 'unsupported') throw mapped; // the request itself is wrong
            if (!err.retryable || retry >= this.maxRetries || scope.committed) {
              nextTarget = true;
              break;
            }
            const backoff = Math.min(8_000, 250 * 2 ** retry) + Math.floor(Math.random() * 100);
            const wait = Math.max(backoff, err.retryAfterMs ?? 0);
            if (Date.now() + wait >= scope.deadline) {
              nextTarget = true;
              break;
            }
            await sleep(wait, scope.signal);
          }
        }
        if (nextTarget || scope.committed) break;
      }
      if (scope.committed) break;
    }
    throw lastError ?? NO_KEY_ERROR();
  }
}

export function usageOrZero(u: NormalizedUsage | undefined): NormalizedUsage {
  return u ?? { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, raw: null };
}
