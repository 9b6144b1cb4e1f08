import { Dec, fmt, minValidQty as sharedMinValidQty, orderStep, quantityProblem, roundToMultiple, type QtyRule, type QuantityProblem } from '@drp/shared';

/**
 * Order quantity rules of the mall: a quantity must reach the product's minimum order quantity and
 * be a whole multiple of its order multiple. The rules are the shared ones the server checks with
 * (`quantityProblem`, `minValidQty`, `roundToMultiple` in @drp/shared); this file only words them
 * for the stepper (quantities as people read them: "24", not "24.000"). The stepper starts at the
 * smallest valid quantity and moves by the multiple.
 */
export type { QtyRule };

export type QtyProblem = QuantityProblem;

/** "24.000" -> "24", "1.500" -> "1.5": quantities as people read them. */
export function qtyText(value: string | number): string {
  const d = new Dec(value);
  if (!d.isFinite()) return String(value);
  return d.toDecimalPlaces(3).toString();
}

/** The smallest quantity that may be ordered: the minimum rounded up to the multiple (at least one multiple). */
export function minValidQty(rule: QtyRule): string {
  return qtyText(sharedMinValidQty(rule));
}

/** Any typed quantity made valid: rounded up to the multiple, never below the minimum. Bad input -> the minimum. */
export function normalizeQty(value: string | number | null | undefined, rule: QtyRule): string {
  return qtyText(roundToMultiple(value, rule));
}

/** One step up. */
export function stepUp(value: string, rule: QtyRule): string {
  const current = new Dec(normalizeQty(value, rule));
  return qtyText(current.plus(orderStep(rule.orderMultiple)).toString());
}

/** One step down, never below the smallest valid quantity (null when already there: the line would go). */
export function stepDown(value: string, rule: QtyRule): string | null {
  const current = new Dec(normalizeQty(value, rule));
  const next = current.minus(orderStep(rule.orderMultiple));
  if (next.lessThan(sharedMinValidQty(rule))) return null;
  return qtyText(next.toString());
}

/** What is wrong with a quantity: the server's own check (`quantityProblem`); null when it may be ordered. */
export function qtyProblem(value: string, rule: QtyRule): QtyProblem | null {
  return quantityProblem(value, rule.minOrderQty, rule.orderMultiple);
}

/** The wire form of a quantity (3 decimals). */
export function qtyWire(value: string): string {
  return fmt(value, 'qty');
}

type T = (key: string, params?: Record<string, unknown>) => string;

/**
 * Nothing for any quantity (1, step 1); "起订 6瓶" when the multiple is 1; else "起订 24瓶，按 24瓶 递增"
 * (the multiple is always said when there is one: typing 20 of a product sold in 15s becomes 30,
 * and the reader must have been told why).
 */
export function qtyRuleText(rule: QtyRule, unit: string, t: T): string {
  const min = minValidQty(rule);
  const multiple = qtyText(rule.orderMultiple || '1');
  if (min === '1' && multiple === '1') return '';
  if (multiple === '1') return t('mall.qty.ruleMinOnly', { min, unit });
  return t('mall.qty.rule', { min, multiple, unit });
}
