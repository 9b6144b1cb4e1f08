import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { OrgModule } from '../org/org.module';
import { InventoryController } from './inventory.controller';
import { StockDocService } from './stock-doc.service';
import { StockService } from './stock.service';
import { WarehouseService } from './warehouse.service';

/** Warehouses, stock per warehouse and product, stock documents (入库/调拨/盘点) and the movement ledger. */
@Module({
  imports: [OrgModule, CatalogModule],
  controllers: [InventoryController],
  providers: [WarehouseService, StockService, StockDocService],
  exports: [WarehouseService, StockService],
})
export class InventoryModule {}
