import { Allow, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class CreateTeamDto {
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name!: string;
}

export class UpdateTeamDto {
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name!: string;

  // react-admin sends the whole record back on update; these read-only fields are accepted and ignored.
  @IsOptional() @Allow() id?: unknown;
  @IsOptional() @Allow() slug?: unknown;
  @IsOptional() @Allow() memberCount?: unknown;
  @IsOptional() @Allow() createdAt?: unknown;
}
