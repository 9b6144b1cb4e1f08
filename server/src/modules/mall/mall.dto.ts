import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsDateString, IsEnum, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength,
} from 'class-validator';
import { USERNAME_PATTERN, UserStatus } from '@drp/shared';
import { PageQueryDto } from '../../common/http/pagination';
import { IsDecimal } from '../../common/http/validators';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const bool = ({ value }: { value: unknown }) => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : value);

export class CatalogQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() categoryId?: string;
  @IsOptional() @Transform(bool) @IsBoolean() favourites?: boolean;
  @IsOptional() @Transform(bool) @IsBoolean() frequent?: boolean;
}

/** Quantities only: a price in the body is refused before validation (PRICE_NOT_ACCEPTED). */
export class CartAddDto {
  @IsUUID() productId: string;
  /** decimal string above 0 (INVALID_QUANTITY otherwise), at most 3 decimals */
  @IsDecimal(3) qty: string;
}

export class CartSetDto {
  @IsDecimal(3) qty: string;
}

export class AddressDto {
  @IsString() @MinLength(1) @MaxLength(50) contact: string;
  @IsString() @Matches(/^[0-9+\-() ]{5,20}$/, { message: 'phone must be 5-20 digits (+ - ( ) and spaces allowed)' }) phone: string;
  @IsOptional() @IsString() @MaxLength(100) region?: string | null;
  @IsString() @MinLength(1) @MaxLength(200) address: string;
  @IsOptional() @IsBoolean() isDefault?: boolean;
}

export class CheckoutDto {
  @IsUUID() addressId: string;
  /** YYYY-MM-DD, today or later */
  @IsOptional() @Matches(DAY, { message: 'requestedDate must be a date YYYY-MM-DD' }) @IsDateString({ strict: true }) requestedDate?: string;
  @IsOptional() @IsString() @MaxLength(500) remark?: string;
}

export class MallOrderQueryDto extends PageQueryDto {
  @IsOptional() @Matches(/^[A-Z_]+(,[A-Z_]+)*$/, { message: 'status must be order statuses separated by commas' }) status?: string;
}

export class StockQueryDto extends PageQueryDto {}

export class SettingsDto {
  @IsBoolean() showExactStock: boolean;
  @IsOptional() @IsInt() @Min(1) version?: number;
}

export class PublishDto {
  @IsArray() @ArrayMaxSize(1000) @IsUUID('all', { each: true }) productIds: string[];
  @IsBoolean() published: boolean;
}

export class ContentQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(['BANNER', 'ANNOUNCEMENT']) kind?: 'BANNER' | 'ANNOUNCEMENT';
  /** ACTIVE / DISABLED, or LIVE (active and valid now), EXPIRED, SCHEDULED */
  @IsOptional() @IsIn(['ACTIVE', 'DISABLED', 'LIVE', 'EXPIRED', 'SCHEDULED']) status?: string;
}

export class ContentDto {
  @IsIn(['BANNER', 'ANNOUNCEMENT']) kind: 'BANNER' | 'ANNOUNCEMENT';
  @IsString() @MinLength(1) @MaxLength(100) title: string;
  @IsOptional() @IsString() @MaxLength(2000) body?: string | null;
  @IsOptional() @IsIn(['PROMOTION', 'NEW_PRODUCT', 'NOTICE']) tag?: 'PROMOTION' | 'NEW_PRODUCT' | 'NOTICE' | null;
  /** the key from POST /api/mall/contents/images */
  @IsOptional() @IsString() @Matches(/^[0-9a-f-]{36}\.(png|jpg|jpeg|webp|gif)$/, { message: 'imageFileId must be a key answered by the image upload' }) imageFileId?: string | null;
  /** an in-mall route: /mall/... */
  @IsOptional() @IsString() @MaxLength(300) @Matches(/^\/mall(\/|\?|$)/, { message: 'link must be an in-mall route starting with /mall' }) link?: string | null;
  @IsDateString() startsAt: string;
  @IsDateString() endsAt: string;
  @IsOptional() @IsArray() @ArrayMaxSize(50) @ArrayUnique() @IsUUID('all', { each: true }) branchIds?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(10) @ArrayUnique() @Type(() => Number) @IsInt({ each: true }) @Min(1, { each: true }) @Max(10, { each: true }) levels?: number[];
  @IsOptional() @IsInt() @Min(0) @Max(9999) sort?: number;
  @IsOptional() @IsIn(['ACTIVE', 'DISABLED']) status?: 'ACTIVE' | 'DISABLED';
}

export class DealerAccountQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() dealerId?: string;
  @IsOptional() @IsEnum(UserStatus) status?: UserStatus;
}

export class InviteDto {
  @IsUUID() dealerId: string;
  @IsString() @MinLength(1) @MaxLength(50) displayName: string;
  @IsOptional() @IsString() @Matches(/^[0-9+\-() ]{5,20}$/, { message: 'phone must be 5-20 digits' }) phone?: string;
  @IsOptional() @IsString() @Matches(USERNAME_PATTERN, { message: 'username must be 3-32 lowercase letters, digits, . _ or -' }) username?: string;
  @IsOptional() @IsIn(['DEALER_ADMIN', 'DEALER_STAFF']) role?: 'DEALER_ADMIN' | 'DEALER_STAFF';
}
