import { ANALYSIS_MEASURES, analysisKeyField, type AnalysisDimension, type AnalysisMeasure, type AnalysisRow } from './analysis';
import { Dec } from './money';

/**
 * The pivot's lines (issue #16), one rule for the analysis page and its Excel export: the engine's
 * rows nested by the dimensions in the order asked, each outer group followed by its subtotal line
 * (innermost group first when several end together), then the grand total. With a sort by a
 * measure, groups come by their subtotal's figure and the innermost rows by their own, nulls last
 * either way; ties keep the engine's order. The page orders the rows it holds with
 * `orderPivotRows`; the export has PostgreSQL order every row the same way (analysis.sql.ts,
 * `flatStatement`) and streams them through `PivotNesting`, so it never holds them all.
 */

/** `-netSales` highest first, `netSales` lowest first; '' (or nothing) the engine's order. */
export interface PivotSort {
  measure: AnalysisMeasure;
  descending: boolean;
}

/** A sort spelling as a sort; null for none or for a measure that is not one of the engine's. */
export function parsePivotSort(sort: string | null | undefined): PivotSort | null {
  if (!sort) return null;
  const measure = sort.replace(/^-/, '');
  if (!(ANALYSIS_MEASURES as readonly string[]).includes(measure)) return null;
  return { measure: measure as AnalysisMeasure, descending: sort.startsWith('-') };
}

const isNone = (v: string | null | undefined): v is null | undefined | '' => v === null || v === undefined || v === '';

/** Two figures (decimal strings) compared exactly; no figure (null) comes last either way. */
export function comparePivotFigures(a: string | null | undefined, b: string | null | undefined, descending: boolean): number {
  const aNone = isNone(a);
  const bNone = isNone(b);
  if (aNone || bNone) return aNone === bNone ? 0 : aNone ? 1 : -1;
  const c = new Dec(a).comparedTo(new Dec(b));
  return descending ? -c : c;
}

/** A row's key on `dims` (a string; a null key is kept apart from the text "null"). */
export function pivotGroupKey(row: AnalysisRow, dims: readonly AnalysisDimension[]): string {
  return JSON.stringify(dims.map((d) => row[analysisKeyField(d)] ?? null));
}

/** The subtotal of the group of `row` on the first `depth` dimensions (1 <= depth < dimensions); undefined when not known. */
export type PivotSubtotalOf<R> = (row: R, depth: number) => AnalysisRow | undefined;

/**
 * The rows in the order the pivot shows them. Level by level from the outermost dimension: groups
 * of the same parent by their subtotal's figure of the sorted measure (a group whose subtotal is
 * unknown counts as no figure), the innermost rows by their own figure; equal figures, and every
 * level without a sort, keep the engine's order (a group stands where its first row stood). A
 * group's rows are always together, even when the input interleaves them.
 */
export function orderPivotRows<R extends AnalysisRow>(rows: readonly R[], dims: readonly AnalysisDimension[], sort: PivotSort | null, subtotalOf: PivotSubtotalOf<R>): R[] {
  const n = dims.length;
  if (n === 0) return [...rows];
  // per level (prefix of d+1 dimensions, d < n-1): each row's group key, the group's first index and figure
  const prefixes = dims.slice(0, -1).map((_, d) => dims.slice(0, d + 1));
  const firstOf = prefixes.map(() => new Map<string, number>());
  const items = rows.map((row, index) => {
    const keys = prefixes.map((p) => pivotGroupKey(row, p));
    keys.forEach((k, d) => {
      if (!firstOf[d].has(k)) firstOf[d].set(k, index);
    });
    return { row, index, keys, figures: sort ? prefixes.map((_, d) => subtotalOf(row, d + 1)?.[sort.measure] ?? null) : [] };
  });
  items.sort((a, b) => {
    for (let d = 0; d < prefixes.length; d++) {
      if (a.keys[d] === b.keys[d]) continue;
      const c = sort ? comparePivotFigures(a.figures[d], b.figures[d], sort.descending) : 0;
      return c || firstOf[d].get(a.keys[d])! - firstOf[d].get(b.keys[d])!;
    }
    return (sort ? comparePivotFigures(a.row[sort.measure], b.row[sort.measure], sort.descending) : 0) || a.index - b.index;
  });
  return items.map((i) => i.row);
}

/** A group that ended: its depth (how many leading dimensions key it) and its last row. */
export interface PivotGroupEnd<R> {
  depth: number;
  last: R;
}

/**
 * Where the subtotal lines go, for rows fed in the pivot's order one at a time (the export streams
 * them; nothing but the previous row is kept). `push(row)` answers the groups that ended just
 * before `row`, innermost first; `end()` the groups still open after the last row. Only groups of
 * outer dimensions (depth 1 .. dimensions-1) have subtotal lines; the grand total is the caller's.
 * `keyOf` reads a row's key on leading dimensions (wire rows by default; the export's statement
 * rows hold their keys in other columns).
 */
export class PivotNesting<R> {
  private prev: R | undefined;
  private readonly prefixes: AnalysisDimension[][];

  constructor(
    dims: readonly AnalysisDimension[],
    private readonly keyOf: (row: R, prefix: readonly AnalysisDimension[]) => string = pivotGroupKey as (row: R, prefix: readonly AnalysisDimension[]) => string,
  ) {
    this.prefixes = dims.slice(0, -1).map((_, d) => dims.slice(0, d + 1));
  }

  push(row: R): PivotGroupEnd<R>[] {
    const prev = this.prev;
    this.prev = row;
    if (prev === undefined) return [];
    // the outermost level whose key changes: that group and every one inside it ended
    const changed = this.prefixes.findIndex((p) => this.keyOf(prev, p) !== this.keyOf(row, p));
    return changed < 0 ? [] : this.closing(changed + 1, prev);
  }

  end(): PivotGroupEnd<R>[] {
    const prev = this.prev;
    this.prev = undefined;
    return prev === undefined ? [] : this.closing(1, prev);
  }

  private closing(outermost: number, last: R): PivotGroupEnd<R>[] {
    const out: PivotGroupEnd<R>[] = [];
    for (let depth = this.prefixes.length; depth >= outermost; depth--) out.push({ depth, last });
    return out;
  }
}

export interface PivotLineOf<R> {
  kind: 'row' | 'subtotal' | 'total';
  /** how many dimensions key the line: rows all, a subtotal its prefix, the total 0 */
  depth: number;
  /** the figures (a row of the engine, a subtotal, the totals) */
  row: R | AnalysisRow;
}

/**
 * The lines of the pivot from rows already in its order (`orderPivotRows`): each row, a subtotal
 * line when a group ends (only where its subtotal is known), and the total last.
 */
export function pivotLines<R extends AnalysisRow>(ordered: readonly R[], dims: readonly AnalysisDimension[], subtotalOf: PivotSubtotalOf<R>, totals: AnalysisRow): PivotLineOf<R>[] {
  const lines: PivotLineOf<R>[] = [];
  const nesting = new PivotNesting<R>(dims);
  const close = (ends: PivotGroupEnd<R>[]) => {
    for (const e of ends) {
      const sub = subtotalOf(e.last, e.depth);
      if (sub) lines.push({ kind: 'subtotal', depth: e.depth, row: sub });
    }
  };
  if (dims.length) {
    for (const row of ordered) {
      close(nesting.push(row));
      lines.push({ kind: 'row', depth: dims.length, row });
    }
    close(nesting.end());
  }
  lines.push({ kind: 'total', depth: 0, row: totals });
  return lines;
}

/**
 * The change from the compared period as the pivot shows it: for a rate (margin rate) the
 * difference in percentage points, else the relative change in percent, 1 decimal; null when
 * either side is missing or the compared figure is zero (no meaningful percentage).
 */
export function pivotChange(measure: AnalysisMeasure, current: string | null | undefined, previous: string | null | undefined): { kind: 'pct' | 'pt'; value: string } | null {
  if (isNone(current) || isNone(previous)) return null;
  const cur = new Dec(current);
  const prev = new Dec(previous);
  if (measure === 'marginRate') return { kind: 'pt', value: cur.minus(prev).times(100).toFixed(1) };
  if (prev.isZero()) return null;
  return { kind: 'pct', value: cur.minus(prev).dividedBy(prev.abs()).times(100).toFixed(1) };
}
