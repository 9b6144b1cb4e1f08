import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { FinanceModule } from '../finance/finance.module';
import { InventoryModule } from '../inventory/inventory.module';
import { OrgModule } from '../org/org.module';
import { PricingModule } from '../pricing/pricing.module';
import { AutoApproveGateway, OrderApprovalGateway } from './order-approval';
import { SalesController } from './sales.controller';
import { SalesOrderService } from './sales-order.service';
import { ShipmentService } from './shipment.service';

/** Sales orders, shipments and returns. The approval workflow replaces OrderApprovalGateway. */
@Module({
  imports: [OrgModule, CatalogModule, PricingModule, InventoryModule, FinanceModule],
  controllers: [SalesController],
  providers: [SalesOrderService, ShipmentService, { provide: OrderApprovalGateway, useClass: AutoApproveGateway }],
  exports: [SalesOrderService, ShipmentService],
})
export class SalesModule {}
