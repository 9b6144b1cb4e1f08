import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsDateString, IsEnum, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, MinLength, ValidateIf, ValidateNested,
} from 'class-validator';
import { CODE_PATTERN, STOCK_VALUE_GROUPS, StockDocStatus, StockDocType, StockValueGroupBy } from '@drp/shared';
import { PageQueryDto } from '../../common/http/pagination';
import { IsDecimal } from '../../common/http/validators';

const nullable = () => ValidateIf((_, v) => v !== null);

export class CreateWarehouseDto {
  @Matches(CODE_PATTERN, { message: 'code must be 1-32 letters, digits, _ or -, starting with a letter or digit' }) code: string;
  @IsString() @MinLength(1) @MaxLength(100) name: string;
  /** HQ or a branch; dealers report their own stock elsewhere */
  @IsUUID() orgId: string;
  @IsOptional() @nullable() @IsString() @MaxLength(200) address?: string | null;
}

export class UpdateWarehouseDto {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100) name?: string;
  /** null clears it */
  @IsOptional() @nullable() @IsString() @MaxLength(200) address?: string | null;
  @IsInt() @Min(1) version: number;
}

export class WarehouseQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() orgId?: string;
  @IsOptional() @IsIn(['ACTIVE', 'DISABLED']) status?: 'ACTIVE' | 'DISABLED';
}

export class StockQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() warehouseId?: string;
  @IsOptional() @IsUUID() productId?: string;
  /** the category and its sub-categories */
  @IsOptional() @IsUUID() categoryId?: string;
  /** only rows whose available quantity is at or below their low-stock threshold */
  @IsOptional() @IsIn(['true', 'false']) lowOnly?: 'true' | 'false';
}

export class StockValueQueryDto {
  /** warehouse (default), category (the product's own) or branch (the warehouse's organisation) */
  @IsOptional() @IsIn(STOCK_VALUE_GROUPS) groupBy?: StockValueGroupBy;
  @IsOptional() @IsUUID() warehouseId?: string;
  /** the category and its sub-categories */
  @IsOptional() @IsUUID() categoryId?: string;
}

export class SetThresholdDto {
  @IsUUID() warehouseId: string;
  @IsUUID() productId: string;
  /** null: fall back to the product's own low-stock threshold */
  @IsDecimal(3, { min: '0', nullable: true }) lowThreshold: string | null;
}

export class StockDocLineInput {
  @IsUUID() productId: string;
  /** INBOUND/TRANSFER: the quantity moved (> 0); ADJUSTMENT: the signed change (not 0) */
  @IsOptional() @IsDecimal(3) qty?: string;
  /** ADJUSTMENT only, instead of qty: the counted quantity (>= 0); the change is counted minus on hand */
  @IsOptional() @IsDecimal(3) countedQty?: string;
  /** INBOUND only, and required there: the unit cost (>= 0, up to 6 decimals); a missing or negative one answers INVALID_UNIT_COST */
  @IsOptional() @IsDecimal(6) unitCost?: string;
}

export class CreateStockDocDto {
  @IsEnum(StockDocType) type: StockDocType;
  @IsUUID() warehouseId: string;
  /** TRANSFER only: the receiving warehouse */
  @IsOptional() @IsUUID() toWarehouseId?: string;
  /** required for ADJUSTMENT (盘点): why the stock changed */
  @IsOptional() @IsString() @MaxLength(200) reason?: string;
  @IsOptional() @IsString() @MaxLength(500) remark?: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500) @ValidateNested({ each: true }) @Type(() => StockDocLineInput) lines: StockDocLineInput[];
}

const STOCK_DOC_STATUSES: StockDocStatus[] = ['POSTED', 'PENDING_APPROVAL', 'REJECTED'];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class StockDocQueryDto extends PageQueryDto {
  @IsOptional() @IsEnum(StockDocType) type?: StockDocType;
  /** POSTED, PENDING_APPROVAL (adjustments waiting for approval) or REJECTED */
  @IsOptional() @IsIn(STOCK_DOC_STATUSES) status?: StockDocStatus;
  /** documents from or to this warehouse */
  @IsOptional() @IsUUID() warehouseId?: string;
  /** first business day, YYYY-MM-DD */
  @IsOptional() @Matches(DAY) @IsDateString({ strict: true }) from?: string;
  /** last business day, YYYY-MM-DD (inclusive) */
  @IsOptional() @Matches(DAY) @IsDateString({ strict: true }) to?: string;
}

export class MovementQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() productId?: string;
  @IsOptional() @IsUUID() warehouseId?: string;
  @IsOptional() @IsEnum(StockDocType) docType?: StockDocType;
  /** first day (company time zone), YYYY-MM-DD */
  @IsOptional() @Matches(DAY) @IsDateString({ strict: true }) from?: string;
  /** last day (company time zone), YYYY-MM-DD (inclusive) */
  @IsOptional() @Matches(DAY) @IsDateString({ strict: true }) to?: string;
}
