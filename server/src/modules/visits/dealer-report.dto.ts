import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { IsDay, IsDecimal } from '../../common/http/validators';
import { PageQueryDto } from '../../common/http/pagination';

export class DealerReportLineInput {
  @IsUUID() productId: string;
  /** end-of-day stock (units, ≥ 0) */
  @ApiProperty({ example: '24' }) @IsDecimal(3, { min: '0' }) stock: string;
  /** units sold that day (≥ 0) */
  @ApiProperty({ example: '6' }) @IsDecimal(3, { min: '0' }) sold: string;
  @ApiProperty({ required: false, example: '0' }) @IsOptional() @IsDecimal(3, { min: '0' }) received?: string;
}

export class DealerReportDto {
  @IsUUID() dealerId: string;
  /** the business date reported (today or earlier) */
  @IsDay() date: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(2000) @ValidateNested({ each: true }) @Type(() => DealerReportLineInput) lines: DealerReportLineInput[];
  @IsOptional() @IsIn(['CONSOLE', 'IMPORT']) source?: 'CONSOLE' | 'IMPORT';
}

export class DealerReportQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() dealerId?: string;
  @IsOptional() @IsUUID() productId?: string;
  @IsOptional() @IsDay() from?: string;
  @IsOptional() @IsDay() to?: string;
}
