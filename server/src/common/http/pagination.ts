import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, ErrorCode, EXACT_TOTAL_LIMIT, MAX_PAGE_SIZE } from '@drp/shared';
import { RawBuilder, sql, SelectQueryBuilder as TypedSelect } from 'kysely';
import type { DB, DbService } from '../../database/db.service';
import type { RequestContext } from '../context/request-context';
import { DomainError } from '../errors/domain-error';

/** `?page=1&pageSize=20&q=&sort=-createdAt` (ARCHITECTURE §9). Extend it for list filters. */
export class PageQueryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) page?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE) pageSize?: number;
  /** free-text search */
  @IsOptional() @IsString() @MaxLength(100) q?: string;
  /** a sortable field, `-` in front for descending */
  @IsOptional() @Matches(/^-?[A-Za-z]+$/) sort?: string;
}

/**
 * A list's sortable fields: field name (as in `?sort=`) -> the SQL it sorts by. A plain string may
 * be NULL; `{ notNull: sql }` says the list never holds a NULL there (a NOT NULL column of the
 * list's table or of a table it INNER JOINs), which lets `pageIdsOf` sort it the way its index
 * reads (see there). Lists that sort themselves read only the column (`resolvePage`).
 */
export type Sortable = Record<string, string | { notNull: string }>;

/**
 * Page, size and a validated sort column for a list query: the one place the paging convention
 * and its errors live. Lists that select their own columns use it directly; document lists through `pageIdsOf`.
 * `notNull`: the field was declared `{ notNull: sql }` in `sortable`.
 */
export function resolvePage(q: PageQueryDto, sortable: Sortable, defaultSort: string) {
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? DEFAULT_PAGE_SIZE;
  const sort = q.sort ?? defaultSort;
  const desc = sort.startsWith('-');
  const name = desc ? sort.slice(1) : sort;
  const entry = Object.prototype.hasOwnProperty.call(sortable, name) ? sortable[name] : undefined;
  if (!entry) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `sort must be one of: ${Object.keys(sortable).join(', ')}`, { field: 'sort', allowed: Object.keys(sortable) });
  }
  const column = typeof entry === 'string' ? entry : entry.notNull;
  return { page, pageSize, column, notNull: typeof entry !== 'string', direction: desc ? ('DESC' as const) : ('ASC' as const), offset: (page - 1) * pageSize };
}

/** The `q` search term as a literal inside ILIKE '%...%': its % _ and \ match themselves. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Whether a trigram index (pg_trgm) can serve `ILIKE '%q%'`: it extracts no trigram from a term of
 * fewer than 3 characters, so a shorter one scans whatever the query looks like.
 */
export function trigramSearchable(q: string): boolean {
  return [...q].length >= 3;
}

/** One page of ids of a list (`pageIdsOf`): the page's own rows are then loaded by id. */
export type PageOfIds = { ids: string[]; page: number; pageSize: number } & PageTotal;

/**
 * Pages a typed list query down to one page of ids (documents are then loaded in one query by
 * id): the filtered query (no select, no order) sorted by a column of `sortable` with `idColumn`
 * as the tie-breaker, and its total by the rule of `pageTotal` (exact up to EXACT_TOTAL_LIMIT
 * matching rows, else the planner's estimate flagged `totalIsEstimate`).
 *
 * One statement: the bounded count and the page's ids (`ARRAY(...)` keeps their order), so it
 * never runs two queries at once on a transaction's connection; one EXPLAIN more when the total
 * is estimated. The rows counted are kept (id and sort key, a MATERIALIZED CTE): when the filter
 * matches at most EXACT_TOTAL_LIMIT rows, the page is sorted from them; a longer list walks the
 * sort's index for its page (see "The order"). Walking the index with a filter that matches few
 * rows reads every row before the last match (a rare search: every document). A list that
 * answers sums over its whole filter (`sums`: name -> aggregate) reads every matching row for them
 * anyway, so the same statement counts them all: its total is exact; its page comes from the kept
 * rows by the same rule (the count decides, and the rows are kept only when it is within the limit).
 *
 * The order (the one rule for it; issue #17): NULLs always come last, in both directions, and ties
 * are broken by `idColumn` ascending. A plain `sortable` entry (may be NULL) is sorted
 * `col ASC|DESC NULLS LAST`. A `{ notNull: col }` entry is sorted `col ASC|DESC` with PostgreSQL's
 * default null order (the same rows in the same order, as it holds no NULL): that is the order a
 * b-tree reads, so page 1 of a long list sorted by an indexed column walks the index (and an
 * Incremental Sort puts the few rows sharing a value in id order) instead of sorting every
 * matching row: `created_at DESC NULLS LAST` over 1,000,000 orders sorts them all (~0.3 s);
 * `created_at DESC` reads 22 rows of ix_sales_order_created (~0.2-1 ms). Declare `notNull` only where
 * the list can never hold a NULL; an index built `DESC NULLS LAST` (the invoices' issue_date) is read
 * by a plain entry. The tie-breaker stays ascending in both directions: an index on the sort column
 * alone serves either direction, and an index (col DESC NULLS LAST, id) matches the default exactly.
 */
export async function pageIdsOf<K extends string = never>(
  db: DbService,
  ctx: RequestContext,
  // any table mix: the query's own selection is replaced by the count and the id
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query: TypedSelect<DB, any, any>,
  q: PageQueryDto,
  sortable: Sortable,
  defaultSort: string,
  idColumn: string,
  sums?: Record<K, RawBuilder<string>>,
): Promise<PageOfIds & ([K] extends [never] ? unknown : { sums: Record<K, string> })> {
  const { page, pageSize, column, notNull, direction, offset } = resolvePage(q, sortable, defaultSort);
  const ids = query
    .clearSelect()
    .select(sql<string>`${sql.ref(idColumn)}::text`.as('id'))
    // the column comes from resolvePage's allow-list, never from the request
    .orderBy(sql`${sql.raw(column)} ${sql.raw(direction)}${sql.raw(notNull ? '' : ' NULLS LAST')}`)
    .orderBy(sql.ref(idColumn))
    .offset(offset)
    // one more than the page: whether another page follows (pageTotal's last-page rule)
    .limit(pageSize + 1);
  // The matches counted up to the limit are kept (id and sort key): when they are all of them, the page is
  // sorted from those; only a longer list walks the sort's index for its page (the CASE runs one branch).
  // A rare match (a search) is then found once by its own best plan, where walking the sort's index with
  // the filter reads every row before it (156,584 shipments: ~350 ms -> ~20 ms).
  const kept = query
    .clearSelect()
    .select([sql`${sql.ref(idColumn)}`.as('_id'), sql`${sql.raw(column)}`.as('_s')])
    .limit(EXACT_TOTAL_LIMIT + 1);
  // m._id (the column, not the text answered) breaks ties, as idColumn does in `ids`
  const fromKept = sql`SELECT m._id::text AS id FROM m ORDER BY m._s ${sql.raw(direction)}${sql.raw(notNull ? '' : ' NULLS LAST')}, m._id LIMIT ${pageSize + 1} OFFSET ${offset}`;
  // the count: of the kept rows; or, with sums, of every match beside the sums (which read them all anyway);
  // there m is read only by the CASE's first branch, so a long list never fills it
  const counted = sums
    ? sql`(${query.clearSelect().select([sql<number>`count(*)::int`.as('n'), ...Object.entries<RawBuilder<string>>(sums).map(([name, sum]) => sum.as(name))])})`
    : sql`(SELECT count(*)::int AS n FROM m)`;
  const statement = sql`WITH m AS MATERIALIZED (${kept}) SELECT t.*, CASE WHEN t.n <= ${sql.lit(EXACT_TOTAL_LIMIT)} THEN ARRAY(${fromKept}) ELSE ARRAY(${ids}) END AS ids FROM ${counted} t`;
  const compiled = statement.compile(db.k);
  const [row] = (await db.query(ctx, compiled.sql, compiled.parameters as unknown[])) as ({ n: number; ids: string[] } & Record<K, string>)[];
  const { n, ids: found, ...rest } = row;
  const total: PageTotal = sums ? { total: n } : await pageTotal(db, ctx, query, { countedUpTo: n, offset, pageSize, fetched: found.length });
  // `sums` only where asked for: callers spread the rest into their answer
  return { ids: found.slice(0, pageSize), ...total, page, pageSize, ...(sums ? { sums: rest } : {}) } as PageOfIds & ([K] extends [never] ? unknown : { sums: Record<K, string> });
}

/** One page of a list read with its rows (`pageRowsOf`). */
export type PageOfRows<R> = { rows: R[]; page: number; pageSize: number } & PageTotal;

/**
 * Pages a list whose rows one query reads (no second read by id) in ONE statement: the filtered
 * query (no select, no order) counted up to EXACT_TOTAL_LIMIT + 1 rows (`countUpToLimit`), and
 * beside it the page (one row more than its size) of `rows`: the same filter with the joins and
 * columns the page shows, sorted here by a column of `sortable` then by `tieBreak` (ascending; the
 * last one unique and never null). The total follows `pageTotal` (exact up to the limit, on the
 * last page and past it; else the planner's estimate flagged `totalIsEstimate`, one EXPLAIN more).
 *
 * Nulls sort where PostgreSQL puts them by default (last ascending, first descending), whatever
 * `sortable` declares (`pageIdsOf` keeps a nullable column's nulls last): that is the order a
 * b-tree index reads, so the first pages of a long list sorted by an indexed column
 * (`created_at DESC`) walk the index instead of sorting every matching row (a DESC NULLS LAST sort
 * of 300,000 audit entries: ~280 ms; by the index: ~2-7 ms). Sort by NOT NULL columns, or mind
 * where their nulls go.
 * `extra` (name -> scalar SQL): values the answer carries beside its page (e.g. a badge's count),
 * computed once in the same statement and handed back as `extra` (only when asked for).
 *
 * The page is LEFT JOINed to the one counting row (an empty page still answers its count) and
 * sorted again outside by the same keys (selected as `_o0`, `_o1`, ...: a join keeps no order);
 * those keys are not in the rows handed back.
 */
export async function pageRowsOf<R, K extends string = never, V = unknown>(
  db: DbService,
  ctx: RequestContext,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  filtered: TypedSelect<DB, any, any>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  rows: TypedSelect<DB, any, R>,
  q: PageQueryDto,
  sortable: Sortable,
  defaultSort: string,
  tieBreak: [string, ...string[]],
  extra?: Record<K, RawBuilder<V>>,
): Promise<PageOfRows<R> & ([K] extends [never] ? unknown : { extra: Record<K, V> })> {
  const { page, pageSize, column, direction, offset } = resolvePage(q, sortable, defaultSort);
  // the sort column (from resolvePage's allow-list, never from the request) and the tie-breakers
  const keys = [{ key: sql`${sql.raw(column)}`, direction }, ...tieBreak.map((c) => ({ key: sql`${sql.ref(c)}`, direction: 'ASC' as const }))];
  const names = keys.map((_, i) => `_o${i}`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let paged = rows as TypedSelect<any, any, any>;
  keys.forEach(({ key, direction: dir }, i) => {
    paged = paged.select(key.as(names[i])).orderBy(sql`${key} ${sql.raw(dir)}`);
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let query: TypedSelect<any, any, any> = db.k
    .selectFrom(countUpToLimit(db, filtered).as('t'))
    .leftJoin(paged.offset(offset).limit(pageSize + 1).as('p'), (join) => join.onTrue())
    .selectAll('p')
    .select('t.n as _counted_up_to');
  for (const [name, value] of Object.entries<RawBuilder<unknown>>(extra ?? {})) query = query.select(sql`(${value})`.as(`_x_${name}`));
  keys.forEach(({ direction: dir }, i) => {
    query = query.orderBy(sql`${sql.ref(`p.${names[i]}`)} ${sql.raw(dir)}`);
  });
  const answered = (await db.rows(ctx, query)) as Record<string, unknown>[];
  const first = answered[0];
  const extras = Object.fromEntries(Object.keys(extra ?? {}).map((name) => [name, first[`_x_${name}`]])) as Record<K, V>;
  // an empty page is the one counting row with the page's columns null (the last key is unique, never null)
  const found = answered.filter((r) => r[names[names.length - 1]] !== null);
  const total = await pageTotal(db, ctx, filtered, { countedUpTo: first._counted_up_to as number, offset, pageSize, fetched: found.length });
  const bookkeeping = new Set(['_counted_up_to', ...names, ...Object.keys(extra ?? {}).map((name) => `_x_${name}`)]);
  const pageRows = found.slice(0, pageSize).map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !bookkeeping.has(k))) as R);
  // `extra` only where asked for: callers spread the rest into their answer
  return { rows: pageRows, ...total, page, pageSize, ...(extra ? { extra: extras } : {}) } as PageOfRows<R> & ([K] extends [never] ? unknown : { extra: Record<K, V> });
}

/**
 * Counts a list's filtered query (no select, no order) up to `EXACT_TOTAL_LIMIT` + 1 rows:
 * `SELECT count(*) FROM (<filtered> LIMIT n) c`. Put it in the page's own statement (so a page is
 * one round trip) and hand what it answered to `pageTotal`.
 */
// any table mix: the query's own selection is replaced
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function countUpToLimit(db: DbService, filtered: TypedSelect<DB, any, any>) {
  return db.k.selectFrom(filtered.clearSelect().select(sql<number>`1`.as('one')).limit(EXACT_TOTAL_LIMIT + 1).as('counted')).select(sql<number>`count(*)::int`.as('n'));
}

/** A paged answer's total, and whether it is an estimate (`Paged.totalIsEstimate`). */
export type PageTotal = { total: number; totalIsEstimate?: true };

/**
 * The total of a page read with `countUpToLimit` beside it and with one row more than its size
 * (`fetched`: that many rows came back, at most pageSize + 1). Exact while the filter matches at
 * most EXACT_TOTAL_LIMIT rows, and on the last page (offset + its rows); else the planner's
 * estimate for the filter (EXPLAIN: nothing is read), never less than the rows known to exist,
 * flagged `totalIsEstimate`. A page past the end of a long list is counted exactly, so a client
 * stepping back to the last page finds it.
 */
export async function pageTotal(
  db: DbService,
  ctx: RequestContext,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  filtered: TypedSelect<DB, any, any>,
  page: { countedUpTo: number; offset: number; pageSize: number; fetched: number },
): Promise<PageTotal> {
  const { countedUpTo, offset, pageSize, fetched } = page;
  if (countedUpTo <= EXACT_TOTAL_LIMIT) return { total: countedUpTo };
  if (fetched > 0 && fetched <= pageSize) return { total: offset + fetched };
  if (fetched === 0) return { total: (await db.one(ctx, filtered.clearSelect().select(sql<number>`count(*)::int`.as('n')))).n };
  const { sql: text, parameters } = filtered.clearSelect().select(sql<number>`1`.as('one')).compile();
  const planned = await plannedRows(db, ctx, text, parameters as unknown[]);
  return { total: Math.max(planned, EXACT_TOTAL_LIMIT + 1, offset + fetched), totalIsEstimate: true };
}

/** How long the planner's estimate for one filter is reused: it moves only as the table grows or is analysed. */
const ESTIMATE_TTL_MS = 30_000;
const ESTIMATES_KEPT = 1000;
/** filter (statement and its parameters, the reader's scope among them) -> estimate, oldest first */
const estimates = new Map<string, { rows: number; at: number }>();

/** Forgets every remembered estimate (tests that count statements start from a cold cache). */
export function forgetEstimates(): void {
  estimates.clear();
}

/**
 * The planner's row estimate for a filter (EXPLAIN: nothing is read), remembered for
 * ESTIMATE_TTL_MS: paging through a long list, or many readers of the same one, asks again and
 * again for what is only ever shown as "about N".
 */
async function plannedRows(db: DbService, ctx: RequestContext, text: string, parameters: unknown[]): Promise<number> {
  const key = `${text}\u0000${JSON.stringify(parameters)}`;
  const now = Date.now();
  const known = estimates.get(key);
  if (known && now - known.at < ESTIMATE_TTL_MS) return known.rows;
  const [explained] = await db.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(ctx, `EXPLAIN (FORMAT JSON) ${text}`, parameters);
  const rows = Math.round(explained['QUERY PLAN'][0].Plan['Plan Rows']);
  estimates.delete(key);
  estimates.set(key, { rows, at: now });
  if (estimates.size > ESTIMATES_KEPT) estimates.delete(estimates.keys().next().value as string);
  return rows;
}
