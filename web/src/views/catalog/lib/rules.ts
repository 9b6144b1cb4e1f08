import type { FormItemRule } from 'element-plus';
import { t } from '@/i18n';
import { decimalProblem, type DecimalRule } from '@/utils/decimalInput';

/** The message for a decimal that breaks `rule` (translated at call time). */
export function decimalMessage(problem: ReturnType<typeof decimalProblem>, rule: DecimalRule): string {
  switch (problem) {
    case 'format':
      return t('catalog.rules.decimalFormat');
    case 'scale':
      return t('catalog.rules.decimalScale', { n: rule.scale });
    case 'positive':
      return t('catalog.rules.positive');
    case 'greaterThan':
      return t('catalog.rules.greaterThan', { n: rule.greaterThan });
    case 'lessThan':
      return t('catalog.rules.lessThan', { n: rule.lessThan });
    case 'min':
      return t('catalog.rules.min', { n: rule.min ?? '0' });
    default:
      return '';
  }
}

/**
 * An Element Plus rule for a decimal text input, mirroring the server's validation; an empty
 * value passes unless `required` (the required message key then applies).
 */
export function decimalRule(rule: DecimalRule & { required?: string }, trigger: 'blur' | 'change' = 'blur'): FormItemRule {
  return {
    trigger,
    validator: (_r, value: unknown, callback) => {
      const s = value === null || value === undefined ? '' : String(value).trim();
      if (s === '') return rule.required ? callback(new Error(t(rule.required))) : callback();
      const problem = decimalProblem(s, rule);
      return problem ? callback(new Error(decimalMessage(problem, rule))) : callback();
    },
  };
}
