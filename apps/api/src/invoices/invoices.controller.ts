import { Controller, Get, HttpCode, Logger, Param, Post, Query, Req, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { WebhookVerificationError, mapInvoiceEvent, verifyWebhook } from '@tollgate/billing';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import type { AuthContext } from '../auth/auth-context';
import { Auth, MinRole } from '../auth/auth.decorators';
import { ApiError } from '../common/api-error';
import { IdPipe } from '../common/id.pipe';
import { filterIds, parseListQuery, setContentRange } from '../common/list-query';
import { Public } from '../common/public.decorator';
import { userInTeam } from '../common/team-scope';
import { AppConfig } from '../config/app-config';

interface InvoiceDto {
  id: string;
  stripeInvoiceId: string;
  status: string;
  amountDueCents: string;
  amountPaidCents: string;
  currency: string;
  periodStart: string | null;
  periodEnd: string | null;
  hostedInvoiceUrl: string | null;
}

const SELECT = `SELECT id, stripe_invoice_id AS "stripeInvoiceId", status, amount_due_cents::text AS "amountDueCents", amount_paid_cents::text AS "amountPaidCents",
  currency, period_start AS "periodStart", period_end AS "periodEnd", hosted_invoice_url AS "hostedInvoiceUrl" FROM invoices`;

/** Invoices mirrored from Stripe webhooks (empty when Stripe is off; statements are always available). */
@Controller()
export class InvoicesController {
  private readonly logger = new Logger('Stripe');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  @Get('invoices')
  @MinRole('admin')
  async list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<InvoiceDto[]> {
    const q = parseListQuery(query, { sortable: ['periodStart', 'id'], filterable: ['status'] as const, defaultSort: ['periodStart', 'DESC'] });
    const params: unknown[] = [userInTeam(auth).teamId];
    let where = 'team_id = $1';
    const ids = filterIds(q.filter);
    if (ids) {
      params.push(ids);
      where += ` AND id = ANY($${params.length})`;
    }
    if (typeof q.filter.status === 'string') {
      params.push(q.filter.status);
      where += ` AND status = $${params.length}`;
    }
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM invoices WHERE ${where}`, params);
    const rows = await this.db.query(`${SELECT} WHERE ${where} ORDER BY ${q.sortField === 'id' ? 'id' : 'period_start'} ${q.sortOrder} NULLS LAST LIMIT ${q.take} OFFSET ${q.skip}`, params);
    setContentRange(res, 'invoices', q, rows.length, n);
    return rows;
  }

  @Get('invoices/:id')
  @MinRole('admin')
  async get(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string): Promise<InvoiceDto> {
    const rows = await this.db.query(`${SELECT} WHERE team_id = $1 AND id = $2`, [userInTeam(auth).teamId, id]);
    if (!rows[0]) throw ApiError.notFound('Invoice');
    return rows[0];
  }

  /** Stripe webhooks: signature checked on the raw body, event ids deduplicated, invoice status mirrored. */
  @Public()
  @Post('billing/stripe/webhook')
  @HttpCode(200)
  async webhook(@Req() req: Request & { rawBody?: Buffer }): Promise<{ received: true }> {
    const secret = this.config.get('STRIPE_WEBHOOK_SECRET');
    if (!secret) throw ApiError.notFound();
    let event;
    try {
      event = verifyWebhook(req.rawBody ?? Buffer.alloc(0), req.headers['stripe-signature'], secret);
    } catch (err) {
      const reason = err instanceof WebhookVerificationError ? err.reason : 'bad_payload';
      throw new ApiError(400, 'invalid_request', `Webhook rejected: ${reason}`, 'invalid_request_error');
    }
    const fresh = await this.db.query(`INSERT INTO stripe_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id`, [event.id]);
    if (fresh.length === 0) return { received: true };
    const inv = mapInvoiceEvent(event);
    if (inv) {
      const team: Array<{ team_id: string }> = await this.db.query(`SELECT team_id FROM stripe_customers WHERE customer_id = $1`, [inv.customerId]);
      await this.db.query(
        `INSERT INTO invoices (team_id, stripe_invoice_id, customer_id, status, amount_due_cents, amount_paid_cents, currency, period_start, period_end, hosted_invoice_url, event_created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (stripe_invoice_id) DO UPDATE SET status = excluded.status, amount_due_cents = excluded.amount_due_cents, amount_paid_cents = excluded.amount_paid_cents,
           hosted_invoice_url = coalesce(excluded.hosted_invoice_url, invoices.hosted_invoice_url), event_created_at = excluded.event_created_at, team_id = coalesce(invoices.team_id, excluded.team_id)
         WHERE invoices.event_created_at <= excluded.event_created_at`,
        [team[0]?.team_id ?? null, inv.stripeInvoiceId, inv.customerId, inv.status, inv.amountDueCents.toString(), inv.amountPaidCents.toString(), inv.currency, inv.periodStart, inv.periodEnd, inv.hostedInvoiceUrl, inv.eventCreated],
      );
      this.logger.log({ eventId: event.id, type: event.type, invoice: inv.stripeInvoiceId, status: inv.status }, 'invoice mirrored');
    }
    return { received: true };
  }
}
