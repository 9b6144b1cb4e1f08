import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { FinanceModule } from '../finance/finance.module';
import { InventoryModule } from '../inventory/inventory.module';
import { OrgModule } from '../org/org.module';
import { PricingModule } from '../pricing/pricing.module';
import { SalesModule } from '../sales/sales.module';
import { UsersModule } from '../users/users.module';
import { CartService } from './cart.service';
import { DealerAccountService } from './dealer-account.service';
import { MallAddressService } from './mall-address.service';
import { MallCatalogService } from './mall-catalog.service';
import { MallContentService } from './mall-content.service';
import { MallDealerGuard, MallDealerService } from './mall-dealer';
import { MallOrderService } from './mall-order.service';
import { MallAdminController, MallController } from './mall.controller';

/** The dealer ordering mall (订货商城): catalog, server-side cart, checkout into sales orders, contents, dealer accounts. */
@Module({
  imports: [OrgModule, CatalogModule, PricingModule, InventoryModule, FinanceModule, SalesModule, UsersModule],
  controllers: [MallAdminController, MallController],
  providers: [MallDealerService, MallDealerGuard, MallCatalogService, CartService, MallAddressService, MallOrderService, MallContentService, DealerAccountService],
  exports: [MallContentService, CartService],
})
export class MallModule {}
