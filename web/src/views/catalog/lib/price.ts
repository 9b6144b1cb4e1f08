import { Dec, fmt, isDecimalString } from '@drp/shared';

/**
 * Display and comparison of prices and quantities. Prices travel as decimal strings with four
 * decimals ("3.5000"); every bit of arithmetic goes through `Dec` (decimal.js), never JS numbers.
 */

/** Insert thousands separators into the integer part of a decimal string. */
export function groupThousands(value: string): string {
  const [int, frac] = value.split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign ? int.slice(1) : int;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

/**
 * A unit price for people: at least two decimals, up to four when they carry information
 * ("3.5000" -> "3.50", "3.2550" -> "3.255", null -> "").
 */
export function formatPrice(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const d = new Dec(value);
  const places = Math.min(4, Math.max(2, d.decimalPlaces()));
  return groupThousands(d.toFixed(places));
}

/** An amount (2 decimals, grouped): "1,234.50". */
export function formatAmount(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  return groupThousands(fmt(value, 'amount'));
}

/** A quantity without trailing zeros: "24.000" -> "24", "1.500" -> "1.5". */
export function formatQty(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  return new Dec(value).toFixed();
}

/** '' and null both mean "no price". */
export function blankToNull(value: string | null | undefined): string | null {
  const s = (value ?? '').trim();
  return s === '' ? null : s;
}

/** Two prices are the same when both are empty or both are equal decimals ("3.5" = "3.5000"). */
export function samePrice(a: string | null | undefined, b: string | null | undefined): boolean {
  const x = blankToNull(a);
  const y = blankToNull(b);
  if (x === null || y === null) return x === y;
  if (!isDecimalString(x, 20) || !isDecimalString(y, 20)) return x === y;
  return new Dec(x).equals(y);
}

/** Editing text of a stored quantity or rate: "24.000" -> "24", "0.1300" -> "0.13". */
export function editText(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  return new Dec(value).toFixed();
}

/** Editing text of a stored price: at least two decimals, no grouping ("3.5000" -> "3.50"). */
export function priceText(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const d = new Dec(value);
  return d.toFixed(Math.min(4, Math.max(2, d.decimalPlaces())));
}

export interface DecimalRule {
  /** most decimals allowed */
  scale: number;
  /** inclusive minimum (default 0) */
  min?: string;
  /** strictly above 0 */
  positive?: boolean;
  /** strictly above this */
  greaterThan?: string;
  /** strictly below this */
  lessThan?: string;
}

export type DecimalProblem = 'format' | 'scale' | 'min' | 'positive' | 'greaterThan' | 'lessThan';

/**
 * What is wrong with a typed decimal (null when fine), mirroring the server's `IsDecimal`: a plain
 * decimal string (no exponent, no sign other than minus), at most `scale` decimals, within bounds.
 */
export function decimalProblem(value: string, rule: DecimalRule): DecimalProblem | null {
  const s = value.trim();
  if (!/^-?\d{1,16}(\.\d+)?$/.test(s)) return 'format';
  if (!isDecimalString(s, rule.scale)) return 'scale';
  const d = new Dec(s);
  if (rule.positive && !d.greaterThan(0)) return 'positive';
  if (rule.greaterThan !== undefined && !d.greaterThan(rule.greaterThan)) return 'greaterThan';
  if (rule.lessThan !== undefined && !d.lessThan(rule.lessThan)) return 'lessThan';
  if (d.lessThan(rule.min ?? '0')) return 'min';
  return null;
}
