// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { queryFlag, queryId, queryList, queryOneOf, queryPage, queryText } from './routeQuery';

const STATUSES = ['DRAFT', 'APPROVED'] as const;

describe('filters from the address', () => {
  const query = { q: 'bj', dealerId: 'd1', status: 'APPROVED', many: ['a', 'b'], list: 'DRAFT,NOPE,APPROVED', overdue: 'true', page: '3' };

  it('reads single strings only', () => {
    expect(queryText(query, 'q')).toBe('bj');
    expect(queryText(query, 'many')).toBe('');
    expect(queryText(query, 'missing')).toBe('');
    expect(queryId(query, 'dealerId')).toBe('d1');
    expect(queryId(query, 'missing')).toBeNull();
  });

  it('keeps only allowed values', () => {
    expect(queryOneOf(query, 'status', STATUSES)).toBe('APPROVED');
    expect(queryOneOf(query, 'q', STATUSES)).toBe('');
    expect(queryList(query, 'list', STATUSES)).toEqual(['DRAFT', 'APPROVED']);
    expect(queryList(query, 'missing', STATUSES)).toEqual([]);
  });

  it('reads flags and page numbers', () => {
    expect(queryFlag(query, 'overdue')).toBe(true);
    expect(queryFlag(query, 'q')).toBe(false);
    expect(queryPage(query)).toBe(3);
    expect(queryPage({ page: 'x' })).toBe(1);
    expect(queryPage({ page: '-2' })).toBe(1);
    expect(queryPage({})).toBe(1);
  });
});
