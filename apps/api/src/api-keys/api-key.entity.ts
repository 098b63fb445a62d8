import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { Membership } from '../members/membership.entity';
import { Team } from '../teams/team.entity';
import { User } from '../users/user.entity';

/** A member's credential for the gateway. Only a keyed hash of the secret is stored. */
@Entity({ name: 'api_keys' })
@Index('idx_api_keys_team_created', ['teamId', 'createdAt'])
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'team_id' })
  teamId!: string;

  @Column('uuid', { name: 'membership_id' })
  membershipId!: string;

  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @Column('text')
  name!: string;

  /** Public lookup part of `tg_<prefix>_<secret>`. */
  @Column('text', { unique: true })
  prefix!: string;

  /** HMAC-SHA256(pepper, secret), hex. */
  @Column('text', { name: 'secret_hash' })
  secretHash!: string;

  @Column('text', { name: 'model_allowlist', array: true, nullable: true })
  modelAllowlist!: string[] | null;

  @Column('timestamptz', { name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;

  @ManyToOne(() => Team, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'team_id' })
  team?: Relation<Team>;

  @ManyToOne(() => Membership, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'membership_id' })
  membership?: Relation<Membership>;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
