import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDateString, IsEnum, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { ApprovalDocType, ApproverSpec, CODE_PATTERN, ConditionGroup, MissingApproverPolicy } from '@drp/shared';
import { PageQueryDto } from '../../common/http/pagination';

export class StepDto {
  @IsString() @MinLength(1) @MaxLength(100) name: string;
  /** null: the step always applies. Checked against the document type's facts by the service. */
  @ValidateIf((_, v) => v !== null) @IsObject() condition: ConditionGroup | null;
  /** roles relative to the document's branch, or named users (shape checked by the service) */
  @IsArray() @ArrayMaxSize(20) approvers: ApproverSpec[];
  @IsIn(['ANY', 'ALL']) mode: 'ANY' | 'ALL';
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt() @Min(1) @Max(720) timeLimitHours: number | null;
}

export class SaveFlowDto {
  @Matches(CODE_PATTERN, { message: 'code must be 1-32 letters, digits, _ or -, starting with a letter or digit' }) code: string;
  @IsString() @MinLength(1) @MaxLength(100) name: string;
  @IsEnum(ApprovalDocType) docType: ApprovalDocType;
  @IsUUID() orgId: string;
  @IsIn(['ESCALATE_HQ_ADMIN', 'REJECT']) onMissingApprover: MissingApproverPolicy;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => StepDto) steps: StepDto[];
}

export class UpdateFlowDto extends SaveFlowDto {
  @IsInt() @Min(1) version: number;
}

export class FlowQueryDto extends PageQueryDto {
  @IsOptional() @IsEnum(ApprovalDocType) docType?: ApprovalDocType;
}

export class TaskQueryDto extends PageQueryDto {
  /** todo: open tasks of mine; done: ones I decided; submitted: approvals of documents I submitted */
  @IsOptional() @IsIn(['todo', 'done', 'submitted']) box?: 'todo' | 'done' | 'submitted';
}

export class ActDto {
  @IsOptional() @IsString() @MaxLength(500) comment?: string;
}

export class ReasonDto {
  /** required (checked by the service: APPROVAL_REASON_REQUIRED) */
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class DocQueryDto {
  /** omitted: every approval of the document, whatever its type */
  @IsOptional() @IsEnum(ApprovalDocType) docType?: ApprovalDocType;
  @IsUUID() docId: string;
}

export class DelegationDto {
  @IsUUID() delegateId: string;
  @IsDateString() startsAt: string;
  @IsDateString() endsAt: string;
}
