import type { AnalysisCompare, AnalysisDimension, AnalysisMeasure } from '@drp/shared';
import { rangeOf, type AnalysisState, type ChartType, type RangeName } from './query';

/**
 * The ready reports that are plain engine queries: each is a menu entry opening the analysis page
 * with this query (its period counted back from today). Everything stays changeable on the page;
 * the address bar then carries the changed query.
 */
export interface Preset {
  measures: AnalysisMeasure[];
  dimensions: AnalysisDimension[];
  range: RangeName;
  compare?: AnalysisCompare;
  chart: ChartType;
  sort?: string;
}

export const PRESETS = {
  analysis: { measures: ['netSales', 'grossMargin', 'marginRate'], dimensions: ['month', 'branch'], range: 'thisYear', chart: 'line' },
  salesSummary: {
    measures: ['sales', 'returns', 'netSales', 'tax', 'cost', 'grossMargin', 'marginRate', 'orderCount', 'avgOrderValue'],
    dimensions: ['month'],
    range: 'last12Months',
    chart: 'bar',
  },
  salesByDealer: { measures: ['quantity', 'netSales', 'grossMargin', 'marginRate', 'receipts'], dimensions: ['dealer'], range: 'thisYear', chart: 'bar', sort: '-netSales' },
  salesByProduct: { measures: ['quantity', 'netSales', 'grossMargin', 'marginRate'], dimensions: ['product'], range: 'thisYear', chart: 'bar', sort: '-netSales' },
  salesByRep: { measures: ['netSales', 'grossMargin', 'orderCount', 'avgOrderValue', 'receipts'], dimensions: ['rep'], range: 'thisYear', chart: 'bar', sort: '-netSales' },
  salesByBranch: {
    measures: ['netSales', 'grossMargin', 'marginRate', 'receipts', 'orderCount'],
    dimensions: ['branch'],
    range: 'thisYear',
    compare: 'yoy',
    chart: 'bar',
  },
  hotProducts: { measures: ['quantity', 'netSales', 'grossMargin'], dimensions: ['product'], range: 'last3Months', chart: 'bar', sort: '-quantity' },
  slowProducts: { measures: ['quantity', 'netSales'], dimensions: ['product'], range: 'last3Months', chart: 'bar', sort: 'quantity' },
  returns: { measures: ['returns', 'sales'], dimensions: ['month'], range: 'last12Months', chart: 'bar' },
  collections: { measures: ['receipts', 'sales'], dimensions: ['month', 'branch'], range: 'last12Months', chart: 'stacked' },
} satisfies Record<string, Preset>;

export type PresetKey = keyof typeof PRESETS;

export const PRESET_KEYS = Object.keys(PRESETS) as PresetKey[];

export function isPresetKey(v: unknown): v is PresetKey {
  return typeof v === 'string' && v in PRESETS;
}

/** The page's state a preset opens with, on `today`. */
export function presetState(key: PresetKey, today: string): AnalysisState {
  const p: Preset = PRESETS[key];
  const [from, to] = rangeOf(p.range, today);
  return {
    measures: [...p.measures],
    dimensions: [...p.dimensions],
    from,
    to,
    compare: p.compare ?? null,
    filters: {},
    chart: p.chart,
    chartMeasure: p.measures[0] ?? null,
    sort: p.sort ?? '',
  };
}
