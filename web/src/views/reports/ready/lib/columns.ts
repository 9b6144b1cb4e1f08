import { Dec, type ReadyReportKey } from '@drp/shared';
import { formatQty, yuan } from '@/utils/money';

/**
 * What each ready report shows: its columns (row field, words key, how the value reads) and its
 * summary tiles. One table per report on a desktop, the same fields as cards on a phone.
 */
export type CellKind = 'text' | 'amount' | 'qty' | 'rate' | 'count' | 'days' | 'minutes' | 'source' | 'date';

export interface ReadyColumn {
  field: string;
  kind: CellKind;
  /** wider text columns; numbers align right */
  width?: number;
  /** the sort key the server accepts (paged reports) */
  sort?: string;
}

export const READY_COLUMNS: Record<ReadyReportKey, ReadyColumn[]> = {
  stockDays: [
    { field: 'warehouseName', kind: 'text', width: 120, sort: 'warehouse' },
    { field: 'productCode', kind: 'text', width: 100, sort: 'product' },
    { field: 'productName', kind: 'text', width: 200 },
    { field: 'onHand', kind: 'qty', sort: 'onHand' },
    { field: 'avgCost', kind: 'amount' },
    { field: 'stockValue', kind: 'amount', sort: 'stockValue' },
    { field: 'shippedQty', kind: 'qty' },
    { field: 'avgDailyQty', kind: 'qty' },
    { field: 'daysOfStock', kind: 'days', sort: 'daysOfStock' },
  ],
  sellThrough: [
    { field: 'dealerName', kind: 'text', width: 180, sort: 'dealer' },
    { field: 'productName', kind: 'text', width: 200, sort: 'product' },
    { field: 'shippedQty', kind: 'qty' },
    { field: 'returnedQty', kind: 'qty' },
    { field: 'netQty', kind: 'qty', sort: 'netQty' },
    { field: 'reportedSold', kind: 'qty', sort: 'reportedSold' },
    { field: 'reportedStock', kind: 'qty' },
    { field: 'reportedStockDate', kind: 'date' },
    { field: 'sellThroughRate', kind: 'rate', sort: 'sellThroughRate' },
  ],
  visitKpis: [
    { field: 'repName', kind: 'text', width: 120 },
    { field: 'planned', kind: 'count' },
    { field: 'plannedDone', kind: 'count' },
    { field: 'planRate', kind: 'rate' },
    { field: 'visits', kind: 'count' },
    { field: 'offSite', kind: 'count' },
    { field: 'avgMinutes', kind: 'minutes' },
    { field: 'visitOrders', kind: 'count' },
    { field: 'visitOrderAmount', kind: 'amount' },
  ],
  mallUsage: [
    { field: 'month', kind: 'text', width: 100 },
    { field: 'source', kind: 'source', width: 120 },
    { field: 'orders', kind: 'count' },
    { field: 'amount', kind: 'amount' },
    { field: 'activeMallDealers', kind: 'count' },
  ],
  collections: [
    { field: 'branchName', kind: 'text', width: 140 },
    { field: 'month', kind: 'text', width: 100 },
    { field: 'netShipped', kind: 'amount' },
    { field: 'returned', kind: 'amount' },
    { field: 'receipts', kind: 'amount' },
    { field: 'collectionRate', kind: 'rate' },
    { field: 'overdue', kind: 'amount' },
  ],
};

/** Summary tiles: the summary field and how it reads. */
export const READY_SUMMARY: Record<ReadyReportKey, { field: string; kind: CellKind }[]> = {
  stockDays: [
    { field: 'stockValue', kind: 'amount' },
    { field: 'onHand', kind: 'qty' },
    { field: 'windowDays', kind: 'count' },
  ],
  sellThrough: [
    { field: 'netQty', kind: 'qty' },
    { field: 'reportedSold', kind: 'qty' },
    { field: 'sellThroughRate', kind: 'rate' },
  ],
  visitKpis: [
    { field: 'visits', kind: 'count' },
    { field: 'plannedDone', kind: 'count' },
    { field: 'offSite', kind: 'count' },
    { field: 'visitOrderAmount', kind: 'amount' },
  ],
  mallUsage: [
    { field: 'mallOrders', kind: 'count' },
    { field: 'mallAmount', kind: 'amount' },
    { field: 'activeMallDealers', kind: 'count' },
    { field: 'activeRate', kind: 'rate' },
  ],
  collections: [
    { field: 'netShipped', kind: 'amount' },
    { field: 'receipts', kind: 'amount' },
    { field: 'collectionRate', kind: 'rate' },
    { field: 'overdue', kind: 'amount' },
  ],
};

/** The reports that page on the server; the others answer every row at once. */
export const PAGED_READY_REPORTS: readonly ReadyReportKey[] = ['stockDays', 'sellThrough'];

/**
 * A cell as people read it. `words` turns a source code into its words; a missing figure is a dash
 * (no days of stock when nothing shipped, no rate without a base).
 */
export function cellText(kind: CellKind, value: unknown, words: { source: (code: string) => string; minutes: (m: string) => string; days: (d: string) => string }): string {
  if (value === null || value === undefined || value === '') return '—';
  const s = String(value);
  switch (kind) {
    case 'amount':
      return yuan(s);
    case 'qty':
      return formatQty(s);
    case 'rate':
      return `${new Dec(s).times(100).toFixed(1, Dec.ROUND_HALF_UP)}%`;
    case 'days':
      return words.days(s);
    case 'minutes':
      return words.minutes(s);
    case 'source':
      return words.source(s);
    default:
      return s;
  }
}

/** Numbers align right in the table. */
export const isNumeric = (kind: CellKind) => !['text', 'source', 'date'].includes(kind);
