import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { UserAuthContext } from '../auth/auth-context';
import { ApiError } from '../common/api-error';
import { ListQuery, UUID, filterIds } from '../common/list-query';

export interface AuditEventDto {
  id: string;
  teamId: string | null;
  action: string;
  actorUserId: string | null;
  actorEmail: string | null;
  actorApiKeyId: string | null;
  targetType: string | null;
  targetId: string | null;
  metadata: Record<string, unknown>;
  ip: string | null;
  requestId: string | null;
  createdAt: string;
}

export type AuditFilter = 'action' | 'actorUserId' | 'targetType' | 'teamId' | 'createdAt_gte' | 'createdAt_lte';

const SORT_COLUMNS: Record<string, string> = { createdAt: 'e.created_at', action: 'e.action', id: 'e.id' };

/** Team admins read their team's trail; the operator reads every team's (optionally filtered). */
@Injectable()
export class AuditEventsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(auth: UserAuthContext, q: ListQuery<AuditFilter>): Promise<{ items: AuditEventDto[]; total: number }> {
    const qb = this.db
      .createQueryBuilder()
      .from('audit_events', 'e')
      .leftJoin('users', 'u', 'u.id = e.actor_user_id')
      .select([
        'e.id AS id',
        'e.team_id AS "teamId"',
        'e.action AS action',
        'e.actor_user_id AS "actorUserId"',
        'u.email AS "actorEmail"',
        'e.actor_api_key_id AS "actorApiKeyId"',
        'e.target_type AS "targetType"',
        'e.target_id AS "targetId"',
        'e.metadata AS metadata',
        'e.ip AS ip',
        'e.request_id AS "requestId"',
        'e.created_at AS "createdAt"',
      ]);
    if (auth.isOperator && q.filter.teamId !== undefined) {
      if (typeof q.filter.teamId !== 'string' || !UUID.test(q.filter.teamId)) throw ApiError.badRequest('filter.teamId must be an id');
      qb.where('e.team_id = :teamId', { teamId: q.filter.teamId });
    } else if (auth.isOperator && auth.teamId === null) {
      // The operator with no team selected reads every team's events.
    } else {
      if (!auth.teamId) throw ApiError.badRequest('No team selected: send X-Team-Id');
      qb.where('e.team_id = :teamId', { teamId: auth.teamId });
    }
    const ids = filterIds(q.filter);
    if (ids) qb.andWhere('e.id IN (:...ids)', { ids });
    if (typeof q.filter.action === 'string' && q.filter.action) {
      // `member.` matches every member.* action.
      if (q.filter.action.endsWith('.')) qb.andWhere('e.action LIKE :a', { a: `${q.filter.action}%` });
      else qb.andWhere('e.action = :a', { a: q.filter.action });
    }
    if (typeof q.filter.actorUserId === 'string') {
      if (!UUID.test(q.filter.actorUserId)) throw ApiError.badRequest('filter.actorUserId must be an id');
      qb.andWhere('e.actor_user_id = :actor', { actor: q.filter.actorUserId });
    }
    if (typeof q.filter.targetType === 'string') qb.andWhere('e.target_type = :tt', { tt: q.filter.targetType });
    for (const [key, op] of [
      ['createdAt_gte', '>='],
      ['createdAt_lte', '<='],
    ] as const) {
      const v = q.filter[key];
      if (v === undefined) continue;
      if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw ApiError.badRequest(`filter.${key} must be a date`);
      qb.andWhere(`e.created_at ${op} :${key}`, { [key]: new Date(v) });
    }
    const total = await qb.clone().getCount();
    const rows = await qb.orderBy(SORT_COLUMNS[q.sortField] ?? 'e.created_at', q.sortOrder).offset(q.skip).limit(q.take).getRawMany<AuditEventDto>();
    return { items: rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() })), total };
  }
}
