import { Dec, fmt, minValidQty, type OrderLineDto } from '@drp/shared';
import type { ProductLite } from '@/api/catalog';
import type { OrderLineInput, OrderPreviewInput } from '@/api/sales';
import { decimalProblem } from '@/utils/decimalInput';

/**
 * The order form's lines, free of Vue: what a person typed (quantity, discount in percent, a
 * manual price), its checks mirroring the server, and the requests built from it (preview,
 * create / update).
 */

export interface OrderLineDraft {
  /** a stable key for the row */
  key: string;
  productId: string | null;
  product: ProductLite | null;
  qty: string;
  /** percent off, "5" for 5 %; '' for none */
  discount: string;
  /** a manual unit price typed by a user with orders:manual-price; null: the resolved price */
  unitPrice: string | null;
  remark: string;
}

/** i18n keys under `sales.lineErrors` */
export type LineError =
  | 'productRequired'
  | 'qtyRequired'
  | 'qtyFormat'
  | 'qtyScale'
  | 'qtyPositive'
  | 'discountFormat'
  | 'discountScale'
  | 'discountRange'
  | 'priceFormat'
  | 'priceScale';

export interface LineErrors {
  product?: LineError;
  qty?: LineError;
  discount?: LineError;
  price?: LineError;
}

export const QTY_RULE = { scale: 3, positive: true } as const;
export const DISCOUNT_RULE = { scale: 2, min: '0', lessThan: '100' } as const;
export const PRICE_RULE = { scale: 4, min: '0' } as const;

let seq = 0;
export function emptyOrderLine(): OrderLineDraft {
  seq += 1;
  return { key: `ol${Date.now().toString(36)}${seq}`, productId: null, product: null, qty: '', discount: '', unitPrice: null, remark: '' };
}

/** Untouched rows are left out, not refused. */
export function isBlankOrderLine(line: OrderLineDraft): boolean {
  return !line.productId && line.qty.trim() === '';
}

export function qtyError(raw: string): LineError | undefined {
  const s = raw.trim();
  if (s === '') return 'qtyRequired';
  switch (decimalProblem(s, QTY_RULE)) {
    case null:
      return undefined;
    case 'scale':
      return 'qtyScale';
    case 'positive':
    case 'min':
      return 'qtyPositive';
    default:
      return 'qtyFormat';
  }
}

export function discountError(raw: string): LineError | undefined {
  const s = raw.trim();
  if (s === '') return undefined;
  switch (decimalProblem(s, DISCOUNT_RULE)) {
    case null:
      return undefined;
    case 'scale':
      return 'discountScale';
    case 'format':
      return /^-/.test(s) ? 'discountRange' : 'discountFormat';
    default:
      return 'discountRange';
  }
}

export function priceError(raw: string | null): LineError | undefined {
  if (raw === null) return undefined;
  const s = raw.trim();
  if (s === '') return 'priceFormat';
  switch (decimalProblem(s, PRICE_RULE)) {
    case null:
      return undefined;
    case 'scale':
      return 'priceScale';
    default:
      return 'priceFormat';
  }
}

export function lineErrors(line: OrderLineDraft): LineErrors {
  const errors: LineErrors = {};
  if (!line.productId) errors.product = 'productRequired';
  const q = qtyError(line.qty);
  if (q) errors.qty = q;
  const d = discountError(line.discount);
  if (d) errors.discount = d;
  const p = priceError(line.unitPrice);
  if (p) errors.price = p;
  return errors;
}

export interface LinesCheck {
  /** by line key; only lines with a problem */
  lines: Record<string, LineErrors>;
  noLines: boolean;
  ok: boolean;
}

export function checkLines(lines: OrderLineDraft[]): LinesCheck {
  const result: Record<string, LineErrors> = {};
  const filled = lines.filter((l) => !isBlankOrderLine(l));
  for (const line of filled) {
    const e = lineErrors(line);
    if (Object.keys(e).length) result[line.key] = e;
  }
  const noLines = filled.length === 0;
  return { lines: result, noLines, ok: !noLines && Object.keys(result).length === 0 };
}

/** "5" (percent) -> "0.0500" (the wire's rate); '' -> "0.0000". */
export function percentToRate(percent: string): string {
  const s = percent.trim();
  if (s === '') return '0.0000';
  return new Dec(s).div(100).toFixed(4);
}

/** "0.0500" -> "5"; "0" -> '' (no discount shows an empty box). */
export function rateToPercent(rate: string | null | undefined): string {
  if (!rate) return '';
  const d = new Dec(rate);
  if (d.isZero()) return '';
  return d.times(100).toDecimalPlaces(2).toFixed();
}

/** A quantity as typed, for the wire: "5" -> "5.000". */
export function wireQty(raw: string): string {
  return fmt(raw.trim(), 'qty');
}

/** One line as POST / PUT take it. `manualPrice`: the user may send a unit price. */
export function lineInput(line: OrderLineDraft, manualPrice: boolean): OrderLineInput {
  const input: OrderLineInput = { productId: line.productId!, qty: wireQty(line.qty) };
  if (manualPrice && line.unitPrice !== null) input.unitPrice = fmt(line.unitPrice.trim(), 'unitPrice');
  if (line.discount.trim() !== '' && !new Dec(line.discount.trim()).isZero()) input.discountRate = percentToRate(line.discount);
  if (line.remark.trim()) input.remark = line.remark.trim();
  return input;
}

/** The lines of a valid form as POST / PUT take them (blank rows left out). */
export function buildLineInputs(lines: OrderLineDraft[], manualPrice: boolean): OrderLineInput[] {
  return lines.filter((l) => !isBlankOrderLine(l)).map((l) => lineInput(l, manualPrice));
}

/**
 * The preview request of the form as it stands: every line with a product and a valid quantity
 * (a bad discount or price is left out, not sent); `keys` says which draft each previewed line is.
 */
export function buildPreview(
  header: { dealerId: string | null; warehouseId: string | null; orderId?: string | null },
  lines: OrderLineDraft[],
  manualPrice: boolean,
): { input: OrderPreviewInput; keys: string[] } | null {
  if (!header.dealerId) return null;
  const keys: string[] = [];
  const previewLines: OrderPreviewInput['lines'] = [];
  for (const line of lines) {
    if (!line.productId || qtyError(line.qty)) continue;
    const entry: OrderPreviewInput['lines'][number] = { productId: line.productId, qty: wireQty(line.qty) };
    if (!discountError(line.discount) && line.discount.trim() !== '' && !new Dec(line.discount.trim()).isZero()) entry.discountRate = percentToRate(line.discount);
    if (manualPrice && line.unitPrice !== null && !priceError(line.unitPrice)) entry.unitPrice = fmt(line.unitPrice.trim(), 'unitPrice');
    previewLines.push(entry);
    keys.push(line.key);
  }
  const input: OrderPreviewInput = { dealerId: header.dealerId, lines: previewLines };
  if (header.warehouseId) input.warehouseId = header.warehouseId;
  if (header.orderId) input.excludeOrderId = header.orderId;
  return { input, keys };
}

/** A saved order's lines back into the form (a manual price stays manual). */
export function draftsFromOrder(lines: OrderLineDto[]): OrderLineDraft[] {
  return lines.map((l) => ({
    ...emptyOrderLine(),
    productId: l.productId,
    product: { id: l.productId, code: l.productCode, name: l.productName, spec: l.spec, baseUnit: l.baseUnit },
    qty: new Dec(l.qty).toFixed(),
    discount: rateToPercent(l.discountRate),
    unitPrice: l.priceSource === 'MANUAL' ? new Dec(l.unitPrice).toFixed(Math.min(4, Math.max(2, new Dec(l.unitPrice).decimalPlaces()))) : null,
    remark: l.remark ?? '',
  }));
}

/**
 * The quantity a freshly picked product starts with: the smallest it may be ordered in (the shared
 * `minValidQty`: its minimum rounded up to its order multiple), else 1.
 */
export function initialQty(product: { minOrderQty?: string | null; orderMultiple?: string | null } | null | undefined): string {
  if (!product) return '1';
  return new Dec(minValidQty({ minOrderQty: product.minOrderQty ?? '0', orderMultiple: product.orderMultiple ?? '1' })).toFixed();
}

/** A stable fingerprint of a preview request, to skip asking twice for the same thing. */
export function previewFingerprint(input: OrderPreviewInput | null): string {
  return input ? JSON.stringify(input) : '';
}
