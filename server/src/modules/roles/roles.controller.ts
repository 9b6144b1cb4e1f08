import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { PERMISSIONS } from '@drp/shared';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { RequirePermissions } from '../../common/auth/permissions.decorator';
import { Idempotent } from '../../common/http/idempotency.interceptor';
import { RolesService } from './roles.service';
import { CreateRoleDto, RoleQueryDto, UpdateRoleDto } from './roles.dto';

@ApiTags('roles')
@ApiBearerAuth()
@Controller()
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  /** The permission catalogue, for the role matrix. */
  @Get('permissions')
  @RequirePermissions('roles:view')
  permissions() {
    return Object.entries(PERMISSIONS).map(([code, p]) => ({ code, group: p.group }));
  }

  @Get('roles')
  @RequirePermissions('roles:view')
  list(@Ctx() ctx: RequestContext, @Query() q: RoleQueryDto) {
    return this.roles.list(ctx, q);
  }

  @Get('roles/:id')
  @RequirePermissions('roles:view')
  get(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.roles.get(ctx, id);
  }

  @Post('roles')
  @Idempotent({ replay: 'get' })
  @RequirePermissions('roles:manage')
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateRoleDto) {
    return this.roles.create(ctx, dto);
  }

  @Patch('roles/:id')
  @RequirePermissions('roles:manage')
  update(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateRoleDto) {
    return this.roles.update(ctx, id, dto);
  }

  @Delete('roles/:id')
  @HttpCode(204)
  @RequirePermissions('roles:manage')
  async remove(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    await this.roles.remove(ctx, id);
  }
}
