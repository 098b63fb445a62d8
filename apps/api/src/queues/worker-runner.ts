import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { JOB_HANDLER } from './job-handler.decorator';
import { FoundHandler, Handler, buildHandlerTable } from './job-registry';
import { JOB_QUEUE, JobName, QueueName } from './queue.constants';
import { createRedis } from './redis';

/** Starts one BullMQ worker per queue and dispatches each job by name to its single handler. */
@Injectable()
export class WorkerRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerRunner.name);
  private readonly workers: Worker[] = [];
  private connection?: Redis;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {}

  discoverHandlers(): Map<JobName, Handler> {
    const found: FoundHandler[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const fn = instance[method];
        if (typeof fn !== 'function') continue;
        const name = this.reflector.get<string | undefined>(JOB_HANDLER, fn as () => unknown);
        if (name) {
          found.push({ name, owner: `${proto.constructor.name}.${method}`, handler: (fn as Handler).bind(instance) });
        }
      }
    }
    return buildHandlerTable(found);
  }

  onApplicationBootstrap(): void {
    const table = this.discoverHandlers();
    this.connection = createRedis(this.config.get('REDIS_URL'), 'worker', 'worker');
    const queues = new Set<QueueName>(Object.values(JOB_QUEUE));
    for (const queue of queues) {
      const worker = new Worker(
        queue,
        async (job) => {
          const handler = table.get(job.name as JobName);
          if (!handler) throw new Error(`no handler for job "${job.name}"`);
          await handler(job.data, { jobId: job.id ?? '', attemptsMade: job.attemptsMade });
        },
        // Short locks: a killed worker's jobs are back in the queue within ~15 s (our jobs take milliseconds).
        // The usage queue runs many jobs at once so the processor can batch them into one transaction.
        { connection: this.connection, prefix: this.config.get('QUEUE_PREFIX'), concurrency: queue === QueueName.Usage ? this.config.get('USAGE_WORKER_CONCURRENCY') : this.config.get('WORKER_CONCURRENCY'), autorun: true, lockDuration: 15_000, stalledInterval: 10_000 },
      );
      worker.on('failed', (job, err) =>
        this.logger.warn({ queue, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed'),
      );
      worker.on('error', (err) => this.logger.error({ queue, err: err.message }, 'worker error'));
      this.workers.push(worker);
    }
    this.logger.log({ queues: [...queues], jobs: [...table.keys()] }, 'worker started');
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close()));
    this.connection?.disconnect();
  }
}
