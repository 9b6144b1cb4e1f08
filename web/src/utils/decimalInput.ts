import { Dec, isDecimalString } from '@drp/shared';

/** Checks of a decimal people typed (prices, quantities, rates), mirroring the server's `IsDecimal`. */
export interface DecimalRule {
  /** most decimals allowed */
  scale: number;
  /** inclusive minimum (default 0) */
  min?: string;
  /** strictly above 0 */
  positive?: boolean;
  /** strictly above this */
  greaterThan?: string;
  /** strictly below this */
  lessThan?: string;
}

export type DecimalProblem = 'format' | 'scale' | 'min' | 'positive' | 'greaterThan' | 'lessThan';

/**
 * What is wrong with a typed decimal (null when fine), mirroring the server's `IsDecimal`: a plain
 * decimal string (no exponent, no sign other than minus), at most `scale` decimals, within bounds.
 */
export function decimalProblem(value: string, rule: DecimalRule): DecimalProblem | null {
  const s = value.trim();
  if (!/^-?\d{1,16}(\.\d+)?$/.test(s)) return 'format';
  if (!isDecimalString(s, rule.scale)) return 'scale';
  const d = new Dec(s);
  if (rule.positive && !d.greaterThan(0)) return 'positive';
  if (rule.greaterThan !== undefined && !d.greaterThan(rule.greaterThan)) return 'greaterThan';
  if (rule.lessThan !== undefined && !d.lessThan(rule.lessThan)) return 'lessThan';
  if (d.lessThan(rule.min ?? '0')) return 'min';
  return null;
}
