import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermissions } from '../../common/auth/permissions.decorator';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { CompanySettingsUpdateDto } from './settings.dto';
import { SettingsService } from './settings.service';

/** Company-wide settings: every signed-in user reads them (forms follow them), HQ edits them. */
@ApiTags('settings')
@ApiBearerAuth()
@Controller('settings/company')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  get(@Ctx() ctx: RequestContext) {
    return this.settings.get(ctx);
  }

  @Put()
  @RequirePermissions('settings:manage')
  update(@Ctx() ctx: RequestContext, @Body() dto: CompanySettingsUpdateDto) {
    return this.settings.update(ctx, dto);
  }
}
