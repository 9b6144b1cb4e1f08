import { beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick, ref } from 'vue';
import type { ReceivableDto } from '@drp/shared';

const api = vi.hoisted(() => ({ receivables: vi.fn() }));
vi.mock('@/api/finance', () => ({ financeApi: { receivables: api.receivables } }));

import { useAllocation, useOpenReceivables } from './useAllocation';

const receivable = (id: string, openAmount: string, dueDate: string): ReceivableDto => ({
  id,
  number: `FH-${id}`,
  shipmentId: `s-${id}`,
  orderId: `o-${id}`,
  orderNumber: `SO-${id}`,
  dealerId: 'd1',
  dealerCode: 'D-BJ001',
  dealerName: '北京华联',
  branchName: '北京分公司',
  salesRepName: null,
  businessDate: '2026-01-01',
  dueDate,
  amount: openAmount,
  openAmount,
  daysOverdue: 0,
});

describe('useOpenReceivables', () => {
  beforeEach(() => api.receivables.mockReset());

  it('asks for the open receivables of the dealer, oldest due first, dropping settled ones', async () => {
    api.receivables.mockResolvedValue({ items: [receivable('b', '50.00', '2026-02-01'), receivable('a', '10.00', '2026-01-01'), receivable('z', '0.00', '2025-12-01')], total: 3, page: 1, pageSize: 200 });
    const open = useOpenReceivables();
    await open.load('d1');
    expect(api.receivables).toHaveBeenCalledWith({ dealerId: 'd1', open: 'true', sort: 'dueDate', pageSize: 200 });
    expect(open.items.value.map((r) => r.id)).toEqual(['a', 'b']);
    await open.load(null);
    expect(open.items.value).toEqual([]);
  });

  it('ignores the late answer of an earlier dealer', async () => {
    let resolveFirst: (v: unknown) => void = () => undefined;
    api.receivables.mockReturnValueOnce(new Promise((r) => (resolveFirst = r))).mockResolvedValueOnce({ items: [receivable('x', '5.00', '2026-01-01')], total: 1, page: 1, pageSize: 200 });
    const open = useOpenReceivables();
    const first = open.load('d1');
    await open.load('d2');
    resolveFirst({ items: [receivable('old', '1.00', '2026-01-01')], total: 1, page: 1, pageSize: 200 });
    await first;
    expect(open.items.value.map((r) => r.id)).toEqual(['x']);
  });
});

describe('useAllocation', () => {
  const items = ref([receivable('a', '100.00', '2026-01-01'), receivable('b', '200.00', '2026-02-01')]);

  it('previews the automatic split and the prepayment', async () => {
    const amount = ref('250');
    const alloc = useAllocation(items, () => amount.value);
    expect(alloc.outcome.value).toEqual({ allocated: '250.00', prepayment: '0.00', count: 2 });
    amount.value = '350.5';
    await nextTick();
    expect(alloc.outcome.value).toEqual({ allocated: '300.00', prepayment: '50.50', count: 2 });
    expect(alloc.inputs()).toBeUndefined();
    amount.value = 'x';
    await nextTick();
    expect(alloc.outcome.value).toBeNull();
    expect(alloc.valid.value).toBe(false);
  });

  it('checks manual amounts against each open amount and the receipt amount', async () => {
    const amount = ref('120');
    const alloc = useAllocation(items, () => amount.value);
    alloc.mode.value = 'manual';
    alloc.amounts.a = '100';
    alloc.amounts.b = '30';
    await nextTick();
    expect(alloc.check.value.exceedsReceipt).toBe(true);
    expect(alloc.valid.value).toBe(false);
    alloc.amounts.b = '20';
    await nextTick();
    expect(alloc.valid.value).toBe(true);
    expect(alloc.outcome.value).toEqual({ allocated: '120.00', prepayment: '0.00', count: 2 });
    expect(alloc.inputs()).toEqual([
      { receivableId: 'a', amount: '100.00' },
      { receivableId: 'b', amount: '20.00' },
    ]);
    alloc.fillRow(items.value[1]);
    expect(alloc.amounts.b).toBe('200');
    expect(alloc.check.value.rowProblems.size).toBe(0);
    expect(alloc.check.value.exceedsReceipt).toBe(true);
  });

  it('fills oldest first and clears', () => {
    const alloc = useAllocation(items, () => '150');
    alloc.mode.value = 'manual';
    alloc.fillOldest();
    expect({ ...alloc.amounts }).toEqual({ a: '100', b: '50' });
    alloc.clear();
    expect({ ...alloc.amounts }).toEqual({});
    alloc.reset();
    expect(alloc.mode.value).toBe('auto');
  });
});
