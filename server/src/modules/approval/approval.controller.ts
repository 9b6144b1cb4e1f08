import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { RequirePermissions, StaffOnly } from '../../common/auth/permissions.decorator';
import { ActDto, DelegationDto, DocQueryDto, FlowQueryDto, ReasonDto, SaveFlowDto, TaskQueryDto, UpdateFlowDto } from './approval.dto';
import { ApprovalFlowService } from './approval-flow.service';
import { ApprovalService } from './approval.service';

/** Approval flows, the inbox (待我审批), instances and delegations: the console's, staff only (a dealer's user: 403 STAFF_ONLY). */
@ApiTags('approvals')
@ApiBearerAuth()
@StaffOnly()
@Controller('approvals')
export class ApprovalController {
  constructor(
    private readonly flows: ApprovalFlowService,
    private readonly approvals: ApprovalService,
  ) {}

  @Get('flows')
  @RequirePermissions('approvals:configure')
  listFlows(@Ctx() ctx: RequestContext, @Query() q: FlowQueryDto) {
    return this.flows.list(ctx, q);
  }

  @Get('flows/:id')
  @RequirePermissions('approvals:configure')
  getFlow(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.flows.get(ctx, id);
  }

  @Post('flows')
  @RequirePermissions('approvals:configure')
  createFlow(@Ctx() ctx: RequestContext, @Body() dto: SaveFlowDto) {
    return this.flows.create(ctx, dto);
  }

  /** A new version; approvals already running keep the version they started with. */
  @Put('flows/:id')
  @RequirePermissions('approvals:configure')
  updateFlow(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateFlowDto) {
    return this.flows.update(ctx, id, dto);
  }

  @Post('flows/:id/disable')
  @HttpCode(200)
  @RequirePermissions('approvals:configure')
  disableFlow(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.flows.setStatus(ctx, id, 'DISABLED');
  }

  @Post('flows/:id/enable')
  @HttpCode(200)
  @RequirePermissions('approvals:configure')
  enableFlow(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.flows.setStatus(ctx, id, 'ACTIVE');
  }

  /** The inbox: `box=todo` (mine to do, default), `done`, `submitted` (waiting on others for my documents); with counts. */
  @Get('tasks')
  tasks(@Ctx() ctx: RequestContext, @Query() q: TaskQueryDto) {
    return this.approvals.tasks(ctx, q);
  }

  @Post('tasks/:id/approve')
  @HttpCode(200)
  approve(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ActDto) {
    return this.approvals.approve(ctx, id, dto.comment);
  }

  @Post('tasks/:id/reject')
  @HttpCode(200)
  reject(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ReasonDto) {
    return this.approvals.decideAgainst(ctx, id, 'REJECT', dto.reason);
  }

  /** 退回修改: the document goes back to its submitter, editable. */
  @Post('tasks/:id/return')
  @HttpCode(200)
  sendBack(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ReasonDto) {
    return this.approvals.decideAgainst(ctx, id, 'RETURN', dto.reason);
  }

  /** The approvals of one document (panel and timeline on its page). */
  @Get('instances')
  forDocument(@Ctx() ctx: RequestContext, @Query() q: DocQueryDto) {
    return this.approvals.forDocument(ctx, q.docType, q.docId);
  }

  @Get('instances/:id')
  instance(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.approvals.instance(ctx, id);
  }

  @Post('instances/:id/withdraw')
  @HttpCode(200)
  withdraw(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.approvals.withdraw(ctx, id);
  }

  /** 委托: my delegations that have not ended. */
  @Get('delegations')
  delegations(@Ctx() ctx: RequestContext) {
    return this.approvals.delegations(ctx);
  }

  @Post('delegations')
  delegate(@Ctx() ctx: RequestContext, @Body() dto: DelegationDto) {
    return this.approvals.delegate(ctx, dto);
  }

  @Delete('delegations/:id')
  @HttpCode(204)
  async endDelegation(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    await this.approvals.endDelegation(ctx, id);
  }
}
