import dayjs from 'dayjs';
import {
  ANALYSIS_DIMENSIONS,
  ANALYSIS_LIMITS,
  ANALYSIS_MEASURES,
  PERIOD_DIMENSIONS,
  type AnalysisCompare,
  type AnalysisDimension,
  type AnalysisMeasure,
  type AnalysisQuery,
} from '@drp/shared';

/**
 * The analysis page's state as one plain object, and its two spellings: the address bar (so a
 * dashboard tile, a menu preset or a shared link opens exactly this analysis) and the API's query
 * parameters (lists comma-joined, empty filters left out).
 */

export const CHART_TYPES = ['line', 'bar', 'stacked', 'pie'] as const;
export type ChartType = (typeof CHART_TYPES)[number];

/** The filters the page offers (AnalysisQuery's, one id each). */
export const FILTER_KEYS = ['branchId', 'dealerId', 'productId', 'categoryId', 'brand', 'source'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

/** `-netSales`: highest first; `netSales`: lowest first; '' the engine's order. */
export type SortSpec = string;

export interface AnalysisState {
  measures: AnalysisMeasure[];
  dimensions: AnalysisDimension[];
  from: string;
  to: string;
  compare: AnalysisCompare | null;
  filters: Partial<Record<FilterKey, string>>;
  chart: ChartType;
  /** the measure the chart draws (one of `measures`) */
  chartMeasure: AnalysisMeasure | null;
  sort: SortSpec;
}

const DAY = 'YYYY-MM-DD';
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

export const RANGES = ['thisMonth', 'lastMonth', 'thisQuarter', 'thisYear', 'last3Months', 'last12Months'] as const;
export type RangeName = (typeof RANGES)[number];

/** A named range ending `today` (business dates): the shortcuts of the date picker and the presets' periods. */
export function rangeOf(name: RangeName, today: string): [string, string] {
  const d = dayjs(today);
  switch (name) {
    case 'thisMonth':
      return [d.startOf('month').format(DAY), d.format(DAY)];
    case 'lastMonth': {
      const m = d.subtract(1, 'month');
      return [m.startOf('month').format(DAY), m.endOf('month').format(DAY)];
    }
    case 'thisQuarter': {
      const startMonth = Math.floor(d.month() / 3) * 3;
      return [d.month(startMonth).startOf('month').format(DAY), d.format(DAY)];
    }
    case 'thisYear':
      return [d.startOf('year').format(DAY), d.format(DAY)];
    case 'last3Months':
      return [d.subtract(2, 'month').startOf('month').format(DAY), d.format(DAY)];
    case 'last12Months':
      return [d.subtract(11, 'month').startOf('month').format(DAY), d.format(DAY)];
  }
}

const isMeasure = (v: string): v is AnalysisMeasure => (ANALYSIS_MEASURES as readonly string[]).includes(v);
const isDimension = (v: string): v is AnalysisDimension => (ANALYSIS_DIMENSIONS as readonly string[]).includes(v);
export const isPeriodDimension = (v: string): boolean => (PERIOD_DIMENSIONS as readonly string[]).includes(v);

const list = (v: unknown): string[] =>
  (typeof v === 'string' ? v : Array.isArray(v) ? v.filter((x) => typeof x === 'string').join(',') : '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
const unique = <T>(xs: T[]): T[] => [...new Set(xs)];

/**
 * The state an address names, every part checked (unknown measures and dimensions dropped, at most
 * the engine's number of dimensions); what it leaves out comes from `base`.
 */
export function stateFromQuery(query: Record<string, unknown>, base: AnalysisState): AnalysisState {
  const measures = unique(list(query.measures).filter(isMeasure));
  const dimensions = unique(list(query.dimensions).filter(isDimension)).slice(0, ANALYSIS_LIMITS.maxDimensions);
  const from = text(query.from);
  const to = text(query.to);
  const datesOk = DAY_RE.test(from) && DAY_RE.test(to) && from <= to;
  const compare = text(query.compare);
  const chart = text(query.chart);
  const filters: AnalysisState['filters'] = {};
  for (const key of FILTER_KEYS) {
    const v = text(query[key]);
    if (v) filters[key] = v;
  }
  const chosen = measures.length ? measures : base.measures;
  const chartMeasure = text(query.chartMeasure);
  const sort = text(query.sort);
  const sortMeasure = sort.replace(/^-/, '');
  return {
    measures: chosen,
    dimensions: 'dimensions' in query ? dimensions : base.dimensions,
    from: datesOk ? from : base.from,
    to: datesOk ? to : base.to,
    compare: compare === 'yoy' || compare === 'mom' ? compare : 'compare' in query ? null : base.compare,
    filters: Object.keys(filters).length || FILTER_KEYS.some((k) => k in query) ? filters : { ...base.filters },
    chart: (CHART_TYPES as readonly string[]).includes(chart) ? (chart as ChartType) : base.chart,
    chartMeasure: isMeasure(chartMeasure) && chosen.includes(chartMeasure) ? chartMeasure : chosen.includes(base.chartMeasure as AnalysisMeasure) ? base.chartMeasure : null,
    sort: sort && isMeasure(sortMeasure) && chosen.includes(sortMeasure) ? sort : 'sort' in query ? '' : base.sort,
  };
}

/** A copy to edit (the page's form works on one; the state itself may be a reactive proxy, which structuredClone refuses). */
export function cloneState(state: AnalysisState): AnalysisState {
  return { ...state, measures: [...state.measures], dimensions: [...state.dimensions], filters: { ...state.filters } };
}

/** The address bar's query of a state (everything spelled out, so the link is complete on its own). */
export function queryFromState(state: AnalysisState): Record<string, string> {
  const q: Record<string, string> = {
    measures: state.measures.join(','),
    dimensions: state.dimensions.join(','),
    from: state.from,
    to: state.to,
    chart: state.chart,
  };
  if (state.compare) q.compare = state.compare;
  if (state.chartMeasure) q.chartMeasure = state.chartMeasure;
  if (state.sort) q.sort = state.sort;
  for (const key of FILTER_KEYS) {
    const v = state.filters[key];
    if (v) q[key] = v;
  }
  return q;
}

/** The engine's query of a state, for `dimensions` (the page asks once per subtotal level). */
export function engineQuery(state: AnalysisState, dimensions: AnalysisDimension[] = state.dimensions): AnalysisQuery {
  const q: AnalysisQuery = { measures: [...state.measures], dimensions: [...dimensions], from: state.from, to: state.to };
  if (state.compare) q.compare = state.compare;
  for (const key of FILTER_KEYS) {
    const v = state.filters[key];
    if (v) q[key] = v;
  }
  return q;
}

/** The wire spelling of a query: lists comma-joined, nothing empty. */
export function wireParams(query: AnalysisQuery): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    const value = Array.isArray(v) ? v.join(',') : v === undefined || v === null ? '' : String(v);
    if (value !== '') out[k] = value;
  }
  return out;
}

/** The state a saved view restores (its chart too); the page's sort is kept as it is. */
export function stateFromView(view: AnalysisQuery & { chart?: ChartType }, base: AnalysisState): AnalysisState {
  return stateFromQuery(
    { ...wireParams(view), chart: view.chart ?? base.chart, compare: view.compare ?? '', sort: '' },
    base,
  );
}
