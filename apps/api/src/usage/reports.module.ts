import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { BillingPlanController } from '../billing-plan/billing-plan.controller';
import { BudgetsController, RateLimitsController } from '../budgets/budgets.controller';
import { GatewayModule } from '../gateway/gateway.module';
import { InvoicesController } from '../invoices/invoices.controller';
import { PricesController } from '../prices/prices.controller';
import { RequestsController } from '../requests/requests.controller';
import { StatementsController } from '../statements/statements.controller';
import { UsageReportsService } from './usage-reports.service';
import { UsageController } from './usage.controller';

/** Console-facing usage: reports, request log, budgets and limits, prices, fee plan, statements. */
@Module({
  imports: [GatewayModule, AuditModule],
  controllers: [UsageController, RequestsController, BudgetsController, RateLimitsController, PricesController, BillingPlanController, StatementsController, InvoicesController],
  providers: [UsageReportsService],
})
export class ReportsModule {}
