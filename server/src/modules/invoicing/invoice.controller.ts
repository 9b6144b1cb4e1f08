import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { RequirePermissions } from '../../common/auth/permissions.decorator';
import { Idempotent } from '../../common/http/idempotency.interceptor';
import { xlsxFile } from '../catalog/excel/sheet';
import { CreateInvoiceDto, EditInvoiceDto, InvoiceQueryDto, RedInvoiceDto, SupplementQueryDto, UninvoicedQueryDto, VoidInvoiceDto } from './invoice.dto';
import { InvoiceService } from './invoice.service';
import { RegisterImportService } from './register-import.service';
import { parseSupplementData, SupplementService } from './supplement.service';
import { invoiceFileUpload, uploadedWorkbook, workbookUpload } from './uploads';

/** The invoice register (发票台账): lookup, uninvoiced shipments, issuing, red-letter, voiding, files, import, supplementary entry. */
@ApiTags('invoices')
@ApiBearerAuth()
@Controller('invoices')
export class InvoiceController {
  constructor(
    private readonly invoices: InvoiceService,
    private readonly supplements: SupplementService,
    private readonly imports: RegisterImportService,
  ) {}

  /** `q`: a 20-digit 数电 number, an 8-digit number, a code + number in any spacing, a tax id, or a name. */
  @Get()
  @RequirePermissions('invoices:view')
  list(@Ctx() ctx: RequestContext, @Query() q: InvoiceQueryDto) {
    return this.invoices.list(ctx, q);
  }

  @Get('export')
  @RequirePermissions('invoices:view')
  async export(@Ctx() ctx: RequestContext, @Query() q: InvoiceQueryDto) {
    return xlsxFile(await this.invoices.export(ctx, q), `发票台账-${this.invoices.today().replace(/-/g, '')}.xlsx`);
  }

  @Get('uninvoiced')
  @RequirePermissions('invoices:view')
  uninvoiced(@Ctx() ctx: RequestContext, @Query() q: UninvoicedQueryDto) {
    return this.invoices.uninvoiced(ctx, q);
  }

  @Get('tax-id-problems')
  @RequirePermissions('invoices:view')
  taxIdProblems(@Ctx() ctx: RequestContext) {
    return this.invoices.taxIdProblems(ctx);
  }

  @Get('not-received')
  @RequirePermissions('invoices:view')
  notReceived(@Ctx() ctx: RequestContext, @Query() q: InvoiceQueryDto) {
    return this.invoices.notReceived(ctx, q);
  }

  @Get('supplementary')
  @RequirePermissions('invoices:view')
  supplementList(@Ctx() ctx: RequestContext, @Query() q: SupplementQueryDto) {
    return this.supplements.list(ctx, q);
  }

  @Get('supplementary/:id')
  @RequirePermissions('invoices:view')
  supplement(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.supplements.get(ctx, id);
  }

  /** multipart: `file` (the invoice's PDF / OFD / image) + `data` (JSON); answers `{ id, trackingNumber, status }` and more. */
  @Post('supplementary')
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(invoiceFileUpload)
  @RequirePermissions('invoices:edit')
  createSupplement(@Ctx() ctx: RequestContext, @Body('data') data: unknown, @UploadedFile() file?: Express.Multer.File) {
    return this.supplements.create(ctx, parseSupplementData(data), file);
  }

  /** The 发票基础信息 layout; all or nothing: 400 VALIDATION_FAILED with details.problems [{ row, column, code }]. */
  @Post('import')
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(workbookUpload)
  @RequirePermissions('invoices:edit')
  async import(@Ctx() ctx: RequestContext, @UploadedFile() f?: Express.Multer.File) {
    const file = uploadedWorkbook(f);
    try {
      return await this.imports.import(ctx, file);
    } finally {
      await file.done();
    }
  }

  @Post()
  @Idempotent()
  @RequirePermissions('invoices:edit')
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateInvoiceDto) {
    return this.invoices.create(ctx, dto);
  }

  @Get(':id')
  @RequirePermissions('invoices:view')
  get(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.invoices.get(ctx, id);
  }

  @Patch(':id')
  @RequirePermissions('invoices:edit')
  edit(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: EditInvoiceDto) {
    return this.invoices.edit(ctx, id, dto);
  }

  @Post(':id/red')
  @Idempotent()
  @RequirePermissions('invoices:edit')
  red(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: RedInvoiceDto) {
    return this.invoices.red(ctx, id, dto);
  }

  @Post(':id/void')
  @HttpCode(200)
  @RequirePermissions('invoices:edit')
  void(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: VoidInvoiceDto) {
    return this.invoices.void(ctx, id, dto);
  }

  @Post(':id/attachments')
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(invoiceFileUpload)
  @RequirePermissions('invoices:edit')
  addAttachment(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @UploadedFile() file?: Express.Multer.File) {
    return this.invoices.addAttachment(ctx, id, file);
  }

  @Get(':id/attachments/:attachmentId')
  @RequirePermissions('invoices:view')
  attachment(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Param('attachmentId', ParseUUIDPipe) attachmentId: string) {
    return this.invoices.visibleAttachment(ctx, id, attachmentId);
  }
}
