import { Dec, daysInMonth } from '@drp/shared';

/**
 * How achievement is shown (targets page and home page): the rate as a percentage with one
 * decimal, the bar's width capped at 100, and a colour that says whether the month is on track —
 * met (green), behind the calendar (orange: less done than the share of the month gone), else
 * on track. Decimal strings in, never float arithmetic on the amounts.
 */
export type ProgressTone = 'success' | 'warning' | 'normal';

/** "0.8532" -> "85.3%"; null (no target) -> "—". */
export function rateText(rate: string | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  return `${new Dec(rate).times(100).toFixed(1, Dec.ROUND_HALF_UP)}%`;
}

/** The bar's width in percent, 0..100. */
export function barPercent(rate: string | null | undefined): number {
  if (rate === null || rate === undefined) return 0;
  const p = new Dec(rate).times(100);
  return p.lessThan(0) ? 0 : p.greaterThan(100) ? 100 : p.toDecimalPlaces(1).toNumber();
}

/** The share of the month gone by `asOf` (the day included): 0 before it starts, 1 once it is over. */
export function monthShare(month: string, asOf: string | null): Dec {
  if (!asOf) return new Dec(0);
  if (!asOf.startsWith(month)) return new Dec(1);
  return new Dec(Number(asOf.slice(8, 10))).div(daysInMonth(month));
}

export function progressTone(rate: string | null | undefined, month: string, asOf: string | null): ProgressTone {
  if (rate === null || rate === undefined) return 'normal';
  const r = new Dec(rate);
  if (r.greaterThanOrEqualTo(1)) return 'success';
  return r.lessThan(monthShare(month, asOf)) ? 'warning' : 'normal';
}
