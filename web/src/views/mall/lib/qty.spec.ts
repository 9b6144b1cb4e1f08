import { describe, expect, it } from 'vitest';
import { quantityProblem } from '@drp/shared';
import { minValidQty, normalizeQty, qtyProblem, qtyRuleText, qtyText, qtyWire, stepDown, stepUp } from './qty';

const rule = (minOrderQty: string, orderMultiple: string) => ({ minOrderQty, orderMultiple });

describe('mall quantity rules', () => {
  it('starts at the minimum rounded up to the multiple, at least one multiple', () => {
    expect(minValidQty(rule('24.000', '24.000'))).toBe('24');
    expect(minValidQty(rule('5', '2'))).toBe('6');
    expect(minValidQty(rule('0', '6'))).toBe('6');
    expect(minValidQty(rule('1', '1'))).toBe('1');
    expect(minValidQty(rule('1.5', '0.5'))).toBe('1.5');
    // a broken multiple (0) counts as 1, never divides by zero
    expect(minValidQty(rule('3', '0'))).toBe('3');
  });

  it('steps by the multiple and never below the minimum', () => {
    const r = rule('12', '6');
    expect(stepUp('12', r)).toBe('18');
    expect(stepDown('18', r)).toBe('12');
    expect(stepDown('12', r)).toBeNull();
    // an off-multiple value is first made valid
    expect(stepUp('13', r)).toBe('24');
    expect(stepDown('13', r)).toBe('12');
    // decimals stay exact (no 0.30000000000000004)
    expect(stepUp('0.2', rule('0.1', '0.1'))).toBe('0.3');
  });

  it('makes any typed quantity valid: rounds up to the multiple, at least the minimum', () => {
    const r = rule('24', '12');
    expect(normalizeQty('25', r)).toBe('36');
    expect(normalizeQty('10', r)).toBe('24');
    expect(normalizeQty('48', r)).toBe('48');
    expect(normalizeQty('', r)).toBe('24');
    expect(normalizeQty('abc', r)).toBe('24');
    expect(normalizeQty('-5', r)).toBe('24');
    expect(normalizeQty(null, r)).toBe('24');
    expect(normalizeQty(' 60 ', r)).toBe('60');
  });

  it('finds the same problems as the server', () => {
    const cases: [string, string, string][] = [
      ['24', '24', '24'],
      ['23', '24', '24'],
      ['30', '24', '6'],
      ['31', '24', '6'],
      ['0', '1', '1'],
      ['-1', '1', '1'],
      ['2.5', '1', '0.5'],
      ['2.4', '1', '0.5'],
    ];
    for (const [q, min, mult] of cases) expect([q, qtyProblem(q, rule(min, mult))]).toEqual([q, quantityProblem(q, min, mult)]);
    expect(qtyProblem('x', rule('1', '1'))).toBe('INVALID_QUANTITY');
    // whatever the stepper produces is always fine for the server
    for (const typed of ['1', '7', '23.5', '100', '']) {
      const r = rule('5', '2');
      expect(quantityProblem(normalizeQty(typed, r), r.minOrderQty, r.orderMultiple)).toBeNull();
    }
  });

  it('shows quantities without trailing zeros and sends three decimals', () => {
    expect(qtyText('24.000')).toBe('24');
    expect(qtyText('1.500')).toBe('1.5');
    expect(qtyText('100')).toBe('100');
    expect(qtyWire('12')).toBe('12.000');
  });
});

describe('qtyRuleText', () => {
  const t = (key: string, p: Record<string, unknown> = {}) => `${key}:${JSON.stringify(p)}`;
  it('says only the minimum when the multiple is 1; a multiple is always said (issue #12: 20 becoming 30 unexplained)', () => {
    expect(qtyRuleText(rule('24.000', '24.000'), '瓶', t)).toBe('mall.qty.rule:{"min":"24","multiple":"24","unit":"瓶"}');
    expect(qtyRuleText(rule('6', '1'), '瓶', t)).toBe('mall.qty.ruleMinOnly:{"min":"6","unit":"瓶"}');
    // any quantity goes: nothing to say
    expect(qtyRuleText(rule('1', '1'), '瓶', t)).toBe('');
  });
  it('names both otherwise, with the minimum as it can really be ordered', () => {
    expect(qtyRuleText(rule('5', '2'), '箱', t)).toBe('mall.qty.rule:{"min":"6","multiple":"2","unit":"箱"}');
  });
});
