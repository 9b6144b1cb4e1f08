import { ArrayMaxSize, ArrayUnique, IsArray, IsEnum, IsInt, IsOptional, IsString, Matches, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { CODE_PATTERN, DataScopeKind } from '@drp/shared';
import { PageQueryDto } from '../../common/http/pagination';

export class CreateRoleDto {
  @Matches(CODE_PATTERN, { message: 'code must be 1-32 letters, digits, _ or -' }) code: string;
  @IsString() @MinLength(1) @MaxLength(50) name: string;
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(50) nameEn?: string | null;
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(200) description?: string | null;
  @IsEnum(DataScopeKind) dataScope: DataScopeKind;
  /** permission codes from GET /api/permissions */
  @IsArray() @ArrayUnique() @ArrayMaxSize(200) @IsString({ each: true }) permissions: string[];
}

export class UpdateRoleDto {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(50) name?: string;
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(50) nameEn?: string | null;
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(200) description?: string | null;
  @IsOptional() @IsEnum(DataScopeKind) dataScope?: DataScopeKind;
  @IsOptional() @IsArray() @ArrayUnique() @ArrayMaxSize(200) @IsString({ each: true }) permissions?: string[];
  @IsInt() @Min(1) version: number;
}

export class RoleQueryDto extends PageQueryDto {}
