import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AbortLatch, type NormalizedUsage } from '@tollgate/providers';
import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { ApiKeyAuthContext } from '../auth/auth-context';
import { ApiError } from '../common/api-error';
import { AppConfig } from '../config/app-config';
import { AdmissionService, Admission } from '../usage/admission.service';
import { InflightRegistry } from '../usage/inflight.service';
import { MeteringService } from '../usage/metering.service';
import type { UsageEvent, UsageStatus } from '../usage/usage-event';
import type { RequestScope } from './gateway.service';
import { estimateTextTokens } from './estimate';
import { ModelRouter, Target } from './model-router';

export interface Run {
  scope: RequestScope;
  targets: Target[];
  /** A hard budget applies: the request must carry a max_tokens no larger than what was reserved. */
  hardBudget: boolean;
  clientGone(): boolean;
  /** Waits for an upstream step for at most `ms` after the client left. */
  drain<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'>;
  finish(status: UsageStatus, usage: NormalizedUsage, errorCode: string | null, estimated?: boolean): Promise<void>;
  fail(err: unknown): Promise<void>;
}

/**
 * Opens and closes one gateway request: request id, deadline, client-disconnect abort, per-key
 * concurrency, admission (rate limits and budget reservation: at most one Redis round trip), and exactly
 * one usage event at the end, whatever happened.
 */
@Injectable()
export class RequestLifecycle implements OnApplicationBootstrap {
  private readonly inFlightPerKey = new Map<string, number>();
  private readonly totalTimeoutMs: number;
  private readonly keyConcurrency: number;

  constructor(
    private readonly router: ModelRouter,
    private readonly admission: AdmissionService,
    private readonly metering: MeteringService,
    private readonly inflight: InflightRegistry,
    config: AppConfig,
  ) {
    this.totalTimeoutMs = config.get('GATEWAY_TOTAL_TIMEOUT_MS');
    this.keyConcurrency = config.get('GATEWAY_KEY_CONCURRENCY');
  }

  /** Loads the tokenizer at boot: loading it on the first estimate would stall every request in flight. */
  onApplicationBootstrap(): void {
    setImmediate(() => estimateTextTokens('warm up'));
  }

  async begin(
    auth: ApiKeyAuthContext,
    res: ServerResponse,
    info: { endpoint: 'chat' | 'embeddings'; model: string; stream: boolean; promptEstimate: number; estimatePrompt: () => number; maxTokens: number | null },
  ): Promise<Run> {
    const requestId = (res.getHeader('x-request-id') as string | undefined) ?? randomUUID();
    const startedAt = performance.now();
    const startedAtIso = new Date().toISOString();
    // Not an AbortController: see AbortLatch (an AbortSignal costs ~5 µs to set up).
    const latch = new AbortLatch();
    let gone = false;
    let done = false;
    res.on('close', () => {
      if (!done && !res.writableFinished) {
        gone = true;
        if (!info.stream) latch.abort();
      }
    });
    const deadlineTimer = setTimeout(() => {
      scope.timedOut = true;
      latch.abort();
    }, this.totalTimeoutMs);
    deadlineTimer.unref();
    const scope: RequestScope = {
      requestId,
      auth,
      requestedModel: info.model,
      startedAt,
      startedAtIso,
      deadline: Date.now() + this.totalTimeoutMs,
      signal: latch,
      attempts: [],
      committed: false,
      timedOut: false,
    };
    const key = auth.apiKeyId;
    let admission: Admission | null = null;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      clearTimeout(deadlineTimer);
      const n = (this.inFlightPerKey.get(key) ?? 1) - 1;
      if (n <= 0) this.inFlightPerKey.delete(key);
      else this.inFlightPerKey.set(key, n);
    };
    const current = this.inFlightPerKey.get(key) ?? 0;
    this.inFlightPerKey.set(key, current + 1);

    const record = async (status: UsageStatus, usage: NormalizedUsage, errorCode: string | null, estimated: boolean) => {
      if (done) return;
      done = true;
      release();
      const served = scope.served;
      const finishedAt = performance.now();
      const event = {
        requestId,
        teamId: auth.teamId,
        membershipId: auth.membershipId,
        userId: auth.userId,
        apiKeyId: auth.apiKeyId,
        providerKeyId: served?.key.id ?? null,
        provider: served?.target.provider ?? scope.attempts.at(-1)?.provider ?? null,
        endpoint: info.endpoint,
        requestedModel: info.model,
        servedModel: served?.target.model ?? scope.attempts.at(-1)?.model ?? null,
        stream: info.stream,
        status,
        errorCode,
        inputTokens: usage.inputTokens,
        cachedInputTokens: usage.cachedInputTokens,
        cacheWriteTokens: usage.cacheWriteTokens,
        outputTokens: usage.outputTokens,
        reasoningTokens: usage.reasoningTokens,
        estimated,
        latencyMs: finishedAt - startedAt,
        ttftMs: scope.firstByteAt !== undefined ? scope.firstByteAt - startedAt : null,
        startedAt: startedAtIso,
        finishedAt: new Date().toISOString(),
        attempts: scope.attempts,
        reservationId: admission?.reservationId ?? null,
      } satisfies UsageEvent;
      // The metering batch also takes the request off the in-flight registry once its event is queued.
      await Promise.all([this.metering.record(event), admission ? this.admission.settle(admission, event) : Promise.resolve()]);
    };

    try {
      if (current + 1 > this.keyConcurrency) {
        throw new ApiError(429, 'rate_limited', `Too many concurrent requests for this API key (limit ${this.keyConcurrency})`, 'rate_limit_error', { 'retry-after': '1' });
      }
      const targets = await this.router.resolve(auth.teamId, info.model, auth.modelAllowlist);
      // Not awaited: the registration leaves on this process' Redis connection at the end of this turn
      // of the event loop, with the others made in it, ahead of its removal; a failure is logged.
      this.inflight.add({
        requestId,
        teamId: auth.teamId,
        membershipId: auth.membershipId,
        userId: auth.userId,
        apiKeyId: auth.apiKeyId,
        provider: targets[0].provider,
        servedModel: targets[0].model,
        endpoint: info.endpoint,
        requestedModel: info.model,
        stream: info.stream,
        inputTokens: info.promptEstimate,
        startedAt: startedAtIso,
      });
      // Far from every limit this takes no Redis round trip (the process' allowance); otherwise one.
      admission = await this.admission.admit({ requestId, auth, target: targets[0], promptTokens: info.promptEstimate, maxTokens: info.maxTokens, res });
      return {
        scope,
        targets,
        hardBudget: (admission?.budgetKeys.length ?? 0) > 0,
        clientGone: () => gone,
        drain: <T>(p: Promise<T>, ms: number) => {
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<'timeout'>((r) => {
            timer = setTimeout(() => {
              latch.abort();
              r('timeout');
            }, ms);
          });
          // Cleared when the chunk comes first: one drained stream reads many chunks.
          return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
        },
        finish: (status, usage, errorCode, estimated = false) => record(gone && status === 'success' ? 'client_abort' : status, usage, errorCode, estimated),
        fail: async (err) => {
          const code = err instanceof ApiError ? err.code : 'internal_error';
          const status: UsageStatus = gone ? 'client_abort' : 'upstream_error';
          // Nothing came back: count the prompt as an estimate only if an upstream attempt was made.
          const tried = scope.attempts.some((a) => a.outcome === 'error' || a.outcome === 'aborted');
          const usage = { inputTokens: tried && gone ? info.estimatePrompt() : 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, raw: null };
          await record(status, usage, code, tried && gone);
        },
      };
    } catch (err) {
      // Refused before any upstream call: still one usage event (status rejected, zero tokens).
      const code = err instanceof ApiError ? err.code : 'internal_error';
      await record('rejected', { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, raw: null }, code, false);
      throw err;
    }
  }
}
