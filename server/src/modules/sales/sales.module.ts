import { Module, OnModuleInit } from '@nestjs/common';
import { ApprovalModule } from '../approval/approval.module';
import { ApprovalRegistry } from '../approval/approval-registry';
import { EventBus } from '../../kernel/events';
import { CatalogModule } from '../catalog/catalog.module';
import { FinanceModule } from '../finance/finance.module';
import { InventoryModule } from '../inventory/inventory.module';
import { OrgModule } from '../org/org.module';
import { PricingModule } from '../pricing/pricing.module';
import { ORDER_APPROVAL_TYPES, OrderApprovalGateway, WorkflowApprovalGateway } from './order-approval';
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
    private readonly gateway: OrderApprovalGateway,
    private readonly events: EventBus,
  ) {}

  /**
   * What an order's approval verdicts do to the order, in the approval's transaction. The order
   * has up to three approvals (its own, a credit override's, a below-floor price's): it is approved
   * when the last of them is; any rejection, return or withdrawal ends the others and decides it.
   */
  onModuleInit(): void {
    // stock that arrives (or is given back) goes to the waiting backorders, oldest approval first, in the same transaction
    this.events.onFinal('StockArrived', (tx, e) => this.orders.fillBackorders(tx, e.warehouseId, e.productIds));
    for (const type of ORDER_APPROVAL_TYPES) {
      this.registry.register(type, {
        link: (id) => `/sales/orders/${id}`,
        lock: (tx, id) => this.orders.lockForApproval(tx, id),
        onApproved: async (tx, id) => {
          if (await this.gateway.settled(tx, id)) await this.orders.approve(tx, id, null);
        },
        onRejected: async (tx, id, reason) => {
          await this.gateway.close(tx, id, 'another approval of the order was rejected');
          await this.orders.reject(tx, id, reason);
        },
        onReopened: async (tx, id, action, note) => {
          await this.gateway.close(tx, id, 'the order went back to its submitter');
          await this.orders.backToDraft(tx, id, action, note);
        },
      });
    }
  }
}
