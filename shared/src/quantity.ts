/**
 * Order quantity rules, once for server and web: a quantity must be positive, reach the
 * product's minimum order quantity and be a whole multiple of its order multiple. The server's
 * order, cart and price checks, the reorder rounding, the mall stepper and the order form's first
 * quantity all call these.
 */
import { Dec, fmt } from './money';

export interface QtyRule {
  minOrderQty: string;
  orderMultiple: string;
}

export type QuantityProblem = 'INVALID_QUANTITY' | 'QTY_BELOW_MINIMUM' | 'QTY_NOT_MULTIPLE';

function parse(value: string | number | null | undefined): InstanceType<typeof Dec> | null {
  try {
    const d = new Dec(typeof value === 'string' ? value.trim() || 'NaN' : (value ?? NaN));
    return d.isFinite() ? d : null;
  } catch {
    return null;
  }
}

/** The step a quantity moves by: the order multiple, or 1 when it is missing or not positive. */
export function orderStep(orderMultiple: string | null | undefined): string {
  const m = parse(orderMultiple);
  return m && m.greaterThan(0) ? m.toString() : '1';
}

/** The smallest quantity that may be ordered: the minimum rounded up to the multiple, at least one multiple (3 decimals). */
export function minValidQty(rule: QtyRule): string {
  const m = new Dec(orderStep(rule.orderMultiple));
  const min = parse(rule.minOrderQty) ?? new Dec(0);
  return fmt(Dec.max(min.div(m).ceil(), 1).times(m), 'qty');
}

/**
 * A quantity made orderable: raised to the minimum and rounded up to the next multiple (reorder,
 * the mall stepper). Not a positive number -> the smallest valid quantity. 3 decimals.
 */
export function roundToMultiple(qty: string | number | null | undefined, rule: QtyRule): string {
  const q = parse(qty);
  const min = new Dec(minValidQty(rule));
  if (!q || q.lessThanOrEqualTo(0)) return fmt(min, 'qty');
  const m = new Dec(orderStep(rule.orderMultiple));
  return fmt(Dec.max(q.div(m).ceil().times(m), min), 'qty');
}

/** What is wrong with an order quantity (null: it may be ordered). Anything not a positive number is INVALID_QUANTITY. */
export function quantityProblem(qty: string, minOrderQty: string, orderMultiple: string): QuantityProblem | null {
  const q = parse(qty);
  if (!q || q.lessThanOrEqualTo(0)) return 'INVALID_QUANTITY';
  if (q.lessThan(parse(minOrderQty) ?? 0)) return 'QTY_BELOW_MINIMUM';
  if (!q.mod(orderStep(orderMultiple)).isZero()) return 'QTY_NOT_MULTIPLE';
  return null;
}
