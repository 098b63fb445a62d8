import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import type { AuthContext } from '../auth/auth-context';
import { Auth, MinRole } from '../auth/auth.decorators';
import { ApiError } from '../common/api-error';
import { UUID, parseListQuery, setContentRange } from '../common/list-query';
import { userInTeam } from '../common/team-scope';

export interface RequestLogDto {
  id: string;
  startedAt: string;
  finishedAt: string;
  status: string;
  errorCode: string | null;
  endpoint: string;
  stream: boolean;
  requestedModel: string;
  servedModel: string | null;
  provider: string | null;
  memberId: string;
  memberEmail: string | null;
  apiKeyId: string;
  apiKeyName: string | null;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costNanoUsd: string;
  feeNanoUsd: string;
  unpriced: boolean;
  estimated: boolean;
  latencyMs: number;
  ttftMs: number | null;
  attemptCount: number;
  attempts: unknown[];
}

const SORT: Record<string, string> = { startedAt: 'l.started_at', latencyMs: 'l.latency_ms', costNanoUsd: 'l.cost_nano_usd', id: 'l.request_id' };
const FILTERS = ['status', 'model', 'memberId', 'apiKeyId', 'startedAt_gte', 'startedAt_lte', 'provider'] as const;

/** The request log: ledger rows, never prompts or outputs. Admins see the team; members their own requests. */
@Controller('requests')
@MinRole('member')
export class RequestsController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private select() {
    return `SELECT l.request_id AS id, l.started_at AS "startedAt", l.finished_at AS "finishedAt", l.status, l.error_code AS "errorCode", l.endpoint, l.stream,
        l.requested_model AS "requestedModel", l.served_model AS "servedModel", l.provider, l.membership_id AS "memberId", u.email AS "memberEmail",
        l.api_key_id AS "apiKeyId", k.name AS "apiKeyName", l.input_tokens AS "inputTokens", l.cached_input_tokens AS "cachedInputTokens",
        l.cache_write_tokens AS "cacheWriteTokens", l.output_tokens AS "outputTokens", l.reasoning_tokens AS "reasoningTokens",
        l.cost_nano_usd::text AS "costNanoUsd", l.fee_nano_usd::text AS "feeNanoUsd", l.unpriced, l.estimated, l.latency_ms AS "latencyMs",
        l.ttft_ms AS "ttftMs", l.attempt_count AS "attemptCount", l.attempts
      FROM usage_ledger l LEFT JOIN users u ON u.id = l.user_id LEFT JOIN api_keys k ON k.id = l.api_key_id`;
  }

  private toDto(r: Record<string, unknown>): RequestLogDto {
    const n = (v: unknown) => Number(v ?? 0);
    return {
      ...(r as unknown as RequestLogDto),
      startedAt: new Date(r.startedAt as string).toISOString(),
      finishedAt: new Date(r.finishedAt as string).toISOString(),
      inputTokens: n(r.inputTokens),
      cachedInputTokens: n(r.cachedInputTokens),
      cacheWriteTokens: n(r.cacheWriteTokens),
      outputTokens: n(r.outputTokens),
      reasoningTokens: n(r.reasoningTokens),
    };
  }

  @Get()
  async list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<RequestLogDto[]> {
    const q = parseListQuery(query, { sortable: Object.keys(SORT), filterable: FILTERS, defaultSort: ['startedAt', 'DESC'] });
    const u = userInTeam(auth);
    const params: unknown[] = [u.teamId];
    const where = ['l.team_id = $1'];
    const add = (clause: string, v: unknown) => {
      params.push(v);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (u.role === 'member' && !u.isOperator) add('l.membership_id = ?', u.membershipId);
    const ids = q.filter.id === undefined ? undefined : (Array.isArray(q.filter.id) ? q.filter.id : [q.filter.id]).map(String);
    if (ids) add('l.request_id = ANY(?)', ids);
    if (typeof q.filter.status === 'string') add('l.status = ?', q.filter.status);
    if (typeof q.filter.provider === 'string') add('l.provider = ?', q.filter.provider);
    if (typeof q.filter.model === 'string') {
      const m = q.filter.model;
      const i = m.indexOf('/');
      if (i > 0) {
        add('l.provider = ?', m.slice(0, i));
        add('l.served_model = ?', m.slice(i + 1));
      } else add('(l.served_model = ? OR l.requested_model = l.served_model)', m);
    }
    for (const k of ['memberId', 'apiKeyId'] as const) {
      const v = q.filter[k];
      if (v === undefined) continue;
      if (typeof v !== 'string' || !UUID.test(v)) throw ApiError.badRequest(`filter.${k} must be an id`);
      add(k === 'memberId' ? 'l.membership_id = ?' : 'l.api_key_id = ?', v);
    }
    for (const [k, op] of [
      ['startedAt_gte', '>='],
      ['startedAt_lte', '<='],
    ] as const) {
      const v = q.filter[k];
      if (v === undefined) continue;
      if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw ApiError.badRequest(`filter.${k} must be a date`);
      add(`l.started_at ${op} ?`, new Date(v));
    }
    const whereSql = where.join(' AND ');
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM usage_ledger l WHERE ${whereSql}`, params);
    const rows = await this.db.query(`${this.select()} WHERE ${whereSql} ORDER BY ${SORT[q.sortField] ?? 'l.started_at'} ${q.sortOrder} LIMIT ${q.take} OFFSET ${q.skip}`, params);
    setContentRange(res, 'requests', q, rows.length, n);
    return rows.map((r: Record<string, unknown>) => this.toDto(r));
  }

  @Get(':id')
  async get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<RequestLogDto> {
    const u = userInTeam(auth);
    if (typeof id !== 'string' || id.length > 128) throw ApiError.notFound('Request');
    const params: unknown[] = [u.teamId, id];
    let extra = '';
    if (u.role === 'member' && !u.isOperator) {
      params.push(u.membershipId);
      extra = ' AND l.membership_id = $3';
    }
    const rows = await this.db.query(`${this.select()} WHERE l.team_id = $1 AND l.request_id = $2${extra}`, params);
    if (!rows[0]) throw ApiError.notFound('Request');
    return this.toDto(rows[0]);
  }
}
