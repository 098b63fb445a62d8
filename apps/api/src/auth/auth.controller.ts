import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error';
import { Public } from '../common/public.decorator';
import { AppConfig } from '../config/app-config';
import { InvitationsService } from '../invitations/invitations.service';
import { AcceptInvitationDto } from '../invitations/dto/invitation.dto';
import { TeamsService } from '../teams/teams.service';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import type { AuthContext } from './auth-context';
import { Auth } from './auth.decorators';
import { AuthService, MeDto, TokenPair } from './auth.service';
import { LogoutDto, RefreshDto, SignupDto } from './dto/auth.dto';

type LoginResponse = TokenPair & { user: MeDto };

@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly teams: TeamsService,
    private readonly invitations: InvitationsService,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  @Public()
  @UseGuards(AuthGuard('local'))
  @Post('auth/login')
  @HttpCode(200)
  async login(@Req() req: Request & { user: User }): Promise<LoginResponse> {
    const tokens = await this.auth.login(req.user, req.ip ?? null);
    return { ...tokens, user: await this.auth.me(req.user.id) };
  }

  @Public()
  @Post('auth/refresh')
  @HttpCode(200)
  async refresh(@Body() body: RefreshDto): Promise<LoginResponse> {
    const tokens = await this.auth.refresh(body.refreshToken);
    const claims = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1], 'base64url').toString()) as { sub: string };
    return { ...tokens, user: await this.auth.me(claims.sub) };
  }

  @Post('auth/logout')
  @HttpCode(204)
  async logout(@Auth() auth: AuthContext, @Body() _body: LogoutDto): Promise<void> {
    if (auth.kind !== 'user') throw ApiError.forbidden();
    await this.auth.logout(auth.sessionId, auth.userId);
  }

  @Get('auth/me')
  me(@Auth() auth: AuthContext): Promise<MeDto> {
    if (auth.kind !== 'user') throw ApiError.forbidden();
    return this.auth.me(auth.userId);
  }

  /** Open signup (when enabled): a new user and a team they own. */
  @Public()
  @Post('auth/signup')
  async signup(@Req() req: Request, @Body() body: SignupDto): Promise<LoginResponse> {
    if (!this.config.get('SIGNUP_OPEN')) throw ApiError.forbidden('Signup is closed on this server; ask for an invitation');
    if (await this.users.findByEmail(body.email)) throw ApiError.conflict('An account with this email already exists; log in instead');
    const user = await this.db.transaction(async (em) => {
      const created = await this.users.create({ email: body.email, name: body.name, password: body.password }, em);
      await this.teams.create(body.teamName, created.id, created.id, em);
      return created;
    });
    const tokens = await this.auth.login(user, req.ip ?? null);
    return { ...tokens, user: await this.auth.me(user.id) };
  }

  @Public()
  @Post('invitations/accept')
  @HttpCode(200)
  async accept(@Req() req: Request, @Body() body: AcceptInvitationDto): Promise<LoginResponse> {
    const user = await this.invitations.accept(body.token, body.password, body.name, req.ip ?? null);
    const tokens = await this.auth.login(user, req.ip ?? null);
    return { ...tokens, user: await this.auth.me(user.id) };
  }
}
