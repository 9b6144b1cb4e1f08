import { Dec, type AnalysisDimension, type AnalysisMeasure, type AnalysisRow } from '@drp/shared';
import { groupKey, keyField, type PivotLine } from './pivot';
import { chartNumber } from './format';
import { isPeriodDimension, type ChartType } from './query';

/**
 * The chart that follows the table: the same answer drawn for one measure. Categories are the
 * period when one is picked (else the first dimension), in the table's order; the first other
 * dimension makes the series (the biggest ones, the rest summed as 「其他」); with one dimension and
 * a comparison, the compared period is a second series. A pie shows the shares of the first
 * dimension that is not a period (positive figures only). The chart reads the engine's answer grouped by exactly the dimensions
 * it draws (a subtotal list with three dimensions), so nothing is summed here but 「其他」.
 */

export const MAX_SERIES = 8;
export const MAX_SLICES = 10;

export interface ChartSeries {
  name: string;
  data: (number | null)[];
  /** the compared period's line */
  previous?: boolean;
}

export interface ChartModel {
  categories: string[];
  series: ChartSeries[];
  pie: { name: string; value: number }[];
}

export interface ChartInput {
  type: ChartType;
  measure: AnalysisMeasure;
  dimensions: AnalysisDimension[];
  /** the pivot as shown (its order is the chart's) */
  lines: PivotLine[];
  /** the engine's rows grouped by exactly these dimensions (`rowsFor`) */
  rowsFor: (dims: AnalysisDimension[]) => AnalysisRow[];
  totals: AnalysisRow;
  compare: boolean;
  label: (dim: AnalysisDimension, row: AnalysisRow) => string;
  words: { total: string; others: string; previous: (name: string) => string; measure: string };
}

const positive = (v: string | null | undefined): boolean => !!v && new Dec(v).greaterThan(0);

export function chartModel(input: ChartInput): ChartModel {
  const { measure, dimensions: dims } = input;
  const empty: ChartModel = { categories: [], series: [], pie: [] };

  if (input.type === 'pie') {
    if (dims.length === 0) return empty;
    // shares of a period are rarely the question: the first other dimension when there is one
    const first = dims.find((d) => !isPeriodDimension(d)) ?? dims[0];
    const rows = [...input.rowsFor([first])].filter((r) => positive(r[measure]));
    rows.sort((a, b) => new Dec(b[measure]!).comparedTo(new Dec(a[measure]!)));
    const top = rows.slice(0, MAX_SLICES).map((r) => ({ name: input.label(first, r), value: chartNumber(measure, r[measure]) ?? 0 }));
    const rest = rows.slice(MAX_SLICES);
    if (rest.length) {
      const sum = rest.reduce((acc, r) => acc.plus(r[measure]!), new Dec(0));
      top.push({ name: input.words.others, value: chartNumber(measure, sum.toFixed()) ?? 0 });
    }
    return { ...empty, pie: top };
  }

  if (dims.length === 0) {
    const series: ChartSeries[] = [{ name: input.words.measure, data: [chartNumber(measure, input.totals[measure])] }];
    if (input.compare) series.push({ name: input.words.previous(input.words.measure), data: [chartNumber(measure, input.totals[`${measure}Prev`])], previous: true });
    return { categories: [input.words.total], series, pie: [] };
  }

  const cat = dims.find((d) => isPeriodDimension(d)) ?? dims[0];
  const ser = dims.find((d) => d !== cat) ?? null;
  const rows = input.rowsFor(ser ? [cat, ser] : [cat]);

  // categories in the table's order (a period in time order, as the engine answers it)
  const catOrder = orderOf(input.lines, [cat]);
  const catRows = new Map<string, AnalysisRow>();
  for (const r of rows) {
    const k = groupKey(r, [cat]);
    if (!catRows.has(k)) catRows.set(k, r);
  }
  const catKeys = [...catRows.keys()].sort((a, b) => (catOrder.get(a) ?? Infinity) - (catOrder.get(b) ?? Infinity));
  const categories = catKeys.map((k) => input.label(cat, catRows.get(k)!));

  if (!ser) {
    const byCat = new Map(rows.map((r) => [groupKey(r, [cat]), r]));
    const series: ChartSeries[] = [{ name: input.words.measure, data: catKeys.map((k) => chartNumber(measure, byCat.get(k)?.[measure])) }];
    if (input.compare) {
      series.push({ name: input.words.previous(input.words.measure), data: catKeys.map((k) => chartNumber(measure, byCat.get(k)?.[`${measure}Prev`])), previous: true });
    }
    return { categories, series, pie: [] };
  }

  // one series per value of the other dimension: the biggest (by the absolute sum) first
  const bySeries = new Map<string, { row: AnalysisRow; weight: Dec; cells: Map<string, string | null> }>();
  for (const r of rows) {
    const sk = groupKey(r, [ser]);
    let s = bySeries.get(sk);
    if (!s) bySeries.set(sk, (s = { row: r, weight: new Dec(0), cells: new Map() }));
    const v = r[measure] ?? null;
    s.cells.set(groupKey(r, [cat]), v);
    if (v !== null && v !== '') s.weight = s.weight.plus(new Dec(v).abs());
  }
  const serOrder = orderOf(input.lines, [ser]);
  const all = [...bySeries.entries()].sort((a, b) => (serOrder.get(a[0]) ?? Infinity) - (serOrder.get(b[0]) ?? Infinity));
  let shown = all;
  let rest: typeof all = [];
  if (all.length > MAX_SERIES) {
    const kept = new Set([...all].sort((a, b) => b[1].weight.comparedTo(a[1].weight)).slice(0, MAX_SERIES - 1).map(([k]) => k));
    shown = all.filter(([k]) => kept.has(k));
    rest = all.filter(([k]) => !kept.has(k));
  }
  const series: ChartSeries[] = shown.map(([, s]) => ({ name: input.label(ser, s.row), data: catKeys.map((k) => chartNumber(measure, s.cells.get(k))) }));
  // 「其他」 sums additive figures only: a rate or an average of several series is not their sum
  if (rest.length && measure !== 'marginRate' && measure !== 'avgOrderValue') {
    series.push({
      name: input.words.others,
      data: catKeys.map((k) => {
        const vals = rest.map(([, s]) => s.cells.get(k)).filter((v): v is string => v !== null && v !== undefined && v !== '');
        return vals.length ? chartNumber(measure, vals.reduce((acc, v) => acc.plus(v), new Dec(0)).toFixed()) : null;
      }),
    });
  }
  return { categories, series, pie: [] };
}

/** Where each key of `dims` first appears among the pivot's rows (the order the table shows). */
function orderOf(lines: PivotLine[], dims: AnalysisDimension[]): Map<string, number> {
  const order = new Map<string, number>();
  for (const line of lines) {
    if (line.kind !== 'row') continue;
    if (!dims.every((d) => keyField(d) in line.row)) continue;
    const k = groupKey(line.row, dims);
    if (!order.has(k)) order.set(k, order.size);
  }
  return order;
}
