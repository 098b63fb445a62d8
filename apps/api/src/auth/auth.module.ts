import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyLookup } from '../api-keys/api-key-lookup';
import { ApiKeysController } from '../api-keys/api-keys.controller';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AuditEventsController } from '../audit/audit-events.controller';
import { AuditEventsService } from '../audit/audit-events.service';
import { AuditModule } from '../audit/audit.module';
import { AppConfig } from '../config/app-config';
import { InvitationsController } from '../invitations/invitations.controller';
import { InvitationsService } from '../invitations/invitations.service';
import { MembersController } from '../members/members.controller';
import { MembersService } from '../members/members.service';
import { TeamsController } from '../teams/teams.controller';
import { TeamsService } from '../teams/teams.service';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { ApiKeyStrategy } from './api-key.strategy';
import { AuthController } from './auth.controller';
import { GlobalAuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { JwtStrategy } from './jwt.strategy';
import { LocalStrategy } from './local.strategy';
import { OperatorBootstrap } from './operator-bootstrap';
import { RefreshToken } from './refresh-token.entity';
import { SessionRevocations } from './session-revocations';

/** Identity and tenancy: who may do what. Installs the global guard (every route needs auth unless @Public). */
@Module({
  imports: [
    AuditModule,
    PassportModule,
    TypeOrmModule.forFeature([User, RefreshToken]),
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ secret: config.get('JWT_SECRET'), signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } }),
    }),
  ],
  controllers: [AuthController, TeamsController, MembersController, InvitationsController, ApiKeysController, AuditEventsController],
  providers: [
    { provide: APP_GUARD, useClass: GlobalAuthGuard },
    AuthService,
    UsersService,
    TeamsService,
    MembersService,
    InvitationsService,
    ApiKeysService,
    ApiKeyLookup,
    AuditEventsService,
    SessionRevocations,
    LocalStrategy,
    JwtStrategy,
    ApiKeyStrategy,
    OperatorBootstrap,
  ],
  exports: [ApiKeyLookup, UsersService, TeamsService],
})
export class AuthModule {}
