import { Dec, fmt, isDecimalString } from '@drp/shared';
import { formatAmount } from '@/views/catalog/lib/price';

/**
 * Money on the finance screens: decimal strings from the server ("1234.50"), never JS numbers.
 * Display goes through `formatAmount` (2 decimals, thousands grouped) shared with the catalog.
 */
export { formatAmount };

/** -1, 0 or 1 for a decimal string; blank or not a number counts as 0. */
export function amountSign(value: string | null | undefined): -1 | 0 | 1 {
  const s = (value ?? '').trim();
  if (!s || !isDecimalString(s, 20)) return 0;
  const d = new Dec(s);
  return d.isZero() ? 0 : d.isNegative() ? -1 : 1;
}

export function isNegative(value: string | null | undefined): boolean {
  return amountSign(value) < 0;
}

export function isPositive(value: string | null | undefined): boolean {
  return amountSign(value) > 0;
}

/** The sum of decimal strings as an amount ("12.50"); blanks count as 0. */
export function sumAmounts(values: readonly (string | null | undefined)[]): string {
  return fmt(values.reduce<Dec>((acc, v) => (v && v.trim() ? acc.plus(v.trim()) : acc), new Dec(0)));
}

/** a - b as an amount */
export function minusAmount(a: string, b: string): string {
  return fmt(new Dec(a).minus(b));
}

/** Editing text of a stored amount: "1200.00" -> "1200", "12.50" -> "12.5". */
export function amountEditText(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  return new Dec(value).toFixed();
}
