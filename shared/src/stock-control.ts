import { Dec, fmt } from './money';
import { StockControl } from './settings';

/**
 * Stock at order time (T+ 可用量控制, the company setting `stockControl`): the pure rules the
 * server applies at submit and approval and the order form shows as it is typed.
 *
 * - `stockShortages`: per product, what an order asks for against what is available.
 * - `splitReservation`: at approval, what is reserved now and what waits as a backorder (缺货).
 * - `allocateFifo`: stock that arrives goes to the waiting backorders oldest approval first.
 */

/** One product of an order against the warehouse's available stock (on hand − reserved). */
export interface StockShortageLine {
  productId: string;
  /** ordered (summed over lines of the same product) */
  ordered: string;
  /** available in the warehouse (may be negative after a stock correction: shown as is) */
  available: string;
  /** ordered − available when positive, else 0 */
  short: string;
}

/**
 * What each product of an order lacks. Lines of one product are summed; products appear in the
 * order of their first line; `short` is 0.000 where there is enough. A product without a stock row
 * has 0 available.
 */
export function stockShortages(lines: readonly { productId: string; qty: string }[], available: ReadonlyMap<string, string> | Record<string, string>): StockShortageLine[] {
  const avail = (id: string): string => (available instanceof Map ? available.get(id) : (available as Record<string, string>)[id]) ?? '0';
  const ordered = new Map<string, Dec>();
  for (const l of lines) ordered.set(l.productId, (ordered.get(l.productId) ?? new Dec(0)).plus(safeDec(l.qty)));
  return [...ordered.entries()].map(([productId, qty]) => {
    const a = new Dec(avail(productId));
    return { productId, ordered: fmt(qty, 'qty'), available: fmt(a, 'qty'), short: fmt(Dec.max(qty.minus(Dec.max(a, 0)), 0), 'qty') };
  });
}

/** A quantity as typed (empty or not a number counts as 0: the form's own checks word those). */
function safeDec(v: string): Dec {
  try {
    const d = new Dec(v === '' ? 0 : v);
    return d.isFinite() ? d : new Dec(0);
  } catch {
    return new Dec(0);
  }
}

/** The lines that lack stock (short > 0). */
export function shortLines(lines: readonly StockShortageLine[]): StockShortageLine[] {
  return lines.filter((l) => new Dec(l.short).greaterThan(0));
}

/** What the setting does with a short order at submit: refuse it (BLOCK), ask to confirm (WARN), or let it through as a backorder (NONE). */
export function shortageVerdict(control: StockControl, lines: readonly StockShortageLine[]): 'OK' | 'CONFIRM' | 'REFUSE' | 'BACKORDER' {
  if (!shortLines(lines).length) return 'OK';
  return control === StockControl.BLOCK ? 'REFUSE' : control === StockControl.WARN ? 'CONFIRM' : 'BACKORDER';
}

/** At approval: of `open` units, what is reserved now (at most what is available, never below 0) and what waits. */
export function splitReservation(open: string, available: string): { reserve: string; backorder: string } {
  const o = Dec.max(new Dec(open), 0);
  const reserve = Dec.min(o, Dec.max(new Dec(available), 0));
  return { reserve: fmt(reserve, 'qty'), backorder: fmt(o.minus(reserve), 'qty') };
}

/**
 * Stock that arrived (`available`, the row's on hand − reserved after it) goes to the waiting
 * backorders in the order given (oldest approval first): each takes what it waits for while
 * there is any left. Answers the quantities taken, in the same order, zero ones left out.
 */
export function allocateFifo<T extends { waiting: string }>(available: string, queue: readonly T[]): { item: T; qty: string }[] {
  let left = Dec.max(new Dec(available), 0);
  const out: { item: T; qty: string }[] = [];
  for (const item of queue) {
    if (left.lte(0)) break;
    const take = Dec.min(left, Dec.max(new Dec(item.waiting), 0));
    if (take.greaterThan(0)) {
      out.push({ item, qty: fmt(take, 'qty') });
      left = left.minus(take);
    }
  }
  return out;
}

/** One line of an order's stock position, as approvers and the order detail see it. */
export interface OrderStockLineDto {
  lineId: string;
  productId: string;
  productCode: string;
  productName: string;
  baseUnit: string;
  ordered: string;
  shipped: string;
  /** reserved for this order and not yet shipped */
  reserved: string;
  /** available in the order's warehouse now (on hand − everyone's reservations) */
  available: string;
  /** not yet covered: before approval what the warehouse lacks, after it the backorder (缺货/待补) */
  short: string;
}

/** What an approver (and the order detail) sees of an order's stock and its dealer's credit. */
export interface OrderApprovalFactsDto {
  orderId: string;
  stockControl: StockControl;
  warehouseId: string;
  warehouseName: string;
  lines: OrderStockLineDto[];
  credit: {
    mode: 'NONE' | 'WARN' | 'BLOCK';
    limit: string;
    exposure: string;
    available: string;
    overdueAmount: string;
  };
}

/** One backorder (缺货/待补) line: an approved order's line waiting for stock. */
export interface BackorderDto {
  orderId: string;
  orderNumber: string;
  lineId: string;
  dealerId: string;
  dealerCode: string;
  dealerName: string;
  warehouseId: string;
  warehouseName: string;
  productId: string;
  productCode: string;
  productName: string;
  baseUnit: string;
  ordered: string;
  shipped: string;
  reserved: string;
  /** waiting for stock */
  waiting: string;
  /** when the order was approved (its place in the queue) */
  approvedAt: string;
}
