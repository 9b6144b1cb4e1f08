import { Dec, fmt, type OrderLineDto, type ShipmentDto, type ShipmentLineDto } from '@drp/shared';
import { decimalProblem } from '@/utils/decimalInput';

/**
 * Shipping part of an order and returning part of a shipment: what is left, the quantities a
 * person typed against it, and the request lines built from them.
 */

/** i18n keys under `sales.fulfilErrors` */
export type FulfilError = 'format' | 'scale' | 'negative' | 'exceeds';

export interface FulfilDraft {
  /** the order line (shipping) or shipment line (returning) */
  lineId: string;
  productCode: string;
  productName: string;
  baseUnit: string;
  /** ordered / shipped quantity */
  total: string;
  /** already shipped / returned */
  done: string;
  /** what may still go */
  left: string;
  qty: string;
}

/** Ordered minus shipped (never below zero). */
export function remainingToShip(line: Pick<OrderLineDto, 'qty' | 'shippedQty'>): string {
  return fmt(Dec.max(0, new Dec(line.qty).minus(line.shippedQty)), 'qty');
}

/** Shipped minus returned (never below zero). */
export function returnable(line: Pick<ShipmentLineDto, 'qty' | 'returnedQty'>): string {
  return fmt(Dec.max(0, new Dec(line.qty).minus(line.returnedQty)), 'qty');
}

const text = (qty: string) => new Dec(qty).toFixed();

/**
 * The ship dialog's rows: each line with something left, prefilled with what is reserved for it
 * (a backorder waits for stock: 0 for a line with nothing reserved); without a reservation figure,
 * all that is left.
 */
export function shipDrafts(lines: (Pick<OrderLineDto, 'id' | 'productCode' | 'productName' | 'baseUnit' | 'qty' | 'shippedQty'> & { reservedQty?: string })[]): FulfilDraft[] {
  return lines
    .map((l) => ({ l, left: remainingToShip(l) }))
    .filter(({ left }) => new Dec(left).greaterThan(0))
    .map(({ l, left }) => ({
      lineId: l.id,
      productCode: l.productCode,
      productName: l.productName,
      baseUnit: l.baseUnit,
      total: l.qty,
      done: l.shippedQty,
      left,
      qty: text(l.reservedQty === undefined ? left : Dec.min(left, l.reservedQty).toFixed(3)),
    }));
}

/** The return dialog's rows: each shipment line with something returnable, starting at nothing. */
export function returnDrafts(shipment: Pick<ShipmentDto, 'lines'>): FulfilDraft[] {
  return shipment.lines
    .map((l) => ({ l, left: returnable(l) }))
    .filter(({ left }) => new Dec(left).greaterThan(0))
    .map(({ l, left }) => ({
      lineId: l.id,
      productCode: l.productCode,
      productName: l.productName,
      baseUnit: l.baseUnit,
      total: l.qty,
      done: l.returnedQty,
      left,
      qty: '',
    }));
}

/** What is wrong with a typed quantity against what is left ('' and 0 mean "none of it"). */
export function fulfilError(draft: Pick<FulfilDraft, 'qty' | 'left'>): FulfilError | undefined {
  const s = draft.qty.trim();
  if (s === '') return undefined;
  const problem = decimalProblem(s, { scale: 3, min: '0' });
  if (problem === 'format') return /^-/.test(s) ? 'negative' : 'format';
  if (problem === 'scale') return 'scale';
  if (problem) return 'negative';
  if (new Dec(s).greaterThan(draft.left)) return 'exceeds';
  return undefined;
}

export interface FulfilCheck {
  errors: Record<string, FulfilError>;
  /** no line has a quantity above zero */
  nothing: boolean;
  ok: boolean;
}

export function checkFulfil(drafts: FulfilDraft[]): FulfilCheck {
  const errors: Record<string, FulfilError> = {};
  for (const d of drafts) {
    const e = fulfilError(d);
    if (e) errors[d.lineId] = e;
  }
  const nothing = !drafts.some((d) => !fulfilError(d) && d.qty.trim() !== '' && new Dec(d.qty.trim()).greaterThan(0));
  return { errors, nothing, ok: !nothing && Object.keys(errors).length === 0 };
}

/** The lines with a quantity above zero, for POST /shipments (`orderLineId`) or /returns (`shipmentLineId`). */
export function fulfilLines(drafts: FulfilDraft[]): { lineId: string; qty: string }[] {
  return drafts
    .filter((d) => d.qty.trim() !== '' && new Dec(d.qty.trim()).greaterThan(0))
    .map((d) => ({ lineId: d.lineId, qty: fmt(d.qty.trim(), 'qty') }));
}

/** Every line ships all that is left (the dialog's "全部" button). */
export function fillAll(drafts: FulfilDraft[]): void {
  drafts.forEach((d) => (d.qty = text(d.left)));
}
