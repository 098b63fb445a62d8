import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { AuthContext } from '../auth/auth-context';
import { Auth, MinRole } from '../auth/auth.decorators';
import { IdPipe } from '../common/id.pipe';
import { parseListQuery, setContentRange } from '../common/list-query';
import { userInTeam } from '../common/team-scope';
import { CreateProviderKeyDto, UpdateProviderKeyDto } from './dto/provider-key.dto';
import { ProviderKeyDto, ProviderKeysService } from './provider-keys.service';

/** Write-only over the API: the key goes in on create and never comes back out. */
@Controller('provider-keys')
@MinRole('admin')
export class ProviderKeysController {
  constructor(private readonly keys: ProviderKeysService) {}

  @Get()
  async list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<ProviderKeyDto[]> {
    const q = parseListQuery(query, {
      sortable: ['provider', 'label', 'status', 'priority', 'weight', 'createdAt', 'lastUsedAt', 'id'],
      filterable: ['provider', 'status', 'label'] as const,
    });
    const { items, total } = await this.keys.list(userInTeam(auth).teamId, q);
    setContentRange(res, 'provider-keys', q, items.length, total);
    return items;
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string): Promise<ProviderKeyDto> {
    return this.keys.get(userInTeam(auth).teamId, id);
  }

  @Post()
  create(@Auth() auth: AuthContext, @Body() body: CreateProviderKeyDto): Promise<ProviderKeyDto> {
    const u = userInTeam(auth);
    return this.keys.create(u, u.teamId, body);
  }

  @Put(':id')
  update(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string, @Body() body: UpdateProviderKeyDto): Promise<ProviderKeyDto> {
    const u = userInTeam(auth);
    return this.keys.update(u, u.teamId, id, { label: body.label, weight: body.weight, priority: body.priority });
  }

  @Delete(':id')
  remove(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string): Promise<ProviderKeyDto> {
    const u = userInTeam(auth);
    return this.keys.remove(u, u.teamId, id);
  }

  @Post(':id/test')
  @HttpCode(200)
  async test(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string): Promise<{ status: string; httpStatus?: number; key: ProviderKeyDto }> {
    const u = userInTeam(auth);
    return this.keys.test(u, u.teamId, id);
  }
}
