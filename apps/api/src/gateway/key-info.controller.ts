import { Controller, Get } from '@nestjs/common';
import type { AuthContext } from '../auth/auth-context';
import { ApiKeyAuth, Auth } from '../auth/auth.decorators';

/** `GET /v1/key`: what the presented API key is (never its secret). */
@Controller('v1')
@ApiKeyAuth()
export class KeyInfoController {
  @Get('key')
  info(@Auth() auth: AuthContext): { id: string; prefix: string; teamId: string; modelAllowlist: string[] | null } {
    if (auth.kind !== 'apiKey') throw new Error('unreachable: guarded by @ApiKeyAuth');
    return { id: auth.apiKeyId, prefix: auth.prefix, teamId: auth.teamId, modelAllowlist: auth.modelAllowlist };
  }
}
