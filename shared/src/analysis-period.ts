/**
 * Period arithmetic of the analysis engine (issue #16), pure and shared: the server keys and
 * compares periods with it, the web app builds drill-down links with it. Business dates are
 * `YYYY-MM-DD` strings in the company time zone; the arithmetic is calendar arithmetic in UTC
 * (a date string has no time of day, so no time zone can shift it).
 */
import type { AnalysisCompare, PeriodDimension } from './analysis';

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

function toDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}
function toDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Whether `s` is a real calendar day `YYYY-MM-DD` (2026-02-30 is not). */
export function isCalendarDay(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = DAY_RE.exec(s);
  if (!m) return false;
  const d = toDate(s);
  return !Number.isNaN(d.getTime()) && toDay(d) === s;
}

export function addDaysTo(day: string, days: number): string {
  const d = toDate(day);
  d.setUTCDate(d.getUTCDate() + days);
  return toDay(d);
}

/** The last day of the month of `day`. */
export function endOfMonth(day: string): string {
  const d = toDate(day);
  return toDay(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)));
}

/**
 * `day` plus `months` calendar months, clamped to the end of a shorter month (2026-01-31 + 1 month
 * = 2026-02-28): the rule of PostgreSQL's `date + interval 'n months'`, which the server's SQL uses.
 */
export function addMonthsTo(day: string, months: number): string {
  const d = toDate(day);
  const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d.getUTCDate(), last));
  return toDay(first);
}

/** Days from `from` to `to`, both counted (2026-01-01..2026-01-31 = 31). */
export function daysInclusive(from: string, to: string): number {
  return Math.round((toDate(to).getTime() - toDate(from).getTime()) / MS_PER_DAY) + 1;
}

/** ISO 8601 week key `YYYY-Www` of a day (the week's Thursday decides the year: PostgreSQL's `IYYY-"W"IW`). */
export function isoWeekKey(day: string): string {
  const d = toDate(day);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0 .. Sunday 6
  const thursday = new Date(d.getTime() + (3 - weekday) * MS_PER_DAY);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / MS_PER_DAY / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The key of the period of `dim` that holds `day`: 2026-11-05 → day '2026-11-05', week '2026-W45', month '2026-11', quarter '2026-Q4', year '2026'. */
export function periodKey(day: string, dim: PeriodDimension): string {
  switch (dim) {
    case 'day':
      return day;
    case 'week':
      return isoWeekKey(day);
    case 'month':
      return day.slice(0, 7);
    case 'quarter':
      return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
    case 'year':
      return day.slice(0, 4);
  }
}

/** The Monday of ISO week `week` of ISO year `year`. */
function isoWeekMonday(year: number, week: number): string {
  const jan4 = Date.UTC(year, 0, 4);
  const jan4Weekday = (new Date(jan4).getUTCDay() + 6) % 7;
  return toDay(new Date(jan4 - jan4Weekday * MS_PER_DAY + (week - 1) * 7 * MS_PER_DAY));
}

/** The days a period key covers (inclusive), or null when the key is not a key of `dim`. */
export function periodRange(dim: PeriodDimension, key: string): { from: string; to: string } | null {
  let m: RegExpExecArray | null;
  switch (dim) {
    case 'day':
      return isCalendarDay(key) ? { from: key, to: key } : null;
    case 'week': {
      m = /^(\d{4})-W(\d{2})$/.exec(key);
      if (!m) return null;
      const from = isoWeekMonday(Number(m[1]), Number(m[2]));
      // week 53 exists only in some years: the key must name itself back
      return Number(m[2]) >= 1 && isoWeekKey(from) === key ? { from, to: addDaysTo(from, 6) } : null;
    }
    case 'month': {
      m = /^(\d{4})-(\d{2})$/.exec(key);
      if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return null;
      return { from: `${key}-01`, to: endOfMonth(`${key}-01`) };
    }
    case 'quarter': {
      m = /^(\d{4})-Q([1-4])$/.exec(key);
      if (!m) return null;
      const from = `${m[1]}-${String((Number(m[2]) - 1) * 3 + 1).padStart(2, '0')}-01`;
      return { from, to: endOfMonth(addMonthsTo(from, 2)) };
    }
    case 'year':
      return /^\d{4}$/.test(key) ? { from: `${key}-01-01`, to: `${key}-12-31` } : null;
  }
}

/** How a compared period's dates are moved onto the asked period: whole months, or days. */
export type PeriodShift = { months: number } | { days: number };

export interface ComparedPeriod {
  from: string;
  to: string;
  /** compared date + shift = the date it is compared with (months clamp to the month's end) */
  shift: PeriodShift;
}

const isMonthStart = (day: string) => day.endsWith('-01');
const isMonthEnd = (day: string) => endOfMonth(day) === day;

/**
 * The period a comparison looks at, and how its dates map onto the asked one:
 * - 同比 (yoy): the same days a year before (whole months stay whole: February 2025 compares with
 *   all of February 2024, the 29th included);
 * - 环比 (mom): the period of the same length right before: k whole calendar months when the
 *   period is whole months (March..May compares with December..February), else the same number
 *   of days (2026-11-11..2026-11-20 compares with 2026-11-01..2026-11-10).
 */
export function comparePeriod(from: string, to: string, compare: AnalysisCompare): ComparedPeriod {
  const wholeMonths = isMonthStart(from) && isMonthEnd(to);
  if (compare === 'yoy') {
    let pf = addMonthsTo(from, -12);
    // from = 29 February: the 28th a year before moves onto the 28th, outside the asked period
    if (addMonthsTo(pf, 12) < from) pf = addDaysTo(pf, 1);
    const pt = isMonthEnd(to) ? endOfMonth(addMonthsTo(to, -12)) : addMonthsTo(to, -12);
    return { from: pf, to: pt, shift: { months: 12 } };
  }
  if (wholeMonths) {
    const k = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;
    return { from: addMonthsTo(from, -k), to: endOfMonth(addMonthsTo(to.slice(0, 8) + '01', -k)), shift: { months: k } };
  }
  const n = daysInclusive(from, to);
  return { from: addDaysTo(from, -n), to: addDaysTo(to, -n), shift: { days: n } };
}

/** A compared period's date moved onto the asked period (what the server's SQL does to each compared fact). */
export function shiftDay(day: string, shift: PeriodShift): string {
  return 'months' in shift ? addMonthsTo(day, shift.months) : addDaysTo(day, shift.days);
}
