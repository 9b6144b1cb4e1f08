import { Module, OnModuleInit } from '@nestjs/common';
import { ApprovalDocType } from '@drp/shared';
import { ApprovalModule } from '../approval/approval.module';
import { ApprovalRegistry } from '../approval/approval-registry';
import { DocumentKernel } from '../../kernel/document-kernel.service';
import { InvoicingModule } from '../invoicing/invoicing.module';
import { OrgModule } from '../org/org.module';
import { CreditService } from './credit.service';
import { FinanceController } from './finance.controller';
import { RECEIPT_MACHINE, STATEMENT_MACHINE } from './finance.machines';
import { ReceiptService, receiptLink } from './receipt.service';
import { ReceivableService } from './receivable.service';
import { StatementService } from './statement.service';

/**
 * Credit control, receivables, receipts, aging and dealer statements. Receivables and return
 * credits are booked from sales' ShipmentPosted / ReturnPosted events (ReceivableService).
 * Receipts and statements move through the document kernel (finance.machines.ts); receipt
 * reversals go through the approval workflow (RECEIPT_REVERSAL).
 */
@Module({
  imports: [OrgModule, ApprovalModule, InvoicingModule],
  controllers: [FinanceController],
  providers: [CreditService, ReceivableService, ReceiptService, StatementService],
  exports: [CreditService, ReceivableService, ReceiptService, StatementService],
})
export class FinanceModule implements OnModuleInit {
  constructor(
    private readonly registry: ApprovalRegistry,
    private readonly receipts: ReceiptService,
    private readonly kernel: DocumentKernel,
  ) {}

  /** The document machines; what a reversal's approval verdict does to the receipt, in the approval's transaction. */
  onModuleInit(): void {
    this.kernel.register(RECEIPT_MACHINE);
    this.kernel.register(STATEMENT_MACHINE);
    this.registry.register(ApprovalDocType.RECEIPT_REVERSAL, {
      link: receiptLink,
      lock: (tx, id) => this.receipts.lockForApproval(tx, id),
      onApproved: (tx, id) => this.receipts.reverseApproved(tx, id),
      onRejected: (tx, id, reason) => this.receipts.reversalRefused(tx, id, reason),
      onReopened: (tx, id, action, note) => this.receipts.reversalRefused(tx, id, note?.trim() || (action === 'WITHDRAW' ? 'withdrawn by the requester' : 'returned')),
    });
  }
}
