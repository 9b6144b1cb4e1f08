import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested,
} from 'class-validator';
import { AgingGroupBy, CreditMode, ReceiptMethod, ReceiptStatus, SettlementMethod, StatementStatus } from '@drp/shared';
import { PageQueryDto } from '../../common/http/pagination';
import { IsDay, IsDecimal } from '../../common/http/validators';


export class CreditAccountQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() branchId?: string;
  @IsOptional() @IsEnum(CreditMode) mode?: CreditMode;
  @IsOptional() @IsIn(['true', 'false']) overLimit?: 'true' | 'false';
}

export class UpdateCreditAccountDto {
  @IsDecimal(2, { min: '0' }) limit: string;
  @IsEnum(CreditMode) mode: CreditMode;
  @IsInt() @Min(0) @Max(3650) creditDays: number;
  @IsOptional() @IsBoolean() blockOnOverdue?: boolean;
  @IsOptional() @IsEnum(SettlementMethod) settlementMethod?: SettlementMethod;
  /** the version read; 0 for a dealer without settings yet */
  @IsOptional() @IsInt() @Min(0) version?: number;
}

export class AllocationItemDto {
  @IsUUID() receivableId: string;
  @IsDecimal(2) amount: string;
}

export class CreateReceiptDto {
  @IsUUID() dealerId: string;
  /** above 0 (checked by the service: INVALID_AMOUNT) */
  @IsDecimal(2) amount: string;
  @IsEnum(ReceiptMethod) method: ReceiptMethod;
  @IsOptional() @IsString() @MaxLength(64) bankRef?: string;
  /** defaults to today; never in the future */
  @IsOptional() @IsDay() businessDate?: string;
  @IsOptional() @IsString() @MaxLength(500) remark?: string;
  /** omitted: oldest receivables first; [] keeps it all as a prepayment */
  @IsOptional() @IsArray() @ArrayMaxSize(500) @ValidateNested({ each: true }) @Type(() => AllocationItemDto) allocations?: AllocationItemDto[];
}

export class AllocateDto {
  @IsOptional() @IsArray() @ArrayMaxSize(500) @ValidateNested({ each: true }) @Type(() => AllocationItemDto) allocations?: AllocationItemDto[];
}

export class ReverseReceiptDto {
  @IsString() @MinLength(1) @MaxLength(200) reason: string;
}

export class ReceiptQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() dealerId?: string;
  @IsOptional() @IsEnum(ReceiptStatus) status?: ReceiptStatus;
  @IsOptional() @IsEnum(ReceiptMethod) method?: ReceiptMethod;
  @IsOptional() @IsDay() from?: string;
  @IsOptional() @IsDay() to?: string;
}

export class ReceivableQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() dealerId?: string;
  @IsOptional() @IsUUID() branchId?: string;
  @IsOptional() @IsUUID() salesRepId?: string;
  @IsOptional() @IsIn(['true', 'false']) open?: 'true' | 'false';
  @IsOptional() @IsIn(['true', 'false']) overdue?: 'true' | 'false';
}

export class LedgerQueryDto {
  @IsUUID() dealerId: string;
  @IsDay() from: string;
  @IsDay() to: string;
}

export class AgingQueryDto {
  @IsOptional() @IsIn(['dealer', 'branch', 'salesRep']) groupBy?: AgingGroupBy;
  /** upper bounds of the buckets in days past due, e.g. "30,60,90" */
  @IsOptional() @Matches(/^\d{1,4}(,\d{1,4}){0,9}$/, { message: 'buckets must be days separated by commas, e.g. 30,60,90' }) buckets?: string;
  @IsOptional() @IsDay() asOf?: string;
  @IsOptional() @IsUUID() branchId?: string;
  @IsOptional() @IsUUID() dealerId?: string;
}

export class GenerateStatementDto {
  @IsUUID() dealerId: string;
  @IsDay() from: string;
  @IsDay() to: string;
}

export class MonthEndDto {
  @IsOptional() @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM' }) month?: string;
}

export class StatementListQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() dealerId?: string;
  @IsOptional() @IsEnum(StatementStatus) status?: StatementStatus;
  @IsOptional() @IsDay() from?: string;
  @IsOptional() @IsDay() to?: string;
}

export class RespondStatementDto {
  @IsOptional() @IsString() @MaxLength(500) comment?: string;
  @IsOptional() @IsInt() @Min(1) version?: number;
}
