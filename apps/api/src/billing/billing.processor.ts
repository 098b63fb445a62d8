import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { JobHandler } from '../queues/job-handler.decorator';
import { JobName, QueueName } from '../queues/queue.constants';
import { QueueProducer } from '../queues/queue.producer';
import { BillingSetupService } from './billing-setup.service';
import { MeterOutboxService, RECENT_LOOKBACK_MS } from './meter-outbox.service';
import { ReconciliationService } from './reconciliation.service';
import { StripeApi } from './stripe-api';

const REPORT_SCHEDULER = 'stripe-report-usage';
const RECONCILE_SCHEDULER = 'stripe-reconcile';

/**
 * Stripe invoicing jobs, scheduled only when Stripe is configured:
 * - billing.report-usage: link new teams (customer + metered subscription), build outbox rows for the
 *   last 48 h of closed hours, send what is due.
 * - billing.reconcile: build over Stripe's whole window (late rows of older hours), then compare the
 *   ledger with Stripe's meter event summaries.
 */
@Injectable()
export class BillingProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('StripeBilling');

  constructor(
    private readonly stripe: StripeApi,
    private readonly setup: BillingSetupService,
    private readonly outbox: MeterOutboxService,
    private readonly reconciliation: ReconciliationService,
    private readonly producer: QueueProducer,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const queue = this.producer.queue(QueueName.Billing);
    if (!this.stripe.enabled) {
      // Stripe was switched off: stop the schedules a previous configuration left in Redis.
      await queue.removeJobScheduler(REPORT_SCHEDULER);
      await queue.removeJobScheduler(RECONCILE_SCHEDULER);
      return;
    }
    await queue.upsertJobScheduler(REPORT_SCHEDULER, { every: this.config.get('STRIPE_REPORT_INTERVAL_SECONDS') * 1000 }, { name: JobName.BillingReportUsage, data: {} });
    await queue.upsertJobScheduler(RECONCILE_SCHEDULER, { every: this.config.get('STRIPE_RECONCILE_INTERVAL_SECONDS') * 1000 }, { name: JobName.BillingReconcile, data: {} });
    this.logger.log('Stripe invoicing on: meter reports and reconciliation scheduled');
  }

  @JobHandler(JobName.BillingReportUsage)
  async report(): Promise<void> {
    if (!this.stripe.enabled) return;
    try {
      await this.setup.run({ onlyUnlinked: true });
    } catch (err) {
      // Linking new teams can wait for the next run; linked teams' reports must not.
      this.logger.warn({ err: (err as Error).message }, 'linking new teams to Stripe failed; will retry next run');
    }
    await this.outbox.build({ lookbackMs: RECENT_LOOKBACK_MS });
    await this.outbox.send();
  }

  @JobHandler(JobName.BillingReconcile)
  async reconcile(): Promise<void> {
    if (!this.stripe.enabled) return;
    // run() builds the outbox over Stripe's whole window first (late rows of older hours).
    const result = await this.reconciliation.run();
    this.logger.log(result, 'Stripe reconciliation done');
  }
}
