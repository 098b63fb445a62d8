import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { JobHandler } from '../queues/job-handler.decorator';
import { JobName, QueueName } from '../queues/queue.constants';
import { QueueProducer } from '../queues/queue.producer';
import { ProviderKeysService } from './provider-keys.service';

/** Brings invalid and cooled-down provider keys back into rotation once they work again. */
@Injectable()
export class ProviderKeysProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('ProviderKeyProbe');

  constructor(
    private readonly keys: ProviderKeysService,
    private readonly producer: QueueProducer,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // A job scheduler is idempotent by id: every worker may declare it, one job runs per interval.
    await this.producer
      .queue(QueueName.Maintenance)
      .upsertJobScheduler('probe-provider-keys', { every: this.config.get('PROVIDER_KEY_PROBE_INTERVAL_SECONDS') * 1000 }, { name: JobName.ProbeProviderKeys, data: {} });
  }

  @JobHandler(JobName.ProbeProviderKeys)
  async probe(): Promise<void> {
    const { tested, recovered } = await this.keys.probeUnhealthy();
    if (tested > 0) this.logger.log({ tested, recovered }, 'probed unhealthy provider keys');
  }
}
