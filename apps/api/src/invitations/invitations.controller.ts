import { Body, Controller, Delete, Get, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { AuthContext } from '../auth/auth-context';
import { Auth, MinRole } from '../auth/auth.decorators';
import { IdPipe } from '../common/id.pipe';
import { parseListQuery, setContentRange } from '../common/list-query';
import { userInTeam } from '../common/team-scope';
import { CreateInvitationDto } from './dto/invitation.dto';
import { InvitationDto, InvitationsService } from './invitations.service';

@Controller('invitations')
@MinRole('admin')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Get()
  async list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<InvitationDto[]> {
    const q = parseListQuery(query, { sortable: ['email', 'role', 'createdAt', 'expiresAt', 'id'], filterable: ['status', 'email', 'role'] as const });
    const { items, total } = await this.invitations.list(userInTeam(auth).teamId, q);
    setContentRange(res, 'invitations', q, items.length, total);
    return items;
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string): Promise<InvitationDto> {
    return this.invitations.get(userInTeam(auth).teamId, id);
  }

  /** The response carries `acceptUrl` and `token` once; they are not stored. */
  @Post()
  create(@Auth() auth: AuthContext, @Body() body: CreateInvitationDto): Promise<InvitationDto & { acceptUrl: string; token: string }> {
    const u = userInTeam(auth);
    return this.invitations.create(u, u.teamId, body.email, body.role);
  }

  @Delete(':id')
  revoke(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string): Promise<InvitationDto> {
    const u = userInTeam(auth);
    return this.invitations.revoke(u, u.teamId, id);
  }
}
