import { describe, expect, it } from 'vitest';
import type { UninvoicedLine } from '@/api/invoicing';
import { pickedAmount, pickProblem, pickTotals, thisMonth } from './uninvoiced';

const line = (id: string, dealerId = 'd1', extra: Partial<UninvoicedLine> = {}): UninvoicedLine => ({
  shipmentLineId: id,
  shipmentId: 's1',
  shipmentNumber: 'SH20261201-0001',
  shippedOn: '2026-12-01',
  dealerId,
  dealerName: '北京华联',
  productId: 'p',
  productCode: 'SP0001',
  productName: '商品',
  unit: '箱',
  shippedQty: '10.000',
  returnedQty: '2.000',
  invoicedQty: '3.000',
  uninvoicedQty: '5.000',
  unitPrice: '33.3300',
  taxRate: '0.13',
  uninvoicedAmount: '166.65',
  ...extra,
});

describe('picking shipment lines to invoice', () => {
  it('checks the quantity against what is left', () => {
    expect(pickProblem({ line: line('a'), qty: '5' })).toBeNull();
    expect(pickProblem({ line: line('a'), qty: '5.001' })).toBe('EXCEEDS_UNINVOICED');
    expect(pickProblem({ line: line('a'), qty: '0' })).toBe('QTY_NOT_POSITIVE');
    expect(pickProblem({ line: line('a'), qty: '1.0001' })).toBe('QTY_INVALID');
    expect(pickProblem({ line: line('a'), qty: '' })).toBe('QTY_INVALID');
  });

  it('prices a split line and the whole', () => {
    expect(pickedAmount({ line: line('a'), qty: '5' })).toBe('166.65');
    expect(pickedAmount({ line: line('a'), qty: '1.5' })).toBe('50.00');
    expect(pickedAmount({ line: line('a'), qty: 'x' })).toBe('0.00');
    expect(pickTotals([{ line: line('a'), qty: '5' }, { line: line('b'), qty: '2' }])).toEqual({ lines: 2, amount: '233.31', oneDealer: true, dealerId: 'd1', ok: true });
  });

  it('one invoice, one dealer', () => {
    const t = pickTotals([{ line: line('a'), qty: '1' }, { line: line('b', 'd2'), qty: '1' }]);
    expect(t).toMatchObject({ oneDealer: false, dealerId: null, ok: false });
    expect(pickTotals([]).ok).toBe(false);
    expect(pickTotals([{ line: line('a'), qty: '9' }]).ok).toBe(false);
  });

  it('this month', () => {
    expect(thisMonth(new Date(2026, 0, 5))).toBe('2026-01');
  });
});
