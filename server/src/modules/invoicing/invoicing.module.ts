import { Module, OnModuleInit } from '@nestjs/common';
import { ApprovalDocType } from '@drp/shared';
import { DocumentKernel } from '../../kernel/document-kernel.service';
import { ApprovalModule } from '../approval/approval.module';
import { ApprovalRegistry } from '../approval/approval-registry';
import { NotificationsModule } from '../notifications/notifications.module';
import { InvoiceController } from './invoice.controller';
import { INVOICE_MACHINE, SUPPLEMENT_MACHINE } from './invoice.machine';
import { InvoiceService } from './invoice.service';
import { MallInvoiceController } from './mall-invoice.controller';
import { ReconciliationController } from './reconciliation.controller';
import { ReconciliationService } from './reconciliation.service';
import { RegisterImportService } from './register-import.service';
import { SupplementService, supplementLink } from './supplement.service';

/**
 * Invoices (发票, issue #13): the register and its lookup, invoices made from shipment lines,
 * red-letter and voiding, attachments, register import, supplementary entry through approval
 * (INVOICE_SUPPLEMENT) and reconciliation against the tax platform's export. Finance reads the
 * invoice numbers of shipments through InvoiceService.numbersForShipments.
 */
@Module({
  imports: [ApprovalModule, NotificationsModule],
  controllers: [ReconciliationController, InvoiceController, MallInvoiceController],
  providers: [InvoiceService, SupplementService, RegisterImportService, ReconciliationService],
  exports: [InvoiceService, SupplementService],
})
export class InvoicingModule implements OnModuleInit {
  constructor(
    private readonly kernel: DocumentKernel,
    private readonly registry: ApprovalRegistry,
    private readonly supplements: SupplementService,
  ) {}

  onModuleInit(): void {
    this.kernel.register(INVOICE_MACHINE);
    this.kernel.register(SUPPLEMENT_MACHINE);
    this.registry.register(ApprovalDocType.INVOICE_SUPPLEMENT, {
      link: supplementLink,
      lock: (tx, id) => this.supplements.lockForApproval(tx, id),
      onApproved: (tx, id) => this.supplements.approve(tx, id),
      onRejected: (tx, id, reason) => this.supplements.reject(tx, id, reason),
      // an entry is not edited and resubmitted: returned or withdrawn, it ends like a rejection (file a new one)
      onReopened: (tx, id, action, note) => this.supplements.reject(tx, id, note?.trim() || (action === 'WITHDRAW' ? '提交人已撤回' : '退回修改')),
    });
  }
}
