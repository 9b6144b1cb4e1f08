import { Module } from '@nestjs/common';
import { PricingModule } from '../pricing/pricing.module';
import { SalesModule } from '../sales/sales.module';
import { ReplenishmentController } from './replenishment.controller';
import { ReplenishmentService } from './replenishment.service';

/** Smart replenishment (智能补货) from the dealers' reported sales and stock. */
@Module({ imports: [SalesModule, PricingModule], controllers: [ReplenishmentController], providers: [ReplenishmentService], exports: [ReplenishmentService] })
export class ReplenishmentModule {}
