import { RawBuilder, sql, SqlBool } from 'kysely';
import { escapeLike, trigramSearchable } from '../../common/http/pagination';

/**
 * The `?q=` matches of the sales lists on a joined table (issue #17). For a term a trigram index can
 * read (`trigramSearchable`), the match is written as a set of ids on the list's own column —
 * `o.dealer_id = ANY(ARRAY(SELECT ...))`, the same rows as
 * `d.code ILIKE $1 OR d.name ILIKE $1` on the joined dealer — so every branch of the search can be
 * read from an index and the planner combines them (BitmapOr) instead of joining and filtering every
 * document: 156,584 shipments, a number or a dealer name, ~0.7-1.3 s -> 20-54 ms. A shorter term
 * scans in either form, and the joined columns scan faster (the page's limit stops it early, where
 * a set of ids is built whole first and checked row by row: `北京`, 96 ms joined, 387 ms as sets).
 */
export function searchTerm(q: string): { pattern: string; indexed: boolean } {
  return { pattern: `%${escapeLike(q)}%`, indexed: trigramSearchable(q) };
}

type Term = ReturnType<typeof searchTerm>;

/** `column = ANY(ARRAY(ids))` for a term an index can read, else the joined columns' match. */
function matchOf(term: Term, column: string, ids: RawBuilder<unknown>, joined: RawBuilder<SqlBool>): RawBuilder<SqlBool> {
  return term.indexed ? sql<SqlBool>`${sql.ref(column)} = ANY(ARRAY(${ids}))` : joined;
}

/** The dealer's code or name; `dealerId` the list's column, `dealer` the alias of the joined organization. */
export function dealerMatch(term: Term, dealerId: string, dealer: string): RawBuilder<SqlBool> {
  const t = term.pattern;
  return matchOf(term, dealerId, sql`SELECT sd.id FROM organization sd WHERE sd.code ILIKE ${t} OR sd.name ILIKE ${t}`, sql<SqlBool>`(${sql.ref(`${dealer}.code`)} ILIKE ${t} OR ${sql.ref(`${dealer}.name`)} ILIKE ${t})`);
}

/** The order's number (ix_sales_order_number_trgm); `order` the alias of the joined sales_order. */
export function orderMatch(term: Term, orderId: string, order: string): RawBuilder<SqlBool> {
  const t = term.pattern;
  return matchOf(term, orderId, sql`SELECT mo.id FROM sales_order mo WHERE mo.number ILIKE ${t}`, sql<SqlBool>`${sql.ref(`${order}.number`)} ILIKE ${t}`);
}

/** The shipment's number (ix_shipment_number_trgm); `shipment` the alias of the joined shipment. */
export function shipmentMatch(term: Term, shipmentId: string, shipment: string): RawBuilder<SqlBool> {
  const t = term.pattern;
  return matchOf(term, shipmentId, sql`SELECT ms.id FROM shipment ms WHERE ms.number ILIKE ${t}`, sql<SqlBool>`${sql.ref(`${shipment}.number`)} ILIKE ${t}`);
}
