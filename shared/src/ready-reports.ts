/**
 * Ready reports (issue #16, 现成报表): the reports that are not plain analysis-engine pivots.
 * `GET /api/reports/ready/:key` answers `ReadyReport<row, summary>` for each key below. Decimals
 * travel as strings; every figure is scoped like the documents it comes from (a branch user sees
 * its own subtree as if it were its own company).
 */
export const READY_REPORT_KEYS = ['stockDays', 'sellThrough', 'visitKpis', 'mallUsage', 'collections'] as const;
export type ReadyReportKey = (typeof READY_REPORT_KEYS)[number];

export const isReadyReportKey = (k: string): k is ReadyReportKey => (READY_REPORT_KEYS as readonly string[]).includes(k);

/**
 * Defaults and limits. A period longer than `maxDays` answers 400 VALIDATION_FAILED (field `from`).
 * `defaultDays` (sellThrough: `sellThroughDays`): the period when `from` is not given (ending `to`, default today); the monthly
 * reports start on the first day of the month `defaultMonths - 1` months before `to`.
 */
export const READY_REPORT_LIMITS = {
  maxDays: 400,
  /** stockDays: the average daily shipped quantity is taken over this many days ending today */
  stockWindowDays: 30,
  defaultDays: 30,
  /** sellThrough looks further back: a dealer sells over weeks what one delivery brought */
  sellThroughDays: 90,
  defaultMonths: 12,
} as const;

/** The monthly reports (period = whole months by default). */
export const MONTHLY_READY_REPORTS: readonly ReadyReportKey[] = ['mallUsage', 'collections'];

export interface ReadyReportQuery {
  /** inclusive business dates YYYY-MM-DD (stockDays: ignored, it is as of today) */
  from?: string;
  to?: string;
  /** a branch: the branch and the offices under it */
  branchId?: string;
  /** stockDays */
  warehouseId?: string;
  /** sellThrough */
  dealerId?: string;
  /** product / dealer code or name (stockDays, sellThrough) */
  q?: string;
  page?: number;
  pageSize?: number;
  sort?: string;
}

export interface ReadyReport<Row, Summary = Record<string, never>> {
  key: ReadyReportKey;
  from: string;
  to: string;
  items: Row[];
  /** rows in all (the paged reports answer one page of them) */
  total: number;
  page: number;
  pageSize: number;
  summary: Summary;
}

/** 库存金额与可售天数: per warehouse and product, as of today. */
export interface StockDaysRow {
  warehouseId: string;
  warehouseCode: string;
  warehouseName: string;
  productId: string;
  productCode: string;
  productName: string;
  unit: string;
  onHand: string;
  avgCost: string;
  /** on hand x moving average cost (2 decimals) */
  stockValue: string;
  /** shipped (net of nothing: shipments only) over the window ending today */
  shippedQty: string;
  /** shippedQty / window days, 3 decimals */
  avgDailyQty: string;
  /** on hand / avgDailyQty, 1 decimal; null when nothing shipped in the window */
  daysOfStock: string | null;
}
export interface StockDaysSummary {
  windowDays: number;
  /** sum of stockValue over every row (not only the page) */
  stockValue: string;
  onHand: string;
}
export const STOCK_DAYS_SORTS = ['daysOfStock', 'stockValue', 'onHand', 'product', 'warehouse'] as const;

/** 经销商动销: what we shipped to each dealer vs what it reported it sold, per product. */
export interface SellThroughRow {
  dealerId: string;
  dealerCode: string;
  dealerName: string;
  productId: string;
  productCode: string;
  productName: string;
  unit: string;
  shippedQty: string;
  returnedQty: string;
  /** shipped - returned */
  netQty: string;
  /** the dealer's reported sales over the period */
  reportedSold: string;
  /** days in the period with a report */
  reportedDays: number;
  /** the latest reported stock on or before `to`, and its day */
  reportedStock: string | null;
  reportedStockDate: string | null;
  /** reportedSold / netQty, 4 decimals; null when nothing net was shipped */
  sellThroughRate: string | null;
}
export interface SellThroughSummary {
  shippedQty: string;
  returnedQty: string;
  netQty: string;
  reportedSold: string;
  sellThroughRate: string | null;
}
export const SELL_THROUGH_SORTS = ['dealer', 'product', 'netQty', 'reportedSold', 'sellThroughRate'] as const;

/** 拜访 KPI: per rep over the period. */
export interface VisitKpiRow {
  repId: string;
  repName: string;
  /** plan occurrences in the period, and those with a visit to the dealer that day */
  planned: number;
  plannedDone: number;
  /** plannedDone / planned, 4 decimals; null without plans */
  planRate: string | null;
  visits: number;
  offSite: number;
  /** average minutes on site of the checked-out visits, 1 decimal */
  avgMinutes: string | null;
  /** orders the rep took with source VISIT (submitted, not cancelled or rejected) and their amount */
  visitOrders: number;
  visitOrderAmount: string;
}
export interface VisitKpiSummary {
  planned: number;
  plannedDone: number;
  visits: number;
  offSite: number;
  visitOrders: number;
  visitOrderAmount: string;
}

/** 商城使用: orders and amount by month and source. */
export interface MallUsageRow {
  /** YYYY-MM */
  month: string;
  source: string;
  orders: number;
  amount: string;
  /** dealers with a MALL order in the month (the same on every row of the month) */
  activeMallDealers: number;
}
export interface MallUsageSummary {
  orders: number;
  amount: string;
  mallOrders: number;
  mallAmount: string;
  /** dealers who ordered in the mall in the period / active dealers in scope */
  activeMallDealers: number;
  dealersInScope: number;
  activeRate: string | null;
}

/** 回款: per branch and month, receipts against shipments. */
export interface CollectionsRow {
  branchId: string;
  branchCode: string;
  branchName: string;
  month: string;
  shipped: string;
  returned: string;
  /** shipped - returned */
  netShipped: string;
  receipts: string;
  /** receipts / netShipped, 4 decimals; null when nothing was shipped */
  collectionRate: string | null;
  /** what is still open and past due today of the receivables of this month's shipments */
  overdue: string;
}
export interface CollectionsSummary {
  shipped: string;
  returned: string;
  netShipped: string;
  receipts: string;
  collectionRate: string | null;
  overdue: string;
}

export type StockDaysReport = ReadyReport<StockDaysRow, StockDaysSummary>;
export type SellThroughReport = ReadyReport<SellThroughRow, SellThroughSummary>;
export type VisitKpisReport = ReadyReport<VisitKpiRow, VisitKpiSummary>;
export type MallUsageReport = ReadyReport<MallUsageRow, MallUsageSummary>;
export type CollectionsReport = ReadyReport<CollectionsRow, CollectionsSummary>;

export interface ReadyReportByKey {
  stockDays: StockDaysReport;
  sellThrough: SellThroughReport;
  visitKpis: VisitKpisReport;
  mallUsage: MallUsageReport;
  collections: CollectionsReport;
}
