import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsDateString, IsEnum, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateIf, ValidateNested,
} from 'class-validator';
import { CODE_PATTERN, PromotionKind } from '@drp/shared';
import { PageQueryDto } from '../../common/http/pagination';
import { IsDecimal } from '../../common/http/validators';

const nullable = () => ValidateIf((_, v) => v !== null);

export class PriceBookItemInput {
  @IsUUID() productId: string;
  /** the quantity from which this price applies (quantity breaks); default 0 */
  @IsOptional() @IsDecimal(3, { min: '0' }) minQty?: string;
  @IsDecimal(4, { min: '0' }) price: string;
}

export class CreatePriceBookDto {
  @Matches(CODE_PATTERN, { message: 'code must be 1-32 letters, digits, _ or -' }) code: string;
  @IsString() @MinLength(1) @MaxLength(100) name: string;
  /** the owning organisation (HQ or a branch); default the caller's */
  @IsOptional() @IsUUID() orgId?: string;
  @IsDateString({ strict: true }) validFrom: string;
  @IsOptional() @nullable() @IsDateString({ strict: true }) validTo?: string | null;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @ArrayUnique() @IsUUID('all', { each: true }) dealerIds: string[];
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(5000) @ValidateNested({ each: true }) @Type(() => PriceBookItemInput) items: PriceBookItemInput[];
  @IsOptional() @nullable() @IsString() @MaxLength(500) remark?: string | null;
}

export class UpdatePriceBookDto {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100) name?: string;
  @IsOptional() @IsDateString({ strict: true }) validFrom?: string;
  @IsOptional() @nullable() @IsDateString({ strict: true }) validTo?: string | null;
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @ArrayUnique() @IsUUID('all', { each: true }) dealerIds?: string[];
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(5000) @ValidateNested({ each: true }) @Type(() => PriceBookItemInput) items?: PriceBookItemInput[];
  @IsOptional() @nullable() @IsString() @MaxLength(500) remark?: string | null;
  @IsInt() @Min(1) version: number;
}

export class PriceBookQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() dealerId?: string;
  @IsOptional() @IsEnum({ ACTIVE: 'ACTIVE', DISABLED: 'DISABLED' }) status?: 'ACTIVE' | 'DISABLED';
  /** only books valid on this date */
  @IsOptional() @IsDateString({ strict: true }) validOn?: string;
}

export class CreatePromotionDto {
  @Matches(CODE_PATTERN, { message: 'code must be 1-32 letters, digits, _ or -' }) code: string;
  @IsString() @MinLength(1) @MaxLength(100) name: string;
  @IsOptional() @IsUUID() orgId?: string;
  @IsEnum(PromotionKind) kind: PromotionKind;
  /** SPECIAL_PRICE: the unit price; PERCENT_OFF: percent taken off, above 0 and below 100 */
  @IsDecimal(4, { min: '0' }) value: string;
  @IsOptional() @IsDecimal(3, { min: '0' }) minQty?: string;
  @IsISO8601({ strict: true }) startsAt: string;
  @IsISO8601({ strict: true }) endsAt: string;
  @IsOptional() @IsArray() @ArrayMaxSize(5000) @ArrayUnique() @IsUUID('all', { each: true }) productIds?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(500) @ArrayUnique() @IsUUID('all', { each: true }) categoryIds?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(500) @ArrayUnique() @IsUUID('all', { each: true }) branchIds?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(10) @ArrayUnique() @IsInt({ each: true }) @Min(1, { each: true }) @Max(10, { each: true }) levels?: number[];
  @IsOptional() @IsArray() @ArrayMaxSize(5000) @ArrayUnique() @IsUUID('all', { each: true }) dealerIds?: string[];
  @IsOptional() @nullable() @IsString() @MaxLength(500) remark?: string | null;
}

export class UpdatePromotionDto {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100) name?: string;
  @IsOptional() @IsDecimal(4, { min: '0' }) value?: string;
  @IsOptional() @IsDecimal(3, { min: '0' }) minQty?: string;
  @IsOptional() @IsISO8601({ strict: true }) startsAt?: string;
  @IsOptional() @IsISO8601({ strict: true }) endsAt?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(5000) @ArrayUnique() @IsUUID('all', { each: true }) productIds?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(500) @ArrayUnique() @IsUUID('all', { each: true }) categoryIds?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(500) @ArrayUnique() @IsUUID('all', { each: true }) branchIds?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(10) @ArrayUnique() @IsInt({ each: true }) @Min(1, { each: true }) @Max(10, { each: true }) levels?: number[];
  @IsOptional() @IsArray() @ArrayMaxSize(5000) @ArrayUnique() @IsUUID('all', { each: true }) dealerIds?: string[];
  @IsOptional() @nullable() @IsString() @MaxLength(500) remark?: string | null;
  @IsInt() @Min(1) version: number;
}

export class PromotionQueryDto extends PageQueryDto {
  @IsOptional() @IsEnum({ ACTIVE: 'ACTIVE', DISABLED: 'DISABLED' }) status?: 'ACTIVE' | 'DISABLED';
  /** only promotions running at this instant */
  @IsOptional() @IsISO8601({ strict: true }) activeAt?: string;
}

export class ResolveQueryDto {
  @IsUUID() dealerId: string;
  /** comma-separated product ids (up to 500) */
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((s: string) => s.trim()).filter(Boolean) : value))
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500) @IsUUID('all', { each: true }) productIds: string[];
  @IsOptional() @IsDecimal(3) qty?: string;
  /** the instant to price at (ISO); default now */
  @IsOptional() @IsISO8601({ strict: true }) at?: string;
  /** true: the quantity must also meet each product's minimum order quantity and order multiple (as a cart or order would) */
  @IsOptional() @IsEnum({ true: 'true', false: 'false' }) strict?: 'true' | 'false';
}
