import type { AnalysisRow } from './analysis';
import { comparePivotFigures, orderPivotRows, parsePivotSort, pivotChange, pivotGroupKey, pivotLines, PivotNesting, type PivotSubtotalOf } from './analysis-pivot';

/**
 * The pivot's order and nesting on hand-worked rows: month × branch net sales
 *   2026-10: bj 100, sh 50   (subtotal 150)
 *   2026-11: bj 30,  sh 70, gz null-keyed 5  (subtotal 105)
 * in the engine's order (months oldest first, branches by code).
 */
const rows: AnalysisRow[] = [
  { month: '2026-10', branchId: 'bj', netSales: '100.00' },
  { month: '2026-10', branchId: 'sh', netSales: '50.00' },
  { month: '2026-11', branchId: 'bj', netSales: '30.00' },
  { month: '2026-11', branchId: 'sh', netSales: '70.00' },
  { month: '2026-11', branchId: null, netSales: '5.00' },
];
const byMonth = new Map([
  ['2026-10', { month: '2026-10', netSales: '150.00' }],
  ['2026-11', { month: '2026-11', netSales: '105.00' }],
]);
const subtotalOf: PivotSubtotalOf<AnalysisRow> = (row, depth) => (depth === 1 ? byMonth.get(row.month!) : undefined);
const none: PivotSubtotalOf<AnalysisRow> = () => undefined;
const label = (r: AnalysisRow) => `${r.month ?? '*'}/${r.branchId === undefined ? '*' : (r.branchId ?? '-')}`;

describe('the pivot sort', () => {
  it('reads -measure as highest first and refuses what is not a measure', () => {
    expect(parsePivotSort('-netSales')).toEqual({ measure: 'netSales', descending: true });
    expect(parsePivotSort('marginRate')).toEqual({ measure: 'marginRate', descending: false });
    expect(parsePivotSort('')).toBeNull();
    expect(parsePivotSort(undefined)).toBeNull();
    expect(parsePivotSort('-profit')).toBeNull();
  });

  it('compares decimal strings exactly, no figure last in both directions', () => {
    expect(comparePivotFigures('0.10', '0.09', false)).toBe(1);
    expect(comparePivotFigures('12345678901234567.01', '12345678901234567.02', true)).toBe(1);
    expect(comparePivotFigures('-5', '3', true)).toBe(1);
    expect(comparePivotFigures(null, '1', true)).toBe(1);
    expect(comparePivotFigures(null, '1', false)).toBe(1);
    expect(comparePivotFigures('1', undefined, false)).toBe(-1);
    expect(comparePivotFigures(null, '', true)).toBe(0);
  });

  it('keys a null apart from the text "null"', () => {
    expect(pivotGroupKey({ branchId: null }, ['branch'])).not.toBe(pivotGroupKey({ branchId: 'null' }, ['branch']));
    expect(pivotGroupKey({ month: '2026-11', branchId: 'bj' }, ['month'])).toBe('["2026-11"]');
  });
});

describe('orderPivotRows', () => {
  it('without a sort keeps the engine order', () => {
    expect(orderPivotRows(rows, ['month', 'branch'], null, subtotalOf).map(label)).toEqual(['2026-10/bj', '2026-10/sh', '2026-11/bj', '2026-11/sh', '2026-11/-']);
  });

  it('highest first: months by their subtotal (150 before 105), branches inside each by their own figure', () => {
    const ordered = orderPivotRows(rows, ['month', 'branch'], parsePivotSort('-netSales'), subtotalOf);
    expect(ordered.map(label)).toEqual(['2026-10/bj', '2026-10/sh', '2026-11/sh', '2026-11/bj', '2026-11/-']);
  });

  it('lowest first: 105 before 150, inside a month 5 < 30 < 70', () => {
    const ordered = orderPivotRows(rows, ['month', 'branch'], parsePivotSort('netSales'), subtotalOf);
    expect(ordered.map(label)).toEqual(['2026-11/-', '2026-11/bj', '2026-11/sh', '2026-10/sh', '2026-10/bj']);
  });

  it('no figure last in both directions, for rows and for groups; ties keep the engine order', () => {
    const one: AnalysisRow[] = [
      { branchId: 'a', marginRate: null },
      { branchId: 'b', marginRate: '0.2000' },
      { branchId: 'c', marginRate: '0.1000' },
      { branchId: 'd', marginRate: '0.2000' },
    ];
    expect(orderPivotRows(one, ['branch'], parsePivotSort('-marginRate'), none).map((r) => r.branchId)).toEqual(['b', 'd', 'c', 'a']);
    expect(orderPivotRows(one, ['branch'], parsePivotSort('marginRate'), none).map((r) => r.branchId)).toEqual(['c', 'b', 'd', 'a']);
    // groups: a month whose subtotal has no figure (or is unknown) goes last
    const rates: AnalysisRow[] = [
      { month: '01', branchId: 'x', marginRate: '0.5000' },
      { month: '02', branchId: 'x', marginRate: '0.1000' },
      { month: '03', branchId: 'x', marginRate: '0.3000' },
    ];
    const subs: Record<string, string | null> = { '01': null, '02': '0.1000' };
    const sub: PivotSubtotalOf<AnalysisRow> = (r) => (r.month! in subs ? { month: r.month!, marginRate: subs[r.month!] } : undefined);
    expect(orderPivotRows(rates, ['month', 'branch'], parsePivotSort('-marginRate'), sub).map((r) => r.month)).toEqual(['02', '01', '03']);
    expect(orderPivotRows(rates, ['month', 'branch'], parsePivotSort('marginRate'), sub).map((r) => r.month)).toEqual(['02', '01', '03']);
  });

  it('three dimensions: each level by its own subtotal, rows by their figure', () => {
    const three: AnalysisRow[] = [
      { year: '2026', branchId: 'bj', source: 'MALL', sales: '1' },
      { year: '2026', branchId: 'bj', source: 'VISIT', sales: '2' },
      { year: '2026', branchId: 'sh', source: 'MALL', sales: '4' },
      { year: '2027', branchId: 'bj', source: 'MALL', sales: '9' },
    ];
    const subs: Record<string, string> = { '["2026"]': '7', '["2027"]': '9', '["2026","bj"]': '3', '["2026","sh"]': '4', '["2027","bj"]': '9' };
    const sub: PivotSubtotalOf<AnalysisRow> = (r, depth) => ({ sales: subs[pivotGroupKey(r, (['year', 'branch'] as const).slice(0, depth))] });
    const desc = orderPivotRows(three, ['year', 'branch', 'source'], parsePivotSort('-sales'), sub);
    expect(desc.map((r) => `${r.year}/${r.branchId}/${r.source}`)).toEqual(['2027/bj/MALL', '2026/sh/MALL', '2026/bj/VISIT', '2026/bj/MALL']);
  });

  it('keeps a group together even when the input interleaves it', () => {
    const mixed: AnalysisRow[] = [
      { month: '1', branchId: 'a' },
      { month: '2', branchId: 'a' },
      { month: '1', branchId: 'b' },
    ];
    expect(orderPivotRows(mixed, ['month', 'branch'], null, none).map(label)).toEqual(['1/a', '1/b', '2/a']);
  });
});

describe('nesting and lines', () => {
  it('a subtotal line after each outer group, then the total', () => {
    const ordered = orderPivotRows(rows, ['month', 'branch'], parsePivotSort('-netSales'), subtotalOf);
    const lines = pivotLines(ordered, ['month', 'branch'], subtotalOf, { netSales: '255.00' });
    expect(lines.map((l) => `${l.kind}:${l.depth}:${l.row.netSales}`)).toEqual([
      'row:2:100.00',
      'row:2:50.00',
      'subtotal:1:150.00',
      'row:2:70.00',
      'row:2:30.00',
      'row:2:5.00',
      'subtotal:1:105.00',
      'total:0:255.00',
    ]);
  });

  it('an unknown subtotal gives no line; one dimension has only rows and the total; none only the total', () => {
    expect(pivotLines(rows, ['month', 'branch'], none, {}).map((l) => l.kind)).toEqual(['row', 'row', 'row', 'row', 'row', 'total']);
    expect(pivotLines([{ branchId: 'a' }, { branchId: 'b' }], ['branch'], subtotalOf, {}).map((l) => l.kind)).toEqual(['row', 'row', 'total']);
    expect(pivotLines([], [], none, { sales: '1' })).toEqual([{ kind: 'total', depth: 0, row: { sales: '1' } }]);
  });

  it('streaming: when groups end together the innermost closes first, with the last row of the group', () => {
    const n = new PivotNesting<AnalysisRow>(['year', 'branch', 'source']);
    const a = { year: '2026', branchId: 'bj', source: 'MALL' };
    const b = { year: '2026', branchId: 'bj', source: 'VISIT' };
    const c = { year: '2026', branchId: 'sh', source: 'MALL' };
    const d = { year: '2027', branchId: 'sh', source: 'MALL' };
    expect(n.push(a)).toEqual([]);
    expect(n.push(b)).toEqual([]);
    expect(n.push(c)).toEqual([{ depth: 2, last: b }]);
    // the branch is the same (sh) but the year changed: both groups end
    expect(n.push(d)).toEqual([
      { depth: 2, last: c },
      { depth: 1, last: c },
    ]);
    expect(n.end()).toEqual([
      { depth: 2, last: d },
      { depth: 1, last: d },
    ]);
    expect(n.end()).toEqual([]);
  });
});

describe('pivotChange', () => {
  it('percent of the compared figure, points for the margin rate, none against zero or nothing', () => {
    expect(pivotChange('netSales', '120.00', '100.00')).toEqual({ kind: 'pct', value: '20.0' });
    expect(pivotChange('netSales', '80.00', '-100.00')).toEqual({ kind: 'pct', value: '180.0' });
    expect(pivotChange('marginRate', '0.2500', '0.2380')).toEqual({ kind: 'pt', value: '1.2' });
    expect(pivotChange('netSales', '5', '0')).toBeNull();
    expect(pivotChange('netSales', '5', null)).toBeNull();
  });
});
