import { Body, Controller, Get, Put } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { validateFeePlan } from '@tollgate/billing';
import { Allow, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import type { AuthContext } from '../auth/auth-context';
import { Auth, OperatorOnly } from '../auth/auth.decorators';
import { ApiError } from '../common/api-error';
import { userOnly } from '../common/team-scope';
import { FeePlanRow } from '../pricing/model-price.entity';
import { PriceBook } from '../pricing/price-book.service';

export class UpdateBillingPlanDto {
  /** Platform fee per million tokens, integer micro-USD as a string (500000 = $0.50 / MTok). */
  @Matches(/^\d{1,15}$/, { message: 'feeMicroUsdPerMTok must be an integer string (micro-USD per million tokens)' })
  feeMicroUsdPerMTok!: string;

  /** Markup on provider cost in basis points (1000 = 10 %). */
  @IsInt()
  @Min(0)
  @Max(100_000)
  markupBasisPoints!: number;

  /** A per-team override; without it, the default plan for every team. */
  @IsOptional()
  @IsUUID()
  teamId?: string;

  @IsOptional() @Allow() stripeEnabled?: unknown;
}

/** The operator's platform fee plan (per million tokens and/or a markup on provider cost). */
@Controller('billing-plan')
@OperatorOnly()
export class BillingPlanController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly prices: PriceBook,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  private async current(teamId: string | null): Promise<{ feeMicroUsdPerMTok: string; markupBasisPoints: number; teamId: string | null; effectiveFrom: string | null; stripeEnabled: boolean }> {
    const rows: Array<{ fee_micro_usd_per_mtok: string; markup_basis_points: number; effective_from: Date }> = await this.db.query(
      `SELECT fee_micro_usd_per_mtok, markup_basis_points, effective_from FROM fee_plans WHERE team_id IS NOT DISTINCT FROM $1 AND effective_from <= now() ORDER BY effective_from DESC LIMIT 1`,
      [teamId],
    );
    const r = rows[0];
    return {
      feeMicroUsdPerMTok: r ? String(r.fee_micro_usd_per_mtok) : '0',
      markupBasisPoints: r?.markup_basis_points ?? 0,
      teamId,
      effectiveFrom: r?.effective_from.toISOString() ?? null,
      stripeEnabled: !!this.config.get('STRIPE_SECRET_KEY') && !!this.config.get('STRIPE_WEBHOOK_SECRET'),
    };
  }

  @Get()
  get(): Promise<ReturnType<BillingPlanController['current']> extends Promise<infer T> ? T : never> {
    return this.current(null);
  }

  @Put()
  async put(@Auth() auth: AuthContext, @Body() body: UpdateBillingPlanDto): Promise<Awaited<ReturnType<BillingPlanController['current']>>> {
    const u = userOnly(auth);
    const plan = { feeMicroUsdPerMTok: BigInt(body.feeMicroUsdPerMTok), markupBasisPoints: body.markupBasisPoints };
    try {
      validateFeePlan(plan);
    } catch (err) {
      throw ApiError.badRequest((err as Error).message);
    }
    if (body.teamId) {
      const t = await this.db.query(`SELECT 1 FROM teams WHERE id = $1`, [body.teamId]);
      if (!t[0]) throw ApiError.notFound('Team');
    }
    await this.db.getRepository(FeePlanRow).insert({ teamId: body.teamId ?? null, feeMicroUsdPerMTok: body.feeMicroUsdPerMTok, markupBasisPoints: body.markupBasisPoints, effectiveFrom: new Date() });
    await this.prices.refresh(true);
    await this.audit.record({ action: 'billing_plan.changed', teamId: body.teamId ?? null, actorUserId: u.userId, metadata: { feeMicroUsdPerMTok: body.feeMicroUsdPerMTok, markupBasisPoints: body.markupBasisPoints } });
    return this.current(body.teamId ?? null);
  }
}
