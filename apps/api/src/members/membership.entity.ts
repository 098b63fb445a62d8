import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { Team } from '../teams/team.entity';
import { User } from '../users/user.entity';

export const TEAM_ROLES = ['owner', 'admin', 'member'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** Role rank: owner > admin > member. */
export const ROLE_RANK: Record<TeamRole, number> = { owner: 3, admin: 2, member: 1 };

@Check('ck_memberships_role', `"role" IN ('owner', 'admin', 'member')`)
@Entity({ name: 'memberships' })
@Index('uq_memberships_team_user', ['teamId', 'userId'], { unique: true })
@Index('idx_memberships_user', ['userId'])
export class Membership {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'team_id' })
  teamId!: string;

  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @Column('text')
  role!: TeamRole;

  @ManyToOne(() => Team, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'team_id' })
  team?: Relation<Team>;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
