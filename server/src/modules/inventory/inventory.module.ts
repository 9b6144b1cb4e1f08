import { Module, OnModuleInit } from '@nestjs/common';
import { ApprovalDocType } from '@drp/shared';
import { ApprovalModule } from '../approval/approval.module';
import { ApprovalRegistry } from '../approval/approval-registry';
import { CatalogModule } from '../catalog/catalog.module';
import { OrgModule } from '../org/org.module';
import { InventoryController } from './inventory.controller';
import { StockDocService, stockDocLink } from './stock-doc.service';
import { StockService } from './stock.service';
import { WarehouseService } from './warehouse.service';

/**
 * Warehouses, stock per warehouse and product, stock documents (入库/调拨/盘点) and the movement
 * ledger. Count adjustments (盘点) go through the approval workflow (STOCK_ADJUSTMENT).
 */
@Module({
  imports: [OrgModule, CatalogModule, ApprovalModule],
  controllers: [InventoryController],
  providers: [WarehouseService, StockService, StockDocService],
  exports: [WarehouseService, StockService],
})
export class InventoryModule implements OnModuleInit {
  constructor(
    private readonly registry: ApprovalRegistry,
    private readonly docs: StockDocService,
  ) {}

  /** What an adjustment's approval verdict does, in the approval's transaction: post it, or leave it REJECTED. */
  onModuleInit(): void {
    this.registry.register(ApprovalDocType.STOCK_ADJUSTMENT, {
      link: stockDocLink,
      lock: (tx, id) => this.docs.lockForApproval(tx, id),
      onApproved: (tx, id) => this.docs.postApproved(tx, id),
      onRejected: (tx, id, reason) => this.docs.rejectPending(tx, id, reason),
      // a count is not edited and resubmitted: returned or withdrawn, it ends like a rejection
      onReopened: (tx, id, action, note) => this.docs.rejectPending(tx, id, note?.trim() || (action === 'WITHDRAW' ? '提交人已撤回' : '退回修改')),
    });
  }
}
