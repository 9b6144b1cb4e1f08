import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsArray, ArrayMaxSize, ArrayMinSize, IsOptional, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { ErrorCode, OrgType } from '@drp/shared';
import { RequirePermissions } from '../../common/auth/permissions.decorator';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { DomainError } from '../../common/errors/domain-error';
import { IsDay } from '../../common/http/validators';
import { DealerReportLineInput, DealerReportQueryDto } from './dealer-report.dto';
import { DealerReportService } from './dealer-report.service';

class MallReportDto {
  @IsDay() date: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(2000) @ValidateNested({ each: true }) @Type(() => DealerReportLineInput) lines: DealerReportLineInput[];
}

class MallReportFormQuery {
  @IsOptional() @IsDay() date?: string;
}

/** A dealer reports its own end-of-day stock and sales from the mall (库存销量上报). */
@ApiTags('mall')
@ApiBearerAuth()
@Controller('mall/reports')
export class MallReportController {
  constructor(private readonly reports: DealerReportService) {}

  /** The products the dealer carries, each with its last reported figures (to prefill the phone form). */
  @Get('form')
  @RequirePermissions('mall:order')
  form(@Ctx() ctx: RequestContext, @Query() q: MallReportFormQuery) {
    return this.reports.form(ctx, ownDealer(ctx), q.date);
  }

  @Post()
  @RequirePermissions('mall:order')
  submit(@Ctx() ctx: RequestContext, @Body() dto: MallReportDto) {
    return this.reports.submit(ctx, { dealerId: ownDealer(ctx), date: dto.date, lines: dto.lines }, 'MALL');
  }

  @Get()
  @RequirePermissions('mall:order')
  list(@Ctx() ctx: RequestContext, @Query() q: DealerReportQueryDto) {
    return this.reports.list(ctx, { ...q, dealerId: ownDealer(ctx) });
  }
}

export function ownDealer(ctx: RequestContext): string {
  if (ctx.actor.orgType !== OrgType.DEALER) throw new DomainError(ErrorCode.MALL_DEALER_ONLY, 'Only a dealer reports from the mall');
  return ctx.actor.orgId;
}
