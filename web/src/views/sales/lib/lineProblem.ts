import { Dec } from '@drp/shared';

/**
 * A refused preview or save that names one product (QTY_BELOW_MINIMUM, QTY_NOT_MULTIPLE with
 * `details: { productId, minOrderQty, orderMultiple }`; PRODUCT_OUT_OF_SCOPE / PRODUCT_DISCONTINUED
 * with `productId` or `productIds`): which products, and the rule to show beside the message.
 */
export interface LineProblem {
  productIds: string[];
  /** the quantity rule, when the server sent it */
  rule: { min: string; multiple: string } | null;
}

const qtyText = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? new Dec(v).toFixed() : null);

export function lineProblem(details: unknown): LineProblem | null {
  if (!details || typeof details !== 'object') return null;
  const d = details as Record<string, unknown>;
  const ids = Array.isArray(d.productIds) ? d.productIds.filter((x): x is string => typeof x === 'string') : typeof d.productId === 'string' ? [d.productId] : [];
  if (!ids.length) return null;
  const min = qtyText(d.minOrderQty);
  const multiple = qtyText(d.orderMultiple);
  return { productIds: ids, rule: min !== null && multiple !== null ? { min, multiple } : null };
}
