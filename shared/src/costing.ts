import Decimal from 'decimal.js';
import { Dec, fmt } from './money';
import type { Permission } from './permissions';

/**
 * Inventory cost (存货成本): moving weighted average per warehouse and product (ARCHITECTURE §7).
 * The arithmetic lives here once; the server applies it to stock rows it holds locked.
 *
 * - inbound q at cost c onto (on hand Q, average A): A' = (Q×A + q×c) / (Q + q), 6 decimals half
 *   up; when Q <= 0 there is nothing to average with and A' = c.
 * - outbound (shipment, transfer out, count loss): valued at A; A is unchanged.
 * - transfer in: at the source row's A at that moment; return in: at the shipment line's frozen
 *   unit cost; count gain: at the row's A (the server falls back to the product's last known
 *   average elsewhere when the row has none). All three average into the receiving row as inbound.
 * Values (a line's cost, a movement's value, a row's stock value) are round(qty × unit cost, 2).
 */

/** Unit costs keep 6 decimals (numeric(18,6)): an average of cents over thousands of units. */
export const COST_SCALE = 6;

/** A unit cost for the wire and the database: 6 decimals, half up. */
export function fmtCost(value: Decimal.Value): string {
  return new Dec(value).toFixed(COST_SCALE, Decimal.ROUND_HALF_UP);
}

/** The value of a quantity at a unit cost, in cents: round_half_up(qty × unit cost, 2). */
export function costAmount(qty: Decimal.Value, unitCost: Decimal.Value): string {
  return fmt(new Dec(qty).times(unitCost));
}

/** The moving average after an inbound of `qty` at `unitCost` onto a row holding `onHand` at `avgCost`. */
export function inboundAverage(onHand: Decimal.Value, avgCost: Decimal.Value, qty: Decimal.Value, unitCost: Decimal.Value): string {
  const q = new Dec(onHand);
  if (q.lessThanOrEqualTo(0)) return fmtCost(unitCost);
  const total = q.plus(qty);
  return fmtCost(q.times(avgCost).plus(new Dec(qty).times(unitCost)).div(total));
}

/** A stock row's cost state: what is on hand and its moving average unit cost. */
export interface CostRow {
  onHand: string;
  avgCost: string;
}

/** What one change of on hand did to cost. */
export interface CostMove {
  /** the unit cost the quantity moved at */
  unitCost: string;
  /** the signed value moved: + in, − out (cents) */
  costDelta: string;
  /** the row's average after the change */
  avgAfter: string;
  /** the row's on hand after the change */
  onHandAfter: string;
}

/**
 * Applies a change of on hand to a row's cost. `delta` > 0 comes in at `unitCost` (omitted: at the
 * row's own average, e.g. a count gain); `delta` < 0 goes out at the row's average.
 */
export function applyCost(row: CostRow, delta: Decimal.Value, unitCost?: Decimal.Value): CostMove {
  const d = new Dec(delta);
  const onHandAfter = fmt(new Dec(row.onHand).plus(d), 'qty');
  if (d.greaterThan(0)) {
    const c = fmtCost(unitCost ?? row.avgCost);
    return { unitCost: c, costDelta: costAmount(d, c), avgAfter: inboundAverage(row.onHand, row.avgCost, d, c), onHandAfter };
  }
  const avg = fmtCost(row.avgCost);
  return { unitCost: avg, costDelta: fmt(new Dec(costAmount(d.negated(), avg)).negated()), avgAfter: avg, onHandAfter };
}

/** The unit cost of several parts together, weighted by quantity (6 decimals); 0 for no quantity. */
export function weightedCost(parts: { qty: Decimal.Value; unitCost: Decimal.Value }[]): string {
  const qty = parts.reduce((s, p) => s.plus(p.qty), new Dec(0));
  if (qty.isZero()) return fmtCost(0);
  return fmtCost(parts.reduce((s, p) => s.plus(new Dec(p.qty).times(p.unitCost)), new Dec(0)).div(qty));
}

/**
 * The tax inside a shipped or returned line's amount (tax-inclusive), at the order line's rate:
 * round_half_up(amount × rate / (1 + rate), 2). Gross margin = (amount − tax) − cost.
 */
export function taxInAmount(amount: Decimal.Value, taxRate: Decimal.Value): string {
  return fmt(new Dec(amount).times(taxRate).div(new Dec(1).plus(taxRate)));
}

/**
 * Opening cost of stock that was never costed (the opening-cost migration and the demo seed):
 * an estimate, the level-10 (lowest wholesale) price × 0.85, else the base price × 0.60, in cents.
 */
export const OPENING_COST_FACTOR = { level10: '0.85', base: '0.60' } as const;

export function openingCost(level10Price: Decimal.Value | null | undefined, basePrice: Decimal.Value): string {
  const v = level10Price !== null && level10Price !== undefined ? new Dec(level10Price).times(OPENING_COST_FACTOR.level10) : new Dec(basePrice).times(OPENING_COST_FACTOR.base);
  return fmtCost(fmt(v));
}

/** How the stock value page groups (GET /api/inventory/stock-value?groupBy=). */
export const STOCK_VALUE_GROUPS = ['warehouse', 'category', 'branch'] as const;
export type StockValueGroupBy = (typeof STOCK_VALUE_GROUPS)[number];

/** One group of the stock value page: quantities and value of the stock rows in it. */
export interface StockValueRowDto {
  key: string;
  code: string | null;
  name: string;
  /** stock rows (warehouse × product) in the group with stock on hand */
  rows: number;
  onHand: string;
  /** Σ round(on hand × average cost, 2) over the group's rows */
  value: string;
}

export interface StockValueDto {
  groupBy: StockValueGroupBy;
  items: StockValueRowDto[];
  totals: { rows: number; onHand: string; value: string };
}

/**
 * Who sees costs (average cost, stock value, a document line's cost): whoever enters them
 * (stock:manage — inbound documents carry a unit cost) and whoever reads margins (reports:view).
 * Sales reps and customer service see quantities only, dealers never see a cost.
 */
export const COST_VIEW_PERMISSIONS: readonly Permission[] = ['stock:manage', 'reports:view'];

export function canSeeCost(can: (permission: Permission) => boolean): boolean {
  return COST_VIEW_PERMISSIONS.some((p) => can(p));
}
