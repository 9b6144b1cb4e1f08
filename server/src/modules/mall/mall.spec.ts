import { OrderAction, OrderEventDto, OrderStatus, roundToMultiple } from '@drp/shared';
import { availabilityOf } from './mall-catalog.service';
import { timeline } from './mall-order.service';

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
});
