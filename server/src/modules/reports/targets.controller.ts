import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { RequirePermissions, StaffOnly } from '../../common/auth/permissions.decorator';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { xlsxFile } from '../catalog/excel/sheet';
import { AchievementQueryDto, CreateTargetDto, TargetExportQueryDto, TargetQueryDto, UpdateTargetDto } from './targets.dto';
import { TargetsService } from './targets.service';

const upload = FileInterceptor('file', { limits: { fileSize: 20 * 1024 * 1024, files: 1 } });

/** Sales and collection targets (销售计划) and the achievement against them. Reading: reports:view; setting: targets:manage. */
@ApiTags('reports')
@ApiBearerAuth()
@StaffOnly()
@Controller('reports')
export class TargetsController {
  constructor(private readonly targets: TargetsService) {}

  @Get('targets')
  @RequirePermissions('reports:view')
  list(@Ctx() ctx: RequestContext, @Query() q: TargetQueryDto) {
    return this.targets.list(ctx, q);
  }

  /** Registered before `targets/:id`. */
  @Get('targets/import-template')
  @RequirePermissions('targets:manage')
  async template(@Ctx() ctx: RequestContext) {
    return xlsxFile(await this.targets.template(ctx), '销售计划导入模板.xlsx');
  }

  @Get('targets/export')
  @RequirePermissions('reports:view')
  async export(@Ctx() ctx: RequestContext, @Query() q: TargetExportQueryDto) {
    return xlsxFile(await this.targets.exportYear(ctx, q.year), `销售计划-${q.year}.xlsx`);
  }

  /** All or nothing: 422 IMPORT_REJECTED with every problem by row and column when any row is bad. */
  @Post('targets/import')
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(upload)
  @RequirePermissions('targets:manage')
  import(@Ctx() ctx: RequestContext, @UploadedFile() f?: Express.Multer.File) {
    return this.targets.import(ctx, f?.buffer);
  }

  @Get('targets/:id')
  @RequirePermissions('reports:view')
  get(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.targets.get(ctx, id);
  }

  @Post('targets')
  @RequirePermissions('targets:manage')
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateTargetDto) {
    return this.targets.create(ctx, dto);
  }

  @Put('targets/:id')
  @RequirePermissions('targets:manage')
  update(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateTargetDto) {
    return this.targets.update(ctx, id, dto);
  }

  @Delete('targets/:id')
  @HttpCode(204)
  @RequirePermissions('targets:manage')
  remove(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.targets.remove(ctx, id);
  }

  /** Month-to-date and year-to-date achievement of every target of the month in scope, with the pace needed. */
  @Get('achievement')
  @RequirePermissions('reports:view')
  achievement(@Ctx() ctx: RequestContext, @Query() q: AchievementQueryDto) {
    return this.targets.achievement(ctx, q);
  }
}
