import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { RequirePermissions } from '../../common/auth/permissions.decorator';
import { Idempotent } from '../../common/http/idempotency.interceptor';
import {
  BackorderQueryDto, CreateOrderDto, CreateReturnDto, CreateShipmentDto, LogisticsDto, OrderQueryDto, PreviewOrderDto, ReasonDto, ReturnQueryDto, ReviewOrderDto, ShipmentQueryDto, SubmitOrderDto,
  UpdateOrderDto, VersionDto,
} from './sales.dto';
import { SalesOrderService } from './sales-order.service';
import { ShipmentService } from './shipment.service';

@ApiTags('sales')
@ApiBearerAuth()
@Controller()
export class SalesController {
  constructor(
    private readonly orders: SalesOrderService,
    private readonly shipments: ShipmentService,
  ) {}

  /** 销售订单 in scope with totals over the whole filter (`status` may list several, comma separated). */
  @Get('sales-orders')
  @RequirePermissions('orders:view')
  list(@Ctx() ctx: RequestContext, @Query() q: OrderQueryDto) {
    return this.orders.list(ctx, q);
  }

  /** Live prices, totals and the credit the order would meet; writes nothing. */
  @Post('sales-orders/preview')
  @HttpCode(200)
  @RequirePermissions('orders:view')
  preview(@Ctx() ctx: RequestContext, @Body() dto: PreviewOrderDto) {
    return this.orders.preview(ctx, dto);
  }

  /** 缺货/待补: approved orders' lines waiting for stock in scope, oldest approval first, with the total waiting. */
  @Get('backorders')
  @RequirePermissions('orders:view')
  backorders(@Ctx() ctx: RequestContext, @Query() q: BackorderQueryDto) {
    return this.orders.backorders(ctx, q);
  }

  /** The order's stock per line (ordered, reserved, available, short) and its dealer's credit figures: what an approver decides on. */
  @Get('sales-orders/:id/stock-position')
  @RequirePermissions('orders:view')
  stockPosition(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.orders.stockPosition(ctx, id);
  }

  @Get('sales-orders/:id')
  @RequirePermissions('orders:view')
  get(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.orders.get(ctx, id);
  }

  /** A DRAFT order, or submitted at once with `submit: true`. Honours Idempotency-Key. */
  @Post('sales-orders')
  @Idempotent({ replay: 'get' })
  @RequirePermissions('orders:create')
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateOrderDto) {
    return this.orders.create(ctx, dto);
  }

  @Put('sales-orders/:id')
  @RequirePermissions('orders:create')
  update(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateOrderDto) {
    return this.orders.update(ctx, id, dto);
  }

  /** Credit check under the dealer's lock, then approval; 422 CREDIT_LIMIT_EXCEEDED with the figures in BLOCK mode. */
  @Post('sales-orders/:id/submit')
  @HttpCode(200)
  @RequirePermissions('orders:create')
  submit(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: SubmitOrderDto) {
    return this.orders.submit(ctx, id, dto);
  }

  /** Customer service accepts (into credit and approval) or rejects a PENDING_REVIEW mall order. */
  @Post('sales-orders/:id/review')
  @HttpCode(200)
  @RequirePermissions('orders:review')
  review(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ReviewOrderDto) {
    return this.orders.review(ctx, id, dto);
  }

  @Post('sales-orders/:id/cancel')
  @HttpCode(200)
  @RequirePermissions('orders:create')
  cancel(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ReasonDto) {
    return this.orders.cancel(ctx, id, dto);
  }

  @Post('sales-orders/:id/reopen')
  @HttpCode(200)
  @RequirePermissions('orders:create')
  reopen(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: VersionDto) {
    return this.orders.reopen(ctx, id, dto.version);
  }

  /** A new DRAFT with the same lines priced today; it inherits no approval. */
  @Post('sales-orders/:id/copy')
  @RequirePermissions('orders:create')
  copy(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.orders.copy(ctx, id);
  }

  @Post('sales-orders/:id/complete')
  @HttpCode(200)
  @RequirePermissions('shipments:manage')
  complete(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: VersionDto) {
    return this.orders.complete(ctx, id, dto.version);
  }

  @Get('shipments')
  @RequirePermissions('orders:view')
  listShipments(@Ctx() ctx: RequestContext, @Query() q: ShipmentQueryDto) {
    return this.shipments.listShipments(ctx, q);
  }

  @Get('shipments/:id')
  @RequirePermissions('orders:view')
  getShipment(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.shipments.getShipment(ctx, id);
  }

  /** 发货: the lines given (default: all that is left); posts the receivable. Honours Idempotency-Key. */
  @Post('shipments')
  @Idempotent({ replay: 'getShipment' })
  @RequirePermissions('shipments:manage')
  ship(@Ctx() ctx: RequestContext, @Body() dto: CreateShipmentDto) {
    return this.shipments.ship(ctx, dto);
  }

  @Patch('shipments/:id/logistics')
  @RequirePermissions('shipments:manage')
  logistics(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: LogisticsDto) {
    return this.shipments.updateLogistics(ctx, id, dto);
  }

  @Get('returns')
  @RequirePermissions('orders:view')
  listReturns(@Ctx() ctx: RequestContext, @Query() q: ReturnQueryDto) {
    return this.shipments.listReturns(ctx, q);
  }

  @Get('returns/:id')
  @RequirePermissions('orders:view')
  getReturn(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.shipments.getReturn(ctx, id);
  }

  /** 退货 against a shipment: stock comes back, the receivable is credited. */
  @Post('returns')
  @Idempotent({ replay: 'getReturn' })
  @RequirePermissions('shipments:manage')
  createReturn(@Ctx() ctx: RequestContext, @Body() dto: CreateReturnDto) {
    return this.shipments.createReturn(ctx, dto);
  }
}
