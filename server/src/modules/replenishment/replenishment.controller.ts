import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { xlsxFile } from '../catalog/excel/sheet';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermissions, StaffOnly } from '../../common/auth/permissions.decorator';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { LineQueryDto, LineUpdateDto, OrdersFromRunDto, ReplenishmentSettingsDto, ReplenishmentSettingsQueryDto, RunDto, ToCartDto } from './replenishment.dto';
import { ReplenishmentService } from './replenishment.service';

/** Smart replenishment (智能补货): settings, runs, the worksheet and orders out. Staff only. */
@ApiTags('replenishment')
@ApiBearerAuth()
@StaffOnly()
@Controller('replenishment')
export class ReplenishmentController {
  constructor(private readonly replenishment: ReplenishmentService) {}

  /** The parameters that apply to an organisation (and product), where they come from, and the overrides set on it. */
  @Get('settings')
  @RequirePermissions('replenishment:manage')
  settings(@Ctx() ctx: RequestContext, @Query() q: ReplenishmentSettingsQueryDto) {
    return this.replenishment.effectiveSettings(ctx, q.orgId, q.productId);
  }

  @Put('settings')
  @RequirePermissions('replenishment:manage')
  saveSettings(@Ctx() ctx: RequestContext, @Body() dto: ReplenishmentSettingsDto) {
    return this.replenishment.saveSettings(ctx, dto);
  }

  @Delete('settings/:id')
  @HttpCode(204)
  @RequirePermissions('replenishment:manage')
  removeSettings(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.replenishment.removeSettings(ctx, id);
  }

  @Post('runs')
  @RequirePermissions('replenishment:manage')
  run(@Ctx() ctx: RequestContext, @Body() dto: RunDto) {
    return this.replenishment.run(ctx, dto);
  }

  @Get('runs')
  @RequirePermissions('replenishment:manage')
  runs(@Ctx() ctx: RequestContext, @Query() q: LineQueryDto) {
    return this.replenishment.runs(ctx, q);
  }

  @Get('runs/:id')
  @RequirePermissions('replenishment:manage')
  getRun(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.replenishment.getRun(ctx, id);
  }

  @Get('runs/:id/lines')
  @RequirePermissions('replenishment:manage')
  lines(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Query() q: LineQueryDto) {
    return this.replenishment.lines(ctx, id, q);
  }

  @Patch('lines/:id')
  @RequirePermissions('replenishment:manage')
  updateLine(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: LineUpdateDto) {
    return this.replenishment.updateLine(ctx, id, dto);
  }

  /** Draft sales orders (source REPLENISHMENT), one per dealer and warehouse. */
  @Post('runs/:id/orders')
  @RequirePermissions('replenishment:manage', 'orders:create')
  createOrders(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: OrdersFromRunDto) {
    return this.replenishment.createOrders(ctx, id, dto);
  }

  /** A dealer's current suggestion (sent to its mall, else the latest run's), for the rep in the field. */
  @Get('dealers/:dealerId/current')
  @RequirePermissions('replenishment:manage')
  currentForDealer(@Ctx() ctx: RequestContext, @Param('dealerId', ParseUUIDPipe) dealerId: string) {
    return this.replenishment.currentForDealer(ctx, dealerId);
  }

  @Get('runs/:id/export')
  @RequirePermissions('replenishment:manage')
  async exportLines(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Query() q: LineQueryDto) {
    const { name, data } = await this.replenishment.exportLines(ctx, id, q);
    return xlsxFile(data, name);
  }

  /** Sends suggested lines to the dealers' mall (补货建议). */
  @Post('runs/:id/send')
  @HttpCode(200)
  @RequirePermissions('replenishment:manage')
  send(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: OrdersFromRunDto) {
    return this.replenishment.sendToMall(ctx, id, dto);
  }
}

/** The dealer's own suggestion in the mall (补货建议). */
@ApiTags('mall')
@ApiBearerAuth()
@Controller('mall/replenishment')
export class MallReplenishmentController {
  constructor(private readonly replenishment: ReplenishmentService) {}

  @Get()
  @RequirePermissions('mall:order')
  suggestion(@Ctx() ctx: RequestContext) {
    return this.replenishment.mallSuggestion(ctx);
  }

  /** Adds the suggested lines (all, or those named) to the cart. */
  @Post('cart')
  @HttpCode(200)
  @RequirePermissions('mall:order')
  toCart(@Ctx() ctx: RequestContext, @Body() dto: ToCartDto) {
    return this.replenishment.suggestionToCart(ctx, dto.lineIds);
  }
}
