import { Dec, fmt } from '@drp/shared';

/**
 * Quantities are decimal strings with up to 3 decimals (numeric(18,3) on the server): never JS
 * numbers. These helpers parse what a person typed and show what the server sent.
 */

/** A quantity above or at zero as the server accepts it: up to 15 integer digits, up to 3 decimals. */
export const QTY_PATTERN = /^\d{1,15}(\.\d{1,3})?$/;
/** The same with an optional minus (a signed change of a stock adjustment). */
export const SIGNED_QTY_PATTERN = /^-?\d{1,15}(\.\d{1,3})?$/;
/** Any decimal number, whatever its number of decimals (to tell "too many decimals" from "not a number"). */
const NUMBER_LIKE = /^-?\d+(\.\d+)?$/;

export type QtyProblem = 'required' | 'notNumber' | 'tooManyDecimals' | 'tooLarge' | 'negative';

/** What is wrong with a typed quantity (null: nothing). `signed` allows a leading minus. */
export function qtyProblem(raw: string | null | undefined, signed = false): QtyProblem | null {
  const value = (raw ?? '').trim();
  if (value === '') return 'required';
  if (!NUMBER_LIKE.test(value)) return 'notNumber';
  if (!signed && value.startsWith('-')) return 'negative';
  const [int, frac = ''] = value.replace(/^-/, '').split('.');
  if (frac.length > 3) return 'tooManyDecimals';
  if (int.length > 15) return 'tooLarge';
  return null;
}

/** The wire form of a valid typed quantity: "5" -> "5.000", "-0.5" -> "-0.500". */
export function normalizeQty(raw: string): string {
  return fmt(raw.trim(), 'qty');
}

export function isZero(value: string): boolean {
  return new Dec(value).isZero();
}

/**
 * A quantity for reading: trailing zeros trimmed ("120.000" -> "120", "12.500" -> "12.5"),
 * thousands grouped ("1,234.5"). `sign` puts a plus in front of positive values (ledger deltas).
 */
export function displayQty(value: string | null | undefined, opts: { sign?: boolean; group?: boolean } = {}): string {
  if (value === null || value === undefined || value === '') return '';
  let d: Dec;
  try {
    d = new Dec(value);
  } catch {
    return String(value);
  }
  if (d.isZero()) return '0';
  const fixed = d.abs().toFixed(3);
  const [int, frac] = fixed.split('.');
  const trimmed = frac.replace(/0+$/, '');
  const grouped = opts.group === false ? int : int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const body = trimmed ? `${grouped}.${trimmed}` : grouped;
  if (d.isNegative()) return `-${body}`;
  return opts.sign ? `+${body}` : body;
}

/** a - b as a qty string ("3.000") */
export function minusQty(a: string, b: string): string {
  return fmt(new Dec(a).minus(b), 'qty');
}

/** a + b as a qty string */
export function plusQty(a: string, b: string): string {
  return fmt(new Dec(a).plus(b), 'qty');
}

/** -1, 0 or 1 */
export function signOf(value: string | null | undefined): -1 | 0 | 1 {
  if (!value) return 0;
  const d = new Dec(value);
  return d.isZero() ? 0 : d.isNegative() ? -1 : 1;
}
