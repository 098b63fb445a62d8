import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { RedisClient } from '../common/redis-client';
import { AppConfig } from '../config/app-config';
import { JobHandler } from '../queues/job-handler.decorator';
import { JobName, QueueName } from '../queues/queue.constants';
import { QueueProducer } from '../queues/queue.producer';
import { periodStart } from '../usage/admission.service';

interface BudgetRow {
  id: string;
  team_id: string;
  scope: string;
  membership_id: string | null;
  api_key_id: string | null;
  period: 'day' | 'month' | 'total';
  amount_nano_usd: string;
  mode: string;
  alert_thresholds: number[];
}

/**
 * Every minute: recompute each budget's spend in its current period from the ledger rollups,
 * raise the shared Redis counter if it fell behind (e.g. after a Redis restart), and send each
 * crossed alert threshold once (unique per budget, period and threshold): an audit entry and, if
 * configured, an HMAC-signed webhook.
 */
@Injectable()
export class BudgetAlertsProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('Budgets');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly redis: RedisClient,
    private readonly producer: QueueProducer,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.queue(QueueName.Maintenance).upsertJobScheduler('check-budgets', { every: this.config.get('BUDGET_CHECK_INTERVAL_SECONDS') * 1000 }, { name: JobName.CheckBudgets, data: {} });
  }

  @JobHandler(JobName.CheckBudgets)
  async check(): Promise<void> {
    const budgets: BudgetRow[] = await this.db.query(`SELECT id, team_id, scope, membership_id, api_key_id, period, amount_nano_usd, mode, alert_thresholds FROM budgets`);
    for (const b of budgets) {
      const start = periodStart(b.period);
      const col = b.scope === 'team' ? null : b.scope === 'member' ? 'membership_id' : 'api_key_id';
      const params: unknown[] = [b.team_id, start.toISOString().slice(0, 10)];
      if (col) params.push(col === 'membership_id' ? b.membership_id : b.api_key_id);
      const [{ spent }] = await this.db.query(
        `SELECT coalesce(sum(cost_nano_usd + fee_nano_usd), 0)::text AS spent FROM usage_rollup_daily WHERE team_id = $1 AND day >= $2::date${col ? ` AND ${col} = $3` : ''}`,
        params,
      );
      const key = this.redis.key('budget', b.id, start.toISOString());
      await this.redis.redis.eval(`local c = tonumber(redis.call('GET', KEYS[1]) or '0'); if c < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end; return 1`, 1, key, spent);
      const amount = BigInt(b.amount_nano_usd);
      for (const threshold of b.alert_thresholds ?? []) {
        if (BigInt(spent) * 100n < amount * BigInt(threshold)) continue;
        const inserted = await this.db.query(
          `INSERT INTO budget_alerts (budget_id, period_start, threshold, spent_nano_usd) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING budget_id`,
          [b.id, start, threshold, spent],
        );
        if (inserted.length === 0) continue;
        const payload = { type: 'budget.threshold_reached', budgetId: b.id, teamId: b.team_id, scope: b.scope, period: b.period, periodStart: start.toISOString(), threshold, spentNanoUsd: spent, amountNanoUsd: b.amount_nano_usd, mode: b.mode };
        await this.audit.record({ action: 'budget.alert', teamId: b.team_id, targetType: 'budget', targetId: b.id, metadata: payload });
        await this.sendWebhook(payload);
      }
    }
  }

  private async sendWebhook(payload: Record<string, unknown>): Promise<void> {
    const url = this.config.get('BUDGET_ALERT_WEBHOOK_URL');
    const secret = this.config.get('BUDGET_ALERT_WEBHOOK_SECRET');
    if (!url || !secret) return;
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-tollgate-signature': `t=${timestamp},v1=${signature}` }, body, redirect: 'error', signal: AbortSignal.timeout(10_000) });
      if (!res.ok) this.logger.warn({ status: res.status }, 'budget alert webhook answered with an error');
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'budget alert webhook failed');
    }
  }
}
