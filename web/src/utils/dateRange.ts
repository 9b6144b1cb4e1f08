/**
 * A date-range filter: the picker holds `[from, to]` as business dates ("2026-11-01"); lists and
 * reports take them as `from` / `to` query parameters.
 */
export type DateRange = [string, string];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The `from` / `to` parameters of a picked range; nothing for no range (or a missing end). */
export function rangeQuery(range: readonly (string | null | undefined)[] | null | undefined): { from?: string; to?: string } {
  const out: { from?: string; to?: string } = {};
  if (range?.[0]) out.from = range[0];
  if (range?.[1]) out.to = range[1];
  return out;
}

/**
 * The range named by a route query's `from` and `to` (both business dates, `from` not after `to`),
 * else null: an address someone shared or came back to fills the picker again.
 */
export function rangeFromQuery(query: Record<string, unknown>): DateRange | null {
  const { from, to } = query;
  if (typeof from !== 'string' || typeof to !== 'string' || !DAY.test(from) || !DAY.test(to) || from > to) return null;
  return [from, to];
}
