import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JobHandler } from '../queues/job-handler.decorator';
import { JobName, QueueName } from '../queues/queue.constants';
import { QueueProducer } from '../queues/queue.producer';
import { InflightRegistry } from './inflight.service';

/** Closes requests whose API process died mid-flight: an `incomplete` row with the prompt estimate. */
@Injectable()
export class ReconcileProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('Reconcile');

  constructor(
    private readonly inflight: InflightRegistry,
    private readonly producer: QueueProducer,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const every = Math.max(1_000, Math.min(60_000, Math.floor(this.inflight.reconcileAfterMs / 2)));
    await this.producer.queue(QueueName.Maintenance).upsertJobScheduler('reconcile-inflight', { every }, { name: JobName.ReconcileInflight, data: {} });
  }

  @JobHandler(JobName.ReconcileInflight)
  async reconcile(): Promise<void> {
    const stale = await this.inflight.stale();
    for (const rec of stale) {
      const now = new Date().toISOString();
      // Same job id as the real event: if that one was recorded, the ledger keeps it and ignores this.
      await this.producer.add(
        JobName.UsageRecord,
        {
          ...rec,
          providerKeyId: null,
          status: 'incomplete',
          errorCode: 'process_lost',
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 0,
          reasoningTokens: 0,
          estimated: true,
          latencyMs: Date.parse(now) - Date.parse(rec.startedAt),
          ttftMs: null,
          finishedAt: now,
          attempts: [],
        },
        rec.requestId,
      );
      await this.inflight.remove(rec.requestId);
    }
    if (stale.length) this.logger.warn({ closed: stale.length }, 'closed in-flight requests of a lost process as incomplete');
  }
}
