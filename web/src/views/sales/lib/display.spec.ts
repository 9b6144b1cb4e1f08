import { describe, expect, it } from 'vitest';
import type { WarehouseDto } from '@drp/shared';
import { defaultWarehouse, eventColor, noteParts, stockShort } from './display';

const wh = (id: string, orgId: string, status: WarehouseDto['status'] = 'ACTIVE') => ({ id, status, org: { id: orgId, code: orgId, name: orgId, type: 'BRANCH' } }) as WarehouseDto;

describe('display helpers', () => {
  it('tells short stock', () => {
    expect(stockShort('5.000', '6.000')).toBe(true);
    expect(stockShort('5.000', '5.000')).toBe(false);
    expect(stockShort(null, '6')).toBe(false);
  });

  it('picks the warehouse of the nearest organisation above the dealer', () => {
    const list = [wh('w-hq', 'HQ'), wh('w-bj', 'BJ'), wh('w-old', 'CY', 'DISABLED')];
    expect(defaultWarehouse(['HQ', 'BJ', 'CY', 'D1'], list)).toBe('w-bj');
    expect(defaultWarehouse(['HQ', 'GZ', 'D2'], list)).toBe('w-hq');
    expect(defaultWarehouse(['X'], list)).toBeNull();
    expect(defaultWarehouse(['X'], [wh('w-bj', 'BJ')])).toBe('w-bj');
  });

  it('colours the timeline', () => {
    expect(eventColor({ action: 'CANCEL' as never, toStatus: 'CANCELLED' as never })).toContain('danger');
    expect(eventColor({ action: 'SHIP' as never, toStatus: 'SHIPPED' as never })).toContain('success');
    expect(eventColor({ action: 'SUBMIT' as never, toStatus: 'APPROVED' as never })).toContain('primary');
  });
});

describe('noteParts', () => {
  it('reads the server credit messages, with or without an override reason', () => {
    expect(noteParts('Credit limit 50000.00 exceeded: exposure 1232.84 + this order 85497.00 is 36729.84 over (overridden: 年底备货（总经理同意）)')).toEqual({
      kind: 'creditExceeded',
      limit: '50000.00',
      exposure: '1232.84',
      orderTotal: '85497.00',
      excess: '36729.84',
      reason: '年底备货（总经理同意）',
    });
    expect(noteParts('Credit limit 100.00 exceeded: exposure 0.00 + this order 150.00 is 50.00 over')).toMatchObject({ kind: 'creditExceeded', reason: null });
    expect(noteParts('The dealer has overdue receivables: orders are blocked until they are paid (overridden: ok)')).toEqual({ kind: 'overdue', reason: 'ok' });
    expect(noteParts('The dealer has overdue receivables')).toEqual({ kind: 'overdue', reason: null });
  });

  it('knows the automatic approval and leaves other notes as they are', () => {
    expect(noteParts('auto', 'APPROVE')).toEqual({ kind: 'auto' });
    expect(noteParts('auto', 'SUBMIT')).toEqual({ kind: 'text', text: 'auto' });
    expect(noteParts('TH20261123-0001: 包装破损')).toEqual({ kind: 'text', text: 'TH20261123-0001: 包装破损' });
  });
});
