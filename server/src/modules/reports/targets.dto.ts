import { ApiProperty } from '@nestjs/swagger';
import { MONTH_RE } from '@drp/shared';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination';
import { IsDecimal, IsDay } from '../../common/http/validators';

const IsMonth = () => Matches(MONTH_RE, { message: 'month must be a month YYYY-MM' });

export class TargetQueryDto extends PageQueryDto {
  /** one month, YYYY-MM */
  @IsOptional() @IsMonth() month?: string;
  /** every month of a year */
  @IsOptional() @Type(() => Number) @IsInt() @Min(2000) @Max(2100) year?: number;
  @IsOptional() @IsIn(['ORG', 'REP']) kind?: 'ORG' | 'REP';
}

export class CreateTargetDto {
  @ApiProperty({ example: '2026-12' }) @IsMonth() month: string;
  /** a branch or office (exactly one of orgId / repId) */
  @IsOptional() @IsUUID() orgId?: string;
  /** a sales rep (a staff user) */
  @IsOptional() @IsUUID() repId?: string;
  @ApiProperty({ example: '300000.00' }) @IsDecimal(2, { min: '0' }) salesTarget: string;
  @ApiProperty({ example: '250000.00' }) @IsDecimal(2, { min: '0' }) collectionTarget: string;
}

export class UpdateTargetDto {
  @ApiProperty({ example: '300000.00' }) @IsDecimal(2, { min: '0' }) salesTarget: string;
  @ApiProperty({ example: '250000.00' }) @IsDecimal(2, { min: '0' }) collectionTarget: string;
  /** the version read (a stale edit answers 409) */
  @IsInt() @Min(1) version: number;
}

export class AchievementQueryDto {
  @ApiProperty({ example: '2026-12' }) @IsMonth() month: string;
  @IsOptional() @IsIn(['ORG', 'REP']) kind?: 'ORG' | 'REP';
  /** figures as of this business day (default today): for a look back at a day */
  @IsOptional() @IsDay() asOf?: string;
}

export class TargetExportQueryDto {
  @Type(() => Number) @IsInt() @Min(2000) @Max(2100) year: number;
}
