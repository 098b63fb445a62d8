import { Body, Controller, Delete, Get, Param, Post, Put, Query, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { AuthContext } from '../auth/auth-context';
import { Auth, MinRole } from '../auth/auth.decorators';
import { ApiError } from '../common/api-error';
import { IdPipe } from '../common/id.pipe';
import { filterIds, parseListQuery, setContentRange } from '../common/list-query';
import { userInTeam } from '../common/team-scope';
import { ModelRouter, parseModelId } from '../gateway/model-router';
import { CreateRouteDto, UpdateRouteDto } from './dto/route.dto';
import { Route, RouteTarget } from './route.entity';

interface RouteDto {
  id: string;
  name: string;
  targets: RouteTarget[];
  createdAt: string;
  updatedAt: string;
}

const toDto = (r: Route): RouteDto => ({ id: r.id, name: r.name, targets: r.targets, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() });

function checkTargets(targets: RouteTarget[]): RouteTarget[] {
  for (const t of targets) if (!parseModelId(t.model)) throw ApiError.badRequest(`Unknown provider in target "${t.model}"`);
  return targets.map((t) => ({ model: t.model, weight: t.weight }));
}

/** Team aliases (`fast` → ordered targets with weights). The gateway resolves them per request. */
@Controller('routes')
@MinRole('admin')
export class RoutesController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly router: ModelRouter,
    private readonly audit: AuditService,
  ) {}

  private repo() {
    return this.db.getRepository(Route);
  }

  @Get()
  async list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<RouteDto[]> {
    const q = parseListQuery(query, { sortable: ['name', 'createdAt', 'id'], filterable: ['name'] as const });
    const qb = this.repo().createQueryBuilder('r').where('r.team_id = :teamId', { teamId: userInTeam(auth).teamId });
    const ids = filterIds(q.filter);
    if (ids) qb.andWhere('r.id IN (:...ids)', { ids });
    const s = q.filter.q ?? q.filter.name;
    if (typeof s === 'string' && s) qb.andWhere('r.name ILIKE :s', { s: `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    const [rows, total] = await qb.orderBy(`r.${q.sortField === 'name' ? 'name' : q.sortField === 'id' ? 'id' : 'created_at'}`, q.sortOrder).skip(q.skip).take(q.take).getManyAndCount();
    setContentRange(res, 'routes', q, rows.length, total);
    return rows.map(toDto);
  }

  @Get(':id')
  async get(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string): Promise<RouteDto> {
    const row = await this.repo().findOne({ where: { id, teamId: userInTeam(auth).teamId } });
    if (!row) throw ApiError.notFound('Route');
    return toDto(row);
  }

  @Post()
  async create(@Auth() auth: AuthContext, @Body() body: CreateRouteDto): Promise<RouteDto> {
    const u = userInTeam(auth);
    if (await this.repo().findOne({ where: { teamId: u.teamId, name: body.name } })) throw ApiError.conflict(`A route named "${body.name}" exists`);
    const row = await this.repo().save(this.repo().create({ teamId: u.teamId, name: body.name, targets: checkTargets(body.targets) }));
    await this.router.invalidateRoutes(u.teamId);
    await this.audit.record({ action: 'route.created', teamId: u.teamId, actorUserId: u.userId, targetType: 'route', targetId: row.id, metadata: { name: row.name } });
    return toDto(row);
  }

  @Put(':id')
  async update(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string, @Body() body: UpdateRouteDto): Promise<RouteDto> {
    const u = userInTeam(auth);
    const row = await this.repo().findOne({ where: { id, teamId: u.teamId } });
    if (!row) throw ApiError.notFound('Route');
    if (body.name !== undefined) row.name = body.name;
    if (body.targets !== undefined) row.targets = checkTargets(body.targets);
    await this.repo().save(row);
    await this.router.invalidateRoutes(u.teamId);
    await this.audit.record({ action: 'route.updated', teamId: u.teamId, actorUserId: u.userId, targetType: 'route', targetId: id, metadata: { name: row.name } });
    return toDto(row);
  }

  @Delete(':id')
  async remove(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string): Promise<RouteDto> {
    const u = userInTeam(auth);
    const row = await this.repo().findOne({ where: { id, teamId: u.teamId } });
    if (!row) throw ApiError.notFound('Route');
    await this.repo().delete({ id, teamId: u.teamId });
    await this.router.invalidateRoutes(u.teamId);
    await this.audit.record({ action: 'route.deleted', teamId: u.teamId, actorUserId: u.userId, targetType: 'route', targetId: id, metadata: { name: row.name } });
    return toDto(row);
  }
}
