import { Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { DUMMY_PASSWORD_HASH, randomToken, sha256Hex, verifyPassword } from '../common/crypto';
import { RedisClient } from '../common/redis-client';
import { AppConfig } from '../config/app-config';
import { Membership } from '../members/membership.entity';
import { Team } from '../teams/team.entity';
import { User } from '../users/user.entity';
import { UsersService, normalizeEmail } from '../users/users.service';
import { RefreshToken } from './refresh-token.entity';
import { SessionRevocations } from './session-revocations';

export interface AccessClaims {
  sub: string;
  email: string;
  op: boolean;
  sid: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

export interface MeDto {
  id: string;
  email: string;
  name: string;
  isOperator: boolean;
  memberships: Array<{ teamId: string; teamName: string; role: Membership['role'] }>;
}

const IP_FAILURE_FACTOR = 4;

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly redis: RedisClient,
    private readonly revocations: SessionRevocations,
    @InjectRepository(RefreshToken) private readonly refreshTokens: Repository<RefreshToken>,
    @InjectRepository(User) private readonly userRepo: Repository<User>,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /**
   * Checks a password with a per-account lockout and a per-IP budget. Every failure looks the
   * same to the caller: unknown account, wrong password, locked account.
   */
  async validateLogin(email: unknown, password: unknown, ip: string | null): Promise<User> {
    if (typeof email !== 'string' || typeof password !== 'string' || email.length > 320 || password.length > 1024) {
      throw new UnauthorizedException();
    }
    const ipKey = this.redis.key('login-fail-ip', ip ?? 'unknown');
    const ipFailures = Number((await this.redis.redis.get(ipKey).catch(() => null)) ?? 0);
    const user = await this.users.findByEmail(email);
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
    const locked = !!user?.lockedUntil && user.lockedUntil.getTime() > Date.now();
    const ipBlocked = ipFailures >= this.config.get('LOGIN_MAX_FAILURES') * IP_FAILURE_FACTOR;
    if (!user || !ok || locked || ipBlocked) {
      await this.recordFailure(user, normalizeEmail(email), ip, ipKey, locked ? 'locked' : ipBlocked ? 'ip_blocked' : 'bad_credentials');
      throw new UnauthorizedException();
    }
    if (user.failedLoginCount > 0 || user.lockedUntil) {
      await this.userRepo.update(user.id, { failedLoginCount: 0, lockedUntil: null });
    }
    return user;
  }

  private async recordFailure(user: User | null, email: string, ip: string | null, ipKey: string, reason: string): Promise<void> {
    const lockout = this.config.get('LOGIN_LOCKOUT_SECONDS');
    await this.redis.redis
      .multi()
      .incr(ipKey)
      .expire(ipKey, lockout)
      .exec()
      .catch(() => undefined);
    if (user && reason === 'bad_credentials') {
      // One atomic statement: concurrent failures cannot undercount.
      await this.db.query(
        `UPDATE users SET failed_login_count = failed_login_count + 1,
           locked_until = CASE WHEN failed_login_count + 1 >= $2 THEN now() + make_interval(secs => $3) ELSE locked_until END
         WHERE id = $1`,
        [user.id, this.config.get('LOGIN_MAX_FAILURES'), lockout],
      );
    }
    await this.audit.record({ action: 'auth.login_failed', actorUserId: user?.id ?? null, ip, metadata: { email, reason } });
  }

  async login(user: User, ip: string | null): Promise<TokenPair> {
    await this.userRepo.update(user.id, { lastLoginAt: new Date() });
    const memberships = await this.db.getRepository(Membership).find({ where: { userId: user.id } });
    for (const m of memberships.length ? memberships : [null]) {
      await this.audit.record({ action: 'auth.login', teamId: m?.teamId ?? null, actorUserId: user.id, ip });
    }
    return this.issue(user, randomUUID());
  }

  async issue(user: User, familyId: string): Promise<TokenPair> {
    const ttl = this.config.get('JWT_ACCESS_TTL_SECONDS');
    const claims: AccessClaims = { sub: user.id, email: user.email, op: user.isOperator, sid: familyId };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: ttl });
    const refreshToken = `rt_${randomToken(32)}`;
    await this.refreshTokens.insert({
      userId: user.id,
      familyId,
      tokenHash: sha256Hex(refreshToken),
      expiresAt: new Date(Date.now() + this.config.get('REFRESH_TTL_SECONDS') * 1000),
    });
    return { accessToken, refreshToken, expiresIn: ttl, tokenType: 'Bearer' };
  }

  /** Rotates a refresh token. Presenting one that was already used revokes the whole session. */
  async refresh(token: unknown): Promise<TokenPair> {
    if (typeof token !== 'string' || token.length > 200) throw new UnauthorizedException();
    const row = await this.refreshTokens.findOne({ where: { tokenHash: sha256Hex(token) } });
    if (!row) throw new UnauthorizedException();
    if (row.revokedAt || row.usedAt) {
      if (row.usedAt && !row.revokedAt) this.logger.warn({ userId: row.userId, sessionId: row.familyId }, 'refresh token reuse: session revoked');
      await this.revokeFamily(row.familyId);
      throw new UnauthorizedException();
    }
    if (row.expiresAt.getTime() <= Date.now()) throw new UnauthorizedException();
    // Claim the token atomically: of two concurrent refreshes only one wins.
    const claimed = await this.refreshTokens.update({ id: row.id, usedAt: IsNull(), revokedAt: IsNull() }, { usedAt: new Date() });
    if (!claimed.affected) {
      await this.revokeFamily(row.familyId);
      throw new UnauthorizedException();
    }
    const user = await this.users.findById(row.userId);
    if (!user) throw new UnauthorizedException();
    return this.issue(user, row.familyId);
  }

  async logout(sessionId: string, userId: string): Promise<void> {
    await this.revokeFamily(sessionId);
    await this.audit.record({ action: 'auth.logout', actorUserId: userId });
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.refreshTokens.update({ familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
    await this.revocations.revoke(familyId);
  }

  async me(userId: string): Promise<MeDto> {
    const user = await this.users.findById(userId);
    if (!user) throw new UnauthorizedException();
    const rows: Array<{ teamId: string; teamName: string; role: Membership['role'] }> = await this.db
      .getRepository(Membership)
      .createQueryBuilder('m')
      .innerJoin(Team, 't', 't.id = m.team_id')
      .select(['m.team_id AS "teamId"', 't.name AS "teamName"', 'm.role AS role'])
      .where('m.user_id = :userId', { userId })
      .orderBy('m.created_at', 'ASC')
      .getRawMany();
    return { id: user.id, email: user.email, name: user.name, isOperator: user.isOperator, memberships: rows };
  }
}
