import { Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { ApiKeyLookup } from '../api-keys/api-key-lookup';
import type { ApiKeyAuthContext } from './auth-context';

/**
 * Member API keys: `Authorization: Bearer tg_…` or `x-api-key: tg_…`. One decision: when both headers
 * are present they must carry the same key. Registered with passport as 'api-key'; the global guard
 * calls validate() directly, without passport's per-request middleware (the gateway hot path).
 */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(private readonly lookup: ApiKeyLookup) {
    super();
  }

  async validate(req: Request): Promise<ApiKeyAuthContext> {
    const fromAuth = bearer(req.headers.authorization);
    const fromHeader = typeof req.headers['x-api-key'] === 'string' ? req.headers['x-api-key'].trim() : undefined;
    if (fromAuth !== undefined && fromHeader !== undefined && fromAuth !== fromHeader) throw new UnauthorizedException();
    const presented = fromAuth ?? fromHeader;
    if (!presented) throw new UnauthorizedException();
    const ctx = await this.lookup.authenticate(presented);
    if (!ctx) throw new UnauthorizedException();
    return ctx;
  }
}

function bearer(header: string | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return m ? m[1] : '';
}
