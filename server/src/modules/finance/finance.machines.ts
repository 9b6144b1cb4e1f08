import { ReceiptStatus, StatementStatus } from '@drp/shared';
import type { DocumentMachine } from '../../kernel/document-machine';

/**
 * 收款单: in force (ACTIVE) until reversed. A reversal that waits for approval is not a status of
 * the receipt (it stays in force, frozen): `reversal_status` records that request beside it.
 */
export const RECEIPT_MACHINE: DocumentMachine<ReceiptStatus> = {
  type: 'RECEIPT',
  table: 'receipt',
  states: [ReceiptStatus.ACTIVE, ReceiptStatus.REVERSED],
  initial: [ReceiptStatus.ACTIVE],
  transitions: { [ReceiptStatus.ACTIVE]: [ReceiptStatus.REVERSED] },
  versioned: true,
};

/**
 * 对账单: PENDING until the dealer confirms (final: kept as confirmed) or disputes it; a disputed
 * statement is generated again (its figures refreshed) and waits for the dealer's answer anew.
 */
export const STATEMENT_MACHINE: DocumentMachine<StatementStatus> = {
  type: 'STATEMENT',
  table: 'statement',
  states: [StatementStatus.PENDING, StatementStatus.CONFIRMED, StatementStatus.DISPUTED],
  initial: [StatementStatus.PENDING],
  transitions: {
    [StatementStatus.PENDING]: [StatementStatus.CONFIRMED, StatementStatus.DISPUTED],
    [StatementStatus.DISPUTED]: [StatementStatus.PENDING],
  },
  versioned: true,
};
