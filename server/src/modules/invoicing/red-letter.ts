import { Dec, fmt, InvoiceStatus } from '@drp/shared';

/** An invoice's money: 金额 (before tax), 税额, 价税合计. Blue positive, red negative. */
export interface Money3 {
  amount: string;
  tax: string;
  total: string;
}

const add = (a: Money3, b: Money3): Money3 => ({ amount: fmt(new Dec(a.amount).plus(b.amount)), tax: fmt(new Dec(a.tax).plus(b.tax)), total: fmt(new Dec(a.total).plus(b.total)) });
export const negate = (m: Money3): Money3 => ({ amount: fmt(new Dec(m.amount).neg()), tax: fmt(new Dec(m.tax).neg()), total: fmt(new Dec(m.total).neg()) });
export const ZERO: Money3 = { amount: '0.00', tax: '0.00', total: '0.00' };

/** What is left of a blue invoice to red-letter: the blue amounts plus its red invoices (negative). */
export function redLeft(blue: Money3, reds: Money3[]): Money3 {
  return reds.reduce(add, { amount: fmt(blue.amount), tax: fmt(blue.tax), total: fmt(blue.total) });
}

/**
 * Checks a red invoice (its amounts given positive: how much is taken back) against what is left
 * of the blue. Every figure must be above zero in total and none may exceed what is left: a
 * partial red never exceeds the blue. Answers the blue's status afterwards (nothing left:
 * RED_FULL, else RED_PARTIAL), or `exceeds`.
 */
export function applyRed(left: Money3, red: Money3): { ok: true; status: InvoiceStatus.RED_FULL | InvoiceStatus.RED_PARTIAL; leftAfter: Money3 } | { ok: false; reason: 'EXCEEDS' | 'NOT_POSITIVE' } {
  const r = { amount: new Dec(red.amount), tax: new Dec(red.tax), total: new Dec(red.total) };
  if (r.amount.isNegative() || r.tax.isNegative() || !r.total.greaterThan(0)) return { ok: false, reason: 'NOT_POSITIVE' };
  if (r.amount.greaterThan(left.amount) || r.tax.greaterThan(left.tax) || r.total.greaterThan(left.total)) return { ok: false, reason: 'EXCEEDS' };
  const leftAfter = add(left, negate(red));
  const nothingLeft = new Dec(leftAfter.total).isZero() && new Dec(leftAfter.amount).isZero() && new Dec(leftAfter.tax).isZero();
  return { ok: true, status: nothingLeft ? InvoiceStatus.RED_FULL : InvoiceStatus.RED_PARTIAL, leftAfter };
}

/** A tax-inclusive value split into amount and tax at a rate (the tax inside the total, to the cent). */
export function splitTotal(total: string, taxRate: string): Money3 {
  const t = new Dec(total);
  const amount = fmt(t.div(new Dec(1).plus(taxRate)));
  return { amount, tax: fmt(t.minus(amount)), total: fmt(t) };
}

/** The sum of several money triples. */
export function sumMoney(items: Money3[]): Money3 {
  return items.reduce(add, ZERO);
}
