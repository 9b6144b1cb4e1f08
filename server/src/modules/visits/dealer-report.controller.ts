import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermissions, StaffOnly } from '../../common/auth/permissions.decorator';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { DealerReportDto, DealerReportQueryDto } from './dealer-report.dto';
import { DealerReportService } from './dealer-report.service';

/** Dealer stock and sales reports (库存销量上报) as staff see and enter them; dealers report from the mall. */
@ApiTags('dealer-reports')
@ApiBearerAuth()
@Controller('dealer-reports')
export class DealerReportController {
  constructor(private readonly reports: DealerReportService) {}

  /** One current figure per dealer, product and date: a later report supersedes it (history kept). */
  @Post()
  @StaffOnly()
  @RequirePermissions('visits:manage')
  submit(@Ctx() ctx: RequestContext, @Body() dto: DealerReportDto) {
    return this.reports.submit(ctx, dto, dto.source ?? 'CONSOLE');
  }

  @Get()
  @RequirePermissions('orgs:view')
  list(@Ctx() ctx: RequestContext, @Query() q: DealerReportQueryDto) {
    return this.reports.list(ctx, q);
  }

  @Get(':id/history')
  @RequirePermissions('orgs:view')
  history(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.reports.history(ctx, id);
  }
}
