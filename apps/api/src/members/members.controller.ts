import { Body, Controller, Delete, Get, Param, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { AuthContext } from '../auth/auth-context';
import { Auth, MinRole } from '../auth/auth.decorators';
import { IdPipe } from '../common/id.pipe';
import { parseListQuery, setContentRange } from '../common/list-query';
import { userInTeam } from '../common/team-scope';
import { UpdateMemberDto } from './dto/member.dto';
import { MemberDto, MembersService } from './members.service';

@Controller('members')
@MinRole('admin')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  async list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<MemberDto[]> {
    const q = parseListQuery(query, { sortable: ['email', 'name', 'role', 'createdAt', 'id'], filterable: ['role', 'email'] as const });
    const { items, total } = await this.members.list(userInTeam(auth).teamId, q);
    setContentRange(res, 'members', q, items.length, total);
    return items;
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string): Promise<MemberDto> {
    return this.members.get(userInTeam(auth).teamId, id);
  }

  @Put(':id')
  update(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string, @Body() body: UpdateMemberDto): Promise<MemberDto> {
    const u = userInTeam(auth);
    return this.members.changeRole(u, u.teamId, id, body.role);
  }

  @Delete(':id')
  remove(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string): Promise<MemberDto> {
    const u = userInTeam(auth);
    return this.members.remove(u, u.teamId, id);
  }
}
