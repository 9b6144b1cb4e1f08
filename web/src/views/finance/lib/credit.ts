/** 信用设置: the rules of the credit form, mirroring the server (credit_days BETWEEN 0 AND 3650). */

export const MAX_CREDIT_DAYS = 3650;

export type CreditDaysProblem = 'required' | 'format' | 'range';

/** What is wrong with typed credit days (null when fine): a whole number from 0 to 3650. */
export function creditDaysProblem(raw: string | number | null | undefined): CreditDaysProblem | null {
  const s = String(raw ?? '').trim();
  if (s === '') return 'required';
  if (!/^\d+$/.test(s)) return 'format';
  const n = Number(s);
  if (n > MAX_CREDIT_DAYS) return 'range';
  return null;
}
