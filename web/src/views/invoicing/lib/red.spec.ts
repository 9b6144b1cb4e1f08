import { describe, expect, it } from 'vitest';
import type { InvoiceLine } from '@/api/invoicing';
import { amountForQty, hasLeft, redPlan, taxOf } from './red';

const line = (id: string, amount: string, rate = '0.13', extra: Partial<InvoiceLine> = {}): InvoiceLine => ({
  id,
  name: `P${id}`,
  spec: null,
  unit: '箱',
  qty: '10.000',
  unitPrice: '100.0000',
  amount,
  taxRate: rate,
  tax: taxOf(amount, rate),
  shipmentLineId: null,
  shipmentNumber: null,
  ...extra,
});

describe('red-letter arithmetic', () => {
  const lines = [line('a', '1000.00'), line('b', '500.00', '0.09', { leftAmount: '200.00' })];
  const left = { amount: '1200.00', tax: '148.00', total: '1348.00' };

  it('adds up the chosen lines with their tax', () => {
    const plan = redPlan(lines, [{ invoiceLineId: 'a', amount: '300' }, { invoiceLineId: 'b', amount: '100.50' }], left);
    expect(plan).toMatchObject({ amount: '400.50', tax: '48.05', total: '448.55', exceedsLeft: false, ok: true, problems: {} });
  });

  it('refuses more than a line has left and more than the blue has left', () => {
    expect(redPlan(lines, [{ invoiceLineId: 'b', amount: '200.01' }], left).problems).toEqual({ b: 'EXCEEDS_LINE' });
    expect(redPlan(lines, [{ invoiceLineId: 'b', amount: '200.00' }], left).ok).toBe(true);
    const over = redPlan(lines, [{ invoiceLineId: 'a', amount: '1000' }, { invoiceLineId: 'b', amount: '200' }], { amount: '1100.00', tax: '143.00', total: '1243.00' });
    expect(over.exceedsLeft).toBe(true);
    expect(over.ok).toBe(false);
  });

  it('refuses bad amounts and quantities, and an empty choice', () => {
    expect(redPlan(lines, [{ invoiceLineId: 'a', amount: 'x' }], left).problems).toEqual({ a: 'AMOUNT_INVALID' });
    expect(redPlan(lines, [{ invoiceLineId: 'a', amount: '1.001' }], left).problems).toEqual({ a: 'AMOUNT_INVALID' });
    expect(redPlan(lines, [{ invoiceLineId: 'a', amount: '0' }], left).problems).toEqual({ a: 'AMOUNT_NOT_POSITIVE' });
    expect(redPlan(lines, [{ invoiceLineId: 'a', amount: '10', qty: '11' }], left).problems).toEqual({ a: 'EXCEEDS_QTY' });
    expect(redPlan(lines, [], left)).toMatchObject({ empty: true, ok: false, total: '0.00' });
  });

  it('prices a quantity and tells what is left', () => {
    expect(amountForQty('2.5', line('a', '1000.00'))).toBe('250.00');
    expect(amountForQty('x', line('a', '1000.00'))).toBe('');
    expect(hasLeft(left)).toBe(true);
    expect(hasLeft({ amount: '0.00', tax: '0.00', total: '0.00' })).toBe(false);
    expect(hasLeft(null)).toBe(false);
  });
});
