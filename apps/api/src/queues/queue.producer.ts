import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { DEFAULT_JOB_OPTIONS, JOB_QUEUE, JobName, JobPayloads, QueueName } from './queue.constants';
import { createRedis } from './redis';

/** Producer side of every queue. Used by the HTTP process; registers no processors. */
@Injectable()
export class QueueProducer implements OnApplicationShutdown {
  private readonly connection: Redis;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly prefix: string;

  constructor(config: AppConfig) {
    this.connection = createRedis(config.get('REDIS_URL'), 'producer', 'producer');
    this.prefix = config.get('QUEUE_PREFIX');
    // Errors surface on add(); avoid unhandled 'error' events while Redis is down.
    this.connection.on('error', () => undefined);
  }

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  /** Enqueue with a deterministic job id so a retry of the same event is deduplicated by BullMQ. */
  async add<J extends JobName>(job: J, payload: JobPayloads[J], jobId: string): Promise<void> {
    // Usage jobs are idempotent in the ledger (unique request id): no need to keep them once done.
    const usage = job === JobName.UsageRecord || job === JobName.UsageRecordBatch;
    await this.queue(JOB_QUEUE[job]).add(job, payload, usage ? { jobId, removeOnComplete: true } : { jobId });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }
}
