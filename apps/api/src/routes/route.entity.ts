import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation, UpdateDateColumn } from 'typeorm';
import { Team } from '../teams/team.entity';

export interface RouteTarget {
  /** `provider/model` */
  model: string;
  weight: number;
}

/** A team alias such as `fast`: an ordered list of targets (fallback order) with weights. */
@Entity({ name: 'routes' })
@Index('uq_routes_team_name', ['teamId', 'name'], { unique: true })
export class Route {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'team_id' })
  teamId!: string;

  @ManyToOne(() => Team, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'team_id' })
  team?: Relation<Team>;

  @Column('text')
  name!: string;

  @Column('jsonb')
  targets!: RouteTarget[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
