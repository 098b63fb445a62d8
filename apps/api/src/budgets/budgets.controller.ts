import { Body, Controller, Delete, Get, Param, Post, Put, Query, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { AuthContext, UserAuthContext } from '../auth/auth-context';
import { Auth, MinRole } from '../auth/auth.decorators';
import { ApiError } from '../common/api-error';
import { IdPipe } from '../common/id.pipe';
import { filterIds, parseListQuery, setContentRange } from '../common/list-query';
import { RedisClient } from '../common/redis-client';
import { userInTeam } from '../common/team-scope';
import { AdmissionService, periodStart } from '../usage/admission.service';
import { Budget, RateLimit } from './budget.entity';
import { CreateBudgetDto, CreateRateLimitDto, UpdateBudgetDto } from './dto/budget.dto';

export interface BudgetDto {
  id: string;
  scope: Budget['scope'];
  memberId: string | null;
  apiKeyId: string | null;
  period: Budget['period'];
  amountNanoUsd: string;
  mode: Budget['mode'];
  alertThresholds: number[];
  spentNanoUsd: string;
  periodStart: string;
  createdAt: string;
}

/** Checks that the member or key named in a limit belongs to the team (ids from bodies are never trusted). */
async function subject(db: DataSource, teamId: string, body: { scope: string; memberId?: string; apiKeyId?: string }): Promise<{ membershipId: string | null; apiKeyId: string | null }> {
  if (body.scope === 'team') return { membershipId: null, apiKeyId: null };
  if (body.scope === 'member') {
    if (!body.memberId) throw ApiError.badRequest('memberId is required for a member limit');
    const r = await db.query(`SELECT 1 FROM memberships WHERE id = $1 AND team_id = $2`, [body.memberId, teamId]);
    if (!r[0]) throw ApiError.notFound('Member');
    return { membershipId: body.memberId, apiKeyId: null };
  }
  if (!body.apiKeyId) throw ApiError.badRequest('apiKeyId is required for an API key limit');
  const r = await db.query(`SELECT 1 FROM api_keys WHERE id = $1 AND team_id = $2`, [body.apiKeyId, teamId]);
  if (!r[0]) throw ApiError.notFound('API key');
  return { membershipId: null, apiKeyId: body.apiKeyId };
}

/** Spending limits; the gateway enforces hard ones atomically before any upstream call. */
@Controller('budgets')
@MinRole('admin')
export class BudgetsController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly admission: AdmissionService,
    private readonly redis: RedisClient,
    private readonly audit: AuditService,
  ) {}

  /** Spend so far in the current period: from the ledger (the source of truth), not the Redis counter. */
  private async toDto(b: Budget): Promise<BudgetDto> {
    const start = periodStart(b.period);
    const col = b.scope === 'team' ? null : b.scope === 'member' ? 'membership_id' : 'api_key_id';
    const params: unknown[] = [b.teamId, start.toISOString().slice(0, 10)];
    if (col) params.push(b.scope === 'member' ? b.membershipId : b.apiKeyId);
    const [{ spent }] = await this.db.query(
      `SELECT coalesce(sum(cost_nano_usd + fee_nano_usd), 0)::text AS spent FROM usage_rollup_daily WHERE team_id = $1 AND day >= $2::date${col ? ` AND ${col} = $3` : ''}`,
      params,
    );
    return {
      id: b.id,
      scope: b.scope,
      memberId: b.membershipId,
      apiKeyId: b.apiKeyId,
      period: b.period,
      amountNanoUsd: String(b.amountNanoUsd),
      mode: b.mode,
      alertThresholds: b.alertThresholds,
      spentNanoUsd: spent,
      periodStart: start.toISOString(),
      createdAt: b.createdAt.toISOString(),
    };
  }

  @Get()
  async list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<BudgetDto[]> {
    const q = parseListQuery(query, { sortable: ['createdAt', 'period', 'scope', 'id'], filterable: ['scope', 'period', 'mode'] as const });
    const qb = this.db.getRepository(Budget).createQueryBuilder('b').where('b.team_id = :teamId', { teamId: userInTeam(auth).teamId });
    const ids = filterIds(q.filter);
    if (ids) qb.andWhere('b.id IN (:...ids)', { ids });
    for (const k of ['scope', 'period', 'mode'] as const) if (typeof q.filter[k] === 'string') qb.andWhere(`b.${k} = :${k}`, { [k]: q.filter[k] });
    const col = q.sortField === 'createdAt' ? 'created_at' : q.sortField;
    const [rows, total] = await qb.orderBy(`b.${col}`, q.sortOrder).skip(q.skip).take(q.take).getManyAndCount();
    setContentRange(res, 'budgets', q, rows.length, total);
    return Promise.all(rows.map((b) => this.toDto(b)));
  }

  @Get(':id')
  async get(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string): Promise<BudgetDto> {
    return this.toDto(await this.find(userInTeam(auth).teamId, id));
  }

  private async find(teamId: string, id: string): Promise<Budget> {
    const b = await this.db.getRepository(Budget).findOne({ where: { id, teamId } });
    if (!b) throw ApiError.notFound('Budget');
    return b;
  }

  @Post()
  async create(@Auth() auth: AuthContext, @Body() body: CreateBudgetDto): Promise<BudgetDto> {
    const u = userInTeam(auth);
    const s = await subject(this.db, u.teamId, body);
    const repo = this.db.getRepository(Budget);
    const b = await repo.save(
      repo.create({ teamId: u.teamId, scope: body.scope, membershipId: s.membershipId, apiKeyId: s.apiKeyId, period: body.period, amountNanoUsd: body.amountNanoUsd, mode: body.mode, alertThresholds: body.alertThresholds ?? [50, 80, 100] }),
    );
    await this.resyncCounter(b);
    await this.admission.invalidate(u.teamId);
    await this.changed(u, 'budget.created', b);
    return this.toDto(b);
  }

  @Put(':id')
  async update(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string, @Body() body: UpdateBudgetDto): Promise<BudgetDto> {
    const u = userInTeam(auth);
    const b = await this.find(u.teamId, id);
    if (body.period !== undefined) b.period = body.period;
    if (body.amountNanoUsd !== undefined) b.amountNanoUsd = body.amountNanoUsd;
    if (body.mode !== undefined) b.mode = body.mode;
    if (body.alertThresholds !== undefined) b.alertThresholds = body.alertThresholds;
    await this.db.getRepository(Budget).save(b);
    await this.resyncCounter(b);
    await this.admission.invalidate(u.teamId);
    await this.changed(u, 'budget.changed', b);
    return this.toDto(b);
  }

  @Delete(':id')
  async remove(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string): Promise<BudgetDto> {
    const u = userInTeam(auth);
    const b = await this.find(u.teamId, id);
    const dto = await this.toDto(b);
    await this.db.getRepository(Budget).delete({ id, teamId: u.teamId });
    await this.admission.invalidate(u.teamId);
    await this.changed(u, 'budget.deleted', b);
    return dto;
  }

  /** Starts the Redis counter of the current period at what the ledger already shows (no reset on edit). */
  private async resyncCounter(b: Budget): Promise<void> {
    const dto = await this.toDto(b);
    const key = this.admission.budgetKey(b.id, b.period);
    await this.redis.redis.eval(`local c = tonumber(redis.call('GET', KEYS[1]) or '0'); if c < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end; return 1`, 1, key, dto.spentNanoUsd);
  }

  private async changed(u: UserAuthContext, action: string, b: Budget): Promise<void> {
    await this.audit.record({ action, teamId: b.teamId, actorUserId: u.userId, targetType: 'budget', targetId: b.id, metadata: { scope: b.scope, period: b.period, amountNanoUsd: String(b.amountNanoUsd), mode: b.mode } });
  }
}

/** Requests and tokens per minute per team, member or key, shared by every API process through Redis. */
@Controller('rate-limits')
@MinRole('admin')
export class RateLimitsController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly admission: AdmissionService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  async list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<unknown[]> {
    const q = parseListQuery(query, { sortable: ['createdAt', 'id'], filterable: ['scope'] as const });
    const [rows, total] = await this.db.getRepository(RateLimit).findAndCount({ where: { teamId: userInTeam(auth).teamId }, order: { createdAt: q.sortOrder }, skip: q.skip, take: q.take });
    setContentRange(res, 'rate-limits', q, rows.length, total);
    return rows.map((r) => ({ id: r.id, scope: r.scope, memberId: r.membershipId, apiKeyId: r.apiKeyId, rpm: r.rpm, tpm: r.tpm, createdAt: r.createdAt.toISOString() }));
  }

  @Post()
  async create(@Auth() auth: AuthContext, @Body() body: CreateRateLimitDto): Promise<unknown> {
    const u = userInTeam(auth);
    if (!body.rpm && !body.tpm) throw ApiError.badRequest('Set rpm, tpm or both');
    const s = await subject(this.db, u.teamId, body);
    const repo = this.db.getRepository(RateLimit);
    const r = await repo.save(repo.create({ teamId: u.teamId, scope: body.scope, membershipId: s.membershipId, apiKeyId: s.apiKeyId, rpm: body.rpm ?? null, tpm: body.tpm ?? null }));
    await this.admission.invalidate(u.teamId);
    await this.audit.record({ action: 'rate_limit.created', teamId: u.teamId, actorUserId: u.userId, targetType: 'rate_limit', targetId: r.id, metadata: { scope: r.scope, rpm: r.rpm, tpm: r.tpm } });
    return { id: r.id, scope: r.scope, memberId: r.membershipId, apiKeyId: r.apiKeyId, rpm: r.rpm, tpm: r.tpm, createdAt: r.createdAt.toISOString() };
  }

  @Delete(':id')
  async remove(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string): Promise<unknown> {
    const u = userInTeam(auth);
    const r = await this.db.getRepository(RateLimit).findOne({ where: { id, teamId: u.teamId } });
    if (!r) throw ApiError.notFound('Rate limit');
    await this.db.getRepository(RateLimit).delete({ id, teamId: u.teamId });
    await this.admission.invalidate(u.teamId);
    await this.audit.record({ action: 'rate_limit.deleted', teamId: u.teamId, actorUserId: u.userId, targetType: 'rate_limit', targetId: id });
    return { id: r.id, scope: r.scope, memberId: r.membershipId, apiKeyId: r.apiKeyId, rpm: r.rpm, tpm: r.tpm, createdAt: r.createdAt.toISOString() };
  }
}
