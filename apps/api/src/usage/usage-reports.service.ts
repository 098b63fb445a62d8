import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error';
import { UUID } from '../common/list-query';

export interface UsageFilter {
  from: string;
  to: string;
  memberId?: string;
  apiKeyId?: string;
  model?: string;
}

export interface UsageRow {
  id: string;
  label?: string;
  day?: string;
  requests: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costNanoUsd: string;
  feeNanoUsd: string;
  unpricedRequests?: number;
}

const SUMS = `sum(requests)::bigint AS requests, sum(input_tokens)::bigint AS "inputTokens", sum(cached_input_tokens)::bigint AS "cachedInputTokens",
  sum(output_tokens)::bigint AS "outputTokens", sum(reasoning_tokens)::bigint AS "reasoningTokens", sum(cost_nano_usd)::text AS "costNanoUsd",
  sum(fee_nano_usd)::text AS "feeNanoUsd", sum(unpriced_requests)::bigint AS "unpricedRequests"`;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Parses the report filter; dates are UTC days, `to` inclusive; at most 400 days. */
export function parseUsageFilter(raw: unknown): UsageFilter {
  let f: Record<string, unknown> = {};
  if (typeof raw === 'string' && raw) {
    try {
      f = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      throw ApiError.badRequest('filter must be JSON');
    }
  }
  const now = new Date();
  const from = typeof f.from === 'string' && f.from ? f.from : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 10);
  const to = typeof f.to === 'string' && f.to ? f.to : now.toISOString().slice(0, 10);
  if (!DAY.test(from) || !DAY.test(to) || from > to) throw ApiError.badRequest('filter.from and filter.to must be YYYY-MM-DD with from <= to');
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > 400) throw ApiError.badRequest('A report covers at most 400 days');
  for (const k of ['memberId', 'apiKeyId'] as const) if (f[k] !== undefined && (typeof f[k] !== 'string' || !UUID.test(f[k] as string))) throw ApiError.badRequest(`filter.${k} must be an id`);
  if (f.model !== undefined && typeof f.model !== 'string') throw ApiError.badRequest('filter.model must be a string');
  return { from, to, memberId: f.memberId as string | undefined, apiKeyId: f.apiKeyId as string | undefined, model: f.model as string | undefined };
}

/** Usage reports from the daily rollups (kept in step with the ledger in the same transaction). */
@Injectable()
export class UsageReportsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private where(teamId: string, f: UsageFilter, memberScope?: string): { sql: string; params: unknown[] } {
    const params: unknown[] = [teamId, f.from, f.to];
    let sql = `team_id = $1 AND day BETWEEN $2::date AND $3::date`;
    const add = (clause: string, v: unknown) => {
      params.push(v);
      sql += ` AND ${clause} = $${params.length}`;
    };
    if (memberScope) add('membership_id', memberScope);
    if (f.memberId) add('membership_id', f.memberId);
    if (f.apiKeyId) add('api_key_id', f.apiKeyId);
    if (f.model) {
      const i = f.model.indexOf('/');
      if (i > 0) {
        add('provider', f.model.slice(0, i));
        add('model', f.model.slice(i + 1));
      } else add('model', f.model);
    }
    return { sql, params };
  }

  private normalize(rows: Array<Record<string, unknown>>): UsageRow[] {
    return rows.map((r) => ({
      ...r,
      requests: Number(r.requests),
      inputTokens: Number(r.inputTokens),
      cachedInputTokens: Number(r.cachedInputTokens),
      outputTokens: Number(r.outputTokens),
      reasoningTokens: Number(r.reasoningTokens),
      unpricedRequests: Number(r.unpricedRequests ?? 0),
      costNanoUsd: String(r.costNanoUsd ?? '0'),
      feeNanoUsd: String(r.feeNanoUsd ?? '0'),
    })) as UsageRow[];
  }

  async daily(teamId: string, f: UsageFilter, memberScope?: string): Promise<UsageRow[]> {
    const w = this.where(teamId, f, memberScope);
    const rows = await this.db.query(`SELECT to_char(day, 'YYYY-MM-DD') AS id, to_char(day, 'YYYY-MM-DD') AS day, ${SUMS} FROM usage_rollup_daily WHERE ${w.sql} GROUP BY day ORDER BY day`, w.params);
    return this.normalize(rows);
  }

  async by(teamId: string, f: UsageFilter, dim: 'model' | 'member' | 'key', memberScope?: string): Promise<UsageRow[]> {
    const w = this.where(teamId, f, memberScope);
    const q =
      dim === 'model'
        ? `SELECT provider || '/' || model AS id, provider || '/' || model AS label, ${SUMS} FROM usage_rollup_daily WHERE ${w.sql} GROUP BY provider, model`
        : dim === 'member'
          ? `SELECT r.membership_id AS id, coalesce(u.email, 'removed member') AS label, ${SUMS.replace(/sum\(/g, 'sum(r.')} FROM usage_rollup_daily r
               LEFT JOIN memberships m ON m.id = r.membership_id LEFT JOIN users u ON u.id = m.user_id WHERE ${w.sql.replace(/\b(team_id|day|membership_id|api_key_id|provider|model)\b/g, 'r.$1')} GROUP BY r.membership_id, u.email`
          : `SELECT r.api_key_id AS id, coalesce(k.name || ' (' || k.prefix || ')', 'deleted key') AS label, ${SUMS.replace(/sum\(/g, 'sum(r.')} FROM usage_rollup_daily r
               LEFT JOIN api_keys k ON k.id = r.api_key_id WHERE ${w.sql.replace(/\b(team_id|day|membership_id|api_key_id|provider|model)\b/g, 'r.$1')} GROUP BY r.api_key_id, k.name, k.prefix`;
    const rows = await this.db.query(`SELECT * FROM (${q}) s ORDER BY s."costNanoUsd"::numeric DESC, s.requests DESC LIMIT 500`, w.params);
    return this.normalize(rows);
  }

  async totals(teamId: string, f: UsageFilter, memberScope?: string): Promise<Omit<UsageRow, 'id'>> {
    const w = this.where(teamId, f, memberScope);
    const [row] = this.normalize(await this.db.query(`SELECT ${SUMS} FROM usage_rollup_daily WHERE ${w.sql}`, w.params));
    return { ...row, costNanoUsd: row.costNanoUsd === 'null' ? '0' : row.costNanoUsd, feeNanoUsd: row.feeNanoUsd === 'null' ? '0' : row.feeNanoUsd };
  }

  /** One CSV line per day × model × member × key. */
  async csv(teamId: string, f: UsageFilter, memberScope?: string): Promise<string> {
    const w = this.where(teamId, f, memberScope);
    const rows: Array<Record<string, string>> = await this.db.query(
      `SELECT to_char(r.day, 'YYYY-MM-DD') AS day, r.provider, r.model, coalesce(u.email, '') AS member, coalesce(k.name, '') AS api_key, r.requests, r.input_tokens,
              r.cached_input_tokens, r.cache_write_tokens, r.output_tokens, r.reasoning_tokens, r.cost_nano_usd, r.fee_nano_usd
         FROM usage_rollup_daily r LEFT JOIN memberships m ON m.id = r.membership_id LEFT JOIN users u ON u.id = m.user_id LEFT JOIN api_keys k ON k.id = r.api_key_id
        WHERE ${w.sql.replace(/\b(team_id|day|membership_id|api_key_id|provider|model)\b/g, 'r.$1')} ORDER BY r.day, r.provider, r.model`,
      w.params,
    );
    const cols = ['day', 'provider', 'model', 'member', 'api_key', 'requests', 'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'cost_nano_usd', 'fee_nano_usd'];
    return [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(String(r[c] ?? ''))).join(','))].join('\n') + '\n';
  }
}

export function csvCell(v: string): string {
  // Quote when needed; neutralise spreadsheet formulas.
  const safe = /^[=+\-@]/.test(v) ? `'${v}` : v;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
