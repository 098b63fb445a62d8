import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** Append-only: a database trigger rejects UPDATE and DELETE on this table. */
@Entity({ name: 'audit_events' })
@Index('idx_audit_events_team_created', ['teamId', 'createdAt'])
export class AuditEvent {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'team_id', nullable: true })
  teamId!: string | null;

  @Column('uuid', { name: 'actor_user_id', nullable: true })
  actorUserId!: string | null;

  @Column('uuid', { name: 'actor_api_key_id', nullable: true })
  actorApiKeyId!: string | null;

  @Column('text')
  action!: string;

  @Column('text', { name: 'target_type', nullable: true })
  targetType!: string | null;

  @Column('text', { name: 'target_id', nullable: true })
  targetId!: string | null;

  @Column('jsonb', { default: () => "'{}'" })
  metadata!: Record<string, unknown>;

  @Column('text', { nullable: true })
  ip!: string | null;

  @Column('text', { name: 'request_id', nullable: true })
  requestId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
