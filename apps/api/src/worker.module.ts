import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuditProcessor } from './audit/audit.processor';
import { AuditModule } from './audit/audit.module';
import { StripeBillingModule } from './billing/billing.module';
import { BillingProcessor } from './billing/billing.processor';
import { BudgetAlertsProcessor } from './budgets/budget-alerts.processor';
import { CommonModule } from './common/common.module';
import { ProviderKeysModule } from './provider-keys/provider-keys.module';
import { ProviderKeysProcessor } from './provider-keys/provider-keys.processor';
import { coreImports } from './core.imports';
import { PriceBook } from './pricing/price-book.service';
import { WorkerRunner } from './queues/worker-runner';
import { LedgerWriter } from './usage/ledger-writer';
import { UsageProcessor } from './usage/usage.processor';
import { InflightRegistry } from './usage/inflight.service';
import { ReconcileProcessor } from './usage/reconcile.processor';

/** The worker process: every job handler, no HTTP. */
@Module({
  imports: [...coreImports('worker'), DiscoveryModule, CommonModule, ProviderKeysModule, AuditModule, StripeBillingModule],
  providers: [WorkerRunner, AuditProcessor, ProviderKeysProcessor, PriceBook, LedgerWriter, UsageProcessor, InflightRegistry, ReconcileProcessor, BudgetAlertsProcessor, BillingProcessor],
})
export class WorkerModule {}
