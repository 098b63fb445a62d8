import { Allow, ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';

export class CreateBudgetDto {
  @IsIn(['team', 'member', 'api_key'])
  scope!: 'team' | 'member' | 'api_key';

  @IsOptional()
  @IsUUID()
  memberId?: string;

  @IsOptional()
  @IsUUID()
  apiKeyId?: string;

  @IsIn(['day', 'month', 'total'])
  period!: 'day' | 'month' | 'total';

  /** Integer nano-USD as a decimal string (money never travels as a float). */
  @Matches(/^[1-9][0-9]{0,20}$/, { message: 'amountNanoUsd must be a positive integer string (nano-USD)' })
  amountNanoUsd!: string;

  @IsIn(['hard', 'soft'])
  mode!: 'hard' | 'soft';

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(1000, { each: true })
  alertThresholds?: number[];
}

export class UpdateBudgetDto {
  @IsOptional()
  @IsIn(['day', 'month', 'total'])
  period?: 'day' | 'month' | 'total';

  @IsOptional()
  @Matches(/^[1-9][0-9]{0,20}$/, { message: 'amountNanoUsd must be a positive integer string (nano-USD)' })
  amountNanoUsd?: string;

  @IsOptional()
  @IsIn(['hard', 'soft'])
  mode?: 'hard' | 'soft';

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(1000, { each: true })
  alertThresholds?: number[];

  // react-admin sends the whole record back on update; these read-only fields are accepted and ignored.
  @IsOptional() @Allow() id?: unknown;
  @IsOptional() @Allow() scope?: unknown;
  @IsOptional() @Allow() memberId?: unknown;
  @IsOptional() @Allow() apiKeyId?: unknown;
  @IsOptional() @Allow() spentNanoUsd?: unknown;
  @IsOptional() @Allow() periodStart?: unknown;
  @IsOptional() @Allow() createdAt?: unknown;
}

export class CreateRateLimitDto {
  @IsIn(['team', 'member', 'api_key'])
  scope!: 'team' | 'member' | 'api_key';

  @IsOptional()
  @IsUUID()
  memberId?: string;

  @IsOptional()
  @IsUUID()
  apiKeyId?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  rpm?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_000_000_000)
  tpm?: number;
}
