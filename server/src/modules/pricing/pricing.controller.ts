import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { RequirePermissions, StaffOnly } from '../../common/auth/permissions.decorator';
import { Idempotent } from '../../common/http/idempotency.interceptor';
import { PriceBookService } from './price-book.service';
import { PriceHistoryService } from './price-history.service';
import { PriceResolverService } from './price-resolver.service';
import { PromotionService } from './promotion.service';
import { CreatePriceBookDto, CreatePromotionDto, PriceBookQueryDto, PromotionQueryDto, ResolveQueryDto, UpdatePriceBookDto, UpdatePromotionDto } from './pricing.dto';

@ApiTags('pricing')
@ApiBearerAuth()
@Controller()
export class PricingController {
  constructor(
    private readonly books: PriceBookService,
    private readonly promotions: PromotionService,
    private readonly resolver: PriceResolverService,
    private readonly history: PriceHistoryService,
  ) {}

  /** 调价记录 of a product (base, level, floor, price book and promotion prices), newest first; not for dealers. */
  @Get('products/:id/price-history')
  @RequirePermissions('prices:view')
  priceHistory(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.history.forProduct(ctx, id);
  }

  /** `[{ productId, unitPrice, source, sourceId, sourceName, ... }]`, source one of PROMOTION, PRICE_BOOK, LEVEL, BASE. */
  @Get('prices/resolve')
  @StaffOnly()
  @RequirePermissions('prices:view')
  resolve(@Ctx() ctx: RequestContext, @Query() q: ResolveQueryDto) {
    return this.resolver.resolve(ctx, q.dealerId, q.productIds, q.qty ?? '1', q.at ? new Date(q.at) : new Date(), q.strict === 'true');
  }

  @Get('price-books')
  @RequirePermissions('prices:view')
  listBooks(@Ctx() ctx: RequestContext, @Query() q: PriceBookQueryDto) {
    return this.books.list(ctx, q);
  }

  @Get('price-books/:id')
  @RequirePermissions('prices:view')
  getBook(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.books.get(ctx, id);
  }

  @Post('price-books')
  @Idempotent({ replay: 'getBook' })
  @RequirePermissions('prices:edit')
  createBook(@Ctx() ctx: RequestContext, @Body() dto: CreatePriceBookDto) {
    return this.books.create(ctx, dto);
  }

  @Patch('price-books/:id')
  @RequirePermissions('prices:edit')
  updateBook(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdatePriceBookDto) {
    return this.books.update(ctx, id, dto);
  }

  @Post('price-books/:id/disable')
  @HttpCode(200)
  @RequirePermissions('prices:edit')
  disableBook(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.books.setStatus(ctx, id, 'DISABLED');
  }

  @Post('price-books/:id/enable')
  @HttpCode(200)
  @RequirePermissions('prices:edit')
  enableBook(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.books.setStatus(ctx, id, 'ACTIVE');
  }

  @Get('promotions')
  @StaffOnly()
  @RequirePermissions('prices:view')
  listPromotions(@Ctx() ctx: RequestContext, @Query() q: PromotionQueryDto) {
    return this.promotions.list(ctx, q);
  }

  @Get('promotions/:id')
  @StaffOnly()
  @RequirePermissions('prices:view')
  getPromotion(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.promotions.get(ctx, id);
  }

  @Post('promotions')
  @StaffOnly()
  @Idempotent({ replay: 'getPromotion' })
  @RequirePermissions('prices:edit')
  createPromotion(@Ctx() ctx: RequestContext, @Body() dto: CreatePromotionDto) {
    return this.promotions.create(ctx, dto);
  }

  @Patch('promotions/:id')
  @StaffOnly()
  @RequirePermissions('prices:edit')
  updatePromotion(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdatePromotionDto) {
    return this.promotions.update(ctx, id, dto);
  }

  @Post('promotions/:id/disable')
  @StaffOnly()
  @HttpCode(200)
  @RequirePermissions('prices:edit')
  disablePromotion(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.promotions.setStatus(ctx, id, 'DISABLED');
  }

  @Post('promotions/:id/enable')
  @StaffOnly()
  @HttpCode(200)
  @RequirePermissions('prices:edit')
  enablePromotion(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.promotions.setStatus(ctx, id, 'ACTIVE');
  }
}
