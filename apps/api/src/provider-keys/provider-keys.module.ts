import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ProviderKeyRing } from './provider-key-ring';
import { ProviderKeysController } from './provider-keys.controller';
import { ProviderKeysService } from './provider-keys.service';
import { UpstreamConfig } from './upstream-config';
import { VaultService } from './vault.service';

@Module({
  imports: [AuditModule],
  controllers: [ProviderKeysController],
  providers: [VaultService, UpstreamConfig, ProviderKeyRing, ProviderKeysService],
  exports: [VaultService, UpstreamConfig, ProviderKeyRing, ProviderKeysService],
})
export class ProviderKeysModule {}
