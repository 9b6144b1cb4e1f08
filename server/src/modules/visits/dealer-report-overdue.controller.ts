import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsUUID } from 'class-validator';
import { RequirePermissions, StaffOnly } from '../../common/auth/permissions.decorator';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { PageQueryDto } from '../../common/http/pagination';
import { DealerReportOverdueService } from './dealer-report-overdue.service';

class RemindDto {
  /** only these dealers (of the overdue ones in scope); omitted: every overdue dealer in scope */
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsUUID('all', { each: true }) dealerIds?: string[];
}

/** 未上报: the dealers in scope without a report within the company's N days, and reminding them. */
@ApiTags('dealer-reports')
@ApiBearerAuth()
@StaffOnly()
@Controller('dealer-reports/overdue')
export class DealerReportOverdueController {
  constructor(private readonly overdue: DealerReportOverdueService) {}

  @Get()
  @RequirePermissions('visits:manage')
  list(@Ctx() ctx: RequestContext, @Query() q: PageQueryDto) {
    return this.overdue.list(ctx, q);
  }

  /** Reminds them now (at most once a day per dealer, whoever reminds): `{ reminded, alreadyToday, notified }`. */
  @Post('remind')
  @HttpCode(200)
  @RequirePermissions('visits:manage')
  remind(@Ctx() ctx: RequestContext, @Body() dto: RemindDto) {
    return this.overdue.remind(ctx, 'MANUAL', dto.dealerIds);
  }
}
