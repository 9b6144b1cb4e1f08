import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsDateString, IsIn, IsInt, IsLatitude, IsLongitude, IsNumber, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { VisitTask } from '@drp/shared';
import { IsDay } from '../../common/http/validators';
import { PageQueryDto } from '../../common/http/pagination';
import { DealerReportLineInput } from './dealer-report.dto';

/** a client id made on the phone: letters, digits, dashes (a uuid fits) */
const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

export class CheckInDto {
  @IsUUID() dealerId: string;
  @IsOptional() @IsUUID() planId?: string;
  @ApiProperty({ example: 39.9227 }) @IsNumber() @IsLatitude() lat: number;
  @ApiProperty({ example: 116.4424 }) @IsNumber() @IsLongitude() lng: number;
  /** the browser's accuracy estimate (metres) */
  @IsOptional() @IsNumber() @Min(0) @Max(1000000) accuracy?: number;
  @ApiProperty({ description: 'made on the phone: a resend with the same id answers the same visit' }) @Matches(CLIENT_ID) clientId: string;
  /** the phone's clock when the rep checked in (kept beside the server's) */
  @IsOptional() @IsDateString() deviceAt?: string;
}

export class CheckOutDto {
  @IsOptional() @IsDateString() deviceAt?: string;
  @IsOptional() @IsString() @MaxLength(2000) notes?: string;
}

export class VisitNotesDto {
  @IsOptional() @IsString() @MaxLength(2000) notes?: string;
  @IsOptional() @IsString() @MaxLength(2000) competitorNotes?: string;
  @IsOptional() @IsString() @MaxLength(2000) displayNotes?: string;
}

export class VisitCountsDto {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(2000) @ValidateNested({ each: true }) @Type(() => DealerReportLineInput) lines: DealerReportLineInput[];
}

export class VisitOrderLineInput {
  @IsUUID() productId: string;
  @ApiProperty({ example: '12' }) @IsString() qty: string;
}

export class VisitOrderDto {
  @IsUUID() warehouseId: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500) @ValidateNested({ each: true }) @Type(() => VisitOrderLineInput) lines: VisitOrderLineInput[];
  @IsOptional() @IsString() @MaxLength(500) remark?: string;
}

export const SYNC_KINDS = ['CHECK_IN', 'CHECK_OUT', 'COUNTS', 'NOTES'] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];

/** One action made on the phone (offline or not); the fields its kind needs are checked by the service. */
export class SyncItemDto {
  @IsIn(SYNC_KINDS) kind: SyncKind;
  @Matches(CLIENT_ID) clientId: string;
  @IsOptional() @IsDateString() deviceAt?: string;
  /** the visit the action belongs to: its server id, or the client id of its check-in (made offline, not yet known to the server) */
  @IsOptional() @IsUUID() visitId?: string;
  @IsOptional() @Matches(CLIENT_ID) visitClientId?: string;
  @IsOptional() @IsUUID() dealerId?: string;
  @IsOptional() @IsUUID() planId?: string;
  @IsOptional() @IsNumber() lat?: number;
  @IsOptional() @IsNumber() lng?: number;
  @IsOptional() @IsNumber() @Min(0) @Max(1000000) accuracy?: number;
  @IsOptional() @IsArray() @ArrayMaxSize(2000) @ValidateNested({ each: true }) @Type(() => DealerReportLineInput) lines?: DealerReportLineInput[];
  @IsOptional() @IsString() @MaxLength(2000) notes?: string;
  @IsOptional() @IsString() @MaxLength(2000) competitorNotes?: string;
  @IsOptional() @IsString() @MaxLength(2000) displayNotes?: string;
}

export class SyncBatchDto {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => SyncItemDto) items: SyncItemDto[];
}

export class VisitPlanDto {
  /** the rep visiting (default: the caller) */
  @IsOptional() @IsUUID() repId?: string;
  @IsUUID() dealerId: string;
  /** the day (a one-off), or the first day of a weekly plan */
  @IsDay() planDate: string;
  @IsOptional() @IsIn(['NONE', 'WEEKLY']) recurrence?: 'NONE' | 'WEEKLY';
  /** ISO weekday 1 (Monday) .. 7 of a weekly plan (default: the first day's) */
  @IsOptional() @IsInt() @Min(1) @Max(7) weekday?: number;
  @IsOptional() @IsDay() untilDate?: string;
  @IsOptional() @IsString() @MaxLength(500) purpose?: string;
  @IsOptional() @IsArray() @ArrayUnique() @IsIn(Object.values(VisitTask), { each: true }) tasks?: VisitTask[];
  @IsOptional() @IsInt() @Min(0) @Max(999) routeOrder?: number;
}

export class VisitPlanUpdateDto {
  @IsOptional() @IsDay() planDate?: string;
  @IsOptional() @IsIn(['NONE', 'WEEKLY']) recurrence?: 'NONE' | 'WEEKLY';
  @IsOptional() @IsInt() @Min(1) @Max(7) weekday?: number;
  @IsOptional() @IsDay() untilDate?: string;
  @IsOptional() @IsString() @MaxLength(500) purpose?: string;
  @IsOptional() @IsArray() @ArrayUnique() @IsIn(Object.values(VisitTask), { each: true }) tasks?: VisitTask[];
  @IsOptional() @IsInt() @Min(0) @Max(999) routeOrder?: number;
  @IsOptional() @IsInt() @Min(1) version?: number;
}

export class VisitPlanQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() repId?: string;
  @IsOptional() @IsUUID() dealerId?: string;
}

export class VisitQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() repId?: string;
  @IsOptional() @IsUUID() dealerId?: string;
  @IsOptional() @IsDay() from?: string;
  @IsOptional() @IsDay() to?: string;
  @IsOptional() @IsIn(['true', 'false']) offSite?: 'true' | 'false';
}

export class DayQueryDto {
  @IsOptional() @IsDay() date?: string;
}

export class RangeQueryDto {
  @IsOptional() @IsDay() from?: string;
  @IsOptional() @IsDay() to?: string;
  @IsOptional() @IsUUID() repId?: string;
}

export class CoverageQueryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(365) days?: number;
}
