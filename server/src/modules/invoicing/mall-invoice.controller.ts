import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { assertMallDealer, MallDealerGuard } from '../mall/mall-dealer';
import { InvoiceQueryDto, NotReceivedDto } from './invoice.dto';
import { InvoiceService } from './invoice.service';

/** The dealer's own invoices in the mall: list, detail, file download, "not received" flag. Always the caller's own dealer. */
@ApiTags('mall')
@ApiBearerAuth()
@UseGuards(MallDealerGuard)
@Controller('mall/invoices')
export class MallInvoiceController {
  constructor(private readonly invoices: InvoiceService) {}

  @Get()
  list(@Ctx() ctx: RequestContext, @Query() q: InvoiceQueryDto) {
    return this.invoices.mallList(ctx, assertMallDealer(ctx.user).orgId, q);
  }

  @Get(':id')
  async get(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    await this.invoices.assertDealerOwns(ctx, assertMallDealer(ctx.user).orgId, id);
    return this.invoices.detail(ctx, id);
  }

  @Get(':id/attachments/:attachmentId')
  async attachment(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Param('attachmentId', ParseUUIDPipe) attachmentId: string) {
    await this.invoices.assertDealerOwns(ctx, assertMallDealer(ctx.user).orgId, id);
    return this.invoices.attachmentFile(ctx, id, attachmentId);
  }

  @Post(':id/not-received')
  @HttpCode(200)
  notReceived(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: NotReceivedDto) {
    return this.invoices.flagNotReceived(ctx, assertMallDealer(ctx.user).orgId, id, dto.note);
  }
}
