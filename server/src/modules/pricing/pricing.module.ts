import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { OrgModule } from '../org/org.module';
import { PriceBookService } from './price-book.service';
import { PriceHistoryService } from './price-history.service';
import { PriceResolverService } from './price-resolver.service';
import { PricingController } from './pricing.controller';
import { PromotionService } from './promotion.service';

/** Dealer price books, promotions and price resolution (ARCHITECTURE §7). */
@Module({
  imports: [OrgModule, CatalogModule],
  controllers: [PricingController],
  providers: [PriceBookService, PromotionService, PriceResolverService, PriceHistoryService],
  exports: [PriceResolverService],
})
export class PricingModule {}
