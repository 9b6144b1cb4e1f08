import { AnalysisDimension, AnalysisMeasure, AnalysisRow, analysisKeyField, Dec, fmt, ID_DIMENSIONS } from '@drp/shared';
import type { BaseColumn } from './analysis.sql';

/**
 * From the statement's summed columns to the wire row (shared/src/analysis.ts): each measure as a
 * decimal string, derived measures computed here once with decimal arithmetic from the sums (so a
 * subtotal's margin rate is the rate of its sums, never an average of rates).
 */

/** A statement row: `c_<base>` / `p_<base>` sums (numeric as strings, null when no fact), `d<i>_key|name|code`. */
export type SumRow = Record<string, string | number | null>;

const ZERO = new Dec(0);
const d = (v: string | number | null | undefined): Dec => (v === null || v === undefined ? ZERO : new Dec(v));

/** The value of each measure from the sums of one side (`c` asked period, `p` compared). */
export function measureValues(row: SumRow, side: 'c' | 'p', measures: readonly AnalysisMeasure[]): Record<string, string | null> {
  const base = (b: BaseColumn) => d(row[`${side}_${b}`]);
  const out: Record<string, string | null> = {};
  const netSales = () => base('sales').minus(base('returns')).minus(base('tax'));
  for (const m of measures) {
    switch (m) {
      case 'quantity':
        out[m] = fmt(base('qty'), 'qty');
        break;
      case 'sales':
      case 'returns':
      case 'tax':
      case 'cost':
      case 'receipts':
        out[m] = fmt(base(m));
        break;
      case 'netSales':
        out[m] = fmt(netSales());
        break;
      case 'grossMargin':
        out[m] = fmt(netSales().minus(base('cost')));
        break;
      case 'marginRate': {
        const ns = netSales();
        out[m] = ns.isZero() ? null : netSales().minus(base('cost')).div(ns).toFixed(4, Dec.ROUND_HALF_UP);
        break;
      }
      case 'orderCount':
        out[m] = base('order_count').toFixed(0);
        break;
      case 'avgOrderValue': {
        const n = base('order_count');
        out[m] = n.isZero() ? null : fmt(base('order_amount').div(n));
        break;
      }
    }
  }
  return out;
}

/** The measures of a row, with `<measure>Prev` beside each when the request compares. */
export function measuresOf(row: SumRow, measures: readonly AnalysisMeasure[], compare: boolean): Record<string, string | null> {
  const cur = measureValues(row, 'c', measures);
  if (!compare) return cur;
  const prev = measureValues(row, 'p', measures);
  const out: Record<string, string | null> = {};
  for (const m of measures) {
    out[m] = cur[m];
    out[`${m}Prev`] = prev[m];
  }
  return out;
}

const isIdDim = (dim: AnalysisDimension) => (ID_DIMENSIONS as readonly string[]).includes(dim);

/** The key fields of the dimensions at `positions` (indexes into the request's dimensions). */
export function keysOf(row: SumRow, dims: readonly AnalysisDimension[], positions: readonly number[]): AnalysisRow {
  const out: AnalysisRow = {};
  for (const i of positions) {
    const dim = dims[i];
    const key = row[`d${i}_key`];
    out[analysisKeyField(dim)] = key === null || key === undefined ? null : String(key);
    if (isIdDim(dim)) {
      out[`${dim}Name`] = (row[`d${i}_name`] as string | null) ?? null;
      if (dim !== 'category' && dim !== 'branch' && dim !== 'office') out[`${dim}Code`] = (row[`d${i}_code`] as string | null) ?? null;
    }
  }
  return out;
}

/** Which dimensions (by position) a GROUPING() mask keeps: bit (n-1-i) set means dimension i is summed over. */
export function groupedPositions(g: number, n: number): number[] {
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (((g >> (n - 1 - i)) & 1) === 0) kept.push(i);
  return kept;
}
