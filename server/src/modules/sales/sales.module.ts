import { Module, OnModuleInit } from '@nestjs/common';
import { ApprovalDocType } from '@drp/shared';
import { ApprovalModule } from '../approval/approval.module';
import { ApprovalRegistry } from '../approval/approval-registry';
import { CatalogModule } from '../catalog/catalog.module';
import { FinanceModule } from '../finance/finance.module';
import { InventoryModule } from '../inventory/inventory.module';
import { OrgModule } from '../org/org.module';
import { PricingModule } from '../pricing/pricing.module';
import { OrderApprovalGateway, WorkflowApprovalGateway } from './order-approval';
import { SalesController } from './sales.controller';
import { SalesOrderService } from './sales-order.service';
import { ShipmentService } from './shipment.service';

/** Sales orders, shipments and returns. Orders go through the approval workflow (审批流) via OrderApprovalGateway. */
@Module({
  imports: [OrgModule, CatalogModule, PricingModule, InventoryModule, FinanceModule, ApprovalModule],
  controllers: [SalesController],
  providers: [SalesOrderService, ShipmentService, { provide: OrderApprovalGateway, useClass: WorkflowApprovalGateway }],
  exports: [SalesOrderService, ShipmentService],
})
export class SalesModule implements OnModuleInit {
  constructor(
    private readonly registry: ApprovalRegistry,
    private readonly orders: SalesOrderService,
  ) {}

  /** What an order's approval verdict does to the order, in the approval's transaction. */
  onModuleInit(): void {
    this.registry.register(ApprovalDocType.SALES_ORDER, {
      link: (id) => `/sales/orders/${id}`,
      lock: (tx, id) => this.orders.lockForApproval(tx, id),
      onApproved: (tx, id) => this.orders.approve(tx, id, null),
      onRejected: (tx, id, reason) => this.orders.reject(tx, id, reason),
      onReopened: (tx, id, action, note) => this.orders.backToDraft(tx, id, action, note),
    });
  }
}
