import { Controller, Get, Header, Param, Query, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import type { AuthContext } from '../auth/auth-context';
import { Auth, MinRole } from '../auth/auth.decorators';
import { ApiError } from '../common/api-error';
import { parseListQuery, setContentRange } from '../common/list-query';
import { userInTeam } from '../common/team-scope';
import { csvCell } from '../usage/usage-reports.service';

interface StatementLine {
  provider: string;
  model: string;
  memberEmail?: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costNanoUsd: string;
  feeNanoUsd: string;
}

interface StatementDto {
  id: string;
  month: string;
  requests: number;
  totalTokens: number;
  costNanoUsd: string;
  feeNanoUsd: string;
  totalNanoUsd: string;
  lines: StatementLine[];
  members: StatementLine[];
}

const MONTH = /^\d{4}-\d{2}$/;

/** Monthly statements from the ledger rollups: by model, by member (chargeback), platform fee, totals. Always on, Stripe or not. */
@Controller('statements')
@MinRole('admin')
export class StatementsController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private async build(teamId: string, month: string): Promise<StatementDto> {
    const start = `${month}-01`;
    const lines: Array<Record<string, string>> = await this.db.query(
      `SELECT provider, model, sum(requests)::bigint AS requests, sum(input_tokens + cached_input_tokens + cache_write_tokens)::bigint AS "inputTokens",
              sum(output_tokens)::bigint AS "outputTokens", sum(cost_nano_usd)::text AS "costNanoUsd", sum(fee_nano_usd)::text AS "feeNanoUsd"
         FROM usage_rollup_daily WHERE team_id = $1 AND day >= $2::date AND day < ($2::date + interval '1 month') GROUP BY provider, model ORDER BY sum(cost_nano_usd) DESC`,
      [teamId, start],
    );
    const members: Array<Record<string, string>> = await this.db.query(
      `SELECT '' AS provider, '' AS model, coalesce(u.email, 'removed member') AS "memberEmail", sum(r.requests)::bigint AS requests,
              sum(r.input_tokens + r.cached_input_tokens + r.cache_write_tokens)::bigint AS "inputTokens", sum(r.output_tokens)::bigint AS "outputTokens",
              sum(r.cost_nano_usd)::text AS "costNanoUsd", sum(r.fee_nano_usd)::text AS "feeNanoUsd"
         FROM usage_rollup_daily r LEFT JOIN memberships m ON m.id = r.membership_id LEFT JOIN users u ON u.id = m.user_id
        WHERE r.team_id = $1 AND r.day >= $2::date AND r.day < ($2::date + interval '1 month') GROUP BY u.email ORDER BY sum(r.cost_nano_usd) DESC`,
      [teamId, start],
    );
    const norm = (l: Record<string, string>): StatementLine => ({
      ...l,
      provider: l.provider,
      model: l.model,
      requests: Number(l.requests),
      inputTokens: Number(l.inputTokens),
      outputTokens: Number(l.outputTokens),
      costNanoUsd: l.costNanoUsd,
      feeNanoUsd: l.feeNanoUsd,
    });
    const ls = lines.map(norm);
    const cost = ls.reduce((s, l) => s + BigInt(l.costNanoUsd), 0n);
    const fee = ls.reduce((s, l) => s + BigInt(l.feeNanoUsd), 0n);
    return {
      id: month,
      month,
      requests: ls.reduce((s, l) => s + l.requests, 0),
      totalTokens: ls.reduce((s, l) => s + l.inputTokens + l.outputTokens, 0),
      costNanoUsd: cost.toString(),
      feeNanoUsd: fee.toString(),
      totalNanoUsd: (cost + fee).toString(),
      lines: ls,
      members: members.map(norm),
    };
  }

  @Get()
  async list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<StatementDto[]> {
    const q = parseListQuery(query, { sortable: ['id', 'month'], filterable: [] as const, defaultSort: ['id', 'DESC'] });
    const teamId = userInTeam(auth).teamId;
    const months: Array<{ m: string }> = await this.db.query(`SELECT DISTINCT to_char(day, 'YYYY-MM') AS m FROM usage_rollup_daily WHERE team_id = $1 ORDER BY 1 ${q.sortOrder}`, [teamId]);
    let ids = months.map((r) => r.m);
    if (q.filter.id !== undefined) {
      const wanted = (Array.isArray(q.filter.id) ? q.filter.id : [q.filter.id]).map(String);
      ids = ids.filter((m) => wanted.includes(m));
    }
    const page = ids.slice(q.skip, q.skip + q.take);
    setContentRange(res, 'statements', q, page.length, ids.length);
    return Promise.all(page.map((m) => this.build(teamId, m)));
  }

  @Get(':month')
  get(@Auth() auth: AuthContext, @Param('month') month: string): Promise<StatementDto> {
    if (!MONTH.test(month)) throw ApiError.notFound('Statement');
    return this.build(userInTeam(auth).teamId, month);
  }

  @Get(':month/export.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  async csv(@Auth() auth: AuthContext, @Param('month') month: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    if (!MONTH.test(month)) throw ApiError.notFound('Statement');
    const s = await this.build(userInTeam(auth).teamId, month);
    res.setHeader('content-disposition', `attachment; filename="tollgate-statement-${month}.csv"`);
    const head = 'section,provider,model,member,requests,input_tokens,output_tokens,cost_nano_usd,fee_nano_usd';
    const rows = [
      ...s.lines.map((l) => ['model', l.provider, l.model, '', l.requests, l.inputTokens, l.outputTokens, l.costNanoUsd, l.feeNanoUsd]),
      ...s.members.map((l) => ['member', '', '', l.memberEmail ?? '', l.requests, l.inputTokens, l.outputTokens, l.costNanoUsd, l.feeNanoUsd]),
      ['total', '', '', '', s.requests, '', '', s.costNanoUsd, s.feeNanoUsd],
    ];
    return [head, ...rows.map((r) => r.map((c) => csvCell(String(c))).join(','))].join('\n') + '\n';
  }
}
