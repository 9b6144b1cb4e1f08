import { describe, expect, it } from 'vitest';
import { OrderStatus, type Permission } from '@drp/shared';
import { editResubmits, ORDER_STATUSES, orderActions, orderStatusStyle } from './status';

const canWith = (...perms: Permission[]) => (p: Permission) => perms.includes(p);
const ADMIN = canWith('orders:view', 'orders:create', 'orders:review', 'shipments:manage', 'credit:override');

describe('order status tags', () => {
  it('gives every status a style and lists them all', () => {
    expect(ORDER_STATUSES).toEqual(expect.arrayContaining(Object.values(OrderStatus)));
    expect(ORDER_STATUSES).toHaveLength(Object.values(OrderStatus).length);
    for (const s of Object.values(OrderStatus)) expect(orderStatusStyle(s).type).toBeTruthy();
    expect(orderStatusStyle(OrderStatus.REJECTED).type).toBe('danger');
    expect(orderStatusStyle(OrderStatus.SHIPPED).type).toBe('success');
    expect(orderStatusStyle('SOMETHING_NEW').type).toBe('info');
  });
});

describe('orderActions', () => {
  it('offers edit, submit, cancel and copy on a draft', () => {
    expect(orderActions(OrderStatus.DRAFT, ADMIN)).toEqual({
      edit: true,
      submit: true,
      review: false,
      ship: false,
      complete: false,
      cancel: true,
      reopen: false,
      copy: true,
    });
  });

  it('offers shipping on approved and partially shipped orders, completing only once something shipped', () => {
    const approved = orderActions(OrderStatus.APPROVED, ADMIN);
    expect(approved.ship).toBe(true);
    expect(approved.complete).toBe(false);
    expect(approved.edit).toBe(true);
    const partial = orderActions(OrderStatus.PARTIALLY_SHIPPED, ADMIN);
    expect(partial).toMatchObject({ ship: true, complete: true, edit: false, cancel: false, submit: false });
    expect(orderActions(OrderStatus.SHIPPED, ADMIN)).toMatchObject({ ship: false, complete: true });
  });

  it('reviews mall orders only with orders:review', () => {
    expect(orderActions(OrderStatus.PENDING_REVIEW, ADMIN).review).toBe(true);
    expect(orderActions(OrderStatus.PENDING_REVIEW, canWith('orders:view', 'orders:create')).review).toBe(false);
  });

  it('reopens cancelled and rejected orders', () => {
    expect(orderActions(OrderStatus.CANCELLED, ADMIN)).toMatchObject({ reopen: true, edit: false, cancel: false });
    expect(orderActions(OrderStatus.REJECTED, ADMIN)).toMatchObject({ reopen: true, edit: true, submit: true });
    expect(orderActions(OrderStatus.COMPLETED, ADMIN)).toMatchObject({ reopen: false, edit: false, ship: false, complete: false, copy: true });
  });

  it('offers a dealer with orders:view only nothing at all', () => {
    const dealer = canWith('orders:view', 'mall:order', 'finance:view');
    for (const s of Object.values(OrderStatus)) {
      expect(Object.values(orderActions(s, dealer)).some(Boolean)).toBe(false);
    }
  });

  it('lets a warehouse user (shipments:manage) ship and complete but not edit', () => {
    const wh = canWith('orders:view', 'shipments:manage');
    expect(orderActions(OrderStatus.APPROVED, wh)).toMatchObject({ ship: true, edit: false, cancel: false, copy: false });
    expect(orderActions(OrderStatus.SHIPPED, wh).complete).toBe(true);
    expect(orderActions(OrderStatus.SHIPPED, canWith('orders:view', 'orders:create')).complete).toBe(false);
  });
});

describe('editResubmits', () => {
  it('is true once the order left draft / rejected', () => {
    expect(editResubmits(OrderStatus.DRAFT)).toBe(false);
    expect(editResubmits(OrderStatus.REJECTED)).toBe(false);
    expect(editResubmits(OrderStatus.APPROVED)).toBe(true);
    expect(editResubmits(OrderStatus.PENDING_APPROVAL)).toBe(true);
  });
});
