import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsEnum, IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, MinLength, ValidateNested,
} from 'class-validator';
import { OrderSource, OrderStatus } from '@drp/shared';
import { PageQueryDto } from '../../common/http/pagination';
import { IsDay, IsDecimal } from '../../common/http/validators';


export const MAX_ORDER_LINES = 200;

export class OrderLineInput {
  @IsUUID() productId: string;
  /** > 0 (checked by the service: INVALID_QUANTITY), at most 3 decimals */
  @IsDecimal(3) qty: string;
  /** a manual unit price (needs orders:manual-price); omitted: the resolved price */
  @IsOptional() @IsDecimal(4, { min: '0' }) unitPrice?: string;
  /** 0 <= rate < 1, e.g. "0.05" */
  @IsOptional() @IsDecimal(4, { min: '0' }) discountRate?: string;
  @IsOptional() @IsString() @MaxLength(200) remark?: string;
}

class OrderFields {
  @IsOptional() @IsUUID() salesRepId?: string | null;
  @IsOptional() @IsDay() requestedDate?: string | null;
  @IsOptional() @IsString() @MaxLength(500) remark?: string | null;
  @IsArray() @ArrayMinSize(0) @ArrayMaxSize(MAX_ORDER_LINES) @ValidateNested({ each: true }) @Type(() => OrderLineInput) lines: OrderLineInput[];
}

export class CreateOrderDto extends OrderFields {
  @IsUUID() dealerId: string;
  @IsUUID() warehouseId: string;
  // no `source`: the server sets it from the path the order came through (the console: CONSOLE; the mall's checkout: MALL)
  /** submit at once (credit check, approval) */
  @IsOptional() @IsBoolean() submit?: boolean;
  /**
   * The delivery address snapshot of a mall order. Deliberately without validation decorators:
   * the whitelist refuses it from HTTP bodies, so only the mall (in process) sets it.
   */
  shipTo?: DeliveryAddress;
}

export interface DeliveryAddress {
  contact: string;
  phone: string;
  region: string | null;
  address: string;
}

export class UpdateOrderDto extends OrderFields {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsUUID() warehouseId?: string;
}

export class PreviewOrderDto {
  @IsUUID() dealerId: string;
  @IsOptional() @IsUUID() warehouseId?: string;
  /** the order being edited: its current commitment is not counted twice */
  @IsOptional() @IsUUID() excludeOrderId?: string;
  @IsArray() @ArrayMaxSize(MAX_ORDER_LINES) @ValidateNested({ each: true }) @Type(() => OrderLineInput) lines: OrderLineInput[];
}

export class SubmitOrderDto {
  @IsOptional() @IsInt() @Min(1) version?: number;
  /** pass a credit refusal (needs credit:override; audited) */
  @IsOptional() @IsBoolean() overrideCredit?: boolean;
  @IsOptional() @IsString() @MaxLength(200) overrideReason?: string;
}

export class ReviewLineInput {
  @IsUUID() lineId: string;
  @IsDecimal(3) qty: string;
}

export class ReviewOrderDto {
  @IsBoolean() accept: boolean;
  @IsOptional() @IsString() @MaxLength(200) reason?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_ORDER_LINES) @ValidateNested({ each: true }) @Type(() => ReviewLineInput) lines?: ReviewLineInput[];
  @IsOptional() @IsInt() @Min(1) version?: number;
}

export class ReasonDto {
  @IsString() @MinLength(1) @MaxLength(200) reason: string;
  @IsOptional() @IsInt() @Min(1) version?: number;
}

export class VersionDto {
  @IsOptional() @IsInt() @Min(1) version?: number;
}

export class OrderQueryDto extends PageQueryDto {
  /** one status or several separated by commas */
  @IsOptional() @Matches(new RegExp(`^(${Object.values(OrderStatus).join('|')})(,(${Object.values(OrderStatus).join('|')}))*$`), { message: 'status must be order statuses separated by commas' }) status?: string;
  @IsOptional() @IsUUID() dealerId?: string;
  @IsOptional() @IsUUID() branchId?: string;
  @IsOptional() @IsEnum(OrderSource) source?: OrderSource;
  @IsOptional() @IsDay() from?: string;
  @IsOptional() @IsDay() to?: string;
}

/** 缺货/待补: approved orders' lines waiting for stock, oldest approval first. */
export class BackorderQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() warehouseId?: string;
  @IsOptional() @IsUUID() productId?: string;
  @IsOptional() @IsUUID() dealerId?: string;
}

export class ShipLineInput {
  @IsUUID() orderLineId: string;
  @IsDecimal(3) qty: string;
}

export class CreateShipmentDto {
  @IsUUID() orderId: string;
  /** omitted: everything left to ship */
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_ORDER_LINES) @ValidateNested({ each: true }) @Type(() => ShipLineInput) lines?: ShipLineInput[];
  @IsOptional() @IsString() @MaxLength(50) logisticsCompany?: string;
  @IsOptional() @IsString() @MaxLength(50) trackingNo?: string;
  @IsOptional() @IsDay() businessDate?: string;
  @IsOptional() @IsString() @MaxLength(500) remark?: string;
}

export class LogisticsDto {
  @IsString() @MaxLength(50) logisticsCompany: string;
  @IsString() @MaxLength(50) trackingNo: string;
}

export class ShipmentQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() orderId?: string;
  @IsOptional() @IsUUID() dealerId?: string;
  @IsOptional() @IsDay() from?: string;
  @IsOptional() @IsDay() to?: string;
}

export class ReturnLineInput {
  @IsUUID() shipmentLineId: string;
  @IsDecimal(3) qty: string;
}

export class CreateReturnDto {
  @IsUUID() shipmentId: string;
  @IsString() @MinLength(1) @MaxLength(200) reason: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_ORDER_LINES) @ValidateNested({ each: true }) @Type(() => ReturnLineInput) lines: ReturnLineInput[];
  @IsOptional() @IsDay() businessDate?: string;
}

export class ReturnQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() shipmentId?: string;
  @IsOptional() @IsUUID() orderId?: string;
  @IsOptional() @IsUUID() dealerId?: string;
  @IsOptional() @IsDay() from?: string;
  @IsOptional() @IsDay() to?: string;
}
