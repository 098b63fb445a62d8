import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { UserAuthContext } from '../auth/auth-context';
import { ApiError } from '../common/api-error';
import { randomToken, sha256Hex, verifyPassword } from '../common/crypto';
import { ListQuery, filterIds } from '../common/list-query';
import { AppConfig } from '../config/app-config';
import { Membership, TeamRole } from '../members/membership.entity';
import { escapeLike } from '../teams/teams.service';
import { User } from '../users/user.entity';
import { UsersService, normalizeEmail } from '../users/users.service';
import { Invitation } from './invitation.entity';

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface InvitationDto {
  id: string;
  email: string;
  role: TeamRole;
  status: InvitationStatus;
  expiresAt: string;
  createdAt: string;
  acceptedAt: string | null;
}

const SORT_COLUMNS: Record<string, string> = { email: 'i.email', role: 'i.role', createdAt: 'i.created_at', expiresAt: 'i.expires_at', id: 'i.id' };

function statusOf(i: Invitation): InvitationStatus {
  if (i.acceptedAt) return 'accepted';
  if (i.revokedAt) return 'revoked';
  if (i.expiresAt.getTime() <= Date.now()) return 'expired';
  return 'pending';
}

function toDto(i: Invitation): InvitationDto {
  return {
    id: i.id,
    email: i.email,
    role: i.role,
    status: statusOf(i),
    expiresAt: i.expiresAt.toISOString(),
    createdAt: i.createdAt.toISOString(),
    acceptedAt: i.acceptedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class InvitationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  async list(teamId: string, q: ListQuery<'status' | 'email' | 'role'>): Promise<{ items: InvitationDto[]; total: number }> {
    const qb = this.db.getRepository(Invitation).createQueryBuilder('i').where('i.team_id = :teamId', { teamId });
    const ids = filterIds(q.filter);
    if (ids) qb.andWhere('i.id IN (:...ids)', { ids });
    if (typeof q.filter.role === 'string') qb.andWhere('i.role = :role', { role: q.filter.role });
    const search = q.filter.q ?? q.filter.email;
    if (typeof search === 'string' && search) qb.andWhere('i.email ILIKE :s', { s: `%${escapeLike(search)}%` });
    switch (q.filter.status) {
      case 'pending':
        qb.andWhere('i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()');
        break;
      case 'accepted':
        qb.andWhere('i.accepted_at IS NOT NULL');
        break;
      case 'revoked':
        qb.andWhere('i.revoked_at IS NOT NULL AND i.accepted_at IS NULL');
        break;
      case 'expired':
        qb.andWhere('i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at <= now()');
        break;
      case undefined:
        break;
      default:
        throw ApiError.badRequest('filter.status must be pending, accepted, revoked or expired');
    }
    const [rows, total] = await qb
      .orderBy(SORT_COLUMNS[q.sortField] ?? 'i.created_at', q.sortOrder)
      .skip(q.skip)
      .take(q.take)
      .getManyAndCount();
    return { items: rows.map(toDto), total };
  }

  async get(teamId: string, id: string): Promise<InvitationDto> {
    const row = await this.db.getRepository(Invitation).findOne({ where: { id, teamId } });
    if (!row) throw ApiError.notFound('Invitation');
    return toDto(row);
  }

  /** The accept link is returned once; only its hash is stored. */
  async create(auth: UserAuthContext, teamId: string, email: string, role: TeamRole): Promise<InvitationDto & { acceptUrl: string; token: string }> {
    if (role === 'owner' && auth.role !== 'owner') throw ApiError.forbidden('Only an owner can invite an owner');
    const normalized = normalizeEmail(email);
    const already: Array<{ n: number }> = await this.db.query(
      `SELECT count(*)::int AS n FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.team_id = $1 AND u.email = $2`,
      [teamId, normalized],
    );
    if (already[0].n > 0) throw ApiError.conflict(`${normalized} is already a member of this team`);
    const token = `inv_${randomToken(32)}`;
    const row = await this.db.getRepository(Invitation).save(
      this.db.getRepository(Invitation).create({
        teamId,
        email: normalized,
        role,
        tokenHash: sha256Hex(token),
        invitedByUserId: auth.userId,
        expiresAt: new Date(Date.now() + this.config.get('INVITATION_TTL_HOURS') * 3_600_000),
      }),
    );
    await this.audit.record({ action: 'member.invited', teamId, actorUserId: auth.userId, targetType: 'invitation', targetId: row.id, metadata: { email: normalized, role } });
    const base = this.config.get('PUBLIC_BASE_URL') ?? '';
    return { ...toDto(row), token, acceptUrl: `${base.replace(/\/$/, '')}/#/accept-invitation?token=${token}` };
  }

  async revoke(auth: UserAuthContext, teamId: string, id: string): Promise<InvitationDto> {
    const result = await this.db.getRepository(Invitation).createQueryBuilder().update().set({ revokedAt: () => 'now()' }).where('id = :id AND team_id = :teamId AND accepted_at IS NULL AND revoked_at IS NULL', { id, teamId }).execute();
    const dto = await this.get(teamId, id);
    if (result.affected) await this.audit.record({ action: 'member.invitation_revoked', teamId, actorUserId: auth.userId, targetType: 'invitation', targetId: id, metadata: { email: dto.email } });
    return dto;
  }

  /**
   * Accepts an invitation: joins the existing account with that email (its password proves it is
   * theirs) or creates one. Returns the user to log in.
   */
  async accept(token: string, password: string, name: string | undefined, ip: string | null): Promise<User> {
    const row = await this.db.getRepository(Invitation).findOne({ where: { tokenHash: sha256Hex(token) } });
    if (!row || statusOf(row) !== 'pending') throw ApiError.notFound('Invitation');
    let user = await this.users.findByEmail(row.email);
    if (user) {
      if (!(await verifyPassword(password, user.passwordHash))) throw new ApiError(401, 'unauthorized', 'Invalid or missing credentials');
    } else {
      if (password.length < 10) throw ApiError.badRequest('password must be at least 10 characters');
      user = await this.users.create({ email: row.email, name: name ?? '', password });
    }
    const joined = await this.db.transaction(async (em) => {
      const claimed = await em
        .getRepository(Invitation)
        .createQueryBuilder()
        .update()
        .set({ acceptedAt: () => 'now()' })
        .where('id = :id AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()', { id: row.id })
        .execute();
      if (!claimed.affected) throw ApiError.notFound('Invitation');
      await em.query(`INSERT INTO memberships (team_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT (team_id, user_id) DO NOTHING`, [row.teamId, user.id, row.role]);
      return em.getRepository(Membership).findOneOrFail({ where: { teamId: row.teamId, userId: user.id } });
    });
    await this.audit.record({ action: 'member.joined', teamId: row.teamId, actorUserId: user.id, targetType: 'member', targetId: joined.id, ip, metadata: { email: row.email, role: joined.role, invitationId: row.id } });
    return user;
  }
}
