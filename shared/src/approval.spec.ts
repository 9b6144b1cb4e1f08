import { ApprovalDocType, conditionProblems, ConditionGroup, evaluateCondition, UNREAD_COUNT_LIMIT, unreadText } from './approval';

const T = ApprovalDocType.SALES_ORDER;
const over = (n: string): ConditionGroup => ({ op: 'all', items: [{ fact: 'amount', operator: 'gt', value: n }] });

describe('approval conditions', () => {
  it('routes the plan example: > 5,000 to the manager, > 10,000 also to the VP', () => {
    const route = (amount: string) => [over('5000'), over('10000')].map((c) => evaluateCondition(T, c, { amount }).holds);
    expect(route('3000.00')).toEqual([false, false]);
    expect(route('7000.00')).toEqual([true, false]);
    expect(route('12000.00')).toEqual([true, true]);
    expect(route('5000.00')).toEqual([false, false]);
    expect(route('5000.01')).toEqual([true, false]);
  });

  it('combines all/any groups and records the comparisons that matched', () => {
    const cond: ConditionGroup = {
      op: 'any',
      items: [
        { fact: 'belowFloor', operator: 'eq', value: true },
        { op: 'all', items: [{ fact: 'amount', operator: 'gte', value: '1000' }, { fact: 'dealerLevel', operator: 'in', value: ['8', '9', '10'] }] },
      ],
    };
    expect(evaluateCondition(T, cond, { belowFloor: false, amount: '1500', dealerLevel: 9 })).toEqual({ holds: true, matched: ['amount gte 1000', 'dealerLevel in 8|9|10'] });
    expect(evaluateCondition(T, cond, { belowFloor: true, amount: '10', dealerLevel: 1 })).toEqual({ holds: true, matched: ['belowFloor eq true'] });
    expect(evaluateCondition(T, cond, { belowFloor: false, amount: '1500', dealerLevel: 2 }).holds).toBe(false);
    expect(evaluateCondition(T, null, {}).holds).toBe(true);
  });

  it('compares strings as text, even when they look like numbers', () => {
    const cond: ConditionGroup = { op: 'all', items: [{ fact: 'branchCode', operator: 'in', value: ['001', 'BJ'] }] };
    expect(evaluateCondition(T, cond, { branchCode: '001' }).holds).toBe(true);
    expect(evaluateCondition(T, cond, { branchCode: '1' }).holds).toBe(false);
  });

  it('names unknown facts, operators that do not fit, and bad values', () => {
    const bad: ConditionGroup = {
      op: 'all',
      items: [
        { fact: 'colour', operator: 'eq', value: 'red' },
        { fact: 'belowFloor', operator: 'gt', value: true },
        { fact: 'amount', operator: 'gt', value: 'lots' },
        { op: 'any', items: [{ fact: 'source', operator: 'in', value: [] }] },
      ],
    };
    expect(conditionProblems(T, bad).map((p) => [p.path, p.code])).toEqual([
      ['condition.items.0', 'UNKNOWN_FACT'],
      ['condition.items.1', 'BAD_OPERATOR'],
      ['condition.items.2', 'BAD_VALUE'],
      ['condition.items.3.items.0', 'BAD_VALUE'],
    ]);
    expect(conditionProblems(T, over('5000'))).toEqual([]);
  });

  it('knows each document type by its own facts: a fact of another type is unknown there', () => {
    const excess: ConditionGroup = { op: 'all', items: [{ fact: 'excess', operator: 'gt', value: '20000' }] };
    expect(conditionProblems(ApprovalDocType.CREDIT_OVERRIDE, excess)).toEqual([]);
    expect(conditionProblems(T, excess).map((p) => p.code)).toEqual(['UNKNOWN_FACT']);
    expect(evaluateCondition(ApprovalDocType.CREDIT_OVERRIDE, excess, { excess: '20000.01' })).toEqual({ holds: true, matched: ['excess gt 20000'] });
    expect(evaluateCondition(ApprovalDocType.CREDIT_OVERRIDE, excess, { excess: '20000.00' }).holds).toBe(false);
    const loss: ConditionGroup = { op: 'any', items: [{ fact: 'lossAmount', operator: 'gte', value: '2000' }, { fact: 'warehouseCode', operator: 'in', value: ['WH-BJ', 'WH-SH'] }] };
    expect(conditionProblems(ApprovalDocType.STOCK_ADJUSTMENT, loss)).toEqual([]);
    expect(evaluateCondition(ApprovalDocType.STOCK_ADJUSTMENT, loss, { lossAmount: '10.00', warehouseCode: 'WH-SH' })).toEqual({ holds: true, matched: ['warehouseCode in WH-BJ|WH-SH'] });
    // a boolean fact only compares with eq; the gap below the floor is a number
    expect(conditionProblems(ApprovalDocType.BELOW_FLOOR_PRICE, { op: 'all', items: [{ fact: 'belowFloorGap', operator: 'eq', value: true }] }).map((p) => p.code)).toEqual(['BAD_VALUE']);
    expect(conditionProblems(ApprovalDocType.RECEIPT_REVERSAL, { op: 'all', items: [{ fact: 'ageDays', operator: 'in', value: ['1'] }] }).map((p) => p.code)).toEqual(['BAD_OPERATOR']);
  });
});

describe('unread count in words', () => {
  it('is the count up to UNREAD_COUNT_LIMIT, and LIMIT+ above it (the server counts no further)', () => {
    expect(unreadText(0)).toBe('0');
    expect(unreadText(7)).toBe('7');
    expect(unreadText(UNREAD_COUNT_LIMIT)).toBe(String(UNREAD_COUNT_LIMIT));
    expect(unreadText(UNREAD_COUNT_LIMIT + 1)).toBe(`${UNREAD_COUNT_LIMIT}+`);
    expect(unreadText(UNREAD_COUNT_LIMIT + 5000)).toBe('1000+');
  });
});
