import { describe, expect, it } from 'vitest';
import { engineQuery, queryFromState, rangeOf, stateFromQuery, stateFromView, wireParams } from './query';
import { PRESET_KEYS, presetState } from './presets';

const base = presetState('analysis', '2026-12-06');

describe('ranges', () => {
  it('counts back from today', () => {
    expect(rangeOf('thisMonth', '2026-12-06')).toEqual(['2026-12-01', '2026-12-06']);
    expect(rangeOf('lastMonth', '2026-03-15')).toEqual(['2026-02-01', '2026-02-28']);
    expect(rangeOf('thisQuarter', '2026-11-20')).toEqual(['2026-10-01', '2026-11-20']);
    expect(rangeOf('thisYear', '2026-12-06')).toEqual(['2026-01-01', '2026-12-06']);
    expect(rangeOf('last3Months', '2026-01-10')).toEqual(['2025-11-01', '2026-01-10']);
    expect(rangeOf('last12Months', '2026-12-06')).toEqual(['2026-01-01', '2026-12-06']);
  });
});

describe('the address bar', () => {
  it('round-trips a state', () => {
    const state = { ...base, compare: 'yoy' as const, filters: { branchId: 'b1', source: 'MALL' }, sort: '-netSales', chart: 'pie' as const };
    expect(stateFromQuery(queryFromState(state), base)).toEqual(state);
  });

  it('a dashboard link with only measures, dimensions and dates keeps the rest of the base', () => {
    const s = stateFromQuery({ measures: 'receipts,sales', dimensions: 'branch', from: '2026-11-01', to: '2026-11-30' }, base);
    expect(s).toMatchObject({ measures: ['receipts', 'sales'], dimensions: ['branch'], from: '2026-11-01', to: '2026-11-30', chart: 'line', compare: null });
    expect(s.chartMeasure).toBeNull();
  });

  it('drops unknown measures and dimensions, repeats, dimensions past the limit, bad or reversed dates', () => {
    const s = stateFromQuery({ measures: 'sales,bogus,sales', dimensions: 'month,branch,nope,dealer,product', from: '2026-12-01', to: '2026-11-01', chart: 'radar', sort: '-cost' }, base);
    expect(s.measures).toEqual(['sales']);
    expect(s.dimensions).toEqual(['month', 'branch', 'dealer']);
    expect([s.from, s.to]).toEqual([base.from, base.to]);
    expect(s.chart).toBe(base.chart);
    expect(s.sort).toBe(''); // cost is not among the measures
  });

  it('no measure at all falls back to the base measures; an empty dimension list is kept (the grand total)', () => {
    const s = stateFromQuery({ measures: 'x', dimensions: '' }, base);
    expect(s.measures).toEqual(base.measures);
    expect(s.dimensions).toEqual([]);
  });
});

describe('the engine query', () => {
  it('carries measures, the asked dimensions, dates, comparison and filters, comma-joined on the wire', () => {
    const state = { ...base, compare: 'mom' as const, filters: { branchId: 'b1' } };
    const q = engineQuery(state, ['month']);
    expect(q).toEqual({ measures: ['netSales', 'grossMargin', 'marginRate'], dimensions: ['month'], from: '2026-01-01', to: '2026-12-06', compare: 'mom', branchId: 'b1' });
    expect(wireParams(q)).toEqual({ measures: 'netSales,grossMargin,marginRate', dimensions: 'month', from: '2026-01-01', to: '2026-12-06', compare: 'mom', branchId: 'b1' });
    expect(wireParams(engineQuery(base, []))).not.toHaveProperty('dimensions');
  });

  it('a saved view restores its query and chart', () => {
    const s = stateFromView({ measures: ['sales'], dimensions: ['dealer'], from: '2026-10-01', to: '2026-10-31', dealerId: 'd1', chart: 'bar' }, { ...base, compare: 'yoy' });
    expect(s).toMatchObject({ measures: ['sales'], dimensions: ['dealer'], from: '2026-10-01', to: '2026-10-31', filters: { dealerId: 'd1' }, chart: 'bar', compare: null });
  });
});

describe('presets', () => {
  it('each preset is a valid query within the engine limits', () => {
    for (const key of PRESET_KEYS) {
      const s = presetState(key, '2026-12-06');
      expect([key, stateFromQuery(queryFromState(s), s)]).toEqual([key, s]);
      expect(s.dimensions.length).toBeLessThanOrEqual(3);
      expect(s.from <= s.to).toBe(true);
    }
    expect(presetState('hotProducts', '2026-12-06').sort).toBe('-quantity');
    expect(presetState('salesByBranch', '2026-12-06').compare).toBe('yoy');
  });
});
