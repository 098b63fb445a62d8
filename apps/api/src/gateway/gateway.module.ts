import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { PriceBook } from '../pricing/price-book.service';
import { ProviderKeysModule } from '../provider-keys/provider-keys.module';
import { RoutesController } from '../routes/routes.controller';
import { AdmissionService } from '../usage/admission.service';
import { InflightRegistry } from '../usage/inflight.service';
import { MeteringService } from '../usage/metering.service';
import { ChatCompletionsController } from './chat-completions.controller';
import { GatewayService } from './gateway.service';
import { KeyInfoController } from './key-info.controller';
import { ModelRouter } from './model-router';
import { ModelsController } from './models.controller';
import { RequestLifecycle } from './request-lifecycle';
import { UpstreamPools } from './upstream-pools';

/** The OpenAI-compatible API under /v1, authenticated by member API keys. */
@Module({
  imports: [ProviderKeysModule, AuditModule],
  controllers: [ChatCompletionsController, ModelsController, KeyInfoController, RoutesController],
  providers: [GatewayService, ModelRouter, RequestLifecycle, AdmissionService, MeteringService, PriceBook, InflightRegistry, UpstreamPools],
  exports: [ModelRouter, AdmissionService, PriceBook],
})
export class GatewayModule {}
