import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { RequirePermissions } from '../../common/auth/permissions.decorator';
import { AnalysisDocumentsQueryDto, AnalysisExportQueryDto, AnalysisQueryDto, SaveAnalysisViewDto } from './analysis.dto';
import { AnalysisExportService } from './analysis-export.service';
import { AnalysisService } from './analysis.service';
import { AnalysisViewsService } from './analysis-views.service';

/** 多维分析 (issue #16): the pivot, its drill-down, its Excel export and the user's saved views. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports/analysis')
export class AnalysisController {
  constructor(
    private readonly analysis: AnalysisService,
    private readonly exporter: AnalysisExportService,
    private readonly views: AnalysisViewsService,
  ) {}

  /** `?measures=netSales,grossMargin&dimensions=branch,month&from=&to=&compare=yoy` → rows, subtotals, totals (shared/src/analysis.ts). */
  @Get()
  @RequirePermissions('reports:view')
  analyse(@Ctx() ctx: RequestContext, @Query() q: AnalysisQueryDto) {
    return this.analysis.analyse(ctx, q);
  }

  /** The documents behind a cell (`cell={"month":"2026-11",...}`), paged. */
  @Get('documents')
  @RequirePermissions('reports:view')
  documents(@Ctx() ctx: RequestContext, @Query() q: AnalysisDocumentsQueryDto) {
    return this.analysis.documents(ctx, q);
  }

  /** The same query as an .xlsx workbook (every row, streamed). */
  @Get('export')
  @RequirePermissions('reports:view')
  async export(@Ctx() ctx: RequestContext, @Query() q: AnalysisExportQueryDto, @Res() res: Response): Promise<void> {
    await this.exporter.export(ctx, q, res);
  }

  @Get('views')
  @RequirePermissions('reports:view')
  listViews(@Ctx() ctx: RequestContext) {
    return this.views.list(ctx);
  }

  @Post('views')
  @RequirePermissions('reports:view')
  saveView(@Ctx() ctx: RequestContext, @Body() dto: SaveAnalysisViewDto) {
    return this.views.save(ctx, dto);
  }

  @Delete('views/:id')
  @HttpCode(204)
  @RequirePermissions('reports:view')
  async deleteView(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.views.remove(ctx, id);
  }
}
