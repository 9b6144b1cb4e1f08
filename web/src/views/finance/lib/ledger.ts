import { LedgerEntryType, ReceiptMethod, type LedgerEntryDto } from '@drp/shared';

const METHODS = new Set<string>(Object.values(ReceiptMethod));

/**
 * A ledger line's summary for people. The server writes a receipt's summary as
 * "<METHOD> <bank reference>" ("BANK_TRANSFER ICBC-001"): the method code is shown by its label
 * ("银行转账 ICBC-001"); every other summary (order number, return reason, reversal reason) as is.
 */
export function ledgerSummary(line: Pick<LedgerEntryDto, 'type' | 'summary'>, methodLabel: (method: ReceiptMethod) => string): string {
  const summary = line.summary ?? '';
  if (line.type !== LedgerEntryType.RECEIPT) return summary;
  const [first, ...rest] = summary.split(' ');
  if (!METHODS.has(first)) return summary;
  return [methodLabel(first as ReceiptMethod), ...rest].join(' ');
}
