import { AnalysisDimension, AnalysisDocumentKind, AnalysisMeasure, ComparedPeriod, OrderStatus, PeriodDimension, PERIOD_DIMENSIONS, PivotSort, ReceiptStatus } from '@drp/shared';
import { Expression, RawBuilder, sql, SqlBool } from 'kysely';

/**
 * The analysis engine's SQL (issue #16): ONE statement per request over the fact rows of the
 * documents (shared/src/analysis.ts defines each fact), restricted by date and by the caller's
 * scope, joined to small per-dealer and per-product dimension sets, grouped by the asked keys.
 * Only the fact sources the asked measures need are read, only the columns they need are carried,
 * and the per-dealer / per-product sets are joined only when a dimension, filter or the scope needs
 * them, so the statement does the work of the hand-written aggregate and no more (the bench
 * compares the two). Period keys are grouped as dates (date_trunc) and formatted once per group.
 */

/** The summed columns every measure is derived from. */
export type BaseColumn = 'qty' | 'sales' | 'returns' | 'tax' | 'cost' | 'receipts' | 'order_count' | 'order_amount';
export const BASE_COLUMNS: readonly BaseColumn[] = ['qty', 'sales', 'returns', 'tax', 'cost', 'receipts', 'order_count', 'order_amount'];

/** What each measure is computed from (derived measures: analysis.rows.ts). */
export const MEASURE_BASES: Record<AnalysisMeasure, BaseColumn[]> = {
  quantity: ['qty'],
  sales: ['sales'],
  returns: ['returns'],
  netSales: ['sales', 'returns', 'tax'],
  tax: ['tax'],
  cost: ['cost'],
  grossMargin: ['sales', 'returns', 'tax', 'cost'],
  marginRate: ['sales', 'returns', 'tax', 'cost'],
  receipts: ['receipts'],
  orderCount: ['order_count'],
  avgOrderValue: ['order_count', 'order_amount'],
};

/** Each fact source's contribution to a base column (absent: the source has none). */
const SOURCE_COLUMNS: Record<AnalysisDocumentKind, Partial<Record<BaseColumn, string>>> = {
  SHIPMENT: { qty: 'sl.qty', sales: 'sl.amount', tax: 'sl.tax_amount', cost: 'sl.cost_amount' },
  RETURN: { qty: '-rl.qty', returns: 'rl.amount', tax: '-rl.tax_amount', cost: '-rl.cost_amount' },
  RECEIPT: { receipts: 'rc.amount' },
  ORDER: { order_count: '1', order_amount: 'o.total' },
};
const KINDS: readonly AnalysisDocumentKind[] = ['SHIPMENT', 'RETURN', 'RECEIPT', 'ORDER'];

/** Orders count from approval on (approved or later), never cancelled or rejected ones. */
export const COUNTED_ORDER_STATUSES = [OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED, OrderStatus.COMPLETED];

export interface AnalysisFilters {
  branchIds?: string[];
  officeIds?: string[];
  dealerIds?: string[];
  repIds?: string[];
  productIds?: string[];
  categoryIds?: string[];
  brands?: string[];
  sources?: string[];
}

/** A validated request (analysis.service.ts parses the wire query into it). */
export interface ParsedAnalysis {
  measures: AnalysisMeasure[];
  dimensions: AnalysisDimension[];
  from: string;
  to: string;
  compared?: ComparedPeriod;
  filters: AnalysisFilters;
}

export const isPeriod = (d: AnalysisDimension): d is PeriodDimension => (PERIOD_DIMENSIONS as readonly string[]).includes(d);

export function basesOf(measures: readonly AnalysisMeasure[]): BaseColumn[] {
  const wanted = new Set(measures.flatMap((m) => MEASURE_BASES[m]));
  return BASE_COLUMNS.filter((c) => wanted.has(c));
}

export function kindsOf(bases: readonly BaseColumn[]): AnalysisDocumentKind[] {
  return KINDS.filter((k) => bases.some((b) => SOURCE_COLUMNS[k][b] !== undefined));
}

/** The scope of the caller as a condition on an organisation id column (common/scope orgScope). */
export type ScopeOn = (orgIdColumn: string) => Expression<SqlBool>;

/** One date range the facts are read over; `shift` moves a compared period's dates onto the asked one. */
interface Side {
  from: string;
  to: string;
  prev: boolean;
  shift?: ComparedPeriod['shift'];
}

interface FactPlan {
  kinds: AnalysisDocumentKind[];
  bases: BaseColumn[];
  needProduct: boolean;
  needRep: boolean;
  needSource: boolean;
  /** drill-down: carry the document's id, number and order */
  documents: boolean;
}

const ORG_DIMS: readonly AnalysisDimension[] = ['branch', 'office', 'dealerLevel', 'region'];
const PRODUCT_DIMS: readonly AnalysisDimension[] = ['brand', 'category'];

function plan(q: ParsedAnalysis, kinds: AnalysisDocumentKind[], documents: boolean, dims: readonly AnalysisDimension[]): FactPlan {
  const f = q.filters;
  return {
    kinds,
    bases: basesOf(q.measures),
    needProduct: dims.some((d) => d === 'product' || PRODUCT_DIMS.includes(d)) || !!(f.productIds || f.categoryIds || f.brands),
    needRep: dims.includes('rep') || !!f.repIds,
    needSource: dims.includes('source') || !!f.sources,
    documents,
  };
}

const num = (s: string) => sql.raw(s);

function dateRange(column: string, sides: Side[]): RawBuilder<unknown> {
  const parts = sides.map((s) => sql`${sql.ref(column)} BETWEEN ${s.from}::date AND ${s.to}::date`);
  return parts.length === 1 ? parts[0] : sql`(${sql.join(parts, sql` OR `)})`;
}

/** One fact source as a SELECT (its columns in the same order for every source of the UNION ALL). */
function factSelect(kind: AnalysisDocumentKind, p: FactPlan, q: ParsedAnalysis, sides: Side[]): RawBuilder<unknown> {
  const f = q.filters;
  const src = SOURCE_COLUMNS[kind];
  const hasProduct = kind === 'SHIPMENT' || kind === 'RETURN';
  const hasOrder = kind !== 'RECEIPT';
  const cols: RawBuilder<unknown>[] = [];
  const conds: RawBuilder<unknown>[] = [];
  let from: RawBuilder<unknown>;
  let doc: { id: string; number: string; order: string; amount: string } ;
  const joinOrder = hasOrder && kind !== 'ORDER' && (p.needRep || p.needSource);
  switch (kind) {
    case 'SHIPMENT':
      from = sql`shipment s JOIN shipment_line sl ON sl.shipment_id = s.id${joinOrder ? sql` JOIN sales_order o ON o.id = s.order_id` : sql``}`;
      cols.push(sql`s.business_date AS d`, sql`s.dealer_id`);
      conds.push(dateRange('s.business_date', sides));
      if (f.dealerIds) conds.push(sql`s.dealer_id = ANY(${f.dealerIds}::uuid[])`);
      doc = { id: 's.id', number: 's.number', order: 's.order_id', amount: 'sl.amount' };
      break;
    case 'RETURN':
      from = sql`sales_return r JOIN sales_return_line rl ON rl.return_id = r.id${joinOrder ? sql` JOIN sales_order o ON o.id = r.order_id` : sql``}`;
      cols.push(sql`r.business_date AS d`, sql`r.dealer_id`);
      conds.push(dateRange('r.business_date', sides));
      if (f.dealerIds) conds.push(sql`r.dealer_id = ANY(${f.dealerIds}::uuid[])`);
      doc = { id: 'r.id', number: 'r.number', order: 'r.order_id', amount: 'rl.amount' };
      break;
    case 'RECEIPT':
      from = sql`receipt rc`;
      cols.push(sql`rc.business_date AS d`, sql`rc.dealer_id`);
      conds.push(sql`rc.status = ${ReceiptStatus.ACTIVE}`, dateRange('rc.business_date', sides));
      if (f.dealerIds) conds.push(sql`rc.dealer_id = ANY(${f.dealerIds}::uuid[])`);
      doc = { id: 'rc.id', number: 'rc.number', order: 'NULL::uuid', amount: 'rc.amount' };
      break;
    case 'ORDER':
      from = sql`sales_order o`;
      cols.push(sql`o.business_date AS d`, sql`o.dealer_id`);
      conds.push(sql`o.status = ANY(${COUNTED_ORDER_STATUSES}::text[])`, dateRange('o.business_date', sides));
      if (f.dealerIds) conds.push(sql`o.dealer_id = ANY(${f.dealerIds}::uuid[])`);
      doc = { id: 'o.id', number: "COALESCE(o.number, '')", order: 'o.id', amount: 'o.total' };
      break;
  }
  const productCol = kind === 'SHIPMENT' ? 'sl.product_id' : kind === 'RETURN' ? 'rl.product_id' : null;
  if (p.needProduct) cols.push(productCol ? sql`${sql.ref(productCol)} AS product_id` : sql`NULL::uuid AS product_id`);
  if (p.needRep) cols.push(hasOrder ? sql`o.sales_rep_id AS rep_id` : sql`NULL::uuid AS rep_id`);
  if (p.needSource) cols.push(hasOrder ? sql`o.source` : sql`NULL::text AS source`);
  // a filter on something a source does not have leaves that source out
  if (f.productIds) conds.push(productCol ? sql`${sql.ref(productCol)} = ANY(${f.productIds}::uuid[])` : sql`false`);
  if ((f.categoryIds || f.brands) && !hasProduct) conds.push(sql`false`);
  if (f.repIds) conds.push(hasOrder ? sql`o.sales_rep_id = ANY(${f.repIds}::uuid[])` : sql`false`);
  if (f.sources) conds.push(hasOrder ? sql`o.source = ANY(${f.sources}::text[])` : sql`false`);
  if (p.documents) {
    cols.push(sql`${kind}::text AS kind`, sql`${num(doc.id)} AS doc_id`, sql`${num(doc.number)} AS doc_number`, sql`${num(doc.order)} AS order_id`, sql`${num(doc.amount)} AS doc_amount`);
  } else {
    for (const b of p.bases) {
      const e = src[b];
      cols.push(e === undefined ? sql`NULL::${sql.raw(b === 'order_count' ? 'int' : 'numeric')} AS ${sql.raw(b)}` : sql`${num(e)} AS ${sql.raw(b)}`);
    }
  }
  return sql`SELECT ${sql.join(cols)} FROM ${from} WHERE ${sql.join(conds, sql` AND `)}`;
}

function factsUnion(p: FactPlan, q: ParsedAnalysis, sides: Side[]): RawBuilder<unknown> {
  return sql.join(
    p.kinds.map((k) => factSelect(k, p, q, sides)),
    sql` UNION ALL `,
  );
}

/**
 * The per-dealer dimension set: dealers in the caller's scope (the scope helper, applied here once:
 * every fact is joined to it) matching the organisation filters, with their branch (the
 * organisation directly under HQ on the path; HQ itself for HQ's own dealers), office (the nearest
 * non-dealer organisation above: a sub-dealer rolls up with its parent dealer's office; three
 * dealer levels deep at most), region and price level. Plain joins, no per-row subquery: the
 * planner inlines the set into the aggregate with its real statistics (as a hand-written query
 * would) and drops the parent joins when no office is asked.
 */
function dealerSet(q: ParsedAnalysis, scope: ScopeOn): RawBuilder<unknown> {
  const f = q.filters;
  const conds: RawBuilder<unknown>[] = [sql`d.type = 'DEALER'`, sql`${scope('d.id')}`];
  for (const ids of [f.branchIds, f.officeIds]) {
    if (ids) conds.push(sql`d.path LIKE ANY (SELECT fo.path || '%' FROM organization fo WHERE fo.id = ANY(${ids}::uuid[]))`);
  }
  return sql`SELECT d.id,
      (CASE WHEN d.depth >= 2 THEN split_part(d.path, '/', 3) ELSE split_part(d.path, '/', 2) END)::uuid AS branch_id,
      (CASE WHEN o1.type <> 'DEALER' THEN o1.id WHEN o2.type <> 'DEALER' THEN o2.id ELSE o3.id END) AS office_id,
      d.region, d.price_level
    FROM organization d
    LEFT JOIN organization o1 ON o1.id = d.parent_id LEFT JOIN organization o2 ON o2.id = o1.parent_id LEFT JOIN organization o3 ON o3.id = o2.parent_id
   WHERE ${sql.join(conds, sql` AND `)}`;
}

/** The per-product dimension set: brand and top-level category, with the product filters. */
function productSet(q: ParsedAnalysis): RawBuilder<unknown> {
  const f = q.filters;
  const conds: RawBuilder<unknown>[] = [sql`true`];
  if (f.brands) conds.push(sql`p.brand = ANY(${f.brands}::text[])`);
  if (f.categoryIds) conds.push(sql`c.path LIKE ANY (SELECT fc.path || '%' FROM category fc WHERE fc.id = ANY(${f.categoryIds}::uuid[]))`);
  return sql`SELECT p.id, p.brand, split_part(c.path, '/', 2)::uuid AS category_id FROM product p JOIN category c ON c.id = p.category_id WHERE ${sql.join(conds, sql` AND `)}`;
}

const TRUNC: Record<PeriodDimension, string | null> = { day: null, week: 'week', month: 'month', quarter: 'quarter', year: 'year' };
const KEY_FORMAT: Record<PeriodDimension, string> = { day: 'YYYY-MM-DD', week: 'IYYY-"W"IW', month: 'YYYY-MM', quarter: 'YYYY-"Q"Q', year: 'YYYY' };

function shifted(d: RawBuilder<unknown>, shift: ComparedPeriod['shift']): RawBuilder<unknown> {
  return 'months' in shift ? sql`(${d} + make_interval(months => ${shift.months}::int))::date` : sql`(${d} + ${shift.days}::int)`;
}

/** The group key of a dimension over a fact row `f` (a date for periods: formatted after grouping). */
function keyExpr(dim: AnalysisDimension, effDate: RawBuilder<unknown>): RawBuilder<unknown> {
  if (isPeriod(dim)) {
    const unit = TRUNC[dim];
    return unit ? sql`date_trunc(${sql.lit(unit)}, ${effDate}::timestamp)::date` : effDate;
  }
  switch (dim) {
    case 'branch':
      return sql`dd.branch_id`;
    case 'office':
      return sql`dd.office_id`;
    case 'dealerLevel':
      return sql`dd.price_level::text`;
    case 'region':
      return sql`dd.region`;
    case 'rep':
      return sql`f.rep_id`;
    case 'dealer':
      return sql`f.dealer_id`;
    case 'product':
      return sql`f.product_id`;
    case 'brand':
      return sql`pd.brand`;
    case 'category':
      return sql`pd.category_id`;
    case 'source':
      return sql`f.source`;
  }
}

/** FROM facts with the dimension sets they need joined, and the effective date of each fact. */
function factsFrom(q: ParsedAnalysis, p: FactPlan, sides: Side[], scope: ScopeOn, allScope: boolean, dims: readonly AnalysisDimension[]) {
  const f = q.filters;
  const needDealers = !allScope || dims.some((d) => ORG_DIMS.includes(d)) || !!(f.branchIds || f.officeIds);
  const needProducts = dims.some((d) => PRODUCT_DIMS.includes(d)) || !!(f.categoryIds || f.brands);
  const ctes: RawBuilder<unknown>[] = [];
  const joins: RawBuilder<unknown>[] = [];
  if (needDealers) {
    ctes.push(sql`dd AS (${dealerSet(q, scope)})`);
    joins.push(sql`JOIN dd ON dd.id = f.dealer_id`);
  }
  if (needProducts) {
    ctes.push(sql`pd AS (${productSet(q)})`);
    joins.push(f.categoryIds || f.brands ? sql`JOIN pd ON pd.id = f.product_id` : sql`LEFT JOIN pd ON pd.id = f.product_id`);
  }
  let effDate: RawBuilder<unknown> = sql`f.d`;
  const compare = sides.length === 2;
  if (compare) {
    const [cur, prev] = sides;
    // a fact may fall in both periods (a yoy over more than a year): the side join counts it once in each
    joins.push(sql`JOIN (VALUES (false, ${cur.from}::date, ${cur.to}::date), (true, ${prev.from}::date, ${prev.to}::date)) sd(prev, lo, hi) ON f.d BETWEEN sd.lo AND sd.hi`);
    effDate = sql`CASE WHEN sd.prev THEN ${shifted(sql`f.d`, prev.shift!)} ELSE f.d END`;
  } else if (sides[0].shift) {
    effDate = shifted(sql`f.d`, sides[0].shift);
  }
  return { ctes, from: sql`(${factsUnion(p, q, sides)}) f ${sql.join(joins, sql` `)}`, effDate, compare };
}

const withClause = (ctes: RawBuilder<unknown>[]) => (ctes.length ? sql`WITH ${sql.join(ctes)} ` : sql``);

function sidesOf(q: ParsedAnalysis): Side[] {
  const cur: Side = { from: q.from, to: q.to, prev: false };
  return q.compared ? [cur, { from: q.compared.from, to: q.compared.to, prev: true, shift: q.compared.shift }] : [cur];
}

/** The aggregate per full key: columns k0..kn (raw keys), c_<base> (asked period) and p_<base> (compared period). */
function aggregate(q: ParsedAnalysis, scope: ScopeOn, allScope: boolean) {
  const dims = q.dimensions;
  const sides = sidesOf(q);
  const p = plan(q, kindsOf(basesOf(q.measures)), false, dims);
  const { ctes, from, effDate, compare } = factsFrom(q, p, sides, scope, allScope, dims);
  const keys = dims.map((d, i) => sql`${keyExpr(d, effDate)} AS ${sql.raw(`k${i}`)}`);
  const sums = p.bases.flatMap((b) =>
    compare
      ? [sql`sum(f.${sql.raw(b)}) FILTER (WHERE NOT sd.prev) AS ${sql.raw(`c_${b}`)}`, sql`sum(f.${sql.raw(b)}) FILTER (WHERE sd.prev) AS ${sql.raw(`p_${b}`)}`]
      : [sql`sum(f.${sql.raw(b)}) AS ${sql.raw(`c_${b}`)}`],
  );
  const group = dims.length ? sql` GROUP BY ${sql.join(dims.map((_, i) => sql.raw(`${i + 1}`)))}` : sql``;
  return { ctes, select: sql`SELECT ${sql.join([...keys, ...sums])} FROM ${from}${group}`, bases: p.bases, compare };
}

/**
 * Output columns per dimension i over a row source `x` with raw key `x.k<i>`: the formatted key, and
 * the name (and code) joined; `orderOf[i]` the engine's order of dimension i (names by code,
 * periods by date), the key itself last so that equal codes never interleave two groups.
 */
function keyColumns(dims: readonly AnalysisDimension[], x: string) {
  const cols: RawBuilder<unknown>[] = [];
  const joins: RawBuilder<unknown>[] = [];
  const orderOf: RawBuilder<unknown>[][] = [];
  dims.forEach((d, i) => {
    const k = sql.raw(`${x}.k${i}`);
    const n = sql.raw(`n${i}`);
    const out = (suffix: string) => sql.raw(`"d${i}_${suffix}"`);
    const order: RawBuilder<unknown>[] = [];
    orderOf.push(order);
    if (isPeriod(d)) {
      cols.push(sql`to_char(${k}, ${KEY_FORMAT[d]}) AS ${out('key')}`);
      order.push(sql`${k}`);
      return;
    }
    switch (d) {
      case 'branch':
      case 'office':
      case 'dealer':
        joins.push(sql`LEFT JOIN organization ${n} ON ${n}.id = ${k}`);
        cols.push(sql`${k}::text AS ${out('key')}`, sql`${n}.name AS ${out('name')}`, sql`${n}.code AS ${out('code')}`);
        order.push(sql`${n}.code`);
        break;
      case 'rep':
        joins.push(sql`LEFT JOIN app_user ${n} ON ${n}.id = ${k}`);
        cols.push(sql`${k}::text AS ${out('key')}`, sql`${n}.display_name AS ${out('name')}`, sql`${n}.username AS ${out('code')}`);
        order.push(sql`${n}.username`);
        break;
      case 'product':
        joins.push(sql`LEFT JOIN product ${n} ON ${n}.id = ${k}`);
        cols.push(sql`${k}::text AS ${out('key')}`, sql`${n}.name AS ${out('name')}`, sql`${n}.code AS ${out('code')}`);
        order.push(sql`${n}.code`);
        break;
      case 'category':
        joins.push(sql`LEFT JOIN category ${n} ON ${n}.id = ${k}`);
        cols.push(sql`${k}::text AS ${out('key')}`, sql`${n}.name AS ${out('name')}`, sql`${n}.code AS ${out('code')}`);
        order.push(sql`${n}.sort_order`, sql`${n}.code`);
        break;
      case 'dealerLevel':
        cols.push(sql`${k} AS ${out('key')}`);
        order.push(sql`${k}::int`);
        break;
      default:
        cols.push(sql`${k} AS ${out('key')}`);
        order.push(sql`${k}`);
        return;
    }
    order.push(sql`${k}`);
  });
  const nullsLast = (os: RawBuilder<unknown>[]) => os.map((o) => sql`${o} NULLS LAST`);
  return { cols, joins, orderOf: orderOf.map(nullsLast), order: nullsLast(orderOf.flat()) };
}

/**
 * The pivot statement: the aggregate per full key, then every subset of the keys (CUBE over the
 * small aggregate, not over the facts) for subtotals and totals, `g` = GROUPING() bit mask (a bit
 * set: that dimension is summed over), at most `limit` rows per grouping set.
 */
export function pivotStatement(q: ParsedAnalysis, scope: ScopeOn, allScope: boolean, limit: number): { statement: RawBuilder<unknown>; bases: BaseColumn[]; compare: boolean } {
  const agg = aggregate(q, scope, allScope);
  const dims = q.dimensions;
  const sumCols = agg.bases.flatMap((b) => (agg.compare ? [`c_${b}`, `p_${b}`] : [`c_${b}`]));
  if (!dims.length) {
    return { statement: sql`${withClause(agg.ctes)}SELECT 0 AS g, a.* FROM (${agg.select}) a`, bases: agg.bases, compare: agg.compare };
  }
  const kList = sql.join(dims.map((_, i) => sql.raw(`k${i}`)));
  const cube = sql`SELECT ${kList}, GROUPING(${kList}) AS g, ${sql.join(sumCols.map((c) => sql`sum(${sql.raw(c)}) AS ${sql.raw(c)}`))} FROM agg GROUP BY CUBE (${kList})`;
  const kc = keyColumns(dims, 'cb');
  const ranked = sql`SELECT cb.*, ${sql.join(kc.cols)}, row_number() OVER (PARTITION BY cb.g ORDER BY ${sql.join(kc.order)}) AS rn
      FROM cube cb ${sql.join(kc.joins, sql` `)}`;
  const ctes = [...agg.ctes, sql`agg AS MATERIALIZED (${agg.select})`, sql`cube AS (${cube})`];
  return {
    statement: sql`${withClause(ctes)}SELECT * FROM (${ranked}) x WHERE x.rn <= ${limit} ORDER BY x.g, x.rn`,
    bases: agg.bases,
    compare: agg.compare,
  };
}

/**
 * A measure's figure computed in SQL from summed columns, as analysis.rows.ts `measureValues` words
 * it (the same rounding, a missing sum as zero, null where it answers null), so that an ORDER BY on
 * it orders what the page compares. Divisions carry 20 decimals before rounding (decimal.js keeps
 * 40 digits): the two sides round the same quotient.
 */
export function measureSql(m: AnalysisMeasure, col: (b: BaseColumn) => RawBuilder<unknown>): RawBuilder<unknown> {
  const b = (x: BaseColumn) => sql`COALESCE(${col(x)}, 0)`;
  const netSales = sql`(${b('sales')} - ${b('returns')} - ${b('tax')})`;
  switch (m) {
    case 'quantity':
      return sql`round(${b('qty')}, 3)`;
    case 'sales':
    case 'returns':
    case 'tax':
    case 'cost':
    case 'receipts':
      return sql`round(${b(m)}, 2)`;
    case 'netSales':
      return sql`round(${netSales}, 2)`;
    case 'grossMargin':
      return sql`round(${netSales} - ${b('cost')}, 2)`;
    case 'marginRate':
      return sql`CASE WHEN ${netSales} = 0 THEN NULL ELSE round((${netSales} - ${b('cost')})::numeric(40, 20) / ${netSales}, 4) END`;
    case 'orderCount':
      return b('order_count');
    case 'avgOrderValue':
      return sql`CASE WHEN ${b('order_count')} = 0 THEN NULL ELSE round(${b('order_amount')}::numeric(40, 20) / ${b('order_count')}, 2) END`;
  }
}

/**
 * The flat statement of the export: every full-key row (no limit) in the pivot's order
 * (shared/src/analysis-pivot.ts `orderPivotRows`), so the rows of a group come together and the
 * export writes its subtotal line when the group ends. Without a sort: the engine's order. With
 * one: level by level, a group by its subtotal's figure (the sum over its rows, a window over the
 * group's keys: the database sorts, the server holds nothing), then the dimension's own order
 * (the engine's, for equal figures); the innermost rows by their own figure. Figures with no value
 * (a margin rate without net sales) last either way, as on the page.
 */
export function flatStatement(
  q: ParsedAnalysis,
  scope: ScopeOn,
  allScope: boolean,
  sort: PivotSort | null = null,
): { statement: RawBuilder<unknown>; bases: BaseColumn[]; compare: boolean } {
  const agg = aggregate(q, scope, allScope);
  const dims = q.dimensions;
  if (!dims.length) return { statement: sql`${withClause(agg.ctes)}SELECT a.* FROM (${agg.select}) a`, bases: agg.bases, compare: agg.compare };
  const kc = keyColumns(dims, 'a');
  const ctes = [...agg.ctes, sql`agg AS (${agg.select})`];
  const order: RawBuilder<unknown>[] = [];
  const windows: RawBuilder<unknown>[] = [];
  dims.forEach((_, i) => {
    if (sort) {
      const dir = sort.descending ? sql`DESC NULLS LAST` : sql`ASC NULLS LAST`;
      const inner = i === dims.length - 1;
      const w = sql.raw(`w${i}`);
      if (!inner) windows.push(sql`${w} AS (PARTITION BY ${sql.join(dims.slice(0, i + 1).map((__, j) => sql.raw(`a.k${j}`)))})`);
      const figure = measureSql(sort.measure, (b) => (inner ? sql.raw(`a.c_${b}`) : sql`sum(${sql.raw(`a.c_${b}`)}) OVER ${w}`));
      order.push(sql`${figure} ${dir}`);
    }
    order.push(...kc.orderOf[i]);
  });
  const windowClause = windows.length ? sql` WINDOW ${sql.join(windows)}` : sql``;
  return {
    statement: sql`${withClause(ctes)}SELECT a.*, ${sql.join(kc.cols)} FROM agg a ${sql.join(kc.joins, sql` `)}${windowClause} ORDER BY ${sql.join(order)}`,
    bases: agg.bases,
    compare: agg.compare,
  };
}

/** A drill-down cell key: a value, or null for the "(none)" key; periods as the day range they cover. */
export type CellKey = { dim: AnalysisDimension; value: string | null; range?: { from: string; to: string } };

/**
 * The documents behind a cell: the facts of the cell (the same fact rows, joins and scope as the
 * pivot) grouped per document, with what each adds to the cell, one page of them and the total.
 */
export function documentsStatement(
  q: ParsedAnalysis,
  scope: ScopeOn,
  allScope: boolean,
  cell: CellKey[],
  opts: { kinds: AnalysisDocumentKind[]; prev: boolean; limit: number; offset: number },
): RawBuilder<unknown> {
  let side: Side = { from: q.from, to: q.to, prev: false };
  if (opts.prev && q.compared) side = { from: q.compared.from, to: q.compared.to, prev: true, shift: q.compared.shift };
  const cellDims = cell.map((c) => c.dim);
  const p = plan(q, opts.kinds, true, cellDims);
  const { ctes, from, effDate } = factsFrom(q, p, [side], scope, allScope, cellDims);
  const conds: RawBuilder<unknown>[] = [sql`true`];
  for (const c of cell) {
    if (isPeriod(c.dim)) {
      if (c.range) conds.push(sql`${effDate} BETWEEN ${c.range.from}::date AND ${c.range.to}::date`);
      continue;
    }
    const k = keyExpr(c.dim, effDate);
    conds.push(c.value === null ? sql`${k} IS NULL` : sql`${k} = ${c.value}`);
  }
  return sql`${withClause(ctes)}SELECT f.kind, f.doc_id::text AS id, f.doc_number AS number, to_char(f.d, 'YYYY-MM-DD') AS business_date, f.dealer_id::text AS dealer_id,
        dn.name AS dealer_name, f.order_id::text AS order_id, sum(f.doc_amount)::text AS amount, count(*) OVER ()::int AS doc_count
      FROM ${from} LEFT JOIN organization dn ON dn.id = f.dealer_id
     WHERE ${sql.join(conds, sql` AND `)}
     GROUP BY f.kind, f.doc_id, f.doc_number, f.d, f.dealer_id, dn.name, f.order_id
     ORDER BY f.d DESC, f.doc_number DESC, f.kind
     LIMIT ${opts.limit} OFFSET ${opts.offset}`;
}
