import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../common/public.decorator';
import { HealthService } from './health.service';
import { InstanceInfo } from './instance-info';

@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly instance: InstanceInfo,
  ) {}

  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok'; instanceId: string; uptimeSeconds: number } {
    return { status: 'ok', instanceId: this.instance.instanceId, uptimeSeconds: Math.round(process.uptime()) };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<Record<string, unknown>> {
    const report = await this.health.check();
    res.status(report.status === 'ok' ? 200 : 503);
    return report;
  }
}
