import { Module } from '@nestjs/common';
import { OrgModule } from '../org/org.module';
import { CatalogController } from './catalog.controller';
import { CategoryService } from './category.service';
import { PriceLevelService } from './price-level.service';
import { ProductScopeService } from './product-scope.service';
import { ProductService } from './product.service';
import { ExcelController } from './excel/excel.controller';
import { ProductExcelService } from './excel/product-excel.service';

@Module({
  imports: [OrgModule],
  // the Excel routes first: /products/export must not be taken for /products/:id
  controllers: [ExcelController, CatalogController],
  providers: [CategoryService, ProductService, PriceLevelService, ProductScopeService, ProductExcelService],
  exports: [ProductService, CategoryService, PriceLevelService],
})
export class CatalogModule {}
