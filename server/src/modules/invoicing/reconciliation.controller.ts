import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { RequirePermissions } from '../../common/auth/permissions.decorator';
import { PageQueryDto } from '../../common/http/pagination';
import { xlsxFile } from '../catalog/excel/sheet';
import { CompareRunsDto, ExplainFindingDto, FindingQueryDto } from './invoice.dto';
import { ReconciliationService } from './reconciliation.service';
import { uploadedWorkbook, workbookUpload } from './uploads';

/** Reconciliation against the tax platform's 全量发票查询 export (发票对账). */
@ApiTags('invoices')
@ApiBearerAuth()
@Controller('invoice-reconciliations')
export class ReconciliationController {
  constructor(private readonly recon: ReconciliationService) {}

  /** multipart `file`: the workbook exactly as exported; 201 the run with its counts. */
  @Post()
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(workbookUpload)
  @RequirePermissions('invoices:reconcile')
  async run(@Ctx() ctx: RequestContext, @UploadedFile() f?: Express.Multer.File) {
    const file = uploadedWorkbook(f);
    try {
      return await this.recon.run(ctx, file);
    } finally {
      await file.done();
    }
  }

  @Get()
  @RequirePermissions('invoices:reconcile')
  list(@Ctx() ctx: RequestContext, @Query() q: PageQueryDto) {
    return this.recon.list(ctx, q);
  }

  @Get('compare')
  @RequirePermissions('invoices:reconcile')
  compare(@Ctx() ctx: RequestContext, @Query() q: CompareRunsDto) {
    return this.recon.compare(ctx, q.a, q.b);
  }

  @Get(':id')
  @RequirePermissions('invoices:reconcile')
  get(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.recon.get(ctx, id);
  }

  @Get(':id/export')
  @RequirePermissions('invoices:reconcile')
  async export(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    const { name, data } = await this.recon.export(ctx, id);
    return xlsxFile(data, name);
  }

  @Get(':id/findings')
  @RequirePermissions('invoices:reconcile')
  findings(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Query() q: FindingQueryDto) {
    return this.recon.findings(ctx, id, q);
  }

  @Get(':id/findings/:findingId')
  @RequirePermissions('invoices:reconcile')
  finding(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Param('findingId', ParseUUIDPipe) findingId: string) {
    return this.recon.finding(ctx, id, findingId);
  }

  @Get(':id/findings/:findingId/prefill')
  @RequirePermissions('invoices:reconcile')
  prefill(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Param('findingId', ParseUUIDPipe) findingId: string) {
    return this.recon.prefill(ctx, id, findingId);
  }

  @Post(':id/findings/:findingId/explain')
  @HttpCode(200)
  @RequirePermissions('invoices:reconcile')
  explain(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Param('findingId', ParseUUIDPipe) findingId: string, @Body() dto: ExplainFindingDto) {
    return this.recon.explain(ctx, id, findingId, dto.note);
  }

  @Post(':id/findings/:findingId/correct-status')
  @HttpCode(200)
  @RequirePermissions('invoices:reconcile', 'invoices:edit')
  correctStatus(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Param('findingId', ParseUUIDPipe) findingId: string) {
    return this.recon.correctStatus(ctx, id, findingId);
  }
}
