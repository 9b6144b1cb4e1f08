import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { UserStatus } from '@drp/shared';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { RequirePermissions } from '../../common/auth/permissions.decorator';
import { Idempotent } from '../../common/http/idempotency.interceptor';
import { UsersService } from './users.service';
import { CreateUserDto, ResetPasswordDto, SetDealersDto, UpdateUserDto, UserQueryDto } from './users.dto';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @RequirePermissions('users:view')
  list(@Ctx() ctx: RequestContext, @Query() q: UserQueryDto) {
    return this.users.list(ctx, q);
  }

  @Get(':id')
  @RequirePermissions('users:view')
  get(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.get(ctx, id);
  }

  @Post()
  @Idempotent({ replay: 'get' })
  @RequirePermissions('users:manage')
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateUserDto) {
    return this.users.create(ctx, dto);
  }

  @Patch(':id')
  @RequirePermissions('users:manage')
  update(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUserDto) {
    return this.users.update(ctx, id, dto);
  }

  /** Sets a new password and ends every login of that user. */
  @Post(':id/reset-password')
  @HttpCode(204)
  @RequirePermissions('users:manage')
  async resetPassword(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ResetPasswordDto) {
    await this.users.resetPassword(ctx, id, dto.newPassword);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @RequirePermissions('users:manage')
  disable(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.setStatus(ctx, id, UserStatus.DISABLED);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @RequirePermissions('users:manage')
  enable(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.users.setStatus(ctx, id, UserStatus.ACTIVE);
  }

  /** 管辖往来单位: the dealers this user (a sales rep) manages. */
  @Put(':id/dealers')
  @RequirePermissions('users:manage')
  setDealers(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: SetDealersDto) {
    return this.users.setDealers(ctx, id, dto.dealerIds);
  }
}
