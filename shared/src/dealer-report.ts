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
