import { describe, expect, it } from 'vitest';
import type { MallTimelineStep } from '@drp/shared';
import { ORDER_TABS, isAutoNote, isTabKey, mallLink, statusType, tabStatus, timelineView } from './orders';

const step = (key: MallTimelineStep['key'], done: boolean, at: string | null = null, note: string | null = null): MallTimelineStep => ({ key, done, at, note });
const NORMAL: MallTimelineStep['key'][] = ['SUBMITTED', 'REVIEWED', 'APPROVED', 'SHIPPED', 'COMPLETED'];

describe('order tabs', () => {
  it('maps each tab to the statuses it lists', () => {
    expect(ORDER_TABS.map((x) => x.key)).toEqual(['all', 'review', 'approval', 'toShip', 'shipped', 'completed']);
    expect(tabStatus('all')).toBe('');
    expect(tabStatus('review')).toBe('PENDING_REVIEW');
    expect(tabStatus('approval')).toBe('PENDING_APPROVAL');
    expect(tabStatus('toShip')).toBe('APPROVED,PARTIALLY_SHIPPED');
    expect(tabStatus('shipped')).toBe('SHIPPED');
    expect(tabStatus('completed')).toBe('COMPLETED');
    expect(tabStatus('bogus')).toBe('');
    expect(isTabKey('toShip')).toBe(true);
    expect(isTabKey('x')).toBe(false);
    expect(isTabKey(undefined)).toBe(false);
  });

  it('colours statuses', () => {
    expect(statusType('PENDING_REVIEW')).toBe('warning');
    expect(statusType('SHIPPED')).toBe('primary');
    expect(statusType('COMPLETED')).toBe('success');
    expect(statusType('REJECTED')).toBe('danger');
    expect(statusType('DRAFT')).toBe('info');
  });
});

describe('timelineView', () => {
  it('a fresh mall order: submitted done, review in progress, the rest waiting; unreached ends hidden', () => {
    const v = timelineView([step('SUBMITTED', true, '2026-12-02T10:00:00Z'), ...NORMAL.slice(1).map((k) => step(k, false)), step('REJECTED', false), step('CANCELLED', false)]);
    expect(v.steps.map((s) => [s.key, s.status])).toEqual([
      ['SUBMITTED', 'success'],
      ['REVIEWED', 'process'],
      ['APPROVED', 'wait'],
      ['SHIPPED', 'wait'],
      ['COMPLETED', 'wait'],
    ]);
    expect(v.active).toBe(1);
    expect(v.stopped).toBe(false);
    expect(v.steps[0].at).toBe('2026-12-02T10:00:00Z');
  });

  it('after review and approval the shipment is in progress; all done -> active past the end', () => {
    const mid = timelineView(NORMAL.map((k, i) => step(k, i < 3)));
    expect(mid.active).toBe(3);
    expect(mid.steps[3].status).toBe('process');
    const all = timelineView(NORMAL.map((k) => step(k, true)));
    expect(all.active).toBe(5);
    expect(all.steps.every((s) => s.status === 'success')).toBe(true);
  });

  it('a rejected order ends at the rejection (an error step with its note); the steps after it are dropped', () => {
    const v = timelineView([
      step('SUBMITTED', true),
      step('REVIEWED', false),
      step('APPROVED', false),
      step('SHIPPED', false),
      step('COMPLETED', false),
      step('REJECTED', true, '2026-12-02T11:00:00Z', '价格有误'),
      step('CANCELLED', false),
    ]);
    expect(v.steps.map((s) => [s.key, s.status])).toEqual([
      ['SUBMITTED', 'success'],
      ['REJECTED', 'error'],
    ]);
    expect(v.stopped).toBe(true);
    expect(v.active).toBe(1);
    expect(v.steps[1].note).toBe('价格有误');
  });

  it('an approval nobody had to give reads as automatic, not "auto"', () => {
    const v = timelineView([step('SUBMITTED', true), step('REVIEWED', true, null, '电话确认'), step('APPROVED', true, null, 'auto'), step('SHIPPED', false), step('COMPLETED', false)]);
    expect(v.steps[2]).toMatchObject({ key: 'APPROVED', auto: true, note: null });
    expect(v.steps[1]).toMatchObject({ auto: false, note: '电话确认' });
    expect(isAutoNote('APPROVE', 'auto')).toBe(true);
    expect(isAutoNote('SUBMIT', 'auto')).toBe(false);
  });

  it('a cancelled order after approval keeps what was done', () => {
    const v = timelineView([step('SUBMITTED', true), step('REVIEWED', true), step('APPROVED', true), step('SHIPPED', false), step('COMPLETED', false), step('CANCELLED', true)]);
    expect(v.steps.map((s) => s.key)).toEqual(['SUBMITTED', 'REVIEWED', 'APPROVED', 'CANCELLED']);
    expect(v.steps[3].status).toBe('error');
  });
});

describe('mallLink', () => {
  const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
  it('opens console links in the mall', () => {
    expect(mallLink(`/sales/orders/${id}`)).toBe(`/mall/orders/${id}`);
    expect(mallLink(`/finance/statements?id=${id}`)).toBe(`/mall/me/statements/${id}`);
    expect(mallLink(`/mall/orders/${id}`)).toBe(`/mall/orders/${id}`);
  });
  it('drops what has no mall page or is not a path', () => {
    expect(mallLink('/approvals/inbox')).toBeNull();
    expect(mallLink('https://evil.example/x')).toBeNull();
    expect(mallLink(null)).toBeNull();
  });
});
