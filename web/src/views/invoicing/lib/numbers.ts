import { PAPER_TYPES as SHARED_PAPER, classifyInvoiceQuery, codeLengths, digitsOnly as sharedDigits, invoiceLabel as sharedLabel, isElecType, parseInvoiceNumbers } from '@drp/shared';
import { INVOICE_TYPES, type InvoiceNumbers, type InvoiceType } from '@/api/invoicing';

/**
 * Invoice numbers by type, as the register shows and the forms check them. The rules are the
 * shared ones (@drp/shared invoice.ts, which the server checks at the edge): 数电 types carry a
 * 20-digit number, the others a 10/12-digit 发票代码 of their type's shape and an 8-digit 号码. A
 * form is stricter about what was typed: the shared parser restores leading zeros a spreadsheet
 * dropped, but a person who types 19 digits has typed a wrong number.
 */

/** the types offered when making or entering an invoice */
export const ENTRY_TYPES: readonly InvoiceType[] = ['81', '82', '01', '04', '08', '10', '11'];
/** every type the register knows */
export const INVOICE_TYPES_ALL: readonly InvoiceType[] = INVOICE_TYPES;

export const isDigital = (type: string | null | undefined): boolean => !!type && isElecType(type);
/** paper invoices: the only ones that can be voided (same month) */
export const isPaper = (type: string | null | undefined): boolean => !!type && SHARED_PAPER.includes(type);

/** Digits only: spaces, dashes and other separators people paste are dropped. */
export const digitsOnly = (value: string | null | undefined): string => sharedDigits(value);

export type NumberProblem =
  | { field: 'elecNumber'; problem: 'REQUIRED' | 'LENGTH_20' }
  | { field: 'code'; problem: 'REQUIRED' | 'CODE'; lengths: string }
  | { field: 'number'; problem: 'REQUIRED' | 'LENGTH_8' };

/** Every problem of an invoice's numbers for its type (empty: fine). */
export function numberProblems(type: InvoiceType | '' | null | undefined, n: InvoiceNumbers): NumberProblem[] {
  if (!type) return [];
  if (isDigital(type)) {
    const elec = digitsOnly(n.elecNumber);
    if (!elec) return [{ field: 'elecNumber', problem: 'REQUIRED' }];
    if (elec.length !== 20 || !parseInvoiceNumbers(type, { elecNumber: elec }).ok) return [{ field: 'elecNumber', problem: 'LENGTH_20' }];
    return [];
  }
  const out: NumberProblem[] = [];
  const lengths = codeLengths(type);
  const lengthText = lengths.join(' / ');
  const code = digitsOnly(n.code);
  if (!code) out.push({ field: 'code', problem: 'REQUIRED', lengths: lengthText });
  else if (!lengths.includes(code.length) || (() => {
    const p = parseInvoiceNumbers(type, { code, number: '00000000' });
    return !p.ok && p.field === 'code';
  })()) out.push({ field: 'code', problem: 'CODE', lengths: lengthText });
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
export const invoiceLabel = (n: InvoiceNumbers): string => sharedLabel(n);

/** What the one search box will look for, shown under it while typing. */
export type SearchKind = 'empty' | 'elecNumber' | 'elecOrCodeNumber' | 'codeNumber' | 'number' | 'taxId' | 'name';

export interface SearchGuess {
  kind: SearchKind;
  /** the digits or id the server will look up (normalised) */
  value: string;
  code?: string;
  number?: string;
}

/**
 * What the register's search box will look for, worded under it: the shared classifier the server
 * runs (a 20-digit 数电 number — also tried as a 12-digit code + number —, an 8-digit number, a code +
 * number in any spacing, a tax id, or a name).
 */
export function classifySearch(input: string | null | undefined): SearchGuess {
  const q = classifyInvoiceQuery(input);
  switch (q.kind) {
    case 'NONE':
      return { kind: 'empty', value: '' };
    case 'ELEC':
      return /^0\d{11}$/.test(q.code) ? { kind: 'elecOrCodeNumber', value: q.elecNumber, code: q.code, number: q.number } : { kind: 'elecNumber', value: q.elecNumber };
    case 'NUMBER':
      return { kind: 'number', value: q.number };
    case 'CODE_NUMBER':
      return { kind: 'codeNumber', value: `${q.code}${q.number}`, code: q.code, number: q.number };
    case 'TAX_ID':
      return { kind: 'taxId', value: q.taxId };
    default:
      return { kind: 'name', value: q.text };
  }
}
