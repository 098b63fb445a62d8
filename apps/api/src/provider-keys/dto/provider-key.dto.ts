import { Allow, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { KEY_PROVIDERS } from '../upstream-config';

export class CreateProviderKeyDto {
  @IsIn(KEY_PROVIDERS)
  provider!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(120)
  label!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  key!: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  organization?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  project?: string;

  /** Only for self-hosted hosts the operator allowed, and Azure resource URLs. */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  baseUrl?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  weight?: number;

  @IsOptional()
  @IsInt()
  @Min(-1000)
  @Max(1000)
  priority?: number;
}

export class UpdateProviderKeyDto {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  label?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  weight?: number;

  @IsOptional()
  @IsInt()
  @Min(-1000)
  @Max(1000)
  priority?: number;

  // react-admin sends the whole record back on update; these read-only fields are accepted and ignored.
  // The secret itself cannot be changed: add a new key and delete the old one.
  @IsOptional() @Allow() id?: unknown;
  @IsOptional() @Allow() provider?: unknown;
  @IsOptional() @Allow() last4?: unknown;
  @IsOptional() @Allow() fingerprint?: unknown;
  @IsOptional() @Allow() status?: unknown;
  @IsOptional() @Allow() lastErrorCode?: unknown;
  @IsOptional() @Allow() statusSince?: unknown;
  @IsOptional() @Allow() cooldownUntil?: unknown;
  @IsOptional() @Allow() baseUrl?: unknown;
  @IsOptional() @Allow() organization?: unknown;
  @IsOptional() @Allow() project?: unknown;
  @IsOptional() @Allow() createdAt?: unknown;
  @IsOptional() @Allow() lastUsedAt?: unknown;
}
