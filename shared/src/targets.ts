import type { Achievement } from './analysis';
import { Dec, fmt } from './money';

/**
 * Targets (销售计划) and dashboards (issue #16): the date and pace arithmetic shared by the server
 * (which answers the figures) and the web app (which words them). Months are 'YYYY-MM'; days are
 * business dates 'YYYY-MM-DD' in the company time zone.
 */
export const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(value: unknown): value is string {
  return typeof value === 'string' && MONTH_RE.test(value);
}

export function daysInMonth(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** First and last day of a month. */
export function monthBounds(month: string): { first: string; last: string } {
  return { first: `${month}-01`, last: `${month}-${String(daysInMonth(month)).padStart(2, '0')}` };
}

/** The month of a day. */
export const monthOf = (day: string): string => day.slice(0, 7);

/** The months of a year up to and including `month` ('2026-03' -> ['2026-01', '2026-02', '2026-03']). */
export function monthsToDate(month: string): string[] {
  const [y, m] = month.split('-').map(Number);
  return Array.from({ length: m }, (_, i) => `${y}-${String(i + 1).padStart(2, '0')}`);
}

/**
 * Where `today` stands in `month`: the last day the actual figures include (`asOf`: today while the
 * month runs, its last day once it is over, null before it starts) and the calendar days still to
 * sell, today included (today's business is not done yet; 0 once the month is over).
 */
export function monthProgress(month: string, today: string): { asOf: string | null; daysLeft: number } {
  const { first, last } = monthBounds(month);
  if (today < first) return { asOf: null, daysLeft: daysInMonth(month) };
  if (today > last) return { asOf: last, daysLeft: 0 };
  return { asOf: today, daysLeft: daysInMonth(month) - Number(today.slice(8, 10)) + 1 };
}

/** actual / target as a ratio with 4 decimals (0.8532 = 85.32%); null when there is no target. */
export function achievementRate(actual: string, target: string): string | null {
  if (new Dec(target).lessThanOrEqualTo(0)) return null;
  return new Dec(actual).div(target).toFixed(4, Dec.ROUND_HALF_UP);
}

/**
 * What is left to reach the target, per remaining day (2 decimals, half up): 0 when the target is
 * met, null when no day is left (the month is over: there is no pace to keep).
 */
export function dailyPace(target: string, actual: string, daysLeft: number): string | null {
  if (daysLeft <= 0) return null;
  const gap = new Dec(target).minus(actual);
  if (gap.lessThanOrEqualTo(0)) return fmt(0);
  return fmt(gap.div(daysLeft));
}

/** The role a home page is built for (decided by the server from the caller's roles and scope). */
export type DashboardRole = 'HQ' | 'MANAGER' | 'FINANCE' | 'REP' | 'NONE';

/** What a tile counts; the client words it (dashboard i18n) and formats `value` by `unit`. */
export type DashboardTileKey =
  | 'salesMtd' | 'marginMtd' | 'collectionsMtd' | 'overdueReceivables' | 'uninvoiced'
  | 'salesToday' | 'ordersToday' | 'collectionsToday' | 'salesAchievement' | 'collectionAchievement';

export interface DashboardLink {
  path: string;
  query: Record<string, string>;
}

export interface DashboardTile {
  key: DashboardTileKey;
  /** a decimal string (money), or an integer string (count) */
  value: string;
  unit: 'money' | 'count';
  /** the same measure a period earlier (last month to the same day; yesterday), when it compares */
  previous?: string | null;
  /** a count beside the amount (overdue: how many receivables) */
  count?: number;
  /** against a target: the target, the rate and the pace needed */
  target?: string | null;
  rate?: string | null;
  pace?: string | null;
  /** where the tile leads: the analysis page with its query, or a list */
  link: DashboardLink;
}

export interface Dashboard {
  role: DashboardRole;
  /** the business day the figures run to */
  today: string;
  month: string;
  /** the organisation the figures are for (HQ, the manager's branch), or the rep */
  subject: string;
  tiles: DashboardTile[];
  /** achievement rows shown under the tiles: HQ the branches, a manager its organisations and reps, a rep itself */
  achievement: Achievement[];
}
