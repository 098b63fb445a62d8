import { Controller, Get, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { ApiKeyAuthContext } from '../auth/auth-context';
import { ApiKeyAuth, Auth } from '../auth/auth.decorators';
import { ApiError } from '../common/api-error';
import { PriceBook } from '../pricing/price-book.service';
import { ProviderKeyRing } from '../provider-keys/provider-key-ring';
import { ModelRouter } from './model-router';

interface ModelDto {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** GET /v1/models: only what this key may use (team keys × catalog × key allowlist, plus team routes). */
@Controller('v1')
@ApiKeyAuth()
export class ModelsController {
  constructor(
    private readonly ring: ProviderKeyRing,
    private readonly prices: PriceBook,
    private readonly router: ModelRouter,
  ) {}

  private async available(auth: ApiKeyAuthContext): Promise<ModelDto[]> {
    const providers = new Set((await this.ring.keysFor(auth.teamId)).filter((k) => k.status !== 'invalid').map((k) => k.provider));
    const created = Math.floor(Date.UTC(2026, 0, 1) / 1000);
    const fromCatalog = this.prices
      .seedPrices()
      .filter((p) => providers.has(p.provider))
      .map((p) => ({ id: `${p.provider}/${p.model}`, object: 'model' as const, created, owned_by: p.provider }));
    const routes = [...(await this.router.teamRoutes(auth.teamId)).keys()].map((name) => ({ id: name, object: 'model' as const, created, owned_by: 'tollgate-route' }));
    const all = [...routes, ...fromCatalog];
    return auth.modelAllowlist ? all.filter((m) => auth.modelAllowlist?.includes(m.id)) : all;
  }

  @Get('models')
  async list(@Auth() auth: ApiKeyAuthContext): Promise<{ object: 'list'; data: ModelDto[] }> {
    return { object: 'list', data: await this.available(auth) };
  }

  /** Model ids contain a slash (`openai/gpt-4o-mini`), so the id is the rest of the path. */
  @Get('models/*id')
  async get(@Auth() auth: ApiKeyAuthContext, @Req() req: Request): Promise<ModelDto> {
    const id = decodeURIComponent(req.path.replace(/^\/v1\/models\//, ''));
    const found = (await this.available(auth)).find((m) => m.id === id);
    if (!found) throw new ApiError(404, 'not_found', `Model "${id}" not found`, 'not_found_error');
    return found;
  }
}
