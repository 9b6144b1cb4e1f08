import { ApiProperty } from '@nestjs/swagger';
import { PRICE_SCALE_MAX, StockControl } from '@drp/shared';
import { IsEnum, IsInt, IsOptional, Max, Min } from 'class-validator';

export class CompanySettingsUpdateDto {
  @ApiProperty({ enum: StockControl, required: false }) @IsOptional() @IsEnum(StockControl) stockControl?: StockControl;
  @ApiProperty({ minimum: 0, maximum: PRICE_SCALE_MAX, required: false }) @IsOptional() @IsInt() @Min(0) @Max(PRICE_SCALE_MAX) priceScale?: number;
  @ApiProperty({ minimum: 10, maximum: 100000, required: false }) @IsOptional() @IsInt() @Min(10) @Max(100000) visitRadiusM?: number;
  /** 未上报: days without a report after which a dealer is listed and reminded */
  @ApiProperty({ minimum: 1, maximum: 365, required: false }) @IsOptional() @IsInt() @Min(1) @Max(365) reportOverdueDays?: number;
  @IsOptional() @IsInt() @Min(1) version?: number;
}
