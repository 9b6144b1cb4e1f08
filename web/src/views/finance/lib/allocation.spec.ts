import { describe, expect, it } from 'vitest';
import { allocateOldestFirst, allocationInputs, amountProblem, checkAllocations, oldestFirst, type OpenItem } from './allocation';

const item = (id: string, openAmount: string, dueDate: string, businessDate = '2026-01-01', number = id): OpenItem => ({ id, openAmount, dueDate, businessDate, number });

describe('amountProblem', () => {
  it('accepts plain amounts with up to 2 decimals', () => {
    expect(amountProblem('12')).toBeNull();
    expect(amountProblem('12.5')).toBeNull();
    expect(amountProblem(' 0.01 ')).toBeNull();
  });

  it('names what is wrong', () => {
    expect(amountProblem('')).toBeNull();
    expect(amountProblem('', { required: true })).toBe('required');
    expect(amountProblem('1e3')).toBe('format');
    expect(amountProblem('12,5')).toBe('format');
    expect(amountProblem('-5')).toBe('negative');
    expect(amountProblem('1.005')).toBe('scale');
    expect(amountProblem('0', { positive: true })).toBe('positive');
    expect(amountProblem('0')).toBeNull();
    expect(amountProblem('12345678901234567')).toBe('tooLarge');
  });
});

describe('oldest-first allocation', () => {
  const items = [item('c', '300.00', '2026-03-01'), item('a', '100.00', '2026-01-10'), item('b', '200.00', '2026-02-01')];

  it('orders by due date, then business date, then number', () => {
    expect(oldestFirst(items).map((i) => i.id)).toEqual(['a', 'b', 'c']);
    const sameDue = [item('y', '1', '2026-01-01', '2025-12-02', 'FH2'), item('x', '1', '2026-01-01', '2025-12-02', 'FH1'), item('z', '1', '2026-01-01', '2025-12-01', 'FH3')];
    expect(oldestFirst(sameDue).map((i) => i.id)).toEqual(['z', 'x', 'y']);
  });

  it('pays the oldest in full first and leaves the rest as a prepayment', () => {
    const { allocations, rest } = allocateOldestFirst('250', items);
    expect([...allocations]).toEqual([
      ['a', '100.00'],
      ['b', '150.00'],
    ]);
    expect(rest).toBe('0.00');
    const all = allocateOldestFirst('1000.50', items);
    expect(all.allocations.size).toBe(3);
    expect(all.rest).toBe('400.50');
  });

  it('allocates nothing from an invalid amount', () => {
    expect(allocateOldestFirst('abc', items)).toEqual({ allocations: new Map(), rest: '0.00' });
  });
});

describe('checkAllocations', () => {
  const rows = (a: string, b: string) => [
    { id: 'a', openAmount: '100.00', amount: a },
    { id: 'b', openAmount: '200.00', amount: b },
  ];

  it('sums valid rows and shows the rest as prepayment', () => {
    const check = checkAllocations('500', rows('100', '50.5'));
    expect(check).toMatchObject({ allocated: '150.50', unallocated: '349.50', exceedsReceipt: false, any: true, valid: true });
    expect(check.rowProblems.size).toBe(0);
  });

  it('refuses a row above its open amount', () => {
    const check = checkAllocations('500', rows('100.01', ''));
    expect(check.rowProblems.get('a')).toBe('exceedsOpen');
    expect(check.valid).toBe(false);
  });

  it('refuses allocations above the receipt amount', () => {
    const check = checkAllocations('120', rows('100', '30'));
    expect(check).toMatchObject({ allocated: '130.00', unallocated: '-10.00', exceedsReceipt: true, valid: false });
  });

  it('reports malformed rows and an invalid receipt amount', () => {
    const check = checkAllocations('', rows('1.234', '-1'));
    expect(check.rowProblems.get('a')).toBe('scale');
    expect(check.rowProblems.get('b')).toBe('negative');
    expect(check.unallocated).toBeNull();
    expect(check.valid).toBe(false);
  });

  it('treats blank rows as nothing allocated', () => {
    expect(checkAllocations('80', rows('', ''))).toMatchObject({ allocated: '0.00', unallocated: '80.00', any: false, valid: true });
  });

  it('sends only non-zero rows, normalised', () => {
    expect(allocationInputs([{ id: 'a', amount: '12.5' }, { id: 'b', amount: '' }, { id: 'c', amount: '0' }, { id: 'd', amount: 'x' }])).toEqual([{ receivableId: 'a', amount: '12.50' }]);
  });
});
