import { Module } from '@nestjs/common';
import { BillingController } from './billing.controller';
import { BillingSetupService } from './billing-setup.service';
import { MeterOutboxService } from './meter-outbox.service';
import { ReconciliationService } from './reconciliation.service';
import { StripeApi } from './stripe-api';

/** Stripe usage-based invoicing services (the worker's jobs and the CLI use them). */
@Module({
  providers: [StripeApi, BillingSetupService, MeterOutboxService, ReconciliationService],
  exports: [StripeApi, BillingSetupService, MeterOutboxService, ReconciliationService],
})
export class StripeBillingModule {}

/** The HTTP side: operator views of reconciliation and the outbox. */
@Module({ controllers: [BillingController] })
export class BillingModule {}
