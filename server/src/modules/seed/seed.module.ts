import { Module } from '@nestjs/common';
import { ApprovalModule } from '../approval/approval.module';
import { FinanceModule } from '../finance/finance.module';
import { InvoicingModule } from '../invoicing/invoicing.module';
import { RolesModule } from '../roles/roles.module';
import { SalesModule } from '../sales/sales.module';
import { SeedService } from './seed.service';

@Module({ imports: [RolesModule, SalesModule, FinanceModule, ApprovalModule, InvoicingModule], providers: [SeedService], exports: [SeedService] })
export class SeedModule {}
