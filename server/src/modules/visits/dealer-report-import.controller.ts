import { Controller, Get, HttpCode, Post, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { RequirePermissions, StaffOnly } from '../../common/auth/permissions.decorator';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { xlsxFile } from '../catalog/excel/sheet';
import { DealerReportImportService } from './dealer-report-import.service';
import { ownDealer } from './mall-report.controller';

const upload = FileInterceptor('file', { limits: { fileSize: 20 * 1024 * 1024, files: 1 } });
const TEMPLATE_NAME = '库存销量上报模板.xlsx';

class TemplateQuery {
  /** prefill the template with the products this dealer carries */
  @IsOptional() @IsUUID() dealerId?: string;
}

/** Staff upload dealers' stock and sales reports from Excel (any dealer in their scope, named per row). */
@ApiTags('dealer-reports')
@ApiBearerAuth()
@StaffOnly()
@Controller('dealer-reports')
export class DealerReportImportController {
  constructor(private readonly imports: DealerReportImportService) {}

  @Get('import-template')
  @RequirePermissions('visits:manage')
  async template(@Ctx() ctx: RequestContext, @Query() q: TemplateQuery) {
    return xlsxFile(await this.imports.template(ctx, q.dealerId), TEMPLATE_NAME);
  }

  /** All or nothing: 422 IMPORT_REJECTED with `details.errors: [{ row, field, column, code, params }]` when any row is bad. */
  @Post('import')
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(upload)
  @RequirePermissions('visits:manage')
  import(@Ctx() ctx: RequestContext, @UploadedFile() f?: Express.Multer.File) {
    return this.imports.upload(ctx, f?.buffer, { kind: 'staff' });
  }
}

/** A dealer uploads its own stock and sales report from Excel in the mall. */
@ApiTags('mall')
@ApiBearerAuth()
@Controller('mall/reports')
export class MallReportImportController {
  constructor(private readonly imports: DealerReportImportService) {}

  /** The template prefilled with the products the dealer carries, dated today. */
  @Get('import-template')
  @RequirePermissions('mall:order')
  async template(@Ctx() ctx: RequestContext) {
    return xlsxFile(await this.imports.template(ctx, ownDealer(ctx)), TEMPLATE_NAME);
  }

  @Post('import')
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(upload)
  @RequirePermissions('mall:order')
  import(@Ctx() ctx: RequestContext, @UploadedFile() f?: Express.Multer.File) {
    return this.imports.upload(ctx, f?.buffer, { kind: 'dealer', dealerId: ownDealer(ctx) });
  }
}
