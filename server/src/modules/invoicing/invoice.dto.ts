import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsEnum, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, MinLength, ValidateNested,
} from 'class-validator';
import { InvoiceKind, InvoiceSource, InvoiceStatus, INVOICE_TYPES, RECON_CATEGORIES, RedReason } from '@drp/shared';
import { PageQueryDto } from '../../common/http/pagination';
import { IsDay, IsDecimal } from '../../common/http/validators';


/** The register's filters (and its export's). `q`: a 数电 number, an 8-digit number, a code + number, a tax id or a name. */
export class InvoiceQueryDto extends PageQueryDto {
  @IsOptional() @IsDay() from?: string;
  @IsOptional() @IsDay() to?: string;
  @IsOptional() @IsUUID() dealerId?: string;
  @IsOptional() @IsUUID() branchId?: string;
  @IsOptional() @IsEnum(InvoiceStatus) status?: InvoiceStatus;
  @IsOptional() @IsIn(INVOICE_TYPES) type?: string;
  @IsOptional() @IsEnum(InvoiceSource) source?: InvoiceSource;
  @IsOptional() @IsEnum(InvoiceKind) kind?: InvoiceKind;
  @IsOptional() @IsDecimal(2) minTotal?: string;
  @IsOptional() @IsDecimal(2) maxTotal?: string;
  @IsOptional() @IsIn(['true', 'false']) invalidTaxId?: 'true' | 'false';
  @IsOptional() @IsIn(['true', 'false']) notReceived?: 'true' | 'false';
}

export class UninvoicedQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() dealerId?: string;
  @IsOptional() @IsUUID() branchId?: string;
  @IsOptional() @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM' }) month?: string;
}

export class InvoiceLineInputDto {
  @IsUUID() shipmentLineId: string;
  @IsDecimal(3, { positive: true }) qty: string;
  /** the tax-inclusive value invoiced (价税合计 of the line); default qty x the line's unit price */
  @IsOptional() @IsDecimal(2, { positive: true }) amount?: string;
}

class InvoiceNumberFields {
  @IsOptional() @IsString() @MaxLength(40) elecNumber?: string;
  @IsOptional() @IsString() @MaxLength(40) code?: string;
  @IsOptional() @IsString() @MaxLength(40) number?: string;
}

export class CreateInvoiceDto extends InvoiceNumberFields {
  @IsUUID() dealerId: string;
  @IsIn(INVOICE_TYPES) type: string;
  @IsDay() issueDate: string;
  @IsOptional() @IsString() @MaxLength(50) issuer?: string;
  @IsOptional() @IsString() @MaxLength(500) remark?: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500) @ValidateNested({ each: true }) @Type(() => InvoiceLineInputDto) lines: InvoiceLineInputDto[];
}

export class EditInvoiceDto {
  @IsOptional() @IsString() @MaxLength(500) remark?: string | null;
  @IsOptional() @IsString() @MaxLength(50) issuer?: string | null;
  @IsInt() @Min(1) version: number;
}

export class RedLineDto {
  @IsUUID() invoiceLineId: string;
  @IsOptional() @IsDecimal(3, { positive: true }) qty?: string;
  /** the tax-inclusive value taken back from the line (positive) */
  @IsDecimal(2, { positive: true }) amount: string;
}

export class RedInvoiceDto extends InvoiceNumberFields {
  /** the red invoice's type; default the blue's */
  @IsOptional() @IsIn(INVOICE_TYPES) type?: string;
  @IsDay() issueDate: string;
  @IsEnum(RedReason) reason: RedReason;
  @IsString() @MinLength(1) @MaxLength(40) confirmationNo: string;
  @IsBoolean() full: boolean;
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500) @ValidateNested({ each: true }) @Type(() => RedLineDto) lines?: RedLineDto[];
  @IsOptional() @IsString() @MaxLength(500) remark?: string;
}

export class VoidInvoiceDto {
  @IsString() @MinLength(1) @MaxLength(500) reason: string;
}

export class NotReceivedDto {
  @IsOptional() @IsString() @MaxLength(500) note?: string;
}

export class SupplementLineDto {
  @IsString() @MinLength(1) @MaxLength(200) name: string;
  @IsOptional() @IsString() @MaxLength(100) spec?: string;
  @IsOptional() @IsString() @MaxLength(20) unit?: string;
  @IsOptional() @IsDecimal(3) qty?: string;
  @IsOptional() @IsDecimal(4) unitPrice?: string;
  @IsDecimal(2) amount: string;
  @IsDecimal(4, { min: '0' }) taxRate: string;
  @IsDecimal(2) tax: string;
}

/** The `data` field of a supplementary entry (multipart beside the file). */
export class SupplementDto extends InvoiceNumberFields {
  @IsIn(INVOICE_TYPES) type: string;
  @IsDay() issueDate: string;
  @IsString() @MinLength(1) @MaxLength(200) sellerName: string;
  @IsString() @MaxLength(20) sellerTaxId: string;
  @IsString() @MinLength(1) @MaxLength(200) buyerName: string;
  @IsString() @MaxLength(20) buyerTaxId: string;
  @IsDecimal(2) amount: string;
  @IsDecimal(2) tax: string;
  @IsDecimal(2) total: string;
  @IsString() @MinLength(1) @MaxLength(500) reason: string;
  @IsOptional() @IsEnum(InvoiceKind) kind?: InvoiceKind;
  @IsOptional() @IsEnum(InvoiceStatus) status?: InvoiceStatus;
  @IsOptional() @IsString() @MaxLength(500) remark?: string;
  @IsOptional() @IsUUID() findingId?: string;
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => SupplementLineDto) lines?: SupplementLineDto[];
}

export class SupplementQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(['PENDING_APPROVAL', 'APPROVED', 'REJECTED']) status?: string;
}

export class FindingQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(RECON_CATEGORIES) category?: string;
  @IsOptional() @IsIn(['true', 'false']) open?: 'true' | 'false';
}

export class ExplainFindingDto {
  @IsString() @MinLength(1) @MaxLength(500) note: string;
}

export class CompareRunsDto {
  @IsUUID() a: string;
  @IsUUID() b: string;
}
