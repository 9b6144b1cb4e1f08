import { Dec, shortLines, StockControl, stockShortages, type OrderPreviewLineDto, type StockShortageLine } from '@drp/shared';
import { t } from '@/i18n';
import { formatQty, groupThousands } from '@/utils/money';

/**
 * The order form's shortages (可用量控制), from the live preview: per product, ordered (lines of one
 * product summed), available in the warehouse, and short by; in words for the line, the alert and
 * the confirmation before submitting.
 */

export interface FormShortage extends StockShortageLine {
  /** "SP0001 矿泉水" */
  product: string;
}

const qty = (v: string) => groupThousands(formatQty(v));

/** The short products of a previewed order (none without a warehouse: available is then null). */
export function formShortages(lines: readonly Pick<OrderPreviewLineDto, 'productId' | 'productCode' | 'productName' | 'qty' | 'available'>[]): FormShortage[] {
  const priced = lines.filter((l) => l.available !== null);
  const available = new Map(priced.map((l) => [l.productId, l.available as string]));
  return shortLines(stockShortages(priced, available)).map((s) => {
    const l = priced.find((x) => x.productId === s.productId)!;
    return { ...s, product: `${l.productCode} ${l.productName}` };
  });
}

/** "缺 2,206（订 2,400，可用 194）" */
export function shortText(s: StockShortageLine): string {
  return t('stockControl.form.lineShort', { short: qty(s.short), ordered: qty(s.ordered), available: qty(s.available) });
}

/** "SP0001 矿泉水：订 2,400，可用 194，缺 2,206" */
export function shortItem(s: FormShortage): string {
  return t('stockControl.form.alertItem', { product: s.product, ordered: qty(s.ordered), available: qty(s.available), short: qty(s.short) });
}

/** What submitting a short order does under the setting: go on, confirm first, or stop in the form. */
export function submitGate(control: StockControl | null, shortages: readonly FormShortage[]): 'go' | 'confirm' | 'refuse' {
  if (!shortages.length) return 'go';
  if (control === StockControl.BLOCK) return 'refuse';
  // WARN asks; NONE too (the rest becomes a backorder: say so once), and an unknown setting asks
  return 'confirm';
}

/** What of an approved order's line waits for stock (qty − shipped − reserved), '0.000' for any other status. */
export function lineBackorder(line: { qty: string; shippedQty: string; reservedQty?: string }, status: string): string {
  if (status !== 'APPROVED' && status !== 'PARTIALLY_SHIPPED') return '0.000';
  const left = new Dec(line.qty).minus(line.shippedQty).minus(line.reservedQty ?? '0');
  return Dec.max(left, 0).toFixed(3);
}
