import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { UserAuthContext } from '../auth/auth-context';
import { ApiError } from '../common/api-error';
import { hmacSha256Hex } from '../common/crypto';
import { ListQuery, UUID, filterIds } from '../common/list-query';
import { AppConfig } from '../config/app-config';
import { ROLE_RANK, TeamRole } from '../members/membership.entity';
import { escapeLike } from '../teams/teams.service';
import { generateApiKey } from './api-key-format';
import { ApiKeyLookup } from './api-key-lookup';

export interface ApiKeyDto {
  id: string;
  name: string;
  prefix: string;
  memberId: string;
  memberEmail: string;
  modelAllowlist: string[] | null;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

interface Row {
  id: string;
  name: string;
  prefix: string;
  memberId: string;
  memberEmail: string;
  userId: string;
  modelAllowlist: string[] | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}

const SORT_COLUMNS: Record<string, string> = { name: 'k.name', createdAt: 'k.created_at', lastUsedAt: 'k.last_used_at', expiresAt: 'k.expires_at', revokedAt: 'k.revoked_at', id: 'k.id' };

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function toDto(r: Row): ApiKeyDto {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    memberId: r.memberId,
    memberEmail: r.memberEmail,
    modelAllowlist: r.modelAllowlist,
    expiresAt: iso(r.expiresAt),
    revokedAt: iso(r.revokedAt),
    lastUsedAt: iso(r.lastUsedAt),
    createdAt: new Date(r.createdAt).toISOString(),
  };
}

/** Members manage their own keys; admins and owners see and revoke every key of the team. */
@Injectable()
export class ApiKeysService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly lookup: ApiKeyLookup,
    private readonly config: AppConfig,
  ) {}

  private isAdmin(auth: UserAuthContext): boolean {
    return ROLE_RANK[auth.role as TeamRole] >= ROLE_RANK.admin;
  }

  private base(auth: UserAuthContext, teamId: string) {
    const qb = this.db
      .createQueryBuilder()
      .from('api_keys', 'k')
      .innerJoin('users', 'u', 'u.id = k.user_id')
      .select([
        'k.id AS id',
        'k.name AS name',
        'k.prefix AS prefix',
        'k.membership_id AS "memberId"',
        'u.email AS "memberEmail"',
        'k.user_id AS "userId"',
        'k.model_allowlist AS "modelAllowlist"',
        'k.expires_at AS "expiresAt"',
        'k.revoked_at AS "revokedAt"',
        'k.last_used_at AS "lastUsedAt"',
        'k.created_at AS "createdAt"',
      ])
      .where('k.team_id = :teamId', { teamId });
    if (!this.isAdmin(auth)) qb.andWhere('k.user_id = :userId', { userId: auth.userId });
    return qb;
  }

  async list(auth: UserAuthContext, teamId: string, q: ListQuery<'memberId' | 'revoked' | 'name'>): Promise<{ items: ApiKeyDto[]; total: number }> {
    const qb = this.base(auth, teamId);
    const ids = filterIds(q.filter);
    if (ids) qb.andWhere('k.id IN (:...ids)', { ids });
    if (q.filter.memberId !== undefined) {
      if (typeof q.filter.memberId !== 'string' || !UUID.test(q.filter.memberId)) throw ApiError.badRequest('filter.memberId must be an id');
      qb.andWhere('k.membership_id = :memberId', { memberId: q.filter.memberId });
    }
    if (q.filter.revoked === true) qb.andWhere('k.revoked_at IS NOT NULL');
    if (q.filter.revoked === false) qb.andWhere('k.revoked_at IS NULL');
    const search = q.filter.q ?? q.filter.name;
    if (typeof search === 'string' && search) qb.andWhere('(k.name ILIKE :s OR k.prefix ILIKE :s)', { s: `%${escapeLike(search)}%` });
    const total = await qb.clone().getCount();
    const rows = await qb.orderBy(SORT_COLUMNS[q.sortField] ?? 'k.created_at', q.sortOrder, 'NULLS LAST').offset(q.skip).limit(q.take).getRawMany<Row>();
    return { items: rows.map(toDto), total };
  }

  async get(auth: UserAuthContext, teamId: string, id: string): Promise<ApiKeyDto> {
    const row = await this.base(auth, teamId).andWhere('k.id = :id', { id }).getRawOne<Row>();
    if (!row) throw ApiError.notFound('API key');
    return toDto(row);
  }

  /** Returns the full key exactly once; only an HMAC of the secret is stored. */
  async create(
    auth: UserAuthContext,
    teamId: string,
    input: { name: string; expiresAt?: string; modelAllowlist?: string[]; memberId?: string },
  ): Promise<ApiKeyDto & { key: string }> {
    let membershipId: string;
    let userId: string;
    if (input.memberId) {
      if (!this.isAdmin(auth)) throw ApiError.forbidden('Only an admin can create a key for another member');
      const m: Array<{ id: string; user_id: string }> = await this.db.query(`SELECT id, user_id FROM memberships WHERE id = $1 AND team_id = $2`, [input.memberId, teamId]);
      if (!m[0]) throw ApiError.notFound('Member');
      [membershipId, userId] = [m[0].id, m[0].user_id];
    } else {
      const m: Array<{ id: string }> = await this.db.query(`SELECT id FROM memberships WHERE user_id = $1 AND team_id = $2`, [auth.userId, teamId]);
      if (!m[0]) throw ApiError.badRequest('You are not a member of this team; pass memberId to create a key for a member');
      [membershipId, userId] = [m[0].id, auth.userId];
    }
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw ApiError.badRequest('expiresAt must be in the future');
    const { key, prefix, secret } = generateApiKey();
    const inserted: Array<{ id: string }> = await this.db.query(
      `INSERT INTO api_keys (team_id, membership_id, user_id, name, prefix, secret_hash, model_allowlist, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [teamId, membershipId, userId, input.name.trim(), prefix, hmacSha256Hex(this.config.get('API_KEY_PEPPER'), secret), normalizeAllowlist(input.modelAllowlist), expiresAt],
    );
    const id = inserted[0].id;
    await this.audit.record({ action: 'api_key.created', teamId, actorUserId: auth.userId, targetType: 'api_key', targetId: id, metadata: { name: input.name, prefix, memberId: membershipId } });
    return { ...(await this.get(auth, teamId, id)), key };
  }

  async update(auth: UserAuthContext, teamId: string, id: string, input: { name?: string; modelAllowlist?: string[] | null; expiresAt?: string | null }): Promise<ApiKeyDto> {
    const current = await this.get(auth, teamId, id);
    const set: Record<string, unknown> = {};
    if (input.name !== undefined) set.name = input.name.trim();
    if (input.modelAllowlist !== undefined) set.model_allowlist = normalizeAllowlist(input.modelAllowlist ?? undefined);
    if (input.expiresAt !== undefined) set.expires_at = input.expiresAt ? new Date(input.expiresAt) : null;
    const cols = Object.keys(set);
    if (cols.length) {
      await this.db.query(`UPDATE api_keys SET ${cols.map((c, i) => `${c} = $${i + 3}`).join(', ')} WHERE id = $1 AND team_id = $2`, [id, teamId, ...Object.values(set)]);
      await this.lookup.invalidate([current.prefix]);
      await this.audit.record({ action: 'api_key.updated', teamId, actorUserId: auth.userId, targetType: 'api_key', targetId: id, metadata: { fields: cols } });
    }
    return this.get(auth, teamId, id);
  }

  /** Revocation reaches every API process through Redis pub/sub (well under a second). */
  async revoke(auth: UserAuthContext, teamId: string, id: string): Promise<ApiKeyDto> {
    const current = await this.get(auth, teamId, id);
    const result = await this.db.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND team_id = $2 AND revoked_at IS NULL`, [id, teamId]);
    await this.lookup.invalidate([current.prefix]);
    if (result[1] > 0) {
      await this.audit.record({ action: 'api_key.revoked', teamId, actorUserId: auth.userId, targetType: 'api_key', targetId: id, metadata: { name: current.name, prefix: current.prefix } });
    }
    return this.get(auth, teamId, id);
  }
}

function normalizeAllowlist(list: string[] | undefined): string[] | null {
  if (!list || list.length === 0) return null;
  return [...new Set(list.map((m) => m.trim()).filter(Boolean))];
}
