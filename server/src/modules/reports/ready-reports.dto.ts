import { IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination';
import { IsDay } from '../../common/http/validators';

/**
 * `GET /api/reports/ready/:key` (shared/src/ready-reports.ts). The period is checked by the
 * service (from <= to, at most READY_REPORT_LIMITS.maxDays): 400 VALIDATION_FAILED naming `from`.
 */
export class ReadyReportQueryDto extends PageQueryDto {
  @IsOptional() @IsDay() from?: string;
  @IsOptional() @IsDay() to?: string;
  @IsOptional() @IsUUID() branchId?: string;
  @IsOptional() @IsUUID() warehouseId?: string;
  @IsOptional() @IsUUID() dealerId?: string;
}
