import { describe, expect, it } from 'vitest';
import type { AnalysisRow } from '@drp/shared';
import { buildPivot, changeOf, compareFigures, groupKey, keyField, rowsFor, spanAt } from './pivot';

const BJ = { branchId: 'bj', branchName: '北京分公司' };
const SH = { branchId: 'sh', branchName: '上海分公司' };
const row = (month: string, branch: { branchId: string; branchName: string }, netSales: string, extra: AnalysisRow = {}): AnalysisRow => ({ month, ...branch, netSales, ...extra });

describe('keys', () => {
  it('id dimensions key on <dim>Id, the others on themselves', () => {
    expect(keyField('branch')).toBe('branchId');
    expect(keyField('month')).toBe('month');
    expect(keyField('dealerLevel')).toBe('dealerLevel');
    expect(groupKey({ month: '2026-11', branchId: null }, ['month', 'branch'])).toBe('["2026-11",null]');
  });
});

describe('buildPivot', () => {
  const rows = [row('2026-10', BJ, '100.00'), row('2026-10', SH, '50.00'), row('2026-11', BJ, '30.00'), row('2026-11', SH, '70.00')];
  const levels = { 1: [{ month: '2026-10', netSales: '150.00' }, { month: '2026-11', netSales: '100.00' }] };
  const totals = { netSales: '250.00' };

  it('nests rows under the first dimension, each group followed by its subtotal from the engine, then the total', () => {
    const lines = buildPivot({ dimensions: ['month', 'branch'], rows, totals, levels });
    expect(lines.map((l) => [l.kind, l.row.netSales])).toEqual([
      ['row', '100.00'],
      ['row', '50.00'],
      ['subtotal', '150.00'],
      ['row', '30.00'],
      ['row', '70.00'],
      ['subtotal', '100.00'],
      ['total', '250.00'],
    ]);
    // the month cell covers its two rows and the subtotal; the subtotal's label sits in the branch column
    expect(lines.map((l) => l.spans)).toEqual([
      [[3, 1], [1, 1]],
      [[0, 0], [1, 1]],
      [[0, 0], [1, 1]],
      [[3, 1], [1, 1]],
      [[0, 0], [1, 1]],
      [[0, 0], [1, 1]],
      [[1, 2], [0, 0]],
    ]);
    expect(spanAt(lines[0], 5)).toEqual([1, 1]);
  });

  it('gives each line the keys of its cell for the drill-down', () => {
    const lines = buildPivot({ dimensions: ['month', 'branch'], rows, totals, levels });
    expect(lines[0].cell).toEqual({ month: '2026-10', branch: 'bj' });
    expect(lines[2].cell).toEqual({ month: '2026-10' });
    expect(lines[6].cell).toEqual({});
    expect(new Set(lines.map((l) => l.id)).size).toBe(lines.length);
  });

  it('sorts groups by their subtotal and rows within each group', () => {
    const lines = buildPivot({ dimensions: ['month', 'branch'], rows, totals, levels, sort: 'netSales' });
    expect(lines.filter((l) => l.kind !== 'total').map((l) => `${l.row.month}/${l.row.branchId ?? '*'}`)).toEqual([
      '2026-11/bj',
      '2026-11/sh',
      '2026-11/*',
      '2026-10/sh',
      '2026-10/bj',
      '2026-10/*',
    ]);
  });

  it('one dimension: rows then the total, highest first when asked; nulls last', () => {
    const one = [{ branchId: 'bj', netSales: '5' }, { branchId: null, netSales: null }, { branchId: 'sh', netSales: '12.5' }];
    const lines = buildPivot({ dimensions: ['branch'], rows: one, totals: { netSales: '17.5' }, sort: '-netSales' });
    expect(lines.map((l) => `${l.kind}:${l.row.branchId}`)).toEqual(['row:sh', 'row:bj', 'row:null', 'total:undefined']);
    expect(lines[3].spans).toEqual([[1, 1]]);
  });

  it('three dimensions: subtotals at both outer levels', () => {
    const three: AnalysisRow[] = [
      { year: '2026', branchId: 'bj', source: 'MALL', sales: '1' },
      { year: '2026', branchId: 'bj', source: 'VISIT', sales: '2' },
      { year: '2026', branchId: 'sh', source: 'MALL', sales: '4' },
    ];
    const lines = buildPivot({
      dimensions: ['year', 'branch', 'source'],
      rows: three,
      totals: { sales: '7' },
      levels: {
        1: [{ year: '2026', sales: '7' }],
        2: [{ year: '2026', branchId: 'bj', sales: '3' }, { year: '2026', branchId: 'sh', sales: '4' }],
      },
    });
    expect(lines.map((l) => `${l.kind}:${l.row.sales}`)).toEqual(['row:1', 'row:2', 'subtotal:3', 'row:4', 'subtotal:4', 'subtotal:7', 'total:7']);
    expect(lines[0].spans).toEqual([[6, 1], [3, 1], [1, 1]]);
    expect(lines[2].spans).toEqual([[0, 0], [0, 0], [1, 1]]);
    expect(lines[5].spans).toEqual([[0, 0], [1, 2], [0, 0]]);
    expect(lines[6].spans).toEqual([[1, 3], [0, 0], [0, 0]]);
  });

  it('no dimensions: just the total', () => {
    expect(buildPivot({ dimensions: [], rows: [{ sales: '3' }], totals: { sales: '3' } }).map((l) => l.kind)).toEqual(['total']);
  });

  it('without the subtotal level the groups still nest, with no subtotal line', () => {
    const lines = buildPivot({ dimensions: ['month', 'branch'], rows, totals });
    expect(lines.map((l) => l.kind)).toEqual(['row', 'row', 'row', 'row', 'total']);
    expect(lines[0].spans[0]).toEqual([2, 1]);
  });
});

describe('figures', () => {
  it('compares decimal strings exactly, nulls last either way', () => {
    expect(compareFigures('0.10', '0.09', false)).toBe(1);
    expect(compareFigures('12345678901234567.01', '12345678901234567.02', true)).toBe(1);
    expect(compareFigures(null, '1', true)).toBe(1);
    expect(compareFigures('1', null, false)).toBe(-1);
  });

  it('change: percent of the compared figure, points for the margin rate, none against zero', () => {
    expect(changeOf('netSales', '120.00', '100.00')).toEqual({ kind: 'pct', value: '20.0' });
    expect(changeOf('netSales', '80.00', '-100.00')).toEqual({ kind: 'pct', value: '180.0' });
    expect(changeOf('marginRate', '0.2500', '0.2380')).toEqual({ kind: 'pt', value: '1.2' });
    expect(changeOf('netSales', '5', '0')).toBeNull();
    expect(changeOf('netSales', '5', null)).toBeNull();
  });
});

describe('rowsFor', () => {
  const result = {
    rows: [{ month: '2026-11', branchId: 'bj', sales: '1' }],
    subtotals: [
      { dimensions: ['month' as const], rows: [{ month: '2026-11', sales: '1' }] },
      { dimensions: ['branch' as const], rows: [{ branchId: 'bj', sales: '1' }] },
    ],
    totals: { sales: '1' },
  };
  it('finds the full rows, a subtotal list by its set of dimensions, or the totals', () => {
    expect(rowsFor(result, ['month', 'branch'], ['branch', 'month'])).toBe(result.rows);
    expect(rowsFor(result, ['month', 'branch'], ['branch'])).toBe(result.subtotals[1].rows);
    expect(rowsFor(result, ['month', 'branch'], [])).toEqual([result.totals]);
    expect(rowsFor(result, ['month', 'branch'], ['dealer'])).toEqual([]);
  });
});
