import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { OrgStatus } from '@drp/shared';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { RequirePermissions } from '../../common/auth/permissions.decorator';
import { Idempotent } from '../../common/http/idempotency.interceptor';
import { OrgService } from './org.service';
import { CreateOrgDto, MoveOrgDto, OrgQueryDto, UpdateOrgDto } from './org.dto';

@ApiTags('organisations')
@ApiBearerAuth()
@Controller('orgs')
export class OrgController {
  constructor(private readonly orgs: OrgService) {}

  /** Organisations in the caller's scope, paged (`?type=BRANCH|DEALER&q=`). */
  @Get()
  @RequirePermissions('orgs:view')
  list(@Ctx() ctx: RequestContext, @Query() q: OrgQueryDto) {
    return this.orgs.list(ctx, q);
  }

  /** The visible organisation forest (one root for HQ users). */
  @Get('tree')
  @RequirePermissions('orgs:view')
  tree(@Ctx() ctx: RequestContext) {
    return this.orgs.tree(ctx);
  }

  /** The company's letterhead (HQ name, address, phone) for printed documents: any signed-in user. */
  @Get('company')
  company(@Ctx() ctx: RequestContext) {
    return this.orgs.company(ctx);
  }

  @Get(':id')
  @RequirePermissions('orgs:view')
  get(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.orgs.get(ctx, id);
  }

  @Post()
  @Idempotent({ replay: 'get' })
  @RequirePermissions('orgs:manage')
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateOrgDto) {
    return this.orgs.create(ctx, dto);
  }

  @Patch(':id')
  @RequirePermissions('orgs:manage')
  update(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateOrgDto) {
    return this.orgs.update(ctx, id, dto);
  }

  /** Move under another parent; the subtree moves with it. */
  @Post(':id/move')
  @HttpCode(200)
  @RequirePermissions('orgs:manage')
  move(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: MoveOrgDto) {
    return this.orgs.move(ctx, id, dto);
  }

  /** Disable the organisation and everything below it. */
  @Post(':id/disable')
  @HttpCode(200)
  @RequirePermissions('orgs:manage')
  disable(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.orgs.setStatus(ctx, id, OrgStatus.DISABLED);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @RequirePermissions('orgs:manage')
  enable(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.orgs.setStatus(ctx, id, OrgStatus.ACTIVE);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('orgs:manage')
  async remove(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    await this.orgs.remove(ctx, id);
  }
}
