// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { claimWarnings, forgetWarnings, warningItems, WARNINGS_SEEN_KEY } from './loginWarnings';

const none = { pendingApprovals: 0, pendingReviews: 0, overdueReceivables: { count: 0, amount: '0.00' }, lowStock: 0 };

describe('warningItems', () => {
  it('says nothing when everything is zero', () => {
    expect(warningItems(none)).toEqual([]);
    expect(warningItems(null)).toEqual([]);
  });

  it('keeps only the non-zero warnings, each with where it leads', () => {
    expect(warningItems({ ...none, pendingApprovals: 2 })).toEqual([{ kind: 'pendingApprovals', count: 2, to: '/approvals/inbox' }]);
    expect(warningItems({ pendingApprovals: 1, pendingReviews: 2, overdueReceivables: { count: 3, amount: '12500.50' }, lowStock: 4 }).map((i) => [i.kind, i.to])).toEqual([
      ['pendingApprovals', '/approvals/inbox'],
      ['pendingReviews', '/mall-admin/review'],
      ['overdueReceivables', '/finance/receivables?overdue=true'],
      ['lowStock', '/stock?lowOnly=true'],
    ]);
    expect(warningItems({ ...none, overdueReceivables: { count: 3, amount: '12500.50' } })[0].amount).toBe('12500.50');
  });
});

describe('once per login', () => {
  afterEach(() => sessionStorage.clear());

  it('claims the warnings once per user until the login ends', () => {
    expect(claimWarnings('u1')).toBe(true);
    expect(claimWarnings('u1')).toBe(false);
    expect(sessionStorage.getItem(WARNINGS_SEEN_KEY)).toBe('u1');
    // another user signing in on this tab sees theirs
    expect(claimWarnings('u2')).toBe(true);
    forgetWarnings();
    expect(claimWarnings('u2')).toBe(true);
  });
});
