import { ApiProperty } from '@nestjs/swagger';
import { ReplenishmentMethod } from '@drp/shared';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination';
import { IsDecimal } from '../../common/http/validators';

export class ReplenishmentSettingsQueryDto {
  /** a branch or dealer (default: the caller's organisation); HQ's row is the company default */
  @IsOptional() @IsUUID() orgId?: string;
  @IsOptional() @IsUUID() productId?: string;
}

export class ReplenishmentSettingsDto {
  @IsOptional() @IsUUID() orgId?: string;
  @IsOptional() @IsUUID() productId?: string;
  @ApiProperty({ enum: ReplenishmentMethod }) @IsEnum(ReplenishmentMethod) method: ReplenishmentMethod;
  /** 补货销量天数 N, 7..365 */
  @IsInt() @Min(7) @Max(365) windowDays: number;
  /** 库存周转天数 */
  @IsInt() @Min(0) @Max(365) turnoverDays: number;
  /** 提前补货天数 */
  @IsInt() @Min(0) @Max(365) leadDays: number;
  /** safety stock in units */
  @ApiProperty({ example: '0' }) @IsDecimal(3, { min: '0' }) safetyStock: string;
}

export class RunDto {
  @IsOptional() @IsArray() @ArrayMaxSize(5000) @IsUUID('all', { each: true }) dealerIds?: string[];
  @IsOptional() @IsUUID() branchId?: string;
}

export class LineQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() dealerId?: string;
  @IsOptional() @IsIn(['SUGGESTED', 'INSUFFICIENT_DATA', 'DROPPED', 'ORDERED', 'SENT']) status?: string;
}

export class LineUpdateDto {
  @IsOptional() @IsDecimal(3, { positive: true }) qty?: string;
  /** true: drop the line (it will not be ordered) */
  @IsOptional() @IsBoolean() drop?: boolean;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) version?: number;
}

export class OrdersFromRunDto {
  /** default: every suggested line of the run in the caller's scope */
  @IsOptional() @IsArray() @ArrayMaxSize(5000) @IsUUID('all', { each: true }) lineIds?: string[];
  @IsOptional() @IsUUID() warehouseId?: string;
}

export class ToCartDto {
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsUUID('all', { each: true }) lineIds?: string[];
}
