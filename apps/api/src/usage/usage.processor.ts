import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MicroBatch } from '../common/micro-batch';
import { JobHandler } from '../queues/job-handler.decorator';
import { JobName, QueueName } from '../queues/queue.constants';
import { QueueProducer } from '../queues/queue.producer';
import { LedgerWriter } from './ledger-writer';
import type { UsageEvent } from './usage-event';

const BATCH_MAX = 200;
const BATCH_WAIT_MS = 10;

/**
 * Thin processor: usage jobs are gathered for a few milliseconds and written in one batch
 * (one statement: the ledger INSERT and the rollup upsert); each job completes when its batch has committed.
 */
@Injectable()
export class UsageProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('Usage');
  private readonly batch = new MicroBatch<UsageEvent>({
    max: BATCH_MAX,
    waitMs: BATCH_WAIT_MS,
    run: async (events) => {
      try {
        await this.writer.write(events);
      } catch (err) {
        this.logger.warn({ err: (err as Error).message, size: events.length }, 'ledger batch failed; jobs will retry');
        throw err;
      }
    },
  });

  constructor(
    private readonly writer: LedgerWriter,
    private readonly producer: QueueProducer,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.queue(QueueName.Maintenance).upsertJobScheduler('relay-usage-outbox', { every: 5_000 }, { name: JobName.RelayUsageOutbox, data: {} });
  }

  @JobHandler(JobName.UsageRecord)
  record(data: unknown): Promise<void> {
    return this.enqueue(data as UsageEvent);
  }

  /** A batch job completes when every one of its events has committed (a retry re-inserts nothing). */
  @JobHandler(JobName.UsageRecordBatch)
  async recordBatch(data: unknown): Promise<void> {
    const events = (data as { events?: UsageEvent[] }).events ?? [];
    await Promise.all(events.map((e) => this.enqueue(e)));
  }

  private enqueue(event: UsageEvent): Promise<void> {
    return this.batch.add(event);
  }

  /** Moves events parked in Postgres (Redis was down when they ended) onto the queue. */
  @JobHandler(JobName.RelayUsageOutbox)
  async relayOutbox(): Promise<void> {
    const rows: Array<{ request_id: string; payload: UsageEvent }> = await this.db.query(`SELECT request_id, payload FROM usage_outbox ORDER BY created_at LIMIT 1000`);
    let relayed = 0;
    for (const r of rows) {
      try {
        await this.producer.add(JobName.UsageRecord, r.payload, r.request_id);
        await this.db.query(`DELETE FROM usage_outbox WHERE request_id = $1`, [r.request_id]);
        relayed++;
      } catch {
        break;
      }
    }
    if (relayed) this.logger.log({ relayed }, 'relayed usage events from the outbox');
  }
}
