import { Dec, fmt } from '@drp/shared';

/**
 * Line arithmetic of the printed documents (decimal strings, never floats) and the picking list's
 * order.
 */

/** The sum of quantities, as a decimal string without trailing zeros ("24.000" + "1.5" -> "25.5"). */
export function totalQty(lines: readonly { qty: string }[]): string {
  return lines.reduce((acc, l) => acc.plus(l.qty), new Dec(0)).toFixed();
}

/** The sum of amounts to cents ("12.30" + "0.7" -> "13.00"). */
export function totalAmount(values: readonly string[]): string {
  return fmt(values.reduce((acc, v) => acc.plus(v), new Dec(0)));
}

export interface PickLine {
  productCode: string;
  /** the bin (库位) in the warehouse, when warehouses carry one; none does yet */
  location?: string | null;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * The picking list's order: by warehouse location (lines without one last), then by product code
 * (natural order: SP2 before SP10), so a picker walks the shelves once. Returns a new array.
 */
export function pickingOrder<T extends PickLine>(lines: readonly T[]): T[] {
  return [...lines].sort((a, b) => {
    const la = a.location ?? '';
    const lb = b.location ?? '';
    if (la !== lb) {
      if (!la) return 1;
      if (!lb) return -1;
      return collator.compare(la, lb);
    }
    return collator.compare(a.productCode, b.productCode);
  });
}

/**
 * A statement line's summary in the reader's words: a receipt's summary starts with its method's
 * code ("BANK_TRANSFER ICBC-0001"), which `methodLabel` words ("银行转账 ICBC-0001"); anything else
 * is shown as written.
 */
export function receiptSummary(summary: string, methodLabel: (code: string) => string | undefined): string {
  const [first, ...rest] = summary.trim().split(/\s+/);
  const label = first ? methodLabel(first) : undefined;
  return label ? [label, ...rest].join(' ') : summary;
}
