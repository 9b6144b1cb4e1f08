import { describe, expect, it } from 'vitest';
import { errorMessage, stockErrorText } from './errors';
import { ApiError } from './http';

describe('errorMessage: stock and credit refusals in words from their details', () => {
  it('INSUFFICIENT_STOCK names every short product with ordered and available quantities', () => {
    const e = new ApiError(409, 'INSUFFICIENT_STOCK', 'Insufficient stock', {
      productId: 'a', productCode: 'SP0001', productName: '矿泉水', requested: '2400.000', available: '194.000',
      shortages: [
        { productId: 'a', productCode: 'SP0001', productName: '矿泉水', requested: '2400.000', available: '194.000' },
        { productId: 'b', productCode: 'SP0002', productName: '果汁', requested: '5.000', available: '0.000' },
      ],
    });
    expect(errorMessage(e)).toBe('库存不足：SP0001 矿泉水 订 2,400，可用 194；SP0002 果汁 订 5，可用 0');
  });

  it('INSUFFICIENT_STOCK with the first shortage only at the top level, and without quantities falls back to the title', () => {
    expect(stockErrorText({ productId: 'a', productCode: 'SP0001', requested: '3.000', available: '1.500' })).toBe('库存不足：SP0001 订 3，可用 1.5');
    expect(errorMessage(new ApiError(409, 'INSUFFICIENT_STOCK', 'x', { productId: 'a' }))).toBe('库存不足');
    expect(errorMessage(new ApiError(409, 'INSUFFICIENT_STOCK', 'x'))).toBe('库存不足');
  });

  it('CREDIT_LIMIT_EXCEEDED and CREDIT_OVERDUE_BLOCKED say the figures', () => {
    const limit = new ApiError(422, 'CREDIT_LIMIT_EXCEEDED', 'over', { limit: '100000.00', exposure: '90000.00', available: '10000.00', orderTotal: '24000.00', excess: '14000.00' });
    expect(errorMessage(limit)).toBe('超出信用额度：额度 ¥100,000.00，已占用 ¥90,000.00，可用 ¥10,000.00，本单 ¥24,000.00，超出 ¥14,000.00');
    const overdue = new ApiError(422, 'CREDIT_OVERDUE_BLOCKED', 'overdue', { limit: '5000.00', exposure: '100.00', overdue: true });
    expect(errorMessage(overdue)).toBe('该经销商有逾期应收款，订单不能提交（额度 ¥5,000.00，已占用 ¥100.00）');
    expect(errorMessage(new ApiError(422, 'CREDIT_LIMIT_EXCEEDED', 'over'))).toBe('超出信用额度，订单不能提交');
  });
});
