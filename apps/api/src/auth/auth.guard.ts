import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportGuard } from '@nestjs/passport';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error';
import { UUID } from '../common/list-query';
import { IS_PUBLIC } from '../common/public.decorator';
import { ROLE_RANK, TeamRole } from '../members/membership.entity';
import { ApiKeyStrategy } from './api-key.strategy';
import type { RequestWithAuth, UserAuthContext } from './auth-context';
import { CREDENTIAL, MIN_ROLE, OPERATOR_ONLY } from './auth.decorators';
import type { AccessClaims } from './auth.service';

const JwtPassport = PassportGuard('jwt');

/**
 * The global guard: every route needs credentials unless it is marked @Public(). Console routes take
 * a session (JWT), gateway routes (@ApiKeyAuth) a member API key. It then resolves the team the
 * request acts on and checks @MinRole / @OperatorOnly.
 */
@Injectable()
export class GlobalAuthGuard implements CanActivate {
  private readonly jwt = new JwtPassport();

  constructor(
    private readonly reflector: Reflector,
    @InjectDataSource() private readonly db: DataSource,
    private readonly apiKeys: ApiKeyStrategy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<RequestWithAuth & { user?: unknown }>();
    const credential = this.reflector.getAllAndOverride<'apiKey' | undefined>(CREDENTIAL, targets);

    if (credential === 'apiKey') {
      // The gateway hot path calls the API-key strategy's authenticateRequest() without passport's
      // per-request middleware (same checks, same single 401), which costs more than the lookup.
      req.auth = await this.apiKeys.authenticateRequest(req);
    } else {
      await this.passport(this.jwt, context);
      req.auth = await this.userContext(req.user as AccessClaims, req.headers['x-team-id']);
    }
    delete req.user;

    if (this.reflector.getAllAndOverride<boolean>(OPERATOR_ONLY, targets)) {
      if (req.auth.kind !== 'user' || !req.auth.isOperator) throw ApiError.forbidden('Only the platform operator can do this');
    }
    const minRole = this.reflector.getAllAndOverride<TeamRole | undefined>(MIN_ROLE, targets);
    const operator = req.auth.kind === 'user' && req.auth.isOperator;
    if (minRole && !operator) {
      if (!req.auth.teamId || !req.auth.role) throw ApiError.badRequest('No team selected: send X-Team-Id');
      if (ROLE_RANK[req.auth.role] < ROLE_RANK[minRole]) throw ApiError.forbidden(`This needs the ${minRole} role in the team`);
    }
    return true;
  }

  /** Passport guards throw their own errors; every failure becomes the one 401. */
  private async passport(guard: CanActivate, context: ExecutionContext): Promise<void> {
    let ok = false;
    try {
      ok = (await guard.canActivate(context)) as boolean;
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw new UnauthorizedException();
    }
    if (!ok) throw new UnauthorizedException();
  }

  private async userContext(claims: AccessClaims, teamHeader: string | string[] | undefined): Promise<UserAuthContext> {
    const base = { kind: 'user' as const, userId: claims.sub, email: claims.email, isOperator: claims.op === true, sessionId: claims.sid };
    if (teamHeader !== undefined) {
      const teamId = Array.isArray(teamHeader) ? teamHeader[0] : teamHeader;
      if (typeof teamId !== 'string' || !UUID.test(teamId)) throw ApiError.notFound('Team');
      const rows: Array<{ role: TeamRole | null; membership_id: string | null }> = await this.db.query(
        `SELECT m.role, m.id AS membership_id FROM teams t LEFT JOIN memberships m ON m.team_id = t.id AND m.user_id = $2 WHERE t.id = $1`,
        [teamId, claims.sub],
      );
      const row = rows[0];
      if (row?.role) return { ...base, teamId: teamId.toLowerCase(), role: row.role, membershipId: row.membership_id };
      if (row && base.isOperator) return { ...base, teamId: teamId.toLowerCase(), role: 'owner', membershipId: null };
      throw ApiError.notFound('Team');
    }
    const first: Array<{ id: string; team_id: string; role: TeamRole }> = await this.db.query(
      `SELECT id, team_id, role FROM memberships WHERE user_id = $1 ORDER BY created_at ASC LIMIT 1`,
      [claims.sub],
    );
    return { ...base, teamId: first[0]?.team_id ?? null, role: first[0]?.role ?? null, membershipId: first[0]?.id ?? null };
  }
}
