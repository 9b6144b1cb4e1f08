import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDateString, IsEnum, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateIf, ValidateNested,
} from 'class-validator';
import { CODE_PATTERN, ProductStatus } from '@drp/shared';
import { PageQueryDto } from '../../common/http/pagination';
import { IsDecimal } from '../../common/http/validators';

const nullable = () => ValidateIf((_, v) => v !== null);

export class CreateCategoryDto {
  @Matches(CODE_PATTERN, { message: 'code must be 1-32 letters, digits, _ or -' }) code: string;
  @IsString() @MinLength(1) @MaxLength(100) name: string;
  @IsOptional() @IsUUID() parentId?: string;
  @IsOptional() @IsInt() @Min(0) @Max(100000) sortOrder?: number;
}

export class UpdateCategoryDto {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100) name?: string;
  @IsOptional() @IsInt() @Min(0) @Max(100000) sortOrder?: number;
  @IsInt() @Min(1) version: number;
}

export class PriceLevelNameDto {
  @IsInt() @Min(1) @Max(10) level: number;
  @IsString() @MinLength(1) @MaxLength(20) name: string;
  @IsString() @MinLength(1) @MaxLength(30) nameEn: string;
}

export class UpdatePriceLevelsDto {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => PriceLevelNameDto) levels: PriceLevelNameDto[];
}

export class ProductUnitInput {
  @IsString() @MinLength(1) @MaxLength(10) unit: string;
  @IsDecimal(3, { min: '1.001' }) factor: string;
  @IsOptional() @nullable() @IsString() @MaxLength(32) barcode?: string | null;
}

class ProductFields {
  @IsOptional() @nullable() @IsString() @MaxLength(100) spec?: string | null;
  @IsOptional() @nullable() @IsString() @MaxLength(50) brand?: string | null;
  @IsOptional() @nullable() @Matches(/^[0-9A-Za-z-]{4,32}$/, { message: 'barcode must be 4-32 digits or letters' }) barcode?: string | null;
  @IsOptional() @IsDecimal(4, { min: '0' }) taxRate?: string;
  /** ten entries, level 1 first; null leaves a level unset */
  @IsOptional() @IsArray() @ArrayMinSize(10) @ArrayMaxSize(10) @IsDecimal(4, { min: '0', nullable: true }, { each: true }) levelPrices?: (string | null)[];
  @IsOptional() @nullable() @IsDecimal(4, { min: '0' }) floorPrice?: string | null;
  @IsOptional() @IsDecimal(3, { positive: true }) minOrderQty?: string;
  @IsOptional() @IsDecimal(3, { positive: true }) orderMultiple?: string;
  @IsOptional() @IsEnum(ProductStatus) status?: ProductStatus;
  @IsOptional() @IsBoolean() mallPublished?: boolean;
  @IsOptional() @IsDecimal(3, { min: '0' }) lowStockThreshold?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(5) @ValidateNested({ each: true }) @Type(() => ProductUnitInput) units?: ProductUnitInput[];
  @IsOptional() @nullable() @IsString() @MaxLength(500) remark?: string | null;
  /** the date the price changes count from (history); default today */
  @IsOptional() @IsDateString({ strict: true }) effectiveDate?: string;
}

export class CreateProductDto extends ProductFields {
  @Matches(CODE_PATTERN, { message: 'code must be 1-32 letters, digits, _ or -' }) code: string;
  @IsString() @MinLength(1) @MaxLength(200) name: string;
  @IsUUID() categoryId: string;
  @IsString() @MinLength(1) @MaxLength(10) baseUnit: string;
  @IsDecimal(4, { min: '0' }) basePrice: string;
}

export class UpdateProductDto extends ProductFields {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @IsOptional() @IsUUID() categoryId?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(10) baseUnit?: string;
  @IsOptional() @IsDecimal(4, { min: '0' }) basePrice?: string;
  @IsInt() @Min(1) version: number;
}

export class BulkPriceRowDto {
  @IsUUID() productId: string;
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsDecimal(4, { min: '0' }) basePrice?: string;
  @IsOptional() @IsArray() @ArrayMinSize(10) @ArrayMaxSize(10) @IsDecimal(4, { min: '0', nullable: true }, { each: true }) levelPrices?: (string | null)[];
  @IsOptional() @nullable() @IsDecimal(4, { min: '0' }) floorPrice?: string | null;
}

/** 批量调价: the price grid saves many products at once, all or nothing. */
export class BulkPricesDto {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500) @ValidateNested({ each: true }) @Type(() => BulkPriceRowDto) rows: BulkPriceRowDto[];
  @IsOptional() @IsDateString({ strict: true }) effectiveDate?: string;
}

export class ProductQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() categoryId?: string;
  @IsOptional() @IsString() @MaxLength(50) brand?: string;
  @IsOptional() @IsEnum(ProductStatus) status?: ProductStatus;
  @IsOptional() @Type(() => String) @IsEnum({ true: 'true', false: 'false' }) mallPublished?: 'true' | 'false';
  /** comma-separated product ids (up to 200): these products, in one request (pickers that show saved lines) */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((s: string) => s.trim()).filter(Boolean) : value))
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @IsUUID('all', { each: true }) ids?: string[];
}

export class BranchProductScopeDto {
  @IsArray() @ArrayMaxSize(500) @IsUUID('all', { each: true }) categoryIds: string[];
  @IsArray() @ArrayMaxSize(5000) @IsUUID('all', { each: true }) productIds: string[];
}
