import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermissions, StaffOnly } from '../../common/auth/permissions.decorator';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { ReadyReportQueryDto } from './ready-reports.dto';
import { ReadyReportsService } from './ready-reports.service';

/** 现成报表 (issue #16): stock days, dealer sell-through, visit KPIs, mall usage, collections. */
@ApiTags('reports')
@ApiBearerAuth()
@StaffOnly()
@Controller('reports/ready')
export class ReadyReportsController {
  constructor(private readonly ready: ReadyReportsService) {}

  /** `:key` one of stockDays, sellThrough, visitKpis, mallUsage, collections (else 404); the shapes are in @drp/shared ready-reports. */
  @Get(':key')
  @RequirePermissions('reports:view')
  report(@Ctx() ctx: RequestContext, @Param('key') key: string, @Query() q: ReadyReportQueryDto) {
    return this.ready.report(ctx, key, q);
  }
}
