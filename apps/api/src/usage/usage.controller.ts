import { Controller, Get, Header, Query } from '@nestjs/common';
import type { AuthContext } from '../auth/auth-context';
import { Auth, MinRole } from '../auth/auth.decorators';
import { userInTeam } from '../common/team-scope';
import { UsageReportsService, UsageRow, parseUsageFilter } from './usage-reports.service';

/** Usage reports for the console: by day, model, member and key, totals and CSV. Admins see the team; members only themselves. */
@Controller('usage')
@MinRole('member')
export class UsageController {
  constructor(private readonly reports: UsageReportsService) {}

  private scope(auth: AuthContext): { teamId: string; memberScope?: string } {
    const u = userInTeam(auth);
    return { teamId: u.teamId, memberScope: u.role === 'member' && !u.isOperator ? (u.membershipId ?? undefined) : undefined };
  }

  @Get('daily')
  daily(@Auth() auth: AuthContext, @Query('filter') filter?: string): Promise<UsageRow[]> {
    const s = this.scope(auth);
    return this.reports.daily(s.teamId, parseUsageFilter(filter), s.memberScope);
  }

  @Get('by-model')
  byModel(@Auth() auth: AuthContext, @Query('filter') filter?: string): Promise<UsageRow[]> {
    const s = this.scope(auth);
    return this.reports.by(s.teamId, parseUsageFilter(filter), 'model', s.memberScope);
  }

  @Get('by-member')
  byMember(@Auth() auth: AuthContext, @Query('filter') filter?: string): Promise<UsageRow[]> {
    const s = this.scope(auth);
    return this.reports.by(s.teamId, parseUsageFilter(filter), 'member', s.memberScope);
  }

  @Get('by-key')
  byKey(@Auth() auth: AuthContext, @Query('filter') filter?: string): Promise<UsageRow[]> {
    const s = this.scope(auth);
    return this.reports.by(s.teamId, parseUsageFilter(filter), 'key', s.memberScope);
  }

  @Get('totals')
  totals(@Auth() auth: AuthContext, @Query('filter') filter?: string): Promise<Omit<UsageRow, 'id'>> {
    const s = this.scope(auth);
    return this.reports.totals(s.teamId, parseUsageFilter(filter), s.memberScope);
  }

  @Get('export.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="tollgate-usage.csv"')
  csv(@Auth() auth: AuthContext, @Query('filter') filter?: string): Promise<string> {
    const s = this.scope(auth);
    return this.reports.csv(s.teamId, parseUsageFilter(filter), s.memberScope);
  }
}
