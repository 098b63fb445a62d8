import { Body, Controller, Delete, Get, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { AuthContext } from '../auth/auth-context';
import { Auth, MinRole } from '../auth/auth.decorators';
import { IdPipe } from '../common/id.pipe';
import { parseListQuery, setContentRange } from '../common/list-query';
import { userInTeam } from '../common/team-scope';
import { ApiKeyDto, ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto, UpdateApiKeyDto } from './dto/api-key.dto';

@Controller('api-keys')
@MinRole('member')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  async list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<ApiKeyDto[]> {
    const q = parseListQuery(query, { sortable: ['name', 'createdAt', 'lastUsedAt', 'expiresAt', 'revokedAt', 'id'], filterable: ['memberId', 'revoked', 'name'] as const });
    const u = userInTeam(auth);
    const { items, total } = await this.keys.list(u, u.teamId, q);
    setContentRange(res, 'api-keys', q, items.length, total);
    return items;
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string): Promise<ApiKeyDto> {
    const u = userInTeam(auth);
    return this.keys.get(u, u.teamId, id);
  }

  /** The response carries the full key (`key`) exactly once. */
  @Post()
  create(@Auth() auth: AuthContext, @Body() body: CreateApiKeyDto): Promise<ApiKeyDto & { key: string }> {
    const u = userInTeam(auth);
    return this.keys.create(u, u.teamId, body);
  }

  @Put(':id')
  update(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string, @Body() body: UpdateApiKeyDto): Promise<ApiKeyDto> {
    const u = userInTeam(auth);
    return this.keys.update(u, u.teamId, id, { name: body.name, modelAllowlist: body.modelAllowlist, expiresAt: body.expiresAt });
  }

  /** Revokes (keys are kept for the audit trail and the usage ledger). */
  @Delete(':id')
  revoke(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string): Promise<ApiKeyDto> {
    const u = userInTeam(auth);
    return this.keys.revoke(u, u.teamId, id);
  }
}
