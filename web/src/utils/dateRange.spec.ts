// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { rangeFromQuery, rangeQuery } from './dateRange';

describe('date-range filter', () => {
  it('sends a picked range as from / to, and nothing for none', () => {
    expect(rangeQuery(['2026-11-01', '2026-11-30'])).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(rangeQuery(null)).toEqual({});
    expect(rangeQuery(undefined)).toEqual({});
    expect(rangeQuery(['2026-11-01', ''])).toEqual({ from: '2026-11-01' });
  });

  it('reads a range back from an address, only when both ends are dates in order', () => {
    expect(rangeFromQuery({ from: '2026-11-01', to: '2026-11-30', q: 'x' })).toEqual(['2026-11-01', '2026-11-30']);
    expect(rangeFromQuery({ from: '2026-11-01', to: '2026-11-01' })).toEqual(['2026-11-01', '2026-11-01']);
    expect(rangeFromQuery({ from: '2026-11-01' })).toBeNull();
    expect(rangeFromQuery({ from: '2026-12-01', to: '2026-11-30' })).toBeNull();
    expect(rangeFromQuery({ from: 'yesterday', to: '2026-11-30' })).toBeNull();
    expect(rangeFromQuery({ from: ['2026-11-01'], to: '2026-11-30' })).toBeNull();
  });

  it('round-trips', () => {
    const query = rangeQuery(['2026-01-05', '2026-02-01']);
    expect(rangeFromQuery(query)).toEqual(['2026-01-05', '2026-02-01']);
  });
});
