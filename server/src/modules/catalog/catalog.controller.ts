import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { RequirePermissions, StaffOnly } from '../../common/auth/permissions.decorator';
import { Idempotent } from '../../common/http/idempotency.interceptor';
import { CategoryService } from './category.service';
import { PriceLevelService } from './price-level.service';
import { ProductService } from './product.service';
import { ProductScopeService } from './product-scope.service';
import {
  BranchProductScopeDto, BulkPricesDto, CreateCategoryDto, CreateProductDto, ProductQueryDto, UpdateCategoryDto, UpdatePriceLevelsDto, UpdateProductDto,
} from './catalog.dto';

@ApiTags('catalog')
@ApiBearerAuth()
@Controller()
export class CatalogController {
  constructor(
    private readonly categories: CategoryService,
    private readonly products: ProductService,
    private readonly levels: PriceLevelService,
    private readonly scopes: ProductScopeService,
  ) {}

  /** The ten wholesale price levels and their configurable names. */
  @Get('price-levels')
  @RequirePermissions('products:view')
  priceLevels(@Ctx() ctx: RequestContext) {
    return this.levels.list(ctx);
  }

  @Put('price-levels')
  @RequirePermissions('prices:edit')
  renameLevels(@Ctx() ctx: RequestContext, @Body() dto: UpdatePriceLevelsDto) {
    return this.levels.rename(ctx, dto.levels);
  }

  @Get('categories/tree')
  @RequirePermissions('products:view')
  categoryTree(@Ctx() ctx: RequestContext) {
    return this.categories.tree(ctx);
  }

  @Post('categories')
  @Idempotent()
  @RequirePermissions('products:manage')
  createCategory(@Ctx() ctx: RequestContext, @Body() dto: CreateCategoryDto) {
    return this.categories.create(ctx, dto);
  }

  @Patch('categories/:id')
  @RequirePermissions('products:manage')
  updateCategory(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateCategoryDto) {
    return this.categories.update(ctx, id, dto);
  }

  @Delete('categories/:id')
  @HttpCode(204)
  @RequirePermissions('products:manage')
  async deleteCategory(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    await this.categories.remove(ctx, id);
  }

  /** Products in the caller's product range: search by code, name, barcode, brand; filter by category (with sub-categories). */
  @Get('products')
  @StaffOnly()
  @RequirePermissions('products:view')
  listProducts(@Ctx() ctx: RequestContext, @Query() q: ProductQueryDto) {
    return this.products.list(ctx, q);
  }

  @Get('products/:id')
  @RequirePermissions('products:view')
  getProduct(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.products.get(ctx, id);
  }

  @Post('products')
  @Idempotent({ replay: 'getProduct' })
  @RequirePermissions('products:manage')
  createProduct(@Ctx() ctx: RequestContext, @Body() dto: CreateProductDto) {
    return this.products.create(ctx, dto);
  }

  @Patch('products/:id')
  @RequirePermissions('products:manage')
  updateProduct(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateProductDto) {
    return this.products.update(ctx, id, dto);
  }

  /** 批量调价: save base, level and floor prices of many products at once. */
  @Put('products/prices')
  @RequirePermissions('prices:edit')
  bulkPrices(@Ctx() ctx: RequestContext, @Body() dto: BulkPricesDto) {
    return this.products.bulkPrices(ctx, dto);
  }

  @Post('products/:id/images')
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: 5 * 1024 * 1024, files: 1 } }))
  @RequirePermissions('products:manage')
  addImage(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @UploadedFile() file: Express.Multer.File) {
    return this.products.addImage(ctx, id, file);
  }

  @Delete('products/:id/images/:imageId')
  @HttpCode(204)
  @RequirePermissions('products:manage')
  async removeImage(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Param('imageId', ParseUUIDPipe) imageId: string) {
    await this.products.removeImage(ctx, id, imageId);
  }

  /** 经营商品范围 of a branch. */
  @Get('branches/:id/product-scope')
  @RequirePermissions('products:view')
  getScope(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.scopes.get(ctx, id);
  }

  @Put('branches/:id/product-scope')
  @RequirePermissions('products:manage')
  setScope(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: BranchProductScopeDto) {
    return this.scopes.set(ctx, id, dto.categoryIds, dto.productIds);
  }
}
