import {
  analysisCellParams,
  analysisKeyField,
  comparePivotFigures,
  ID_DIMENSIONS,
  orderPivotRows,
  parsePivotSort,
  pivotChange,
  pivotGroupKey,
  pivotLines,
  type AnalysisCell,
  type AnalysisDimension,
  type AnalysisResult,
  type AnalysisRow,
  type PivotSort,
} from '@drp/shared';

/**
 * The pivot table: the engine's rows nested by the dimensions in the order picked, each outer group
 * followed by its subtotal line, then the grand total. Subtotals are never summed here: the engine
 * answers them (`subtotals`, one list per subset of the dimensions), so margin rate and average
 * order value are as exact in a subtotal as in a cell. The order and nesting are the shared rule
 * (shared/src/analysis-pivot.ts), which the Excel export follows too; this file adds what only a
 * table needs (ids, drill-down cells, label spans). Pure functions, no Vue.
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
export const groupKey: (row: AnalysisRow, dims: readonly AnalysisDimension[]) => string = pivotGroupKey;

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

/** Compare two decimal strings for sorting; null (no figure) always last (the shared rule). */
export const compareFigures = comparePivotFigures;

export function parseSort(sort: string | undefined): PivotSort | null {
  return parsePivotSort(sort);
}

/**
 * The lines in the order of shared/src/analysis-pivot.ts (the export writes the same lines in the
 * same order): rows ordered by `orderPivotRows`, subtotal lines where groups end, the total; then
 * the label cells' spans (a group's label covers its lines, its subtotal's too).
 */
export function buildPivot(input: PivotInput): PivotLine[] {
  const dims = input.dimensions;
  const n = dims.length;
  const subtotalIndex = new Map<number, Map<string, AnalysisRow>>();
  for (let k = 1; k < n; k++) {
    const level = input.levels?.[k];
    if (level) subtotalIndex.set(k, new Map(level.map((r) => [groupKey(r, dims.slice(0, k)), r])));
  }
  const subtotalOf = (row: AnalysisRow, depth: number) => subtotalIndex.get(depth)?.get(groupKey(row, dims.slice(0, depth)));
  const ordered = orderPivotRows(input.rows, dims, parsePivotSort(input.sort), subtotalOf);
  const lines: PivotLine[] = pivotLines(ordered, dims, subtotalOf, input.totals).map((l) => {
    const spans = dims.map(() => [0, 0] as [number, number]);
    if (l.kind === 'total') {
      if (n) spans[0] = [1, n];
      return { kind: l.kind, id: 'total', depth: 0, row: l.row, cell: {}, spans };
    }
    const prefix = dims.slice(0, l.depth);
    if (l.kind === 'row') spans[n - 1] = [1, 1];
    else spans[l.depth] = [1, n - l.depth];
    const key = groupKey(l.row, prefix);
    return { kind: l.kind, id: l.kind === 'row' ? `r:${key}` : `s${l.depth}:${key}`, depth: l.depth, row: l.row, cell: cellOf(l.row, prefix), spans };
  });
  // the label of a group on the first `level + 1` dimensions spans the run of lines keyed by it (rows, and subtotals deeper than `level`)
  for (let level = 0; level < n - 1; level++) {
    const prefix = dims.slice(0, level + 1);
    let first = -1;
    let runKey = '';
    lines.forEach((line, i) => {
      const inGroup = line.kind !== 'total' && line.depth > level;
      const key = inGroup ? groupKey(line.row, prefix) : '';
      if (inGroup && first >= 0 && key === runKey) {
        lines[first].spans[level] = [lines[first].spans[level][0] + 1, 1];
        return;
      }
      first = inGroup ? i : -1;
      runKey = key;
      if (inGroup) lines[i].spans[level] = [1, 1];
    });
  }
  return lines;
}

/** The el-table span method of the pivot's dimension columns (columns after them are single cells). */
export function spanAt(line: PivotLine, columnIndex: number): [number, number] {
  return columnIndex < line.spans.length ? line.spans[columnIndex] : [1, 1];
}

/** The change from the compared period (the shared rule: percent, points for the margin rate). */
export const changeOf = pivotChange;
