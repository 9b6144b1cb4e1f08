import { ReceiptMethod, type LedgerEntryDto } from '@drp/shared';
import type { Words } from './words';

const METHODS = new Set<string>(Object.values(ReceiptMethod));

/**
 * A statement line's text in the dealer's language: the server writes a receipt (or its reversal)
 * as "<METHOD> <bank reference>" ("BANK_TRANSFER ICBC-001"): the method code is worded
 * ("银行转账 ICBC-001"); other texts (order numbers, reasons people typed) stay; an empty one is
 * the line's type.
 */
export function statementLineText(w: Words, line: Pick<LedgerEntryDto, 'type' | 'summary'>): string {
  const summary = (line.summary ?? '').trim();
  if (!summary) return w.t(`finance.ledgerType.${line.type}`);
  const [first, ...rest] = summary.split(' ');
  if (!METHODS.has(first)) return summary;
  return [w.t(`finance.receiptMethod.${first}`), ...rest].join(' ');
}
