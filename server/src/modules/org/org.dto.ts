import { Type } from 'class-transformer';
import { IsEnum, IsInt, IsLatitude, IsLongitude, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { CODE_PATTERN, OrgStatus, OrgType, PHONE_PATTERN, PRICE_LEVEL_MAX, PRICE_LEVEL_MIN, SettlementMethod } from '@drp/shared';
import { PageQueryDto } from '../../common/http/pagination';

/** Fields an organisation shares between create and update. `null` clears an optional field. */
class OrgFieldsDto {
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(50) contact?: string | null;
  @IsOptional() @ValidateIf((_, v) => v !== null) @Matches(PHONE_PATTERN, { message: 'phone may hold digits, spaces, + - ( ) (5-20 characters)' }) phone?: string | null;
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(200) address?: string | null;
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(100) region?: string | null;
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsLongitude() longitude?: number | null;
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsLatitude() latitude?: number | null;
  /** dealers only: wholesale price level 1..10 */
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt() @Min(PRICE_LEVEL_MIN) @Max(PRICE_LEVEL_MAX) priceLevel?: number | null;
  /** dealers only */
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsEnum(SettlementMethod) settlementMethod?: SettlementMethod | null;
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(500) remark?: string | null;
  /** 统一社会信用代码 / 纳税人识别号: checked by the service (400 TAX_ID_INVALID naming taxId) */
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(30) taxId?: string | null;
}

export class CreateOrgDto extends OrgFieldsDto {
  @Matches(CODE_PATTERN, { message: 'code must be 1-32 letters, digits, _ or -, starting with a letter or digit' }) code: string;
  @IsString() @MinLength(1) @MaxLength(100) name: string;
  @IsEnum(OrgType) type: OrgType;
  @IsUUID() parentId: string;
}

export class UpdateOrgDto extends OrgFieldsDto {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100) name?: string;
  @IsInt() @Min(1) version: number;
}

export class MoveOrgDto {
  @IsUUID() parentId: string;
  @IsInt() @Min(1) version: number;
}

export class OrgQueryDto extends PageQueryDto {
  @IsOptional() @IsEnum(OrgType) type?: OrgType;
  @IsOptional() @IsEnum(OrgStatus) status?: OrgStatus;
  @IsOptional() @IsUUID() parentId?: string;
  /** only this organisation's subtree */
  @IsOptional() @IsUUID() within?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(PRICE_LEVEL_MAX) priceLevel?: number;
}
