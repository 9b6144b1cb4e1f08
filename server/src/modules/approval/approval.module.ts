import { Module } from '@nestjs/common';
import { OrgModule } from '../org/org.module';
import { RolesModule } from '../roles/roles.module';
import { UsersModule } from '../users/users.module';
import { ApprovalController } from './approval.controller';
import { ApprovalFlowService } from './approval-flow.service';
import { ApprovalRegistry } from './approval-registry';
import { ApprovalService } from './approval.service';

/** Approval flows and the engine. Document modules import it, register their handler and start approvals. */
@Module({
  imports: [OrgModule, UsersModule, RolesModule],
  controllers: [ApprovalController],
  providers: [ApprovalFlowService, ApprovalService, ApprovalRegistry],
  exports: [ApprovalService, ApprovalRegistry, ApprovalFlowService],
})
export class ApprovalModule {}
