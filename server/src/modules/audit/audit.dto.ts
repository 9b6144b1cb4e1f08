import { IsDateString, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination';

export class AuditQueryDto extends PageQueryDto {
  /** org, user, role, auth */
  @IsOptional() @IsString() @MaxLength(40) entity?: string;
  @IsOptional() @IsUUID() entityId?: string;
  @IsOptional() @IsUUID() actorId?: string;
  @IsOptional() @IsString() @MaxLength(40) action?: string;
  /** first business day, YYYY-MM-DD */
  @IsOptional() @IsDateString({ strict: true }) from?: string;
  /** last business day, YYYY-MM-DD (inclusive) */
  @IsOptional() @IsDateString({ strict: true }) to?: string;
}
