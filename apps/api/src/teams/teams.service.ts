import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { UserAuthContext } from '../auth/auth-context';
import { ApiError } from '../common/api-error';
import { ListQuery, filterIds } from '../common/list-query';
import { Membership } from '../members/membership.entity';
import { Team } from './team.entity';
import { slugify } from './team-slug';

export interface TeamDto {
  id: string;
  name: string;
  slug: string;
  memberCount: number;
  createdAt: string;
}

const SORT_COLUMNS: Record<string, string> = { name: 't.name', createdAt: 't.created_at', slug: 't.slug', id: 't.id' };

@Injectable()
export class TeamsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Operators see every team; everyone else only the teams they belong to. */
  async list(auth: UserAuthContext, q: ListQuery<'name'>): Promise<{ items: TeamDto[]; total: number }> {
    const qb = this.db
      .getRepository(Team)
      .createQueryBuilder('t')
      .select(['t.id AS id', 't.name AS name', 't.slug AS slug', 't.created_at AS "createdAt"'])
      .addSelect('(SELECT count(*)::int FROM memberships m WHERE m.team_id = t.id)', 'memberCount');
    if (!auth.isOperator) qb.where('t.id IN (SELECT team_id FROM memberships WHERE user_id = :userId)', { userId: auth.userId });
    const ids = filterIds(q.filter);
    if (ids) qb.andWhere('t.id IN (:...ids)', { ids });
    const search = q.filter.q ?? q.filter.name;
    if (typeof search === 'string' && search) qb.andWhere('t.name ILIKE :s', { s: `%${escapeLike(search)}%` });
    const total = await qb.clone().getCount();
    const rows = await qb.orderBy(SORT_COLUMNS[q.sortField] ?? 't.created_at', q.sortOrder).offset(q.skip).limit(q.take).getRawMany<TeamDto>();
    return { items: rows.map(toDto), total };
  }

  async get(auth: UserAuthContext, id: string): Promise<TeamDto> {
    const { items } = await this.list(auth, { skip: 0, take: 1, sortField: 'createdAt', sortOrder: 'ASC', filter: { id: [id] } });
    if (!items[0]) throw ApiError.notFound('Team');
    return items[0];
  }

  /** Creates a team owned by `ownerUserId`. */
  async create(name: string, ownerUserId: string, actorUserId: string, manager?: EntityManager): Promise<Team> {
    const run = async (em: EntityManager) => {
      const team = await em.getRepository(Team).save(em.getRepository(Team).create({ name: name.trim(), slug: slugify(name) }));
      await em.getRepository(Membership).insert({ teamId: team.id, userId: ownerUserId, role: 'owner' });
      return team;
    };
    const team = manager ? await run(manager) : await this.db.transaction(run);
    await this.audit.record({ action: 'team.created', teamId: team.id, actorUserId, targetType: 'team', targetId: team.id, metadata: { name: team.name } });
    return team;
  }

  async rename(auth: UserAuthContext, id: string, name: string): Promise<TeamDto> {
    await this.get(auth, id);
    const role = auth.isOperator ? 'owner' : await this.roleIn(auth.userId, id);
    if (role !== 'owner' && role !== 'admin') throw ApiError.forbidden('This needs the admin role in the team');
    await this.db.getRepository(Team).update(id, { name: name.trim() });
    await this.audit.record({ action: 'team.renamed', teamId: id, actorUserId: auth.userId, targetType: 'team', targetId: id, metadata: { name } });
    return this.get(auth, id);
  }

  async remove(auth: UserAuthContext, id: string): Promise<TeamDto> {
    const team = await this.get(auth, id);
    if (!auth.isOperator) throw ApiError.forbidden('Only the platform operator can delete a team');
    await this.db.getRepository(Team).delete(id);
    await this.audit.record({ action: 'team.deleted', teamId: id, actorUserId: auth.userId, targetType: 'team', targetId: id, metadata: { name: team.name } });
    return team;
  }

  private async roleIn(userId: string, teamId: string): Promise<string | null> {
    const m = await this.db.getRepository(Membership).findOne({ where: { userId, teamId } });
    return m?.role ?? null;
  }
}

function toDto(r: TeamDto & { createdAt: string | Date }): TeamDto {
  return { id: r.id, name: r.name, slug: r.slug, memberCount: Number(r.memberCount), createdAt: new Date(r.createdAt).toISOString() };
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
