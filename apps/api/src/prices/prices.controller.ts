import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { parseDecimalToMicros } from '@tollgate/billing';
import { Type } from 'class-transformer';
import { IsDateString, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { AuthContext } from '../auth/auth-context';
import { Auth, MinRole, OperatorOnly } from '../auth/auth.decorators';
import { ApiError } from '../common/api-error';
import { parseListQuery, setContentRange } from '../common/list-query';
import { userInTeam, userOnly } from '../common/team-scope';
import { PriceBook } from '../pricing/price-book.service';
import { ModelPriceRow } from '../pricing/model-price.entity';

const USD = /^\d{1,7}(\.\d{1,6})?$/;

export class CreatePriceDto {
  @IsString()
  @MaxLength(40)
  provider!: string;

  @IsString()
  @MaxLength(200)
  model!: string;

  /** A negotiated rate for one team; without it the price is an operator override for everyone. */
  @IsOptional()
  @IsUUID()
  teamId?: string;

  @Matches(USD, { message: 'inputUsdPerMTok must be a decimal such as 2.5' })
  inputUsdPerMTok!: string;

  @Matches(USD, { message: 'outputUsdPerMTok must be a decimal such as 10' })
  outputUsdPerMTok!: string;

  @IsOptional()
  @Matches(USD)
  cachedInputUsdPerMTok?: string;

  @IsOptional()
  @Matches(USD)
  cacheWriteUsdPerMTok?: string;

  @IsOptional()
  @Matches(USD)
  reasoningUsdPerMTok?: string;

  @IsOptional()
  @IsDateString()
  @Type(() => String)
  effectiveFrom?: string;
}

interface PriceDto {
  id: string;
  provider: string;
  model: string;
  layer: string;
  inputMicroUsdPerMTok: string;
  cachedInputMicroUsdPerMTok: string | null;
  cacheWriteMicroUsdPerMTok: string | null;
  outputMicroUsdPerMTok: string;
  reasoningMicroUsdPerMTok: string | null;
  effectiveFrom: string;
}

/** The price catalog as it applies to the caller's team now (seed, operator and team layers). */
@Controller('prices')
export class PricesController {
  constructor(
    private readonly prices: PriceBook,
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  private async current(teamId: string): Promise<PriceDto[]> {
    await this.prices.refresh();
    const now = new Date();
    const s = (v: bigint | null) => (v === null ? null : v.toString());
    const ids = new Set(this.prices.seedPrices().map((p) => `${p.provider}/${p.model}`));
    const overrides: Array<{ provider: string; model: string }> = await this.db.query(`SELECT DISTINCT provider, model FROM model_prices WHERE team_id IS NULL OR team_id = $1`, [teamId]);
    for (const o of overrides) ids.add(`${o.provider}/${o.model}`);
    const out: PriceDto[] = [];
    for (const id of ids) {
      const i = id.indexOf('/');
      const p = this.prices.resolve(id.slice(0, i), id.slice(i + 1), teamId, now);
      if (!p) continue;
      out.push({
        id,
        provider: p.provider,
        model: p.model,
        layer: p.layer,
        inputMicroUsdPerMTok: p.inputMicroUsdPerMTok.toString(),
        cachedInputMicroUsdPerMTok: s(p.cachedInputMicroUsdPerMTok),
        cacheWriteMicroUsdPerMTok: s(p.cacheWriteMicroUsdPerMTok),
        outputMicroUsdPerMTok: p.outputMicroUsdPerMTok.toString(),
        reasoningMicroUsdPerMTok: s(p.reasoningMicroUsdPerMTok),
        effectiveFrom: p.effectiveFrom.toISOString(),
      });
    }
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  @Get()
  @MinRole('member')
  async list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<PriceDto[]> {
    const q = parseListQuery(query, { sortable: ['id', 'provider', 'model'], filterable: ['provider'] as const, defaultSort: ['id', 'ASC'], maxPageSize: 1000 });
    let rows = await this.current(userInTeam(auth).teamId);
    const ids = q.filter.id === undefined ? undefined : (Array.isArray(q.filter.id) ? q.filter.id : [q.filter.id]).map(String);
    if (ids) rows = rows.filter((r) => ids.includes(r.id));
    if (typeof q.filter.provider === 'string') rows = rows.filter((r) => r.provider === q.filter.provider);
    if (typeof q.filter.q === 'string' && q.filter.q) rows = rows.filter((r) => r.id.toLowerCase().includes(String(q.filter.q).toLowerCase()));
    const key = q.sortField as 'id' | 'provider' | 'model';
    rows.sort((a, b) => a[key].localeCompare(b[key]) * (q.sortOrder === 'ASC' ? 1 : -1));
    setContentRange(res, 'prices', q, Math.min(q.take, Math.max(0, rows.length - q.skip)), rows.length);
    return rows.slice(q.skip, q.skip + q.take);
  }

  @Get('*id')
  @MinRole('member')
  async get(@Auth() auth: AuthContext, @Param('id') raw: string | string[]): Promise<PriceDto> {
    const id = Array.isArray(raw) ? raw.join('/') : raw;
    const row = (await this.current(userInTeam(auth).teamId)).find((r) => r.id === id);
    if (!row) throw ApiError.notFound('Price');
    return row;
  }

  /** Operator: a new price version (operator-wide, or negotiated for one team), effective now or later. */
  @Post()
  @OperatorOnly()
  async create(@Auth() auth: AuthContext, @Body() body: CreatePriceDto): Promise<{ id: string }> {
    const u = userOnly(auth);
    const micros = (v?: string) => (v === undefined ? null : parseDecimalToMicros(v).toString());
    const repo = this.db.getRepository(ModelPriceRow);
    const row = await repo.save(
      repo.create({
        teamId: body.teamId ?? null,
        provider: body.provider,
        model: body.model,
        inputMicroUsdPerMTok: micros(body.inputUsdPerMTok) as string,
        outputMicroUsdPerMTok: micros(body.outputUsdPerMTok) as string,
        cachedInputMicroUsdPerMTok: micros(body.cachedInputUsdPerMTok),
        cacheWriteMicroUsdPerMTok: micros(body.cacheWriteUsdPerMTok),
        reasoningMicroUsdPerMTok: micros(body.reasoningUsdPerMTok),
        effectiveFrom: body.effectiveFrom ? new Date(body.effectiveFrom) : new Date(),
      }),
    );
    await this.prices.refresh(true);
    await this.audit.record({ action: 'price.changed', teamId: body.teamId ?? null, actorUserId: u.userId, targetType: 'price', targetId: row.id, metadata: { provider: body.provider, model: body.model } });
    return { id: row.id };
  }
}
