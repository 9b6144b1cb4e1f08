import { OrderAction, OrderEventDto, OrderStatus, roundToMultiple } from '@drp/shared';
import { availabilityOf } from './mall-catalog.service';
import { dealerSees, noteReason, timeline } from './mall-order.service';

const ev = (action: OrderAction, from: OrderStatus | null, to: OrderStatus, at: string, note: string | null = null): OrderEventDto => ({
  id: at, action, fromStatus: from, toStatus: to, note, actorId: null, actorName: null, at,
});

// the reorder's rounding is the shared rule (cart.service addRounded calls roundToMultiple)
const roundUpQty = (qty: string, minOrderQty: string, orderMultiple: string) => roundToMultiple(qty, { minOrderQty, orderMultiple });

describe('mall: reorder rounding', () => {
  it('raises to the minimum, then up to the next multiple', () => {
    expect(roundUpQty('5', '12', '12')).toBe('12.000');
    expect(roundUpQty('13', '12', '12')).toBe('24.000');
    expect(roundUpQty('24', '12', '12')).toBe('24.000');
    expect(roundUpQty('1.5', '1', '0.5')).toBe('1.500');
    expect(roundUpQty('1.6', '1', '0.5')).toBe('2.000');
    expect(roundUpQty('3', '1', '1')).toBe('3.000');
  });
});

describe('mall: availability', () => {
  it('OUT at or below zero, LOW at or below the threshold, else IN_STOCK', () => {
    expect(availabilityOf('0', '10')).toBe('OUT');
    expect(availabilityOf('-2', '10')).toBe('OUT');
    expect(availabilityOf('10', '10')).toBe('LOW');
    expect(availabilityOf('10.001', '10')).toBe('IN_STOCK');
    expect(availabilityOf('1', '0')).toBe('IN_STOCK');
  });
});

describe('mall: status timeline', () => {
  const submitted = [
    ev(OrderAction.CREATE, null, OrderStatus.DRAFT, '2026-12-01T01:00:00.000Z'),
    ev(OrderAction.SUBMIT, OrderStatus.DRAFT, OrderStatus.PENDING_REVIEW, '2026-12-01T01:00:01.000Z'),
  ];

  it('a new order: submitted done, the rest to come', () => {
    const t = timeline(OrderStatus.PENDING_REVIEW, submitted);
    expect(t.map((s) => [s.key, s.done])).toEqual([['SUBMITTED', true], ['REVIEWED', false], ['APPROVED', false], ['SHIPPED', false], ['COMPLETED', false]]);
    expect(t[0].at).toBe('2026-12-01T01:00:01.000Z');
  });

  it('reviewed, approved, shipped with the logistics note, completed', () => {
    const events = [
      ...submitted,
      ev(OrderAction.REVIEW_ACCEPT, OrderStatus.PENDING_REVIEW, OrderStatus.PENDING_APPROVAL, '2026-12-01T02:00:00.000Z'),
      ev(OrderAction.APPROVE, OrderStatus.PENDING_APPROVAL, OrderStatus.APPROVED, '2026-12-01T03:00:00.000Z'),
      ev(OrderAction.SHIP, OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED, '2026-12-02T01:00:00.000Z', 'SH1 顺丰 SF1'),
      ev(OrderAction.SHIP, OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED, '2026-12-03T01:00:00.000Z', 'SH2 顺丰 SF2'),
      ev(OrderAction.COMPLETE, OrderStatus.SHIPPED, OrderStatus.COMPLETED, '2026-12-04T01:00:00.000Z'),
    ];
    const t = timeline(OrderStatus.COMPLETED, events);
    expect(t.every((s) => s.done)).toBe(true);
    expect(t.find((s) => s.key === 'SHIPPED')).toMatchObject({ at: '2026-12-02T01:00:00.000Z', note: 'SH1 顺丰 SF1' });
  });

  it('a rejected review ends the timeline with REJECTED and its reason', () => {
    const t = timeline(OrderStatus.REJECTED, [...submitted, ev(OrderAction.REVIEW_REJECT, OrderStatus.PENDING_REVIEW, OrderStatus.REJECTED, '2026-12-01T05:00:00.000Z', '重复下单')]);
    expect(t.map((s) => s.key)).toEqual(['SUBMITTED', 'REJECTED']);
    expect(t[1]).toMatchObject({ done: true, note: '重复下单' });
  });

  it('a cancelled approved order keeps the steps it reached', () => {
    const t = timeline(OrderStatus.CANCELLED, [
      ...submitted,
      ev(OrderAction.REVIEW_ACCEPT, OrderStatus.PENDING_REVIEW, OrderStatus.PENDING_APPROVAL, '2026-12-01T02:00:00.000Z'),
      ev(OrderAction.APPROVE, OrderStatus.PENDING_APPROVAL, OrderStatus.APPROVED, '2026-12-01T03:00:00.000Z'),
      ev(OrderAction.CANCEL, OrderStatus.APPROVED, OrderStatus.CANCELLED, '2026-12-01T04:00:00.000Z', '客户取消'),
    ]);
    expect(t.map((s) => s.key)).toEqual(['SUBMITTED', 'REVIEWED', 'APPROVED', 'CANCELLED']);
  });

  it('a console order has no review step, and its steps are consistent: approved means submitted (issue #12)', () => {
    const events = [
      ev(OrderAction.CREATE, null, OrderStatus.DRAFT, '2026-12-01T01:00:00.000Z'),
      ev(OrderAction.SUBMIT, OrderStatus.DRAFT, OrderStatus.APPROVED, '2026-12-01T01:00:01.000Z'),
    ];
    const t = timeline(OrderStatus.APPROVED, events, false);
    expect(t.map((s) => [s.key, s.done])).toEqual([['SUBMITTED', true], ['APPROVED', true], ['SHIPPED', false], ['COMPLETED', false]]);
  });

  it('a step missing its event is done when a later one is (never 已审核 unchecked under 已审批 checked)', () => {
    const t = timeline(OrderStatus.SHIPPED, [...submitted, ev(OrderAction.SHIP, OrderStatus.APPROVED, OrderStatus.SHIPPED, '2026-12-02T01:00:00.000Z')]);
    expect(t.map((s) => [s.key, s.done])).toEqual([['SUBMITTED', true], ['REVIEWED', true], ['APPROVED', true], ['SHIPPED', true], ['COMPLETED', false]]);
    expect(t.find((s) => s.key === 'REVIEWED')!.at).toBeNull();
    const done = t.map((s) => s.done);
    expect(done.indexOf(false) === -1 || done.slice(done.indexOf(false)).every((d) => !d)).toBe(true);
  });

  it('credit notes become reason codes, a person\'s note stays', () => {
    const t = timeline(OrderStatus.PENDING_REVIEW, [submitted[0], ev(OrderAction.SUBMIT, OrderStatus.DRAFT, OrderStatus.PENDING_REVIEW, '2026-12-01T01:00:01.000Z', 'The dealer has overdue receivables')]);
    expect(t[0]).toMatchObject({ note: null, reason: { code: 'CREDIT_OVERDUE', values: {} } });
    expect(noteReason('Credit limit 1000.00 exceeded: exposure 900.00 + this order 200.00 is 100.00 over')).toEqual({
      code: 'CREDIT_LIMIT', values: { limit: '1000.00', exposure: '900.00', orderTotal: '200.00', excess: '100.00' },
    });
    expect(noteReason('重复下单')).toBeNull();
  });
});

describe('mall: which orders a dealer sees (issue #12)', () => {
  it('its mall orders always; other orders once approved and not back in draft', () => {
    expect(dealerSees({ source: 'MALL', status: 'REJECTED', approvedAt: null })).toBe(true);
    expect(dealerSees({ source: 'CONSOLE', status: 'DRAFT', approvedAt: null })).toBe(false);
    expect(dealerSees({ source: 'CONSOLE', status: 'PENDING_APPROVAL', approvedAt: null })).toBe(false);
    expect(dealerSees({ source: 'CONSOLE', status: 'REJECTED', approvedAt: null })).toBe(false);
    expect(dealerSees({ source: 'CONSOLE', status: 'APPROVED', approvedAt: '2026-12-01T00:00:00Z' })).toBe(true);
    expect(dealerSees({ source: 'CONSOLE', status: 'CANCELLED', approvedAt: '2026-12-01T00:00:00Z' })).toBe(true);
    expect(dealerSees({ source: 'VISIT', status: 'DRAFT', approvedAt: '2026-12-01T00:00:00Z' })).toBe(false);
  });
});
