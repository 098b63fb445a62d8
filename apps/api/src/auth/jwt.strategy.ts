import { Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config';
import type { AccessClaims } from './auth.service';
import { SessionRevocations } from './session-revocations';

/** Console sessions: a short-lived HS256 access token, rejected once its session is logged out. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly revocations: SessionRevocations,
  ) {
    super({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: config.get('JWT_SECRET'), algorithms: ['HS256'], ignoreExpiration: false });
  }

  async validate(payload: AccessClaims): Promise<AccessClaims> {
    if (typeof payload?.sub !== 'string' || typeof payload.sid !== 'string') throw new UnauthorizedException();
    if (await this.revocations.isRevoked(payload.sid)) throw new UnauthorizedException();
    return payload;
  }
}
