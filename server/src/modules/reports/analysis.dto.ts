import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { MAX_PAGE_SIZE } from '@drp/shared';
import { IsDay } from '../../common/http/validators';

/** Comma-separated uuids (the id filters of the analysis page may name several). */
const UUID_LIST = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(,[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}){0,199}$/i;
const uuids = (field: string) => Matches(UUID_LIST, { message: `${field} must be one or more ids, comma-separated` });

/**
 * `GET /api/reports/analysis` (ARCHITECTURE §9). Measures and dimensions are comma lists checked by
 * the service against the contract's lists, so an unknown one answers its own code
 * (ANALYSIS_UNKNOWN_MEASURE / _DIMENSION) rather than a generic validation error.
 */
export class AnalysisQueryDto {
  @IsString() @MinLength(1) @MaxLength(300) measures: string;
  @IsOptional() @IsString() @MaxLength(200) dimensions?: string;
  @IsDay() from: string;
  @IsDay() to: string;
  @IsOptional() @IsIn(['yoy', 'mom']) compare?: 'yoy' | 'mom';
  @IsOptional() @uuids('branchId') branchId?: string;
  @IsOptional() @uuids('officeId') officeId?: string;
  @IsOptional() @uuids('dealerId') dealerId?: string;
  @IsOptional() @uuids('repId') repId?: string;
  @IsOptional() @uuids('productId') productId?: string;
  @IsOptional() @uuids('categoryId') categoryId?: string;
  @IsOptional() @IsString() @MaxLength(500) brand?: string;
  @IsOptional() @Matches(/^(CONSOLE|MALL|VISIT|REPLENISHMENT)(,(CONSOLE|MALL|VISIT|REPLENISHMENT))*$/, { message: 'source must be one or more of CONSOLE, MALL, VISIT, REPLENISHMENT, comma-separated' })
  source?: string;
}

/**
 * The export: the same query, with the language of the file's words and the page's sort (one of the
 * asked measures: `-netSales` highest first, `netSales` lowest first; none: the engine's order), so
 * the file holds the lines the page shows in the page's order.
 */
export class AnalysisExportQueryDto extends AnalysisQueryDto {
  @IsOptional() @IsIn(['zh-CN', 'en']) lang?: 'zh-CN' | 'en';
  @IsOptional() @IsString() @Matches(/^-?[A-Za-z]{1,40}$/, { message: 'sort must be a measure, with - for highest first' }) sort?: string;
}

/** Drill-down: the same query plus the cell (JSON, see AnalysisCell), paged. */
export class AnalysisDocumentsQueryDto extends AnalysisQueryDto {
  @IsOptional() @IsString() @MaxLength(2000) cell?: string;
  @IsOptional() @IsIn(['SHIPMENT', 'RETURN', 'RECEIPT', 'ORDER']) kind?: 'SHIPMENT' | 'RETURN' | 'RECEIPT' | 'ORDER';
  @IsOptional() @IsIn(['current', 'prev']) side?: 'current' | 'prev';
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) page?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE) pageSize?: number;
}

/** A saved view's query: the page's state, in the contract's shape (AnalysisQuery + chart). */
export class AnalysisViewQueryDto {
  @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) measures: string[];
  @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) dimensions: string[];
  @IsDay() from: string;
  @IsDay() to: string;
  @IsOptional() @IsIn(['yoy', 'mom']) compare?: 'yoy' | 'mom';
  @IsOptional() @uuids('branchId') branchId?: string;
  @IsOptional() @uuids('officeId') officeId?: string;
  @IsOptional() @uuids('dealerId') dealerId?: string;
  @IsOptional() @uuids('repId') repId?: string;
  @IsOptional() @uuids('productId') productId?: string;
  @IsOptional() @uuids('categoryId') categoryId?: string;
  @IsOptional() @IsString() @MaxLength(500) brand?: string;
  @IsOptional() @IsString() @MaxLength(100) source?: string;
  @IsOptional() @IsIn(['line', 'bar', 'pie', 'stacked']) chart?: 'line' | 'bar' | 'pie' | 'stacked';
}

export class SaveAnalysisViewDto {
  @IsString() @Matches(/\S/, { message: 'name must not be blank' }) @MaxLength(100) name: string;
  @IsObject() @ValidateNested() @Type(() => AnalysisViewQueryDto) query: AnalysisViewQueryDto;
}
