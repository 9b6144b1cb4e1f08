import { describe, expect, it } from 'vitest';
import type { AnalysisDimension, AnalysisRow } from '@drp/shared';
import { chartModel, MAX_SERIES, MAX_SLICES, type ChartInput } from './chart';
import { buildPivot, rowsFor } from './pivot';

const words = { total: '合计', others: '其他', previous: (n: string) => `${n}（对比期）`, measure: '毛利' };
const label = (dim: AnalysisDimension, row: AnalysisRow) => String(row[dim === 'branch' ? 'branchName' : dim]);

function input(dimensions: AnalysisDimension[], rows: AnalysisRow[], subtotals: { dimensions: AnalysisDimension[]; rows: AnalysisRow[] }[], extra: Partial<ChartInput> = {}): ChartInput {
  const result = { rows, subtotals, totals: { grossMargin: '60', grossMarginPrev: '50' } };
  const levels = Object.fromEntries(dimensions.slice(0, -1).map((_, i) => [i + 1, rowsFor(result, dimensions, dimensions.slice(0, i + 1))]));
  return {
    type: 'line',
    measure: 'grossMargin',
    dimensions,
    lines: buildPivot({ dimensions, rows, totals: result.totals, levels }),
    rowsFor: (d) => rowsFor(result, dimensions, d),
    totals: result.totals,
    compare: false,
    label,
    words,
    ...extra,
  };
}

const rows: AnalysisRow[] = [
  { branchId: 'bj', branchName: '北京', month: '2026-10', grossMargin: '10.50' },
  { branchId: 'bj', branchName: '北京', month: '2026-11', grossMargin: '20' },
  { branchId: 'sh', branchName: '上海', month: '2026-11', grossMargin: '30' },
];
const subtotals = [
  { dimensions: ['branch'] as AnalysisDimension[], rows: [{ branchId: 'bj', branchName: '北京', grossMargin: '30.50' }, { branchId: 'sh', branchName: '上海', grossMargin: '30' }] },
  { dimensions: ['month'] as AnalysisDimension[], rows: [{ month: '2026-10', grossMargin: '10.50' }, { month: '2026-11', grossMargin: '50' }] },
];

describe('chartModel', () => {
  it('branch × month: months on the axis (the period), one series per branch, gaps as null', () => {
    const m = chartModel(input(['branch', 'month'], rows, subtotals));
    expect(m.categories).toEqual(['2026-10', '2026-11']);
    expect(m.series).toEqual([
      { name: '北京', data: [10.5, 20] },
      { name: '上海', data: [null, 30] },
    ]);
  });

  it('one dimension with a comparison: the measure and its compared period', () => {
    const one = [
      { month: '2026-10', grossMargin: '10', grossMarginPrev: '8' },
      { month: '2026-11', grossMargin: '50', grossMarginPrev: null },
    ];
    const m = chartModel(input(['month'], one, [], { compare: true }));
    expect(m.series).toEqual([
      { name: '毛利', data: [10, 50] },
      { name: '毛利（对比期）', data: [8, null], previous: true },
    ]);
  });

  it('follows the table order for a dimension that is not a period', () => {
    const one = [
      { branchId: 'bj', branchName: '北京', grossMargin: '5' },
      { branchId: 'sh', branchName: '上海', grossMargin: '9' },
    ];
    const base = input(['branch'], one, []);
    const sorted = { ...base, lines: buildPivot({ dimensions: ['branch'], rows: one, totals: {}, sort: '-grossMargin' }) };
    expect(chartModel(sorted).categories).toEqual(['上海', '北京']);
  });

  it('the margin rate is drawn in percent', () => {
    const one = [{ month: '2026-11', marginRate: '0.2345' }];
    expect(chartModel(input(['month'], one, [], { measure: 'marginRate' })).series[0].data).toEqual([23.45]);
  });

  it('pie: the first dimension that is not a period, from its own subtotal list, biggest first, positive only, the rest as 其他', () => {
    const m = chartModel(input(['month', 'branch'], rows, subtotals, { type: 'pie' }));
    expect(m.pie).toEqual([
      { name: '北京', value: 30.5 },
      { name: '上海', value: 30 },
    ]);
    const many = Array.from({ length: MAX_SLICES + 3 }, (_, i) => ({ branchId: `b${i}`, branchName: `B${i}`, grossMargin: String(i) }));
    const pie = chartModel(input(['branch'], many, [], { type: 'pie' })).pie;
    expect(pie).toHaveLength(MAX_SLICES + 1);
    expect(pie[0]).toEqual({ name: `B${MAX_SLICES + 2}`, value: MAX_SLICES + 2 });
    // 0 is left out; 1 + 2 are the rest
    expect(pie[MAX_SLICES]).toEqual({ name: '其他', value: 3 });
  });

  it('more series than fit: the biggest kept, the rest summed per category as 其他', () => {
    const wide: AnalysisRow[] = Array.from({ length: MAX_SERIES + 2 }, (_, i) => ({ branchId: `b${i}`, branchName: `B${i}`, month: '2026-11', grossMargin: `${i + 1}.10` }));
    const m = chartModel(input(['month', 'branch'], wide, [{ dimensions: ['month'], rows: [{ month: '2026-11', grossMargin: '1' }] }]));
    expect(m.series).toHaveLength(MAX_SERIES);
    expect(m.series.at(-1)).toEqual({ name: '其他', data: [6.3] }); // 1.10 + 2.10 + 3.10 in decimals (JS floats would give 6.300000000000001)
  });

  it('no dimension: one bar of the total', () => {
    expect(chartModel(input([], [], [], { type: 'bar' }))).toEqual({ categories: ['合计'], series: [{ name: '毛利', data: [60] }], pie: [] });
  });
});
