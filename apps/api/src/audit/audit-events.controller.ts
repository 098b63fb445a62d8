import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { AuthContext } from '../auth/auth-context';
import { Auth, MinRole } from '../auth/auth.decorators';
import { ApiError } from '../common/api-error';
import { IdPipe } from '../common/id.pipe';
import { parseListQuery, setContentRange } from '../common/list-query';
import { userOnly } from '../common/team-scope';
import { AuditEventDto, AuditEventsService, AuditFilter } from './audit-events.service';

const FILTERS: readonly AuditFilter[] = ['action', 'actorUserId', 'targetType', 'teamId', 'createdAt_gte', 'createdAt_lte'];

/** Read-only: the audit trail is append-only (a database trigger refuses UPDATE and DELETE). */
@Controller('audit-events')
export class AuditEventsController {
  constructor(private readonly events: AuditEventsService) {}

  @Get()
  @MinRole('admin')
  async list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<AuditEventDto[]> {
    const q = parseListQuery(query, { sortable: ['createdAt', 'action', 'id'], filterable: FILTERS });
    const { items, total } = await this.events.list(userOnly(auth), q);
    setContentRange(res, 'audit-events', q, items.length, total);
    return items;
  }

  @Get(':id')
  @MinRole('admin')
  async get(@Auth() auth: AuthContext, @Param('id', IdPipe) id: string): Promise<AuditEventDto> {
    const { items } = await this.events.list(userOnly(auth), { skip: 0, take: 1, sortField: 'createdAt', sortOrder: 'DESC', filter: { id: [id] } });
    if (!items[0]) throw ApiError.notFound('Audit event');
    return items[0];
  }
}
