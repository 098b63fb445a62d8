import { Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { BillingModule } from './billing/billing.module';
import { CommonModule } from './common/common.module';
import { coreImports } from './core.imports';
import { GatewayModule } from './gateway/gateway.module';
import { HealthModule } from './health/health.module';
import { ProviderKeysModule } from './provider-keys/provider-keys.module';
import { ReportsModule } from './usage/reports.module';

/** The HTTP process. Registers queue producers only, never processors. */
@Module({
  // GatewayModule first: Express tries routes in registration order, and /v1 carries nearly all traffic.
  imports: [...coreImports('api'), GatewayModule, CommonModule, AuditModule, HealthModule, AuthModule, ProviderKeysModule, ReportsModule, BillingModule],
})
export class AppModule {}
