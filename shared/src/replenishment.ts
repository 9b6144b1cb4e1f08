/**
 * Smart replenishment (智能补货), the rule once (ARCHITECTURE §7; issue #15). The server computes the
 * same figures set-based in SQL over every dealer and product (replenishment.sql.ts); this function
 * is the rule as written, for the unit tests, the worksheet's explanations and as the oracle the
 * API tests compare the SQL against.
 *
 * For one dealer and product, with the window N = windowDays days ending yesterday:
 * - a day is usable when it was reported with end-of-day stock > 0; a stock-out day (stock 0) and an
 *   unreported day are left out of the average, sales and day alike; < 7 usable days: INSUFFICIENT_DATA;
 * - average daily sales = sold on usable days / usable days, 4 decimals half up;
 * - current stock = the stock of the latest report;
 * - 销一补一: sold on the reported days after the dealer's last replenishment order (any date; stock-out
 *   days count), or over the window's reported days when there is none, − open supply;
 * - 销存差: sold over the window's reported days − current stock − open supply;
 * - 周转补货: average × (turnover days + lead days) + safety stock − current stock − open supply;
 * - ≤ 0: no line; else rounded up to the order multiple, and at least the minimum order quantity.
 */
import { Dec, fmt } from './money';

export enum ReplenishmentMethod {
  /** 销一补一 */
  SELL_ONE_REPLACE_ONE = 'SELL_ONE_REPLACE_ONE',
  /** 销存差 */
  SALES_STOCK_DIFF = 'SALES_STOCK_DIFF',
  /** 周转补货 */
  TURNOVER = 'TURNOVER',
}

export const REPLENISHMENT_MIN_USABLE_DAYS = 7;
export const REPLENISHMENT_WINDOW = { min: 7, max: 365 } as const;

export interface ReplenishmentParams {
  method: ReplenishmentMethod;
  /** 补货销量天数 N */
  windowDays: number;
  /** 库存周转天数 */
  turnoverDays: number;
  /** 提前补货天数 */
  leadDays: number;
  /** safety stock in units */
  safetyStock: string;
}

export const DEFAULT_REPLENISHMENT_PARAMS: ReplenishmentParams = {
  method: ReplenishmentMethod.TURNOVER,
  windowDays: 30,
  turnoverDays: 15,
  leadDays: 3,
  safetyStock: '0',
};

export interface DayReport {
  /** business date YYYY-MM-DD */
  date: string;
  /** end-of-day stock */
  stock: string;
  sold: string;
}

export interface ReplenishmentInput {
  /** the run's business date: the window is the windowDays days before it */
  today: string;
  /** the dealer's current reports of this product (any dates up to today) */
  reports: DayReport[];
  /** business date of the dealer's last replenishment order, if any */
  lastReplenishmentDate: string | null;
  openSupply: string;
  orderMultiple: string;
  minOrderQty: string;
  params: ReplenishmentParams;
}

export type ReplenishmentStatus = 'SUGGESTED' | 'INSUFFICIENT_DATA';

export interface ReplenishmentFigures {
  usableDays: number;
  stockoutDays: number;
  /** units sold on usable days */
  usableSold: string;
  avgDaily: string;
  /** units sold over the window's reported days */
  windowSold: string;
  /** units sold on reported days after the last replenishment order (or the window's) */
  soldSinceLast: string;
  currentStock: string;
  openSupply: string;
  /** 周转补货's target stock: average × (turnover + lead) + safety */
  target: string;
  rawQty: string;
  qty: string;
}

// ---- on the wire --------------------------------------------------------------------------------

export type ReplenishmentLineStatus = 'SUGGESTED' | 'INSUFFICIENT_DATA' | 'DROPPED' | 'ORDERED' | 'SENT';

export interface ReplenishmentRunDto {
  id: string;
  businessDate: string;
  trigger: 'MANUAL' | 'NIGHTLY';
  dealerCount: number;
  lineCount: number;
  suggestedCount: number;
  requestedByName: string | null;
  createdAt: string;
}

export interface ReplenishmentLineDto {
  id: string;
  runId: string;
  dealerId: string;
  dealerCode: string;
  dealerName: string;
  productId: string;
  productCode: string;
  productName: string;
  unit: string;
  method: ReplenishmentMethod;
  windowDays: number;
  turnoverDays: number;
  leadDays: number;
  safetyStock: string;
  usableDays: number;
  stockoutDays: number;
  usableSold: string;
  avgDaily: string;
  windowSold: string;
  soldSinceLast: string;
  lastReplenishmentDate: string | null;
  latestReportDate: string | null;
  currentStock: string;
  openSupply: string;
  target: string;
  rawQty: string;
  suggestedQty: string;
  qty: string;
  orderMultiple: string;
  minOrderQty: string;
  /** days of stock left: current stock / average (null without an average) */
  daysOfStock: string | null;
  status: ReplenishmentLineStatus;
  orderId: string | null;
  orderNumber: string | null;
  /** the price the dealer would pay now (its price book, level or promotion), and the amount */
  unitPrice: string | null;
  amount: string | null;
  version: number;
}

/** A parameter row set on an organisation (optionally for one product). */
export interface ReplenishmentOverride {
  id: string;
  orgId: string;
  orgName: string;
  productId: string | null;
  productCode: string | null;
  params: ReplenishmentParams;
  version: number;
}

export interface EffectiveReplenishmentSettings extends ReplenishmentParams {
  /** where the parameters come from: the row's organisation and product (null: built-in default) */
  sourceOrgId: string | null;
  sourceOrgName: string | null;
  sourceProductId: string | null;
  /** the rows set on this organisation itself */
  overrides: ReplenishmentOverride[];
}

/** The line for one dealer and product, or null when no line is due (≤ 0). */
export function replenishmentLine(input: ReplenishmentInput): (ReplenishmentFigures & { status: ReplenishmentStatus }) | null {
  const { params } = input;
  const from = addDays(input.today, -params.windowDays);
  const inWindow = input.reports.filter((r) => r.date >= from && r.date < input.today);
  const usable = inWindow.filter((r) => new Dec(r.stock).greaterThan(0));
  const usableSold = usable.reduce((s, r) => s.plus(r.sold), new Dec(0));
  const windowSold = inWindow.reduce((s, r) => s.plus(r.sold), new Dec(0));
  const avg = usable.length ? usableSold.div(usable.length).toDecimalPlaces(4, Dec.ROUND_HALF_UP) : new Dec(0);
  const latest = input.reports.filter((r) => r.date <= input.today).reduce<DayReport | null>((a, r) => (!a || r.date > a.date ? r : a), null);
  const current = new Dec(latest?.stock ?? 0);
  const open = new Dec(input.openSupply);
  const soldSinceLast =
    input.lastReplenishmentDate === null
      ? windowSold
      : input.reports.filter((r) => r.date > input.lastReplenishmentDate! && r.date <= input.today).reduce((s, r) => s.plus(r.sold), new Dec(0));
  const target = avg.times(params.turnoverDays + params.leadDays).plus(params.safetyStock);
  const raw =
    params.method === ReplenishmentMethod.SELL_ONE_REPLACE_ONE
      ? soldSinceLast.minus(open)
      : params.method === ReplenishmentMethod.SALES_STOCK_DIFF
        ? windowSold.minus(current).minus(open)
        : target.minus(current).minus(open);
  const figures = {
    usableDays: usable.length,
    stockoutDays: inWindow.length - usable.length,
    usableSold: fmt(usableSold, 'qty'),
    avgDaily: avg.toFixed(4),
    windowSold: fmt(windowSold, 'qty'),
    soldSinceLast: fmt(soldSinceLast, 'qty'),
    currentStock: fmt(current, 'qty'),
    openSupply: fmt(open, 'qty'),
    target: target.toFixed(4),
    rawQty: raw.toFixed(4),
  };
  if (usable.length < REPLENISHMENT_MIN_USABLE_DAYS) return { ...figures, qty: '0.000', status: 'INSUFFICIENT_DATA' };
  if (raw.lessThanOrEqualTo(0)) return null;
  return { ...figures, qty: fmt(roundUpOrder(raw, input.orderMultiple, input.minOrderQty), 'qty'), status: 'SUGGESTED' };
}

/** Rounded up to the order multiple (1 when missing), then at least the minimum order quantity. */
export function roundUpOrder(raw: InstanceType<typeof Dec> | string, orderMultiple: string, minOrderQty: string): InstanceType<typeof Dec> {
  const m = new Dec(orderMultiple || 1).greaterThan(0) ? new Dec(orderMultiple) : new Dec(1);
  return Dec.max(new Dec(raw).div(m).ceil().times(m), new Dec(minOrderQty || 0));
}

/** YYYY-MM-DD plus n days (calendar arithmetic in UTC: business dates have no time zone). */
function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
