import { Dec, fmt, fmtGrouped, isDecimalString } from '@drp/shared';

/**
 * The one home of money, unit-price and quantity display in the web app. Values travel as decimal
 * strings ("1234.50", "3.5000", "24.000"); every bit of arithmetic goes through `Dec` (decimal.js
 * from @drp/shared), never JS numbers. Amounts show 2 decimals, unit prices 2 to 4, both with
 * thousands grouped; `yuan` / `yuanPrice` add the ¥ sign (minus before it: "-¥20.00"); unit prices
 * show the company's price scale (`setPriceScale`); `yuanBalance` says a negative balance as 预收.
 */

type Value = string | null | undefined;

const isBlank = (value: Value): value is null | undefined | '' => value === null || value === undefined || value === '';

/** Insert thousands separators into the integer part of a decimal string: "-1234.5" -> "-1,234.5". */
export function groupThousands(value: string): string {
  const [int, frac] = value.split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign ? int.slice(1) : int;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

/** An amount (2 decimals half up, grouped): "1,234.50"; '' for nothing. */
export function formatAmount(value: Value): string {
  if (isBlank(value)) return '';
  return fmtGrouped(value, 'amount');
}

let companyPriceScale = 2;

/**
 * The company's unit-price scale (T+'s 单价小数位数, company settings `priceScale`, 0..4): unit
 * prices are made to it on the server, and shown with that many decimals here. Set once the
 * settings are read (router guard); 2 until then.
 */
export function setPriceScale(scale: number): void {
  if (Number.isInteger(scale) && scale >= 0 && scale <= 4) companyPriceScale = scale;
}

export function getPriceScale(): number {
  return companyPriceScale;
}

/** Decimals a unit price shows: the company's scale, more (up to four) only when the price carries them (an older price). */
function priceScale(d: Dec): number {
  return Math.min(4, Math.max(companyPriceScale, d.decimalPlaces()));
}

/**
 * A unit price for people: at least two decimals, up to four when they carry information, grouped
 * ("3.5000" -> "3.50", "3.2550" -> "3.255", "1234567.89" -> "1,234,567.89", null -> "").
 */
export function formatPrice(value: Value): string {
  if (isBlank(value)) return '';
  const d = new Dec(value);
  return groupThousands(d.toFixed(priceScale(d)));
}

/**
 * A plain decimal for people (a threshold, a rate): grouped, no trailing zeros, at most `maxScale`
 * decimals ("5000" -> "5,000", "0.1250" -> "0.125"); text that is no decimal is returned as it is.
 */
export function formatDecimal(value: string, maxScale = 4): string {
  const s = value.trim();
  if (!isDecimalString(s, 40)) return value;
  return groupThousands(new Dec(s).toDecimalPlaces(maxScale).toFixed());
}

/** A quantity without trailing zeros: "24.000" -> "24", "1.500" -> "1.5". */
export function formatQty(value: Value): string {
  if (isBlank(value)) return '';
  return new Dec(value).toFixed();
}

function withYuan(text: string): string {
  return text.startsWith('-') ? `-¥${text.slice(1)}` : `¥${text}`;
}

/** An amount with the yuan sign: "¥1,234.50", "-¥20.00"; `blank` (default '') for nothing. */
export function yuan(value: Value, blank = ''): string {
  return isBlank(value) ? blank : withYuan(formatAmount(value));
}

/**
 * A balance the dealer owes, with the yuan sign; a negative one is money paid in advance and reads
 * as that: `prepaid` ("预收" / "prepaid") and the amount without a minus ("预收 ¥333.16"), as the
 * console's ledger says it. `blank` (default '') for nothing.
 */
export function yuanBalance(value: Value, prepaid: string, blank = ''): string {
  if (isBlank(value)) return blank;
  if (amountSign(value) < 0) return `${prepaid} ${withYuan(formatAmount(new Dec(value).abs().toString()))}`;
  return withYuan(formatAmount(value));
}

/** A unit price with the yuan sign: "¥12.50", "¥3.125"; `blank` (default '') for nothing. */
export function yuanPrice(value: Value, blank = ''): string {
  return isBlank(value) ? blank : withYuan(formatPrice(value));
}

// ---- editing texts (what an input shows for a stored value) ----

/** Editing text of a stored amount, quantity or rate: "1200.00" -> "1200", "0.1300" -> "0.13". */
export function editText(value: Value): string {
  if (isBlank(value)) return '';
  return new Dec(value).toFixed();
}

/** Editing text of a stored amount: "1200.00" -> "1200", "12.50" -> "12.5". */
export const amountEditText = editText;

/** Editing text of a stored price: at least two decimals, no grouping ("3.5000" -> "3.50"). */
export function priceText(value: Value): string {
  if (isBlank(value)) return '';
  const d = new Dec(value);
  return d.toFixed(priceScale(d));
}

/** '' (or only spaces) and null both mean "no price". */
export function blankToNull(value: Value): string | null {
  const s = (value ?? '').trim();
  return s === '' ? null : s;
}

/** Two prices are the same when both are empty or both are equal decimals ("3.5" = "3.5000"). */
export function samePrice(a: Value, b: Value): boolean {
  const x = blankToNull(a);
  const y = blankToNull(b);
  if (x === null || y === null) return x === y;
  if (!isDecimalString(x, 20) || !isDecimalString(y, 20)) return x === y;
  return new Dec(x).equals(y);
}

// ---- signs and sums ----

/** -1, 0 or 1 for a decimal string; blank or not a number counts as 0. */
export function amountSign(value: Value): -1 | 0 | 1 {
  const s = (value ?? '').trim();
  if (!s || !isDecimalString(s, 20)) return 0;
  const d = new Dec(s);
  return d.isZero() ? 0 : d.isNegative() ? -1 : 1;
}

export function isNegative(value: Value): boolean {
  return amountSign(value) < 0;
}

/** Is the decimal string above zero? (blank or not a number: no) */
export function isPositive(value: Value): boolean {
  return amountSign(value) > 0;
}

/** The sum of decimal strings as an amount ("12.50"); blanks count as 0. */
export function sumAmounts(values: readonly Value[]): string {
  return fmt(values.reduce<Dec>((acc, v) => (v && v.trim() ? acc.plus(v.trim()) : acc), new Dec(0)));
}

/** a - b as an amount */
export function minusAmount(a: string, b: string): string {
  return fmt(new Dec(a).minus(b));
}
