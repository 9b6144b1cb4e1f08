import fc from 'fast-check';
import { Dec } from './money';
import { COMMITTING_STATUSES, ORDER_ACTION_FROM, OrderStatus, orderLineMoney, portionAmount } from './sales';

describe('order line money', () => {
  it('takes the discount off the gross and keeps the tax inside the amount', () => {
    expect(orderLineMoney('3', '10.0000', '0.1', '0.13')).toEqual({ gross: '30.00', amount: '27.00', tax: '3.11', discount: '3.00' });
    expect(orderLineMoney('1.5', '3.3333', '0', '0')).toEqual({ gross: '5.00', amount: '5.00', tax: '0.00', discount: '0.00' });
  });

  it('rounds half up to the cent, never through floats', () => {
    // 0.1 + 0.2 style drift would show here: 3 x 0.105 = 0.315 -> 0.32
    expect(orderLineMoney('3', '0.105', '0', '0.13').amount).toBe('0.32');
  });
});

describe('portions of a line', () => {
  it('splits proportionally and lets the last part take the rest', () => {
    const whole = { qty: '3', amount: '10.00' };
    const first = portionAmount(whole, { qty: '0', amount: '0' }, '1');
    const second = portionAmount(whole, { qty: '1', amount: first }, '1');
    const last = portionAmount(whole, { qty: '2', amount: new Dec(first).plus(second).toFixed(2) }, '1');
    expect([first, second, last]).toEqual(['3.33', '3.33', '3.34']);
  });

  it('never gives a part more than is left, so no part is negative (13 units of ¥0.03 in parts of 3)', () => {
    const whole = { qty: '13', amount: '0.03' };
    const parts: string[] = [];
    let done = { qty: new Dec(0), amount: new Dec(0) };
    for (const q of ['3', '3', '3', '3', '1']) {
      const part = portionAmount(whole, { qty: done.qty.toString(), amount: done.amount.toFixed(2) }, q);
      parts.push(part);
      done = { qty: done.qty.plus(q), amount: done.amount.plus(part) };
    }
    expect(parts).toEqual(['0.01', '0.01', '0.01', '0.00', '0.00']);
  });

  it('always adds up to the whole, however the quantity is split', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 10_000_000 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }), (qty, cents, cuts) => {
        const whole = { qty: String(qty), amount: new Dec(cents).div(100).toFixed(2) };
        let doneQty = new Dec(0);
        let doneAmount = new Dec(0);
        for (const c of cuts) {
          const left = new Dec(qty).minus(doneQty);
          if (left.isZero()) break;
          const q = Dec.min(left, c);
          doneAmount = doneAmount.plus(portionAmount(whole, { qty: doneQty.toString(), amount: doneAmount.toFixed(2) }, q.toString()));
          doneQty = doneQty.plus(q);
        }
        if (doneQty.equals(qty)) expect(doneAmount.toFixed(2)).toBe(whole.amount);
        else expect(doneAmount.lessThanOrEqualTo(whole.amount)).toBe(true);
      }),
    );
  });
});

describe('order statuses', () => {
  it('never lets an order that holds credit be submitted again or shipped before approval', () => {
    for (const s of COMMITTING_STATUSES) expect(ORDER_ACTION_FROM.submit).not.toContain(s);
    expect(ORDER_ACTION_FROM.ship).not.toContain(OrderStatus.PENDING_APPROVAL);
    expect(ORDER_ACTION_FROM.cancel).not.toContain(OrderStatus.PARTIALLY_SHIPPED);
    expect(ORDER_ACTION_FROM.reopen).toEqual([OrderStatus.CANCELLED, OrderStatus.REJECTED]);
  });
});
