/**
 * 统一社会信用代码 (unified social credit code, GB 32100-2015): 18 characters, the last a check
 * character over the first 17 (weights 3^i mod 31, alphabet without I O Z S V). One rule for the
 * server (every tax id entered is checked at the edge) and the web (immediate feedback).
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
export const CREDIT_CODE_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** The check character the first 17 characters of a credit code call for (undefined for a bad character). */
export function creditCodeCheckChar(first17: string): string | undefined {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = ALPHABET.indexOf(first17[i]);
    if (v < 0) return undefined;
    sum += v * WEIGHTS[i];
  }
  return ALPHABET[(31 - (sum % 31)) % 31];
}

/** Whether `code` is an 18-character credit code whose check character is right. */
export function isValidCreditCode(code: string): boolean {
  if (!CREDIT_CODE_PATTERN.test(code)) return false;
  return creditCodeCheckChar(code.slice(0, 17)) === code[17];
}

/** A tax id as typed: trimmed, upper case, inner spaces removed. */
export function normalizeTaxId(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

/**
 * Why a buyer / seller tax id (纳税人识别号) is refused, or null when it is fine. An 18-character id
 * must be a valid credit code; the old 15/17/20-character ids (digits and upper-case letters) are
 * accepted by shape only (they carry no check character).
 */
export function taxIdProblem(raw: string | null | undefined): 'MISSING' | 'FORMAT' | 'CHECKSUM' | null {
  if (raw === null || raw === undefined || !raw.trim()) return 'MISSING';
  const id = normalizeTaxId(raw);
  if (id.length === 18) {
    if (!CREDIT_CODE_PATTERN.test(id)) return 'FORMAT';
    return isValidCreditCode(id) ? null : 'CHECKSUM';
  }
  if ([15, 17, 20].includes(id.length) && /^[0-9A-Z]+$/.test(id)) return null;
  return 'FORMAT';
}

export const isValidTaxId = (raw: string | null | undefined): boolean => taxIdProblem(raw) === null;
