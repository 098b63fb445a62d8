import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobName } from '../queues/queue.constants';
import { QueueProducer } from '../queues/queue.producer';
import type { UsageEvent } from './usage-event';

/**
 * Hands a finished request's usage to the ledger without waiting on Postgres: a BullMQ job with
 * job id = request id. If Redis refuses, the event is parked synchronously in a Postgres outbox
 * and relayed later. Never throws: metering must not fail the response.
 */
@Injectable()
export class MeteringService {
  private readonly logger = new Logger('Metering');

  constructor(
    private readonly producer: QueueProducer,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async record(event: UsageEvent): Promise<void> {
    try {
      await this.producer.add(JobName.UsageRecord, event, event.requestId);
    } catch (err) {
      this.logger.warn({ requestId: event.requestId, err: (err as Error).message }, 'usage enqueue failed; writing to the outbox');
      try {
        await this.db.query(`INSERT INTO usage_outbox (request_id, payload) VALUES ($1, $2::jsonb) ON CONFLICT (request_id) DO NOTHING`, [event.requestId, JSON.stringify(event)]);
      } catch (err2) {
        this.logger.error({ alert: 'usage_lost', requestId: event.requestId, err: (err2 as Error).message }, 'ALERT: usage event could not be queued nor parked');
      }
    }
  }
}
