import { Controller, Get, HttpCode, Post, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { Ctx } from '../../../common/context/ctx.decorator';
import { RequestContext } from '../../../common/context/request-context';
import { RequirePermissions, StaffOnly } from '../../../common/auth/permissions.decorator';
import { businessDate } from '../../../database/business-date';
import { ProductQueryDto } from '../catalog.dto';
import { ProductExcelService } from './product-excel.service';
import { xlsxFile } from './sheet';

const file = xlsxFile;
const stamp = () => businessDate(new Date(), 'Asia/Shanghai').replace(/-/g, '');
const upload = FileInterceptor('file', { limits: { fileSize: 20 * 1024 * 1024, files: 1 } });

/** Excel templates, exports (of the current filter) and all-or-nothing imports. Registered before the :id routes. */
@ApiTags('catalog')
@ApiBearerAuth()
@StaffOnly()
@Controller()
export class ExcelController {
  constructor(private readonly excel: ProductExcelService) {}

  @Get('products/import-template')
  @RequirePermissions('products:view')
  async productTemplate(@Ctx() ctx: RequestContext) {
    return file(await this.excel.productTemplate(ctx), '商品导入模板.xlsx');
  }

  @Get('products/export')
  @RequirePermissions('products:view')
  async exportProducts(@Ctx() ctx: RequestContext, @Query() q: ProductQueryDto) {
    return file(await this.excel.exportProducts(ctx, q), `商品-${stamp()}.xlsx`);
  }

  /** All or nothing: 422 IMPORT_REJECTED with `details.errors: [{ row, column, message }]` when any row is bad. */
  @Post('products/import')
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(upload)
  @RequirePermissions('products:manage')
  importProducts(@Ctx() ctx: RequestContext, @UploadedFile() f?: Express.Multer.File) {
    return this.excel.importProducts(ctx, f?.buffer);
  }

  @Get('prices/import-template')
  @RequirePermissions('prices:view')
  async priceTemplate(@Ctx() ctx: RequestContext) {
    return file(await this.excel.priceTemplate(ctx), '价格导入模板.xlsx');
  }

  @Get('prices/export')
  @RequirePermissions('prices:view')
  async exportPrices(@Ctx() ctx: RequestContext, @Query() q: ProductQueryDto) {
    return file(await this.excel.exportProducts(ctx, q, true), `价格表-${stamp()}.xlsx`);
  }

  @Post('prices/import')
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(upload)
  @RequirePermissions('prices:edit')
  importPrices(@Ctx() ctx: RequestContext, @UploadedFile() f?: Express.Multer.File) {
    return this.excel.importPrices(ctx, f?.buffer);
  }
}
