import { INVOICE_TYPES, type InvoiceNumbers, type InvoiceType } from '@/api/invoicing';

/**
 * Invoice numbers by type, as the register shows and the forms check them (invoice-facts.md):
 * 数电 types (81, 82) carry a 20-digit number; the others a 10- or 12-digit 发票代码 (with the
 * digits that tell the kind) and an 8-digit 发票号码. The server checks the same rules again.
 */

export const DIGITAL_TYPES: readonly InvoiceType[] = ['81', '82'];
/** paper invoices: the only ones that can be voided (same month) */
export const PAPER_TYPES: readonly InvoiceType[] = ['01', '04', '11', '85', '86'];
/** the types offered when making or entering an invoice (85/86 are accepted from the platform and imports) */
export const ENTRY_TYPES: readonly InvoiceType[] = ['81', '82', '01', '04', '08', '10', '11'];
/** every type the register knows */
export const INVOICE_TYPES_ALL: readonly InvoiceType[] = INVOICE_TYPES;

export const isDigital = (type: string | null | undefined): boolean => !!type && (DIGITAL_TYPES as readonly string[]).includes(type);
export const isPaper = (type: string | null | undefined): boolean => !!type && (PAPER_TYPES as readonly string[]).includes(type);

/** Digits only: spaces, dashes and other separators people paste are dropped. */
export const digitsOnly = (value: string | null | undefined): string => (value ?? '').replace(/[\s\-_.,，、/]/g, '');

const CODE10 = /^\d{8}[2-9][0-4]$/;
const CODE12 = /^0\d{11}$/;

/**
 * The kind digits a code must carry for its type: 10-digit codes by the 8th digit (1/5 专票,
 * 3/6 普票), 12-digit codes by the last two (13 电子专票, 11 电子普票, 04/05 普票, 06/07 卷票).
 * A type not listed takes any well-formed code.
 */
const KINDS: Partial<Record<InvoiceType, { code10?: string[]; code12?: string[] }>> = {
  '01': { code10: ['1', '5'] },
  '04': { code10: ['3', '6'], code12: ['04', '05'] },
  '08': { code12: ['13'] },
  '10': { code12: ['11'] },
  '11': { code12: ['06', '07'] },
};

export type NumberProblem =
  | { field: 'elecNumber'; problem: 'REQUIRED' | 'LENGTH_20' }
  | { field: 'code'; problem: 'REQUIRED' | 'LENGTH_10_12' | 'FORMAT' | 'KIND' }
  | { field: 'number'; problem: 'REQUIRED' | 'LENGTH_8' };

/** Whether a code is well formed (10 or 12 digits with their fixed digits), whatever its type. */
export function codeWellFormed(code: string): boolean {
  return CODE10.test(code) || CODE12.test(code);
}

/** The problem of a 发票代码 for its type, or null. */
export function codeProblem(type: InvoiceType, raw: string | null | undefined): NumberProblem | null {
  const code = digitsOnly(raw);
  if (!code) return { field: 'code', problem: 'REQUIRED' };
  if (code.length !== 10 && code.length !== 12) return { field: 'code', problem: 'LENGTH_10_12' };
  if (!codeWellFormed(code)) return { field: 'code', problem: 'FORMAT' };
  const kinds = KINDS[type];
  if (kinds) {
    const allowed = code.length === 10 ? kinds.code10 : kinds.code12;
    const kind = code.length === 10 ? code[7] : code.slice(10);
    if (!allowed || !allowed.includes(kind)) return { field: 'code', problem: 'KIND' };
  }
  return null;
}

/** Every problem of an invoice's numbers for its type (empty: fine). */
export function numberProblems(type: InvoiceType | '' | null | undefined, n: InvoiceNumbers): NumberProblem[] {
  if (!type) return [];
  if (isDigital(type)) {
    const elec = digitsOnly(n.elecNumber);
    if (!elec) return [{ field: 'elecNumber', problem: 'REQUIRED' }];
    return /^\d{20}$/.test(elec) ? [] : [{ field: 'elecNumber', problem: 'LENGTH_20' }];
  }
  const out: NumberProblem[] = [];
  const code = codeProblem(type, n.code);
  if (code) out.push(code);
  const number = digitsOnly(n.number);
  if (!number) out.push({ field: 'number', problem: 'REQUIRED' });
  else if (!/^\d{8}$/.test(number)) out.push({ field: 'number', problem: 'LENGTH_8' });
  return out;
}

/** The numbers as sent: digits only, only the fields the type carries. */
export function cleanNumbers(type: InvoiceType, n: InvoiceNumbers): InvoiceNumbers {
  return isDigital(type) ? { elecNumber: digitsOnly(n.elecNumber) } : { code: digitsOnly(n.code), number: digitsOnly(n.number) };
}

/** How an invoice is named to people: the 数电 number, else "代码 号码". */
export function invoiceLabel(n: InvoiceNumbers): string {
  if (n.elecNumber) return n.elecNumber;
  return [n.code, n.number].filter(Boolean).join(' ');
}

/** What the one search box will look for, shown under it while typing. */
export type SearchKind = 'empty' | 'elecNumber' | 'elecOrCodeNumber' | 'codeNumber' | 'number' | 'code' | 'taxId' | 'name';

export interface SearchGuess {
  kind: SearchKind;
  /** the digits or id the server will look up (normalised) */
  value: string;
  code?: string;
  number?: string;
}

const TAX_ID = /^(?=.*[A-Z])[0-9A-Z]{15}$|^(?=.*[A-Z])[0-9A-Z]{17,18}$|^[0-9A-Z]{20}$/;

/**
 * Classify what was typed or pasted into the register's search box: a 20-digit 数电 number, an
 * 8-digit number, a code + number in any spacing ("044001900111 12345678", "0440-0190-0111-1234-5678"),
 * a tax id, or a name. Twenty digits typed without a break after the 12th could be either a 数电
 * number or a 12-digit code + number: the server tries both.
 */
export function classifySearch(input: string | null | undefined): SearchGuess {
  const raw = (input ?? '').trim();
  if (!raw) return { kind: 'empty', value: '' };
  const digits = digitsOnly(raw);
  if (/^\d+$/.test(digits)) {
    const parts = raw.split(/[\s\-_.,，、/]+/).filter(Boolean);
    const last = parts[parts.length - 1] ?? '';
    const lead = digits.slice(0, digits.length - 8);
    const split = { code: lead, number: digits.slice(-8) };
    if (digits.length === 20) {
      // two parts, 12 digits then 8, say code + number
      if (parts.length === 2 && last.length === 8 && CODE12.test(lead)) return { kind: 'codeNumber', value: digits, ...split };
      return CODE12.test(lead) ? { kind: 'elecOrCodeNumber', value: digits, ...split } : { kind: 'elecNumber', value: digits };
    }
    if (digits.length === 18 && CODE10.test(lead)) return { kind: 'codeNumber', value: digits, ...split };
    if (digits.length === 8) return { kind: 'number', value: digits };
    if ((digits.length === 10 || digits.length === 12) && codeWellFormed(digits)) return { kind: 'code', value: digits };
  }
  const upper = raw.replace(/\s+/g, '').toUpperCase();
  if (TAX_ID.test(upper)) return { kind: 'taxId', value: upper };
  return { kind: 'name', value: raw };
}
