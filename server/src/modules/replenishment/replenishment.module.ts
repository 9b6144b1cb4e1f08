import { Module } from '@nestjs/common';
import { PricingModule } from '../pricing/pricing.module';
import { SalesModule } from '../sales/sales.module';
import { MallModule } from '../mall/mall.module';
import { MallReplenishmentController, ReplenishmentController } from './replenishment.controller';
import { ReplenishmentService } from './replenishment.service';

/** Smart replenishment (智能补货) from the dealers' reported sales and stock. */
@Module({ imports: [SalesModule, PricingModule, MallModule], controllers: [ReplenishmentController, MallReplenishmentController], providers: [ReplenishmentService], exports: [ReplenishmentService] })
export class ReplenishmentModule {}
