/**
 * Company-wide settings (one row, HQ edits them).
 * - stockControl, T+'s 可用量控制: what happens when an order asks for more than is available.
 *   NONE: allowed; what is there is reserved and the shortfall waits as a backorder.
 *   WARN: allowed; the order form and every approver see the shortage.
 *   BLOCK: refused at submit, naming the products and quantities.
 * - priceScale, T+'s 单价小数位数: unit prices are made (promotion and discount results rounded
 *   half up) to this many decimals, so what is shown is what is charged.
 */
export enum StockControl {
  NONE = 'NONE',
  WARN = 'WARN',
  BLOCK = 'BLOCK',
}

export const PRICE_SCALE_MAX = 4;

export interface CompanySettingsDto {
  stockControl: StockControl;
  priceScale: number;
  /** 跑店: a check-in farther than this from the dealer's stored position is flagged off site (metres) */
  visitRadiusM: number;
  /** 未上报: a dealer whose latest stock and sales report is more than this many days old is listed and reminded */
  reportOverdueDays: number;
  version: number;
}
