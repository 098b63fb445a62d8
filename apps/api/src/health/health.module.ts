import { Global, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { InstanceInfo } from './instance-info';

@Global()
@Module({ imports: [AuditModule], controllers: [HealthController], providers: [HealthService, InstanceInfo], exports: [HealthService, InstanceInfo] })
export class HealthModule {}
