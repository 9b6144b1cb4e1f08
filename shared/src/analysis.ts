/**
 * The analysis engine's wire contract (ARCHITECTURE §9 `GET /api/reports/analysis`), shared by the
 * server (which validates against these lists) and the web app (which offers them).
 *
 * Facts, one row per document line (all amounts tax-inclusive unless named net):
 * - shipment line (+): quantity, sales = amount, tax = its tax_amount, cost = its cost_amount
 * - return line (−):   quantity −qty, returns = amount, tax −tax_amount, cost −cost_amount
 *   (the return's business date; it is attributed to the original order's rep and source)
 * - receipt (posted, not reversed): receipts = amount (dealer-level dimensions only)
 * - sales order (approved or later, not cancelled), by order business date: orderCount 1, orderAmount = total
 *
 * Derived: netSales = sales − returns − tax (revenue net of tax and returns);
 * grossMargin = netSales − cost; marginRate = grossMargin / netSales (null when netSales = 0);
 * avgOrderValue = orderAmount / orderCount (null when no orders).
 * Dimensions a fact does not have (product on a receipt) group it under null ("(none)").
 */
export const ANALYSIS_MEASURES = [
  'quantity', 'sales', 'returns', 'netSales', 'tax', 'cost', 'grossMargin', 'marginRate',
  'receipts', 'orderCount', 'avgOrderValue',
] as const;
export type AnalysisMeasure = (typeof ANALYSIS_MEASURES)[number];

export const PERIOD_DIMENSIONS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type PeriodDimension = (typeof PERIOD_DIMENSIONS)[number];

/**
 * branch: the organisation directly under HQ on the dealer's path (the consolidation unit);
 * office: the dealer's own parent organisation (equals branch when the branch has no sub-level);
 * rep: the order's sales rep; dealerLevel: the dealer's wholesale price level (1–10);
 * region: the dealer's region text; brand: product.brand; category: the product's top-level category;
 * source: the order's source (CONSOLE, MALL, VISIT, REPLENISHMENT).
 */
export const ANALYSIS_DIMENSIONS = [
  ...PERIOD_DIMENSIONS,
  'branch', 'office', 'rep', 'dealer', 'dealerLevel', 'region', 'product', 'brand', 'category', 'source',
] as const;
export type AnalysisDimension = (typeof ANALYSIS_DIMENSIONS)[number];

export type AnalysisCompare = 'yoy' | 'mom';

/** Limits (bad input answers 400 with the code beside it). */
export const ANALYSIS_LIMITS = {
  /** ANALYSIS_PERIOD_TOO_LONG: from..to spans more than this many days */
  maxDays: 1096,
  /** ANALYSIS_TOO_MANY_DIMENSIONS */
  maxDimensions: 3,
  /** rows answered at most (the rest are summed into totals; `truncated: true`) */
  maxRows: 5000,
} as const;

/** Stable error codes of the engine. */
export const ANALYSIS_ERRORS = {
  UNKNOWN_MEASURE: 'ANALYSIS_UNKNOWN_MEASURE',
  UNKNOWN_DIMENSION: 'ANALYSIS_UNKNOWN_DIMENSION',
  PERIOD_TOO_LONG: 'ANALYSIS_PERIOD_TOO_LONG',
  TOO_MANY_DIMENSIONS: 'ANALYSIS_TOO_MANY_DIMENSIONS',
  BAD_PERIOD: 'ANALYSIS_BAD_PERIOD',
} as const;

export interface AnalysisQuery {
  measures: AnalysisMeasure[];
  dimensions: AnalysisDimension[];
  /** inclusive business dates, YYYY-MM-DD */
  from: string;
  to: string;
  compare?: AnalysisCompare;
  /** filters: ids (comma-separated on the wire) */
  branchId?: string;
  officeId?: string;
  dealerId?: string;
  repId?: string;
  productId?: string;
  categoryId?: string;
  brand?: string;
  source?: string;
}

/**
 * A row: for each dimension its key (`branchId`, `month` = 'YYYY-MM', `week` = 'YYYY-Www' ISO,
 * `quarter` = 'YYYY-Qn', `day` = 'YYYY-MM-DD', `year` = 'YYYY', `dealerLevel` = '3', `region`,
 * `brand`, `source` as the value) plus a display name for id dimensions (`branchName`, ...),
 * then each measure as a decimal string (orderCount an integer string), null where undefined.
 * With `compare`, each measure also has `<measure>Prev` (the same key in the compared period).
 */
export type AnalysisRow = Record<string, string | null>;

export interface AnalysisResult {
  rows: AnalysisRow[];
  totals: Record<string, string | null>;
  /**
   * Subtotals for the pivot (computed by the server, so ratios such as marginRate are exact): one
   * entry per proper, non-empty subset of the dimensions (every subset: rows or columns of a pivot
   * may be any of them), its rows keyed by those dimensions only (same row shape as `rows`).
   */
  subtotals: { dimensions: AnalysisDimension[]; rows: AnalysisRow[] }[];
  /** the compared period, when asked */
  compareFrom?: string;
  compareTo?: string;
  truncated: boolean;
}

/** A user's saved view of the analysis page. */
export interface AnalysisView {
  id: string;
  name: string;
  query: AnalysisQuery & { chart?: 'line' | 'bar' | 'pie' | 'stacked' };
  createdAt: string;
}

/**
 * Drill-down (`GET /api/reports/analysis/documents`): the same filters plus the cell's dimension
 * keys; answers the documents behind the cell, paged.
 */
export type AnalysisDocumentKind = 'SHIPMENT' | 'RETURN' | 'RECEIPT' | 'ORDER';

/**
 * The cell of a drill-down: the `cell` query parameter, a JSON object from dimension name to the
 * cell's key, null for the "(none)" key (a receipt has no product):
 * `cell={"month":"2026-11","branch":"<id>","rep":null}` (one parameter, so cell keys never clash
 * with the filters `brand` / `source`). Build it from a row with `analysisCellParams`. Besides the
 * query's own parameters: `kind` (one document kind), `side=prev` (the compared period's documents
 * of the cell), `page`, `pageSize`.
 */
export type AnalysisCell = Partial<Record<AnalysisDimension, string | null>>;

/** The row field holding a dimension's key: `branchId` for id dimensions, the dimension's name otherwise. */
export const ID_DIMENSIONS = ['branch', 'office', 'rep', 'dealer', 'product', 'category'] as const;
export function analysisKeyField(dim: AnalysisDimension): string {
  return (ID_DIMENSIONS as readonly string[]).includes(dim) ? `${dim}Id` : dim;
}

/** The drill-down cell of a row (or subtotal row) for the dimensions it is keyed by. */
export function analysisCellParams(dimensions: readonly AnalysisDimension[], row: AnalysisRow): AnalysisCell {
  const cell: AnalysisCell = {};
  for (const d of dimensions) cell[d] = row[analysisKeyField(d)] ?? null;
  return cell;
}

export interface AnalysisDocument {
  kind: AnalysisDocumentKind;
  id: string;
  number: string;
  businessDate: string;
  dealerId: string;
  dealerName: string;
  /**
   * What the document adds to the cell: a shipment's or return's lines inside the cell (amount,
   * tax-inclusive; a return's as a positive amount), a receipt's amount, an order's total
   */
  amount: string;
  /** the order id, for linking to its page (shipments and returns) */
  orderId: string | null;
}

/** Sales and collection targets (销售计划): one per organisation or rep and month. */
export interface SalesTarget {
  id: string;
  month: string; // YYYY-MM
  orgId: string | null; // a branch or office; null when repId is set
  orgName: string | null;
  repId: string | null;
  repName: string | null;
  salesTarget: string;
  collectionTarget: string;
  /** the organisation's code or the rep's username (the import's keys) */
  orgCode: string | null;
  repUsername: string | null;
  version: number;
}

export interface Achievement {
  key: { orgId: string | null; repId: string | null };
  /** ORG: a branch or office (its subtree's dealers); REP: a sales rep (orders they own, receipts of their assigned dealers) */
  kind: 'ORG' | 'REP';
  /** the target row (for editing from the achievement table) */
  targetId: string;
  name: string;
  month: string;
  /** the last business day the actual figures include (today while the month runs); null before the month starts */
  asOf: string | null;
  /** calendar days of the month still to sell, today included (0 once the month is over) */
  daysLeft: number;
  salesTarget: string;
  salesActual: string; // netSales + tax (tax-inclusive, net of returns) month to date
  salesRate: string | null;
  collectionTarget: string;
  /** receipts (active, not reversed) month to date; a rep is credited with the receipts of its assigned dealers (管辖往来单位) */
  collectionActual: string;
  collectionRate: string | null;
  /** the targets of January..this month (whole months) against the actual of January 1..asOf */
  ytdSalesTarget: string;
  ytdSalesActual: string;
  ytdSalesRate: string | null;
  ytdCollectionTarget: string;
  ytdCollectionActual: string;
  ytdCollectionRate: string | null;
  /** what is left to sell per remaining calendar day of the month to meet the target (0 when met; null once the month is over) */
  dailyPaceNeeded: string | null;
  /** the same for collections */
  dailyCollectionPaceNeeded: string | null;
}
