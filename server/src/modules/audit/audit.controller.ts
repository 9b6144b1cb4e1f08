import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { RequirePermissions } from '../../common/auth/permissions.decorator';
import { AuditService } from './audit.service';
import { AuditQueryDto } from './audit.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit-logs')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** The audit trail in the caller's scope, newest first. */
  @Get()
  @RequirePermissions('audit:view')
  list(@Ctx() ctx: RequestContext, @Query() q: AuditQueryDto) {
    return this.audit.list(ctx, q);
  }
}
