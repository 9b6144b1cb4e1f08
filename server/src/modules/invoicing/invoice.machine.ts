import { InvoiceStatus } from '@drp/shared';
import { DocumentMachine } from '../../kernel/document-machine';

/**
 * An invoice's status (发票状态). Red-letter moves a blue invoice to RED_PARTIAL (again for each
 * further partial red) or RED_FULL; voiding (paper, same month) to VOIDED. A correction from the
 * tax platform's export (reconciliation) may set the status the platform shows.
 */
export const INVOICE_MACHINE: DocumentMachine<InvoiceStatus> = {
  type: 'INVOICE',
  table: 'invoice',
  states: [InvoiceStatus.NORMAL, InvoiceStatus.VOIDED, InvoiceStatus.RED_PARTIAL, InvoiceStatus.RED_FULL],
  initial: [InvoiceStatus.NORMAL, InvoiceStatus.VOIDED, InvoiceStatus.RED_PARTIAL, InvoiceStatus.RED_FULL],
  transitions: {
    [InvoiceStatus.NORMAL]: [InvoiceStatus.VOIDED, InvoiceStatus.RED_PARTIAL, InvoiceStatus.RED_FULL],
    [InvoiceStatus.RED_PARTIAL]: [InvoiceStatus.RED_PARTIAL, InvoiceStatus.RED_FULL, InvoiceStatus.NORMAL, InvoiceStatus.VOIDED],
    [InvoiceStatus.RED_FULL]: [InvoiceStatus.RED_PARTIAL, InvoiceStatus.NORMAL],
    [InvoiceStatus.VOIDED]: [InvoiceStatus.NORMAL],
  },
  versioned: true,
};

export type SupplementStatusT = 'PENDING_APPROVAL' | 'APPROVED' | 'REJECTED';

/** A supplementary entry (补录) waits for approval; approved, its invoice enters the register. */
export const SUPPLEMENT_MACHINE: DocumentMachine<SupplementStatusT> = {
  type: 'INVOICE_SUPPLEMENT',
  table: 'invoice_supplement',
  states: ['PENDING_APPROVAL', 'APPROVED', 'REJECTED'],
  initial: ['PENDING_APPROVAL'],
  transitions: { PENDING_APPROVAL: ['APPROVED', 'REJECTED'] },
  versioned: true,
};
