import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MicroBatch } from '../common/micro-batch';
import { AppConfig } from '../config/app-config';
import { JobName } from '../queues/queue.constants';
import { QueueProducer } from '../queues/queue.producer';
import { InflightRegistry } from './inflight.service';
import type { UsageEvent } from './usage-event';

/** At most this many events per job: a job's payload stays well under a megabyte. */
export const USAGE_BATCH_MAX = 200;

/**
 * Hands finished requests' usage to the ledger without waiting on Postgres. Events that end within
 * USAGE_BATCH_MS of each other travel in one BullMQ job (job id from the first request id), so the
 * queue and the worker pay once per batch, not once per request. Only once the job is in Redis (or
 * parked in the Postgres outbox when Redis refuses) are the requests taken off the in-flight registry:
 * if the process dies with events still in memory, the reconciler closes those requests as
 * `incomplete` estimates. Never throws: metering must not fail a response.
 */
@Injectable()
export class MeteringService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Metering');
  private readonly batch: MicroBatch<UsageEvent>;

  constructor(
    private readonly producer: QueueProducer,
    private readonly inflight: InflightRegistry,
    @InjectDataSource() private readonly db: DataSource,
    config: AppConfig,
  ) {
    this.batch = new MicroBatch({ max: USAGE_BATCH_MAX, waitMs: config.get('USAGE_BATCH_MS'), run: (events) => this.send(events) });
  }

  /** Resolves once the event is queued or parked (callers need not wait: the response is out). */
  record(event: UsageEvent): Promise<void> {
    return this.batch.add(event);
  }

  private async send(events: UsageEvent[]): Promise<void> {
    try {
      await this.producer.add(JobName.UsageRecordBatch, { events }, `batch-${events[0].requestId}`);
    } catch (err) {
      this.logger.warn({ events: events.length, err: (err as Error).message }, 'usage enqueue failed; writing to the outbox');
      try {
        const values = events.map((_, i) => `($${2 * i + 1}, $${2 * i + 2}::jsonb)`).join(', ');
        await this.db.query(`INSERT INTO usage_outbox (request_id, payload) VALUES ${values} ON CONFLICT (request_id) DO NOTHING`, events.flatMap((e) => [e.requestId, JSON.stringify(e)]));
      } catch (err2) {
        // Left on the in-flight registry: the reconciler will close them as incomplete estimates.
        this.logger.error({ alert: 'usage_lost', requestIds: events.map((e) => e.requestId), err: (err2 as Error).message }, 'ALERT: usage events could not be queued nor parked');
        return;
      }
    }
    await this.inflight.removeMany(events.map((e) => e.requestId));
  }

  /** Drains what is still in memory before the queue connection closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.batch.drain();
  }
}
