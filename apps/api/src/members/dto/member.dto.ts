import { Allow, IsIn, IsOptional } from 'class-validator';
import { TEAM_ROLES, type TeamRole } from '../membership.entity';

export class UpdateMemberDto {
  @IsIn(TEAM_ROLES)
  role!: TeamRole;

  // react-admin sends the whole record back on update; these read-only fields are accepted and ignored.
  @IsOptional() @Allow() id?: unknown;
  @IsOptional() @Allow() userId?: unknown;
  @IsOptional() @Allow() email?: unknown;
  @IsOptional() @Allow() name?: unknown;
  @IsOptional() @Allow() createdAt?: unknown;
}
