import type { StockDocStatus } from '@drp/shared';
import type { DocumentMachine } from '../../kernel/document-machine';

export const STOCK_DOC = 'STOCK_DOC';

/**
 * 入库 / 调拨 are written POSTED (their stock moves with them). A 盘点 adjustment is written
 * PENDING_APPROVAL and ends POSTED (approved: its stock moves then) or REJECTED (rejected,
 * returned, withdrawn, or no approver: a count is never edited, a new one is made).
 */
export const STOCK_DOC_MACHINE: DocumentMachine<StockDocStatus> = {
  type: STOCK_DOC,
  table: 'stock_doc',
  states: ['PENDING_APPROVAL', 'POSTED', 'REJECTED'],
  initial: ['POSTED', 'PENDING_APPROVAL'],
  transitions: { PENDING_APPROVAL: ['POSTED', 'REJECTED'] },
};
