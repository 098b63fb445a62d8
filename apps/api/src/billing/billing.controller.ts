import { Controller, Get, Query, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { OperatorOnly } from '../auth/auth.decorators';
import { ApiError } from '../common/api-error';
import { UUID, parseListQuery, setContentRange } from '../common/list-query';

interface ReconciliationDto {
  id: string;
  teamId: string;
  /** Null when the team was deleted since. */
  teamName: string | null;
  meter: string;
  periodStart: string;
  periodEnd: string;
  ledgerValue: string;
  deliveredValue: string;
  pendingValue: string;
  stripeValue: string;
  difference: string;
  status: string;
  checkedAt: string;
}

interface MeterReportDto {
  id: string;
  teamId: string;
  teamName: string | null;
  customerId: string;
  meter: string;
  hourStart: string;
  revision: number;
  value: string;
  status: string;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  deliveredAt: string | null;
}

const METERS = ['tokens', 'markup'];

function oneOf(name: string, value: unknown, allowed: readonly string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !allowed.includes(value)) throw ApiError.badRequest(`filter.${name} must be one of ${allowed.join(', ')}`);
  return value;
}

function teamFilter(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !UUID.test(value)) throw ApiError.badRequest('filter.teamId must be an id');
  return value;
}

/** Operator views of Stripe invoicing: reconciliation results and the meter-report outbox. */
@Controller('billing')
@OperatorOnly()
export class BillingController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get('reconciliations')
  async reconciliations(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<ReconciliationDto[]> {
    const q = parseListQuery(query, { sortable: ['periodStart', 'checkedAt'], filterable: ['status', 'teamId', 'meter'] as const, defaultSort: ['periodStart', 'DESC'] });
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (clause: string, v: string | undefined) => {
      if (v === undefined) return;
      params.push(v);
      where.push(`${clause} = $${params.length}`);
    };
    add('status', oneOf('status', q.filter.status, ['ok', 'pending', 'mismatch']));
    add('team_id', teamFilter(q.filter.teamId));
    add('meter', oneOf('meter', q.filter.meter, METERS));
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM stripe_reconciliations ${w}`, params);
    const rows: ReconciliationDto[] = await this.db.query(
      `SELECT r.team_id || ':' || r.meter || ':' || to_char(r.period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS id, r.team_id AS "teamId",
              t.name AS "teamName", r.meter, r.period_start AS "periodStart", r.period_end AS "periodEnd", r.ledger_value::text AS "ledgerValue",
              r.delivered_value::text AS "deliveredValue", r.pending_value::text AS "pendingValue", r.stripe_value::text AS "stripeValue",
              r.difference::text AS difference, r.status, r.checked_at AS "checkedAt"
         FROM (SELECT * FROM stripe_reconciliations ${w}
                ORDER BY ${q.sortField === 'checkedAt' ? 'checked_at' : 'period_start'} ${q.sortOrder}, team_id, meter LIMIT ${q.take} OFFSET ${q.skip}) r
         LEFT JOIN teams t ON t.id = r.team_id
        ORDER BY ${q.sortField === 'checkedAt' ? 'r.checked_at' : 'r.period_start'} ${q.sortOrder}, r.team_id, r.meter`,
      params,
    );
    setContentRange(res, 'reconciliations', q, rows.length, n);
    return rows;
  }

  @Get('meter-reports')
  async meterReports(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<MeterReportDto[]> {
    const q = parseListQuery(query, { sortable: ['hourStart', 'createdAt'], filterable: ['status', 'teamId', 'meter'] as const, defaultSort: ['hourStart', 'DESC'] });
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (clause: string, v: string | undefined) => {
      if (v === undefined) return;
      params.push(v);
      where.push(`${clause} = $${params.length}`);
    };
    add('status', oneOf('status', q.filter.status, ['pending', 'delivered', 'expired', 'failed']));
    add('team_id', teamFilter(q.filter.teamId));
    add('meter', oneOf('meter', q.filter.meter, METERS));
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM stripe_meter_reports ${w}`, params);
    const rows: MeterReportDto[] = await this.db.query(
      `SELECT m.identifier AS id, m.team_id AS "teamId", t.name AS "teamName", m.customer_id AS "customerId", m.meter, m.hour_start AS "hourStart", m.revision,
              m.value::text AS value, m.status, m.attempts, m.next_attempt_at AS "nextAttemptAt", m.last_error AS "lastError", m.delivered_at AS "deliveredAt"
         FROM (SELECT * FROM stripe_meter_reports ${w}
                ORDER BY ${q.sortField === 'createdAt' ? 'created_at' : 'hour_start'} ${q.sortOrder}, identifier LIMIT ${q.take} OFFSET ${q.skip}) m
         LEFT JOIN teams t ON t.id = m.team_id
        ORDER BY ${q.sortField === 'createdAt' ? 'm.created_at' : 'm.hour_start'} ${q.sortOrder}, m.identifier`,
      params,
    );
    setContentRange(res, 'meter-reports', q, rows.length, n);
    return rows;
  }
}
