import { Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { IncomingHttpHeaders } from 'node:http';
import { Strategy } from 'passport-custom';
import { ApiKeyLookup } from '../api-keys/api-key-lookup';
import { ApiError } from '../common/api-error';
import type { ApiKeyAuthContext } from './auth-context';

/**
 * Member API keys: `Authorization: Bearer tg_…` or `x-api-key: tg_…`. One decision: when both headers
 * are present they must carry the same key. Registered with passport as 'api-key'; the global guard
 * and the gateway's HTTP entry call authenticateRequest() directly, without passport's per-request
 * middleware (the gateway hot path).
 */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(private readonly lookup: ApiKeyLookup) {
    super();
  }

  async validate(req: { headers: IncomingHttpHeaders }): Promise<ApiKeyAuthContext> {
    const fromAuth = bearer(req.headers.authorization);
    const fromHeader = typeof req.headers['x-api-key'] === 'string' ? req.headers['x-api-key'].trim() : undefined;
    if (fromAuth !== undefined && fromHeader !== undefined && fromAuth !== fromHeader) throw new UnauthorizedException();
    const presented = fromAuth ?? fromHeader;
    if (!presented) throw new UnauthorizedException();
    const ctx = await this.lookup.authenticate(presented);
    if (!ctx) throw new UnauthorizedException();
    return ctx;
  }

  /** The gateway's one decision, for the global guard and the gateway's HTTP entry: every failure is the same 401. */
  async authenticateRequest(req: { headers: IncomingHttpHeaders }): Promise<ApiKeyAuthContext> {
    try {
      return await this.validate(req);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw new UnauthorizedException();
    }
  }
}

function bearer(header: string | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return m ? m[1] : '';
}
