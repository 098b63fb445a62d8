import { Body, Controller, Delete, Get, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { AuthContext } from '../auth/auth-context';
import { Auth, OperatorOnly } from '../auth/auth.decorators';
import { IdPipe } from '../common/id.pipe';
import { parseListQuery, setContentRange } from '../common/list-query';
import { userOnly } from '../common/team-scope';
import { CreateTeamDto, UpdateTeamDto } from './dto/team.dto';
import { TeamDto, TeamsService } from './teams.service';

@Controller('teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  async list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<TeamDto[]> {
    const q = parseListQuery(query, { sortable: ['name', 'createdAt', 'slug', 'id'], filterable: ['name'] as const });
    const { items, total } = await this.teams.list(userOnly(auth), q);
    setContentRange(res, 'teams', q, items.length, total);
    return items;
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string): Promise<TeamDto> {
    return this.teams.get(userOnly(auth), id);
  }

  @Post()
  @OperatorOnly()
  async create(@Auth() auth: AuthContext, @Body() body: CreateTeamDto): Promise<TeamDto> {
    const u = userOnly(auth);
    const team = await this.teams.create(body.name, u.userId, u.userId);
    return this.teams.get(u, team.id);
  }

  @Put(':id')
  update(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string, @Body() body: UpdateTeamDto): Promise<TeamDto> {
    return this.teams.rename(userOnly(auth), id, body.name);
  }

  /** Operator only; a team that is not yours is simply not found. */
  @Delete(':id')
  remove(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string): Promise<TeamDto> {
    return this.teams.remove(userOnly(auth), id);
  }
}
