import { Type } from 'class-transformer';
import { Allow, ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';

export class RouteTargetDto {
  @IsString()
  @MaxLength(200)
  @Matches(/^[a-z-]+\/.+$/, { message: 'model must be provider/model' })
  model!: string;

  @IsInt()
  @Min(0)
  @Max(1000)
  weight!: number;
}

export class CreateRouteDto {
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'name: letters, digits, . _ - (no slash), at most 64' })
  name!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(16)
  @ValidateNested({ each: true })
  @Type(() => RouteTargetDto)
  targets!: RouteTargetDto[];
}

export class UpdateRouteDto {
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'name: letters, digits, . _ - (no slash), at most 64' })
  name?: string;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(16)
  @ValidateNested({ each: true })
  @Type(() => RouteTargetDto)
  targets?: RouteTargetDto[];

  // react-admin sends the whole record back on update; these read-only fields are accepted and ignored.
  @IsOptional() @Allow() id?: unknown;
  @IsOptional() @Allow() createdAt?: unknown;
  @IsOptional() @Allow() updatedAt?: unknown;
}
