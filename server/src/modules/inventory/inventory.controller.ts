import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { RequirePermissions } from '../../common/auth/permissions.decorator';
import { Idempotent } from '../../common/http/idempotency.interceptor';
import { StockDocService } from './stock-doc.service';
import { StockService } from './stock.service';
import { WarehouseService } from './warehouse.service';
import {
  CreateStockDocDto, CreateWarehouseDto, MovementQueryDto, SetThresholdDto, StockDocQueryDto, StockQueryDto, StockValueQueryDto, UpdateWarehouseDto, WarehouseQueryDto,
} from './inventory.dto';

@ApiTags('inventory')
@ApiBearerAuth()
@Controller()
export class InventoryController {
  constructor(
    private readonly warehouses: WarehouseService,
    private readonly stock: StockService,
    private readonly docs: StockDocService,
  ) {}

  /** Warehouses of the organisations in scope (`?q=&orgId=&status=`). */
  @Get('warehouses')
  @RequirePermissions('stock:view')
  listWarehouses(@Ctx() ctx: RequestContext, @Query() q: WarehouseQueryDto) {
    return this.warehouses.list(ctx, q);
  }

  @Get('warehouses/:id')
  @RequirePermissions('stock:view')
  getWarehouse(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.warehouses.get(ctx, id);
  }

  @Post('warehouses')
  @Idempotent({ replay: 'getWarehouse' })
  @RequirePermissions('stock:manage')
  createWarehouse(@Ctx() ctx: RequestContext, @Body() dto: CreateWarehouseDto) {
    return this.warehouses.create(ctx, dto);
  }

  @Patch('warehouses/:id')
  @RequirePermissions('stock:manage')
  updateWarehouse(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateWarehouseDto) {
    return this.warehouses.update(ctx, id, dto);
  }

  /** A disabled warehouse keeps its stock but refuses new documents. */
  @Post('warehouses/:id/disable')
  @HttpCode(200)
  @RequirePermissions('stock:manage')
  disableWarehouse(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.warehouses.setStatus(ctx, id, 'DISABLED');
  }

  @Post('warehouses/:id/enable')
  @HttpCode(200)
  @RequirePermissions('stock:manage')
  enableWarehouse(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.warehouses.setStatus(ctx, id, 'ACTIVE');
  }

  /** Stock per warehouse and product, with totals over the whole filtered set (`lowOnly=true`: 库存预警). */
  @Get('stock')
  @RequirePermissions('stock:view')
  listStock(@Ctx() ctx: RequestContext, @Query() q: StockQueryDto) {
    return this.stock.list(ctx, q);
  }

  /**
   * 存货价值: stock value grouped by warehouse, category or branch (`?groupBy=`), in the stock
   * list's scope, with totals. Costs show to users with stock:manage or reports:view (else 403).
   */
  @Get('inventory/stock-value')
  @RequirePermissions('stock:view')
  stockValue(@Ctx() ctx: RequestContext, @Query() q: StockValueQueryDto) {
    return this.stock.stockValue(ctx, q);
  }

  /** The movement ledger, newest first. */
  @Get('stock/movements')
  @RequirePermissions('stock:view')
  movements(@Ctx() ctx: RequestContext, @Query() q: MovementQueryDto) {
    return this.stock.movements(ctx, q);
  }

  /** The low-stock threshold of one product in one warehouse; null falls back to the product's. */
  @Put('stock/threshold')
  @RequirePermissions('stock:manage')
  setThreshold(@Ctx() ctx: RequestContext, @Body() dto: SetThresholdDto) {
    return this.stock.setThreshold(ctx, dto);
  }

  @Get('stock-docs')
  @RequirePermissions('stock:view')
  listDocs(@Ctx() ctx: RequestContext, @Query() q: StockDocQueryDto) {
    return this.docs.list(ctx, q);
  }

  @Get('stock-docs/:id')
  @RequirePermissions('stock:view')
  getDoc(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.docs.get(ctx, id);
  }

  /** 入库 / 调拨 / 盘点: numbered, applied to stock and written to the ledger in one transaction. */
  @Post('stock-docs')
  @Idempotent({ replay: 'getDoc' })
  @RequirePermissions('stock:manage')
  createDoc(@Ctx() ctx: RequestContext, @Body() dto: CreateStockDocDto) {
    return this.docs.create(ctx, dto);
  }
}
