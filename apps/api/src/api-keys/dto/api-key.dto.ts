import { Allow, ArrayMaxSize, IsArray, IsISO8601, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

export class CreateApiKeyDto {
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name!: string;

  @IsOptional()
  @IsISO8601()
  expiresAt?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  modelAllowlist?: string[];

  /** Admins may create a key for another member of the team. */
  @IsOptional()
  @IsUUID()
  memberId?: string;
}

export class UpdateApiKeyDto {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name?: string;

  @IsOptional()
  @IsISO8601()
  expiresAt?: string | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  modelAllowlist?: string[] | null;

  // react-admin sends the whole record back on update; these read-only fields are accepted and ignored.
  @IsOptional() @Allow() id?: unknown;
  @IsOptional() @Allow() prefix?: unknown;
  @IsOptional() @Allow() memberId?: unknown;
  @IsOptional() @Allow() memberEmail?: unknown;
  @IsOptional() @Allow() revokedAt?: unknown;
  @IsOptional() @Allow() lastUsedAt?: unknown;
  @IsOptional() @Allow() createdAt?: unknown;
}
