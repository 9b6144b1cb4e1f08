import Decimal from 'decimal.js';

/**
 * Money and quantities are decimals, never binary floats (ARCHITECTURE §4). On the wire they are
 * strings; amounts keep 2 decimals, unit prices 4, quantities 3.
 */
export const SCALE = { amount: 2, unitPrice: 4, qty: 3 } as const;
export type DecimalKind = keyof typeof SCALE;

// One configured constructor: 40 significant digits, banker's rounding never (financial
// documents in CNY round half up).
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = Decimal;

/** A decimal string: optional minus, digits, optional fraction. No exponent, no spaces. */
const DECIMAL_RE = /^-?\d{1,16}(\.\d+)?$/;

export function isDecimalString(value: unknown, maxScale: number = SCALE.unitPrice): value is string {
  if (typeof value !== 'string' || !DECIMAL_RE.test(value)) return false;
  const fraction = value.split('.')[1];
  return !fraction || fraction.length <= maxScale;
}

export function dec(value: Decimal.Value): Decimal {
  return new Dec(value);
}

/** Round and format for the wire: "12.50", "0.3330". */
export function fmt(value: Decimal.Value, kind: DecimalKind = 'amount'): string {
  return new Dec(value).toFixed(SCALE[kind], Decimal.ROUND_HALF_UP);
}

/** For people: thousands grouped, "12,034.41" (amount scale unless told). */
export function fmtGrouped(value: Decimal.Value, kind: DecimalKind = 'amount'): string {
  const [int, frac] = fmt(value, kind).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

export function sum(values: Decimal.Value[], kind: DecimalKind = 'amount'): string {
  return fmt(values.reduce<Decimal>((acc, v) => acc.plus(v), new Dec(0)), kind);
}

/** line amount = qty x unit price, rounded to cents. */
export function lineAmount(qty: Decimal.Value, unitPrice: Decimal.Value): string {
  return fmt(new Dec(qty).times(unitPrice), 'amount');
}

/** Split a gross amount into net and tax for a tax rate such as "0.13". */
export function splitTax(gross: Decimal.Value, taxRate: Decimal.Value): { net: string; tax: string } {
  const g = new Dec(gross);
  const net = g.div(new Dec(1).plus(taxRate));
  const netStr = fmt(net);
  return { net: netStr, tax: fmt(g.minus(netStr)) };
}

export function compare(a: Decimal.Value, b: Decimal.Value): -1 | 0 | 1 {
  return new Dec(a).comparedTo(b) as -1 | 0 | 1;
}
