import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Relation, UpdateDateColumn } from 'typeorm';
import { Team } from '../teams/team.entity';

export type LimitScope = 'team' | 'member' | 'api_key';

/** A spending limit for a team, a member or an API key, per day, month or in total. */
@Entity({ name: 'budgets' })
@Index('idx_budgets_team', ['teamId'])
@Check('ck_budgets_scope', `"scope" IN ('team', 'member', 'api_key')`)
@Check('ck_budgets_period', `"period" IN ('day', 'month', 'total')`)
@Check('ck_budgets_mode', `"mode" IN ('hard', 'soft')`)
export class Budget {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'team_id' })
  teamId!: string;

  @ManyToOne(() => Team, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'team_id' })
  team?: Relation<Team>;

  @Column('text')
  scope!: LimitScope;

  @Column('uuid', { name: 'membership_id', nullable: true })
  membershipId!: string | null;

  @Column('uuid', { name: 'api_key_id', nullable: true })
  apiKeyId!: string | null;

  @Column('text')
  period!: 'day' | 'month' | 'total';

  @Column('bigint', { name: 'amount_nano_usd' })
  amountNanoUsd!: string;

  @Column('text', { default: 'hard' })
  mode!: 'hard' | 'soft';

  @Column('integer', { name: 'alert_thresholds', array: true, default: () => "'{50,80,100}'" })
  alertThresholds!: number[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** Requests and tokens per minute for a team, a member or an API key, shared by every API process. */
@Entity({ name: 'rate_limits' })
@Index('idx_rate_limits_team', ['teamId'])
@Check('ck_rate_limits_scope', `"scope" IN ('team', 'member', 'api_key')`)
export class RateLimit {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'team_id' })
  teamId!: string;

  @ManyToOne(() => Team, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'team_id' })
  team?: Relation<Team>;

  @Column('text')
  scope!: LimitScope;

  @Column('uuid', { name: 'membership_id', nullable: true })
  membershipId!: string | null;

  @Column('uuid', { name: 'api_key_id', nullable: true })
  apiKeyId!: string | null;

  @Column('integer', { nullable: true })
  rpm!: number | null;

  @Column('integer', { nullable: true })
  tpm!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** One alert per budget, period and threshold (the unique key makes sending idempotent). */
@Entity({ name: 'budget_alerts' })
export class BudgetAlert {
  @PrimaryColumn('uuid', { name: 'budget_id' })
  budgetId!: string;

  @PrimaryColumn('timestamptz', { name: 'period_start' })
  periodStart!: Date;

  @PrimaryColumn('integer')
  threshold!: number;

  @Column('bigint', { name: 'spent_nano_usd' })
  spentNanoUsd!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
