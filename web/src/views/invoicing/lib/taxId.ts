import { isValidCreditCode, taxIdProblem as sharedTaxIdProblem } from '@drp/shared';

/**
 * Tax ids in the forms: the shared rule (@drp/shared tax-id.ts, GB 32100-2015 check character for
 * 18-character credit codes; the server checks every tax id again and answers TAX_ID_INVALID).
 */
export const creditCodeValid = (value: string): boolean => isValidCreditCode(value);

export type TaxIdProblemCode = 'MISSING' | 'FORMAT' | 'CHECKSUM';

/** The problem of a tax id as typed, or null; an empty optional one is fine. */
export function taxIdProblem(raw: string | null | undefined, required = true): TaxIdProblemCode | null {
  if (!required && !(raw ?? '').trim()) return null;
  return sharedTaxIdProblem(raw);
}
