import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiKeyLookup } from '../api-keys/api-key-lookup';
import { AuditService } from '../audit/audit.service';
import type { UserAuthContext } from '../auth/auth-context';
import { ApiError } from '../common/api-error';
import { ListQuery, filterIds } from '../common/list-query';
import { escapeLike } from '../teams/teams.service';
import { Membership, ROLE_RANK, TeamRole } from './membership.entity';

export interface MemberDto {
  id: string;
  userId: string;
  email: string;
  name: string;
  role: TeamRole;
  createdAt: string;
}

const SORT_COLUMNS: Record<string, string> = { email: 'u.email', name: 'u.name', role: 'm.role', createdAt: 'm.created_at', id: 'm.id' };

@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly keys: ApiKeyLookup,
  ) {}

  async list(teamId: string, q: ListQuery<'role' | 'email'>): Promise<{ items: MemberDto[]; total: number }> {
    const qb = this.db
      .getRepository(Membership)
      .createQueryBuilder('m')
      .innerJoin('users', 'u', 'u.id = m.user_id')
      .select(['m.id AS id', 'm.user_id AS "userId"', 'u.email AS email', 'u.name AS name', 'm.role AS role', 'm.created_at AS "createdAt"'])
      .where('m.team_id = :teamId', { teamId });
    const ids = filterIds(q.filter);
    if (ids) qb.andWhere('m.id IN (:...ids)', { ids });
    if (typeof q.filter.role === 'string') qb.andWhere('m.role = :role', { role: q.filter.role });
    const search = q.filter.q ?? q.filter.email;
    if (typeof search === 'string' && search) qb.andWhere('(u.email ILIKE :s OR u.name ILIKE :s)', { s: `%${escapeLike(search)}%` });
    const total = await qb.clone().getCount();
    const rows = await qb.orderBy(SORT_COLUMNS[q.sortField] ?? 'm.created_at', q.sortOrder).offset(q.skip).limit(q.take).getRawMany<MemberDto>();
    return { items: rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() })), total };
  }

  async get(teamId: string, id: string): Promise<MemberDto> {
    const { items } = await this.list(teamId, { skip: 0, take: 1, sortField: 'createdAt', sortOrder: 'ASC', filter: { id: [id] } });
    if (!items[0]) throw ApiError.notFound('Member');
    return items[0];
  }

  async changeRole(auth: UserAuthContext, teamId: string, id: string, role: TeamRole): Promise<MemberDto> {
    const member = await this.get(teamId, id);
    if (member.role === role) return member;
    const actorRole = auth.role as TeamRole;
    // Only owners hand out or take away ownership; admins manage admins and members.
    if ((role === 'owner' || member.role === 'owner') && actorRole !== 'owner') throw ApiError.forbidden('Only an owner can change ownership');
    if (ROLE_RANK[actorRole] < ROLE_RANK.admin) throw ApiError.forbidden();
    await this.db.transaction(async (em) => {
      // Serialise role changes per team so the last owner cannot be demoted by two concurrent calls.
      await em.query(`SELECT id FROM teams WHERE id = $1 FOR UPDATE`, [teamId]);
      if (member.role === 'owner') await this.assertAnotherOwner(em.query.bind(em), teamId, id);
      await em.getRepository(Membership).update({ id, teamId }, { role });
    });
    await this.keys.invalidate(await this.prefixesOf(id));
    await this.audit.record({ action: 'member.role_changed', teamId, actorUserId: auth.userId, targetType: 'member', targetId: id, metadata: { email: member.email, from: member.role, to: role } });
    return this.get(teamId, id);
  }

  async remove(auth: UserAuthContext, teamId: string, id: string): Promise<MemberDto> {
    const member = await this.get(teamId, id);
    if (member.role === 'owner' && auth.role !== 'owner') throw ApiError.forbidden('Only an owner can remove an owner');
    const prefixes = await this.prefixesOf(id);
    await this.db.transaction(async (em) => {
      await em.query(`SELECT id FROM teams WHERE id = $1 FOR UPDATE`, [teamId]);
      if (member.role === 'owner') await this.assertAnotherOwner(em.query.bind(em), teamId, id);
      // The member's API keys go with the membership (foreign key cascade).
      await em.getRepository(Membership).delete({ id, teamId });
    });
    await this.keys.invalidate(prefixes);
    await this.audit.record({ action: 'member.removed', teamId, actorUserId: auth.userId, targetType: 'member', targetId: id, metadata: { email: member.email, role: member.role } });
    return member;
  }

  private async assertAnotherOwner(query: (sql: string, params: unknown[]) => Promise<Array<{ n: number }>>, teamId: string, exceptId: string): Promise<void> {
    const [{ n }] = await query(`SELECT count(*)::int AS n FROM memberships WHERE team_id = $1 AND role = 'owner' AND id <> $2`, [teamId, exceptId]);
    if (n === 0) throw ApiError.conflict('A team needs at least one owner');
  }

  private async prefixesOf(membershipId: string): Promise<string[]> {
    const rows: Array<{ prefix: string }> = await this.db.query(`SELECT prefix FROM api_keys WHERE membership_id = $1`, [membershipId]);
    return rows.map((r) => r.prefix);
  }
}
