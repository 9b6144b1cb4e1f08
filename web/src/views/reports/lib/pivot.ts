import { analysisCellParams, analysisKeyField, Dec, ID_DIMENSIONS, type AnalysisCell, type AnalysisDimension, type AnalysisMeasure, type AnalysisResult, type AnalysisRow } from '@drp/shared';

/**
 * The pivot table: the engine's rows nested by the dimensions in the order picked, each outer group
 * followed by its subtotal line, then the grand total. Subtotals are never summed here: the engine
 * answers them (`subtotals`, one list per subset of the dimensions), so margin rate and average
 * order value are as exact in a subtotal as in a cell. Pure functions, no Vue.
 */

/** The row field holding a dimension's key: `branchId` for id dimensions, else the dimension itself (`month`, `brand`). */
export const keyField = analysisKeyField;

/** The row field holding an id dimension's display name (`branchName`); null for the others. */
export function nameField(dim: AnalysisDimension): string | null {
  return (ID_DIMENSIONS as readonly string[]).includes(dim) ? `${dim}Name` : null;
}

/** The engine's rows grouped by exactly these dimensions (in any order): the full rows, a subtotal list, or the totals. */
export function rowsFor(result: Pick<AnalysisResult, 'rows' | 'subtotals' | 'totals'>, all: readonly AnalysisDimension[], dims: readonly AnalysisDimension[]): AnalysisRow[] {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((d) => b.includes(d));
  if (dims.length === 0) return [result.totals];
  if (same(dims, all)) return result.rows;
  return result.subtotals.find((s) => same(s.dimensions, dims))?.rows ?? [];
}

/** One key of rows grouped on `dims` (a string, nulls kept apart from "null"). */
export function groupKey(row: AnalysisRow, dims: readonly AnalysisDimension[]): string {
  return JSON.stringify(dims.map((d) => row[keyField(d)] ?? null));
}

export interface PivotLine {
  kind: 'row' | 'subtotal' | 'total';
  /** unique within the pivot */
  id: string;
  /** how many dimensions key this line (rows: all; a subtotal: its prefix; the total: 0) */
  depth: number;
  /** the row of the engine holding the figures (and the dimension keys and names) */
  row: AnalysisRow;
  /** the dimension keys naming this cell for a drill-down (`{ branch, month }`), only the keyed ones */
  cell: AnalysisCell;
  /** per dimension column: [rowspan, colspan] (0 = covered by a neighbour) */
  spans: [number, number][];
}

export interface PivotInput {
  dimensions: AnalysisDimension[];
  /** the engine's rows for all dimensions */
  rows: AnalysisRow[];
  /** the totals of the same answer */
  totals: AnalysisRow;
  /** `levels[k]`: the engine's rows for the first k dimensions (1 <= k < dimensions.length); missing levels give no subtotals */
  levels?: Record<number, AnalysisRow[]>;
  /** '-netSales' highest first, 'netSales' lowest first, '' the engine's order */
  sort?: string;
}

const cellOf = (row: AnalysisRow, dims: readonly AnalysisDimension[]): AnalysisCell => analysisCellParams(dims, row);

/** Compare two decimal strings for sorting; null (no figure) always last. */
export function compareFigures(a: string | null | undefined, b: string | null | undefined, descending: boolean): number {
  const aNull = a === null || a === undefined || a === '';
  const bNull = b === null || b === undefined || b === '';
  if (aNull || bNull) return aNull === bNull ? 0 : aNull ? 1 : -1;
  const c = new Dec(a).comparedTo(new Dec(b));
  return descending ? -c : c;
}

export function parseSort(sort: string | undefined): { measure: AnalysisMeasure; descending: boolean } | null {
  if (!sort) return null;
  return { measure: sort.replace(/^-/, '') as AnalysisMeasure, descending: sort.startsWith('-') };
}

export function buildPivot(input: PivotInput): PivotLine[] {
  const dims = input.dimensions;
  const n = dims.length;
  const sort = parseSort(input.sort);
  const lines: PivotLine[] = [];
  const subtotalIndex = new Map<number, Map<string, AnalysisRow>>();
  for (let k = 1; k < n; k++) {
    const level = input.levels?.[k];
    if (level) subtotalIndex.set(k, new Map(level.map((r) => [groupKey(r, dims.slice(0, k)), r])));
  }
  const blankSpans = (): [number, number][] => dims.map(() => [0, 0] as [number, number]);

  /** Lines of the rows under one prefix, `level` the dimension grouped next; returns how many lines were added. */
  function walk(rows: AnalysisRow[], level: number): number {
    if (level === n - 1) {
      const ordered = sort ? [...rows].sort((a, b) => compareFigures(a[sort.measure], b[sort.measure], sort.descending)) : rows;
      for (const row of ordered) {
        const spans = blankSpans();
        spans[level] = [1, 1];
        lines.push({ kind: 'row', id: `r:${groupKey(row, dims)}`, depth: n, row, cell: cellOf(row, dims), spans });
      }
      return ordered.length;
    }
    const prefix = dims.slice(0, level + 1);
    const groups = new Map<string, AnalysisRow[]>();
    for (const row of rows) {
      const key = groupKey(row, prefix);
      const g = groups.get(key);
      if (g) g.push(row);
      else groups.set(key, [row]);
    }
    const subtotals = subtotalIndex.get(level + 1);
    let keys = [...groups.keys()];
    if (sort && subtotals) {
      keys = keys.sort((a, b) => compareFigures(subtotals.get(a)?.[sort.measure], subtotals.get(b)?.[sort.measure], sort.descending));
    }
    let added = 0;
    for (const key of keys) {
      const first = lines.length;
      let count = walk(groups.get(key)!, level + 1);
      const sub = subtotals?.get(key);
      if (sub) {
        const spans = blankSpans();
        spans[level + 1] = [1, n - level - 1];
        lines.push({ kind: 'subtotal', id: `s${level + 1}:${key}`, depth: level + 1, row: sub, cell: cellOf(sub, prefix), spans });
        count++;
      }
      // the group's label cell covers its lines (the subtotal's too); inner columns of those lines keep theirs
      lines[first].spans[level] = [count, 1];
      added += count;
    }
    return added;
  }

  if (n > 0) walk(input.rows, 0);
  const totalSpans: [number, number][] = dims.map((_, i) => (i === 0 ? [1, n] : [0, 0]));
  lines.push({ kind: 'total', id: 'total', depth: 0, row: input.totals, cell: {}, spans: totalSpans });
  return lines;
}

/** The el-table span method of the pivot's dimension columns (columns after them are single cells). */
export function spanAt(line: PivotLine, columnIndex: number): [number, number] {
  return columnIndex < line.spans.length ? line.spans[columnIndex] : [1, 1];
}

/**
 * The change from the compared period: for a rate (margin rate) the difference in percentage
 * points, else the relative change in percent, 1 decimal; null when either side is missing or the
 * compared figure is zero (no meaningful percentage).
 */
export function changeOf(measure: AnalysisMeasure, current: string | null | undefined, previous: string | null | undefined): { kind: 'pct' | 'pt'; value: string } | null {
  if (current === null || current === undefined || previous === null || previous === undefined || current === '' || previous === '') return null;
  const cur = new Dec(current);
  const prev = new Dec(previous);
  if (measure === 'marginRate') return { kind: 'pt', value: cur.minus(prev).times(100).toFixed(1) };
  if (prev.isZero()) return null;
  return { kind: 'pct', value: cur.minus(prev).dividedBy(prev.abs()).times(100).toFixed(1) };
}
