import { Module } from '@nestjs/common';
import { OrgModule } from '../org/org.module';
import { CreditService } from './credit.service';
import { FinanceController } from './finance.controller';
import { ReceiptService } from './receipt.service';
import { ReceivableService } from './receivable.service';
import { StatementService } from './statement.service';

/** Credit control, receivables, receipts, aging and dealer statements. Sales posts receivables through ReceivableService. */
@Module({
  imports: [OrgModule],
  controllers: [FinanceController],
  providers: [CreditService, ReceivableService, ReceiptService, StatementService],
  exports: [CreditService, ReceivableService, ReceiptService, StatementService],
})
export class FinanceModule {}
