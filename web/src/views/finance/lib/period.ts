import dayjs from 'dayjs';
import type { StatementDto } from '@drp/shared';

/** Periods of statements and ledgers (business dates, YYYY-MM-DD). */

const DAY = 'YYYY-MM-DD';

/** "2026-01" -> { from: "2026-01-01", to: "2026-01-31" } */
export function monthRange(month: string): { from: string; to: string } {
  const m = dayjs(`${month}-01`);
  return { from: m.startOf('month').format(DAY), to: m.endOf('month').format(DAY) };
}

/** The month before `today`'s: "2026-03-15" -> "2026-02" (the month-end run's default). */
export function previousMonth(today: string | Date = new Date()): string {
  return dayjs(today).subtract(1, 'month').format('YYYY-MM');
}

/** The first day of `today`'s month up to `today`: the default period of the ledger. */
export function monthToDate(today: string | Date = new Date()): [string, string] {
  const d = dayjs(today);
  return [d.startOf('month').format(DAY), d.format(DAY)];
}

export function todayText(today: string | Date = new Date()): string {
  return dayjs(today).format(DAY);
}

/** "2026-01-01 ~ 2026-01-31", or "2026-01" when the period is one whole month. */
export function periodText(from: string, to: string): string {
  const f = dayjs(from);
  if (f.date() === 1 && f.endOf('month').format(DAY) === to) return f.format('YYYY-MM');
  return `${from} ~ ${to}`;
}

/**
 * The dealer's answer: only users of the statement's own dealer may confirm or dispute (the server
 * answers 403 NOT_STATEMENT_DEALER to anyone else), and only once, while it is pending (a disputed
 * one waits for the statement to be generated again, which makes it pending).
 */
export function canRespond(statement: Pick<StatementDto, 'dealerId' | 'status'> | null | undefined, userOrgId: string | null | undefined): boolean {
  if (!statement || !userOrgId) return false;
  return statement.dealerId === userOrgId && statement.status === 'PENDING';
}
