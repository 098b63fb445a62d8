import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Operator (team_id null) and per-team (negotiated) price overrides on top of the seed catalog. */
@Entity({ name: 'model_prices' })
@Index('idx_model_prices_lookup', ['provider', 'model', 'teamId', 'effectiveFrom'])
export class ModelPriceRow {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'team_id', nullable: true })
  teamId!: string | null;

  @Column('text')
  provider!: string;

  @Column('text')
  model!: string;

  @Column('bigint', { name: 'input_micro_usd_per_mtok' })
  inputMicroUsdPerMTok!: string;

  @Column('bigint', { name: 'cached_input_micro_usd_per_mtok', nullable: true })
  cachedInputMicroUsdPerMTok!: string | null;

  @Column('bigint', { name: 'cache_write_micro_usd_per_mtok', nullable: true })
  cacheWriteMicroUsdPerMTok!: string | null;

  @Column('bigint', { name: 'output_micro_usd_per_mtok' })
  outputMicroUsdPerMTok!: string;

  @Column('bigint', { name: 'reasoning_micro_usd_per_mtok', nullable: true })
  reasoningMicroUsdPerMTok!: string | null;

  @Column('timestamptz', { name: 'effective_from' })
  effectiveFrom!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** The platform fee: team_id null is the operator default, a team row overrides it. */
@Entity({ name: 'fee_plans' })
@Index('idx_fee_plans_team', ['teamId', 'effectiveFrom'])
export class FeePlanRow {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'team_id', nullable: true })
  teamId!: string | null;

  @Column('bigint', { name: 'fee_micro_usd_per_mtok', default: 0 })
  feeMicroUsdPerMTok!: string;

  @Column('integer', { name: 'markup_basis_points', default: 0 })
  markupBasisPoints!: number;

  @Column('timestamptz', { name: 'effective_from' })
  effectiveFrom!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
