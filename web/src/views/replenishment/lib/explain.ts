import { Dec, REPLENISHMENT_MIN_USABLE_DAYS, ReplenishmentMethod } from '@drp/shared';
import { formatDecimal } from '@/utils/money';

/** vue-i18n's t, passed in so the wording stays pure and tested. */
export type T = (key: string, values?: Record<string, unknown>) => string;

/** The figures of a worksheet line the explanation reads (ReplenishmentLineDto has them all). */
export interface ExplainedLine {
  method: ReplenishmentMethod | string;
  status: string;
  windowDays: number;
  turnoverDays: number;
  leadDays: number;
  safetyStock: string;
  usableDays: number;
  stockoutDays: number;
  avgDaily: string;
  windowSold: string;
  soldSinceLast: string;
  lastReplenishmentDate: string | null;
  currentStock: string;
  openSupply: string;
  target: string;
  rawQty: string;
  suggestedQty: string;
  orderMultiple: string;
  minOrderQty: string;
  daysOfStock: string | null;
}

/** A figure for people: no trailing zeros, at most 2 decimals ("4.5000" -> "4.5"). */
export function num(value: string | number | null | undefined, scale = 2): string {
  if (value === null || value === undefined || value === '') return '—';
  return formatDecimal(String(value), scale);
}

/**
 * At risk of stock-out within the lead time: the stock left lasts fewer days than the lead time
 * (提前补货天数) at the average daily sales — or nothing is left while it sells. No average (no
 * sales) means no risk we can tell.
 */
export function atRisk(line: Pick<ExplainedLine, 'daysOfStock' | 'leadDays' | 'currentStock' | 'avgDaily'>): boolean {
  if (line.daysOfStock === null || line.daysOfStock === undefined) return false;
  if (!new Dec(line.avgDaily || 0).greaterThan(0)) return false;
  return new Dec(line.daysOfStock).lessThan(Math.max(line.leadDays, 0)) || !new Dec(line.currentStock || 0).greaterThan(0);
}

/** Days of the window without a report (neither usable nor stock-out). */
export function unreportedDays(line: Pick<ExplainedLine, 'windowDays' | 'usableDays' | 'stockoutDays'>): number {
  return Math.max(line.windowDays - line.usableDays - line.stockoutDays, 0);
}

/**
 * Why a line says what it says, in sentences a branch manager reads (the rule of
 * shared/src/replenishment.ts, with this line's own figures):
 * "近30天有效销售22天（断货5天已剔除），日均4.5；目标库存 = 4.5 × (15 + 3) + 0 = 81；…"
 */
export function whySentence(t: T, line: ExplainedLine): string {
  const p = 'replenishment.why.';
  const parts: string[] = [];
  const basis = { n: line.windowDays, usable: line.usableDays, stockout: line.stockoutDays, unreported: unreportedDays(line), avg: num(line.avgDaily, 4), min: REPLENISHMENT_MIN_USABLE_DAYS };
  let first = t(`${p}usable`, basis);
  if (line.stockoutDays > 0) first += t(`${p}stockoutLeftOut`, basis);
  if (basis.unreported > 0) first += t(`${p}unreported`, basis);
  if (line.status === 'INSUFFICIENT_DATA') return `${first}${t(`${p}insufficient`, basis)}`;
  parts.push(`${first}${t(`${p}average`, basis)}`);

  const stock = num(line.currentStock);
  const open = num(line.openSupply);
  const raw = num(line.rawQty);
  if (line.method === ReplenishmentMethod.TURNOVER) {
    parts.push(t(`${p}turnover`, { avg: num(line.avgDaily, 4), turnover: line.turnoverDays, lead: line.leadDays, safety: num(line.safetyStock), target: num(line.target), stock, open, raw }));
  } else if (line.method === ReplenishmentMethod.SALES_STOCK_DIFF) {
    parts.push(t(`${p}salesStock`, { n: line.windowDays, sold: num(line.windowSold), stock, open, raw }));
  } else {
    parts.push(
      line.lastReplenishmentDate
        ? t(`${p}sellOneSince`, { date: line.lastReplenishmentDate, sold: num(line.soldSinceLast), open, raw })
        : t(`${p}sellOneWindow`, { n: line.windowDays, sold: num(line.soldSinceLast), open, raw }),
    );
  }

  const qty = line.suggestedQty;
  if (new Dec(qty || 0).greaterThan(0)) {
    const rounded = !new Dec(qty).equals(new Dec(line.rawQty || 0));
    const byMin = new Dec(line.minOrderQty || 0).greaterThan(0) && new Dec(qty).equals(line.minOrderQty) && new Dec(line.rawQty).lessThan(line.minOrderQty);
    if (byMin) parts.push(t(`${p}roundedMin`, { min: num(line.minOrderQty), qty: num(qty) }));
    else if (rounded) parts.push(t(`${p}roundedPack`, { pack: num(line.orderMultiple || '1'), qty: num(qty) }));
    else parts.push(t(`${p}exact`, { qty: num(qty) }));
  }
  if (line.daysOfStock !== null) {
    parts.push(atRisk(line) ? t(`${p}daysLeftRisk`, { days: num(line.daysOfStock, 1), lead: line.leadDays }) : t(`${p}daysLeft`, { days: num(line.daysOfStock, 1) }));
  }
  return parts.join(t(`${p}sep`));
}
