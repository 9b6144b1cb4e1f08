import { Dec, fmt } from '@drp/shared';

/**
 * Order quantity rules of the mall: a quantity must reach the product's minimum order quantity and
 * be a whole multiple of its order multiple (the server checks the same, `quantityProblem`). The
 * stepper starts at the smallest valid quantity and moves by the multiple.
 */
export interface QtyRule {
  minOrderQty: string;
  orderMultiple: string;
}

export type QtyProblem = 'INVALID_QUANTITY' | 'QTY_BELOW_MINIMUM' | 'QTY_NOT_MULTIPLE';

/** "24.000" -> "24", "1.500" -> "1.5": quantities as people read them. */
export function qtyText(value: string | number): string {
  const d = new Dec(value);
  if (!d.isFinite()) return String(value);
  return d.toDecimalPlaces(3).toString();
}

function step(rule: QtyRule): InstanceType<typeof Dec> {
  const m = new Dec(rule.orderMultiple || '1');
  return m.isFinite() && m.greaterThan(0) ? m : new Dec(1);
}

/** The smallest quantity that may be ordered: the minimum rounded up to the multiple (at least one multiple). */
export function minValidQty(rule: QtyRule): string {
  const m = step(rule);
  const min = new Dec(rule.minOrderQty || '0');
  const units = Dec.max(min.div(m).ceil(), 1);
  return qtyText(units.times(m).toString());
}

/** Any typed quantity made valid: rounded up to the multiple, never below the minimum. Bad input -> the minimum. */
export function normalizeQty(value: string | number | null | undefined, rule: QtyRule): string {
  let d: InstanceType<typeof Dec>;
  try {
    d = new Dec(typeof value === 'string' ? value.trim() || '0' : (value ?? 0));
  } catch {
    return minValidQty(rule);
  }
  if (!d.isFinite() || d.lessThanOrEqualTo(0)) return minValidQty(rule);
  const m = step(rule);
  const rounded = d.div(m).ceil().times(m);
  const min = new Dec(minValidQty(rule));
  return qtyText(Dec.max(rounded, min).toString());
}

/** One step up. */
export function stepUp(value: string, rule: QtyRule): string {
  const current = new Dec(normalizeQty(value, rule));
  return qtyText(current.plus(step(rule)).toString());
}

/** One step down, never below the smallest valid quantity (null when already there: the line would go). */
export function stepDown(value: string, rule: QtyRule): string | null {
  const current = new Dec(normalizeQty(value, rule));
  const next = current.minus(step(rule));
  if (next.lessThan(minValidQty(rule))) return null;
  return qtyText(next.toString());
}

/** What is wrong with a quantity, like the server's check; null when it may be ordered. */
export function qtyProblem(value: string, rule: QtyRule): QtyProblem | null {
  let q: InstanceType<typeof Dec>;
  try {
    q = new Dec(value);
  } catch {
    return 'INVALID_QUANTITY';
  }
  if (!q.isFinite() || q.lessThanOrEqualTo(0)) return 'INVALID_QUANTITY';
  if (q.lessThan(rule.minOrderQty)) return 'QTY_BELOW_MINIMUM';
  if (!q.mod(step(rule)).isZero()) return 'QTY_NOT_MULTIPLE';
  return null;
}

/** The wire form of a quantity (3 decimals). */
export function qtyWire(value: string): string {
  return fmt(value, 'qty');
}

type T = (key: string, params?: Record<string, unknown>) => string;

/** Nothing for any quantity (1, step 1); "起订 24瓶" when the multiple is 1 or the minimum itself; else "起订 6瓶，按 2瓶 递增". */
export function qtyRuleText(rule: QtyRule, unit: string, t: T): string {
  const min = minValidQty(rule);
  const multiple = qtyText(rule.orderMultiple || '1');
  if (min === '1' && multiple === '1') return '';
  if (multiple === '1' || multiple === min) return t('mall.qty.ruleMinOnly', { min, unit });
  return t('mall.qty.rule', { min, multiple, unit });
}
