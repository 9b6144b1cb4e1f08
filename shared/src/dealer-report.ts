/** Dealer stock and sales reports (库存销量上报) on the wire: one current figure per dealer, product and business date. */

export type DealerReportSource = 'MALL' | 'VISIT' | 'IMPORT' | 'CONSOLE';

export interface DealerReportRowDto {
  id: string;
  dealerId: string;
  dealerCode: string;
  dealerName: string;
  productId: string;
  productCode: string;
  productName: string;
  unit: string;
  date: string;
  stock: string;
  sold: string;
  received: string | null;
  source: DealerReportSource;
  reportedByName: string | null;
  version: number;
  updatedAt: string;
}

export interface DealerReportResult {
  dealerId: string;
  date: string;
  created: number;
  corrected: number;
  unchanged: number;
}

/** An Excel upload of reports (all or nothing): how many figures were new, corrected or the same, over how many dealer-days. */
export interface DealerReportImportResult {
  /** new figures (ImportDialog's "created") */
  created: number;
  /** corrected figures (ImportDialog's "updated") */
  updated: number;
  unchanged: number;
  /** the (dealer, date) reports the file held */
  reports: number;
}

/** 未上报: a dealer in scope whose latest report is more than `overdueDays` days old, or that never reported. */
export interface OverdueDealerDto {
  dealerId: string;
  dealerCode: string;
  dealerName: string;
  branchName: string | null;
  /** the latest business date it reported, null when never */
  lastReportDate: string | null;
  /** days from that date to today, null when never */
  daysSince: number | null;
  reps: { id: string; name: string }[];
  /** when today's reminder went out (null: not yet today) */
  remindedAt: string | null;
}

export interface OverdueDealersAnswer {
  today: string;
  overdueDays: number;
  items: OverdueDealerDto[];
  total: number;
  page: number;
  pageSize: number;
}

export interface ReportReminderResult {
  /** dealers reminded now */
  reminded: number;
  /** dealers already reminded today (skipped) */
  alreadyToday: number;
  /** users notified (the dealers' users and their reps) */
  notified: number;
}
