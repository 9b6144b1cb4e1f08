import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { StaffOnly } from '../../common/auth/permissions.decorator';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { DashboardService } from './dashboard.service';

/**
 * The home page's KPIs for the caller's role and scope. Every staff user may ask (the tiles are
 * figures the role works with, each within the caller's scope); a role with no KPIs gets none.
 */
@ApiTags('reports')
@ApiBearerAuth()
@StaffOnly()
@Controller('reports')
export class DashboardController {
  constructor(private readonly dashboards: DashboardService) {}

  @Get('dashboard')
  dashboard(@Ctx() ctx: RequestContext) {
    return this.dashboards.dashboard(ctx);
  }
}
