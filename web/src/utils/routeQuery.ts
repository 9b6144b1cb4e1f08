import type { LocationQuery } from 'vue-router';

/**
 * Filters a list page takes from its address (`/sales/orders?status=APPROVED&dealerId=...`):
 * a value that is missing, repeated or not one of the allowed ones counts as not given.
 */

/** `?q=bj` -> 'bj'; '' when not given. */
export function queryText(query: LocationQuery, key: string): string {
  const value = query[key];
  return typeof value === 'string' ? value : '';
}

/** `?dealerId=<id>` -> the id; null when not given. */
export function queryId(query: LocationQuery, key: string): string | null {
  return queryText(query, key) || null;
}

/** `?status=APPROVED` -> 'APPROVED' when allowed; '' otherwise. */
export function queryOneOf<V extends string>(query: LocationQuery, key: string, allowed: readonly V[]): V | '' {
  const value = queryText(query, key);
  return (allowed as readonly string[]).includes(value) ? (value as V) : '';
}

/** `?status=A,B` -> the allowed ones among them. */
export function queryList<V extends string>(query: LocationQuery, key: string, allowed: readonly V[]): V[] {
  return queryText(query, key)
    .split(',')
    .filter((v): v is V => (allowed as readonly string[]).includes(v));
}

/** `?overdue=true` -> true. */
export function queryFlag(query: LocationQuery, key: string): boolean {
  return queryText(query, key) === 'true';
}

/** `?page=3` -> 3; 1 when not a page number. */
export function queryPage(query: LocationQuery, key = 'page'): number {
  const n = Number(queryText(query, key));
  return Number.isInteger(n) && n > 1 ? n : 1;
}
