import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, UploadedFile, UseGuards, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { MallHomeDto } from '@drp/shared';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { RequirePermissions } from '../../common/auth/permissions.decorator';
import { Idempotent } from '../../common/http/idempotency.interceptor';
import { CartService } from './cart.service';
import { DealerAccountService } from './dealer-account.service';
import { MallAddressService } from './mall-address.service';
import { MallCatalogService } from './mall-catalog.service';
import { MallContentService } from './mall-content.service';
import { MallDealerGuard, MallDealerService, RejectPriceInterceptor } from './mall-dealer';
import { MallOrderService } from './mall-order.service';
import {
  AddressDto, CartAddDto, CartSetDto, CatalogQueryDto, CheckoutDto, ContentDto, ContentQueryDto, DealerAccountQueryDto, InviteDto, MallOrderQueryDto, PublishDto, SettingsDto, StockQueryDto,
} from './mall.dto';

/** The dealer's mall (订货商城): only users of a DEALER organisation with mall:order (MallDealerGuard); "the dealer" is always the caller's own. */
@ApiTags('mall')
@ApiBearerAuth()
@UseGuards(MallDealerGuard)
@Controller('mall')
export class MallController {
  constructor(
    private readonly dealers: MallDealerService,
    private readonly catalog: MallCatalogService,
    private readonly cart: CartService,
    private readonly orders: MallOrderService,
    private readonly addresses: MallAddressService,
    private readonly contents: MallContentService,
  ) {}

  @Get('home')
  async home(@Ctx() ctx: RequestContext): Promise<MallHomeDto> {
    const dealer = await this.dealers.requireDealer(ctx);
    return this.catalog.together(ctx, async (tx) => ({
      banners: await this.contents.live(tx, dealer, 'BANNER'),
      announcements: await this.contents.live(tx, dealer, 'ANNOUNCEMENT'),
      categories: await this.catalog.categories(tx, dealer),
      promotions: await this.catalog.promotions(tx, dealer),
      newArrivals: await this.catalog.newArrivals(tx, dealer),
      cartCount: await this.cart.count(tx, dealer),
    }));
  }

  @Get('categories')
  categories(@Ctx() ctx: RequestContext) {
    return this.catalog.together(ctx, (tx) => this.catalog.categories(tx));
  }

  /** q: code, name, barcode, brand; categoryId with its subtree; favourites=true; frequent=true (most ordered in 90 days). */
  @Get('catalog')
  list(@Ctx() ctx: RequestContext, @Query() q: CatalogQueryDto) {
    return this.catalog.catalog(ctx, q);
  }

  @Get('products/:id')
  product(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.catalog.product(ctx, id);
  }

  @Put('favourites/:productId')
  @HttpCode(204)
  async favourite(@Ctx() ctx: RequestContext, @Param('productId', ParseUUIDPipe) productId: string) {
    await this.catalog.setFavourite(ctx, productId, true);
  }

  @Delete('favourites/:productId')
  @HttpCode(204)
  async unfavourite(@Ctx() ctx: RequestContext, @Param('productId', ParseUUIDPipe) productId: string) {
    await this.catalog.setFavourite(ctx, productId, false);
  }

  /** 总部库存查询: HQ availability of the published products. */
  @Get('stock')
  stock(@Ctx() ctx: RequestContext, @Query() q: StockQueryDto) {
    return this.catalog.hqStock(ctx, q);
  }

  @Get('cart')
  getCart(@Ctx() ctx: RequestContext) {
    return this.cart.get(ctx);
  }

  /** Adds to the line's quantity. A price in the body: 400 PRICE_NOT_ACCEPTED. */
  @Post('cart/items')
  @HttpCode(200)
  @UseInterceptors(RejectPriceInterceptor)
  addItem(@Ctx() ctx: RequestContext, @Body() dto: CartAddDto) {
    return this.cart.add(ctx, dto.productId, dto.qty);
  }

  @Put('cart/items/:productId')
  @UseInterceptors(RejectPriceInterceptor)
  setItem(@Ctx() ctx: RequestContext, @Param('productId', ParseUUIDPipe) productId: string, @Body() dto: CartSetDto) {
    return this.cart.set(ctx, productId, dto.qty);
  }

  @Delete('cart/items/:productId')
  removeItem(@Ctx() ctx: RequestContext, @Param('productId', ParseUUIDPipe) productId: string) {
    return this.cart.remove(ctx, productId);
  }

  @Delete('cart')
  clearCart(@Ctx() ctx: RequestContext) {
    return this.cart.clear(ctx);
  }

  @Get('addresses')
  addressList(@Ctx() ctx: RequestContext) {
    return this.addresses.list(ctx);
  }

  @Post('addresses')
  addAddress(@Ctx() ctx: RequestContext, @Body() dto: AddressDto) {
    return this.addresses.create(ctx, dto);
  }

  @Put('addresses/:id')
  updateAddress(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: AddressDto) {
    return this.addresses.update(ctx, id, dto);
  }

  @Delete('addresses/:id')
  @HttpCode(204)
  async removeAddress(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    await this.addresses.remove(ctx, id);
  }

  @Post('addresses/:id/default')
  @HttpCode(200)
  defaultAddress(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.addresses.setDefault(ctx, id);
  }

  /** Checkout: the cart becomes a sales order (source MALL, PENDING_REVIEW) priced by the server; the cart is emptied. Honours Idempotency-Key. */
  @Post('orders')
  @Idempotent({ replay: 'order' })
  @UseInterceptors(RejectPriceInterceptor)
  checkout(@Ctx() ctx: RequestContext, @Body() dto: CheckoutDto) {
    return this.orders.checkout(ctx, dto);
  }

  @Get('orders')
  orderList(@Ctx() ctx: RequestContext, @Query() q: MallOrderQueryDto) {
    return this.orders.list(ctx, q);
  }

  @Get('orders/:id')
  order(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.orders.get(ctx, id);
  }

  @Post('orders/:id/reorder')
  @HttpCode(200)
  reorder(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.orders.reorder(ctx, id);
  }

  /** The dealer's own credit and receivables (self-service finance). */
  @Get('account')
  async account(@Ctx() ctx: RequestContext) {
    return this.cart.account(ctx, await this.dealers.requireDealer(ctx));
  }
}

/** The mall as HQ runs it (settings, publishing, contents) and dealer logins (staff with users:manage; dealer admins with mall:staff). */
@ApiTags('mall-admin')
@ApiBearerAuth()
@Controller('mall')
export class MallAdminController {
  constructor(
    private readonly contents: MallContentService,
    private readonly accounts: DealerAccountService,
  ) {}

  @Get('settings')
  @RequirePermissions('products:view')
  settings(@Ctx() ctx: RequestContext) {
    return this.contents.settings(ctx);
  }

  @Put('settings')
  @RequirePermissions('products:manage')
  setSettings(@Ctx() ctx: RequestContext, @Body() dto: SettingsDto) {
    return this.contents.setSettings(ctx, dto);
  }

  /** 上架/下架: publish or withdraw products. */
  @Post('publish')
  @HttpCode(200)
  @RequirePermissions('products:manage')
  publish(@Ctx() ctx: RequestContext, @Body() dto: PublishDto) {
    return this.contents.publish(ctx, dto);
  }

  @Get('contents')
  @RequirePermissions('products:view')
  contentList(@Ctx() ctx: RequestContext, @Query() q: ContentQueryDto) {
    return this.contents.list(ctx, q);
  }

  /** A banner image (multipart `file`): answers { fileId, url }; put fileId into the content's imageFileId. */
  @Post('contents/images')
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: 5 * 1024 * 1024, files: 1 } }))
  @RequirePermissions('products:manage')
  uploadImage(@Ctx() ctx: RequestContext, @UploadedFile() file: Express.Multer.File) {
    return this.contents.uploadImage(ctx, file);
  }

  @Get('contents/:id')
  @RequirePermissions('products:view')
  content(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.contents.get(ctx, id);
  }

  @Post('contents')
  @RequirePermissions('products:manage')
  createContent(@Ctx() ctx: RequestContext, @Body() dto: ContentDto) {
    return this.contents.create(ctx, dto);
  }

  @Put('contents/:id')
  @RequirePermissions('products:manage')
  updateContent(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ContentDto) {
    return this.contents.update(ctx, id, dto);
  }

  @Delete('contents/:id')
  @HttpCode(204)
  @RequirePermissions('products:manage')
  async removeContent(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    await this.contents.remove(ctx, id);
  }

  @Get('dealer-accounts')
  dealerAccounts(@Ctx() ctx: RequestContext, @Query() q: DealerAccountQueryDto) {
    return this.accounts.list(ctx, q);
  }

  /** A new dealer login (INVITED) and its one-time code, shown once. */
  @Post('dealer-accounts/invite')
  invite(@Ctx() ctx: RequestContext, @Body() dto: InviteDto) {
    return this.accounts.invite(ctx, dto);
  }

  @Post('dealer-accounts/:userId/reinvite')
  @HttpCode(200)
  reinvite(@Ctx() ctx: RequestContext, @Param('userId', ParseUUIDPipe) userId: string) {
    return this.accounts.reinvite(ctx, userId);
  }

  @Post('dealer-accounts/:userId/disable')
  @HttpCode(200)
  disable(@Ctx() ctx: RequestContext, @Param('userId', ParseUUIDPipe) userId: string) {
    return this.accounts.setEnabled(ctx, userId, false);
  }

  @Post('dealer-accounts/:userId/enable')
  @HttpCode(200)
  enable(@Ctx() ctx: RequestContext, @Param('userId', ParseUUIDPipe) userId: string) {
    return this.accounts.setEnabled(ctx, userId, true);
  }
}
