import { Expression, SqlBool, sql } from 'kysely';

/**
 * The SQL twin of `isOverdue` (@drp/shared finance.ts): an open receivable past due the day after
 * its due date, as of `today` (a SQL date expression, e.g. ':today::date' or '$2::date'). Every
 * module that filters overdue receivables in SQL uses this (credit check, overdue list, mall
 * account, sign-in warnings); change it, `overdue` below and `isOverdue` together.
 */
export function overdueSql(alias: string, today: string): string {
  return `(${alias}.open_amount > 0 AND ${alias}.due_date < ${today})`;
}

/** Days past due in SQL (the twin of `daysOverdue` in @drp/shared): today minus the due date. */
export function daysOverdueSql(alias: string, today: string): string {
  return `(${today} - ${alias}.due_date)`;
}

/** `overdueSql` for typed queries, as of the business day `today` (YYYY-MM-DD). */
export function overdue(alias: string, today: string): Expression<SqlBool> {
  return sql<SqlBool>`(${sql.ref(`${alias}.open_amount`)} > 0 AND ${sql.ref(`${alias}.due_date`)} < ${today}::date)`;
}

/** `daysOverdueSql` for typed queries. */
export function daysOverdue(alias: string, today: string) {
  return sql<number>`(${today}::date - ${sql.ref(`${alias}.due_date`)})`;
}
