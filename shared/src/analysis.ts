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
export interface AnalysisDocument {
  kind: 'SHIPMENT' | 'RETURN' | 'RECEIPT' | 'ORDER';
  id: string;
  number: string;
  businessDate: string;
  dealerId: string;
  dealerName: string;
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
}

export interface Achievement {
  key: { orgId: string | null; repId: string | null };
  name: string;
  month: string;
  salesTarget: string;
  salesActual: string; // netSales + tax (tax-inclusive, net of returns) month to date
  salesRate: string | null;
  collectionTarget: string;
  collectionActual: string;
  collectionRate: string | null;
  ytdSalesTarget: string;
  ytdSalesActual: string;
  /** what is left to sell per remaining calendar day of the month to meet the target (0 when met) */
  dailyPaceNeeded: string;
}
