import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { PageQueryDto } from '../../common/http/pagination';
import { NotificationService } from './notification.service';
import { WarningsService } from './warnings.service';

export class NotificationQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(['true', 'false']) unread?: 'true' | 'false';
}

/** The bell (own notifications only) and the sign-in warnings; every signed-in user has them. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller()
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationService,
    private readonly warnings: WarningsService,
  ) {}

  @Get('notifications')
  list(@Ctx() ctx: RequestContext, @Query() q: NotificationQueryDto) {
    return this.notifications.list(ctx, q);
  }

  @Post('notifications/read-all')
  @HttpCode(200)
  readAll(@Ctx() ctx: RequestContext) {
    return this.notifications.markRead(ctx);
  }

  @Post('notifications/:id/read')
  @HttpCode(200)
  read(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.notifications.markRead(ctx, id);
  }

  /** 登录预警: pending approvals, overdue receivables and low stock in the caller's scope. */
  @Get('me/warnings')
  warningsForMe(@Ctx() ctx: RequestContext) {
    return this.warnings.forUser(ctx);
  }
}
