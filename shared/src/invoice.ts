/**
 * Invoices (发票, issue #13): codes on the wire, invoice-number rules per type and the search-box
 * classifier. Pure functions shared by the server (checked at the edge, matched in reconciliation)
 * and the web (immediate feedback). Formats: ../../../shared/invoice-facts.md.
 */
import { isValidCreditCode as validCredit } from './tax-id';

/** 票种 codes. 数电 types carry a 20-digit number; the others a 10/12-digit code + an 8-digit number. */
export enum InvoiceType {
  ELEC_SPECIAL = '81',
  ELEC_NORMAL = '82',
  ELEC_PAPER_SPECIAL = '85',
  ELEC_PAPER_NORMAL = '86',
  SPECIAL = '01',
  NORMAL = '04',
  E_SPECIAL = '08',
  E_NORMAL = '10',
  ROLL = '11',
}
export const INVOICE_TYPES = Object.values(InvoiceType);
/** types numbered by a 20-digit 数电 number */
export const ELEC_TYPES: readonly string[] = [InvoiceType.ELEC_SPECIAL, InvoiceType.ELEC_NORMAL, InvoiceType.ELEC_PAPER_SPECIAL, InvoiceType.ELEC_PAPER_NORMAL];
/** paper invoices: the only ones that can be voided (作废), and only in their month */
export const PAPER_TYPES: readonly string[] = [InvoiceType.SPECIAL, InvoiceType.NORMAL, InvoiceType.ROLL, InvoiceType.ELEC_PAPER_SPECIAL, InvoiceType.ELEC_PAPER_NORMAL];
/** the platform's 发票票种 names (export column) -> code */
export const INVOICE_TYPE_NAMES: Record<string, InvoiceType> = {
  数电发票增值税专用发票: InvoiceType.ELEC_SPECIAL,
  '数电发票（增值税专用发票）': InvoiceType.ELEC_SPECIAL,
  数电专票: InvoiceType.ELEC_SPECIAL,
  '电子发票（增值税专用发票）': InvoiceType.ELEC_SPECIAL,
  数电发票普通发票: InvoiceType.ELEC_NORMAL,
  '数电发票（普通发票）': InvoiceType.ELEC_NORMAL,
  数电普票: InvoiceType.ELEC_NORMAL,
  '电子发票（普通发票）': InvoiceType.ELEC_NORMAL,
  '数电纸质发票（增值税专用发票）': InvoiceType.ELEC_PAPER_SPECIAL,
  '数电纸质发票（普通发票）': InvoiceType.ELEC_PAPER_NORMAL,
  增值税专用发票: InvoiceType.SPECIAL,
  增值税普通发票: InvoiceType.NORMAL,
  增值税电子专用发票: InvoiceType.E_SPECIAL,
  电子专票: InvoiceType.E_SPECIAL,
  增值税电子普通发票: InvoiceType.E_NORMAL,
  电子普票: InvoiceType.E_NORMAL,
  '增值税普通发票（卷票）': InvoiceType.ROLL,
  卷票: InvoiceType.ROLL,
};
/** the platform's name of each type (export and register files) */
export const INVOICE_TYPE_LABEL_ZH: Record<InvoiceType, string> = {
  [InvoiceType.ELEC_SPECIAL]: '数电发票（增值税专用发票）',
  [InvoiceType.ELEC_NORMAL]: '数电发票（普通发票）',
  [InvoiceType.ELEC_PAPER_SPECIAL]: '数电纸质发票（增值税专用发票）',
  [InvoiceType.ELEC_PAPER_NORMAL]: '数电纸质发票（普通发票）',
  [InvoiceType.SPECIAL]: '增值税专用发票',
  [InvoiceType.NORMAL]: '增值税普通发票',
  [InvoiceType.E_SPECIAL]: '增值税电子专用发票',
  [InvoiceType.E_NORMAL]: '增值税电子普通发票',
  [InvoiceType.ROLL]: '增值税普通发票（卷票）',
};

/** A type given as a code ("81", 81) or the platform's name; undefined when unknown. */
export function parseInvoiceType(raw: string | null | undefined): InvoiceType | undefined {
  const t = String(raw ?? '').replace(/\s+/g, '');
  if (!t) return undefined;
  if (/^\d{1,2}$/.test(t)) {
    const code = t.padStart(2, '0');
    return (INVOICE_TYPES as string[]).includes(code) ? (code as InvoiceType) : undefined;
  }
  return INVOICE_TYPE_NAMES[t] ?? INVOICE_TYPE_NAMES[t.replace(/\(/g, '（').replace(/\)/g, '）')];
}

export enum InvoiceStatus {
  NORMAL = 'NORMAL',
  VOIDED = 'VOIDED',
  RED_FULL = 'RED_FULL',
  RED_PARTIAL = 'RED_PARTIAL',
}
/** the platform's 发票状态 words */
export const INVOICE_STATUS_ZH: Record<InvoiceStatus, string> = {
  [InvoiceStatus.NORMAL]: '正常',
  [InvoiceStatus.VOIDED]: '已作废',
  [InvoiceStatus.RED_FULL]: '已红冲-全额',
  [InvoiceStatus.RED_PARTIAL]: '已红冲-部分',
};
export function parseInvoiceStatus(raw: string | null | undefined): InvoiceStatus | undefined {
  const t = String(raw ?? '').replace(/\s+/g, '').replace(/[—–－]/g, '-');
  if ((Object.values(InvoiceStatus) as string[]).includes(t)) return t as InvoiceStatus;
  return (Object.entries(INVOICE_STATUS_ZH) as [InvoiceStatus, string][]).find(([, zh]) => zh === t)?.[0];
}

export enum InvoiceKind {
  BLUE = 'BLUE',
  RED = 'RED',
}
export enum InvoiceSource {
  ISSUED = 'ISSUED',
  SUPPLEMENTARY = 'SUPPLEMENTARY',
  PLATFORM = 'PLATFORM',
  IMPORTED = 'IMPORTED',
}
/** 红冲原因 */
export enum RedReason {
  WRONG = '01',
  RETURNED = '02',
  SERVICE_STOPPED = '03',
  ALLOWANCE = '04',
}
export enum ReconCategory {
  MATCHED = 'MATCHED',
  MISSING_IN_SYSTEM = 'MISSING_IN_SYSTEM',
  MISSING_ON_PLATFORM = 'MISSING_ON_PLATFORM',
  AMOUNT_MISMATCH = 'AMOUNT_MISMATCH',
  STATUS_MISMATCH = 'STATUS_MISMATCH',
  DUPLICATE = 'DUPLICATE',
  INVALID_TAX_ID = 'INVALID_TAX_ID',
  RED_WITHOUT_BLUE = 'RED_WITHOUT_BLUE',
}
export const RECON_CATEGORIES = Object.values(ReconCategory);
export type ReconResolutionKind = 'SUPPLEMENTED' | 'STATUS_CORRECTED' | 'EXPLAINED';
export type SupplementStatus = 'PENDING_APPROVAL' | 'APPROVED' | 'REJECTED';
/** the tracking number prefix of a supplementary entry (补录): BL20261206-0001 */
export const SUPPLEMENT_PREFIX = 'BL';

// ---------------------------------------------------------------------------------------------
// invoice numbers

/** the shapes of the old 发票代码 */
export const CODE10_PATTERN = /^\d{8}[2-9][0-4]$/;
export const CODE12_PATTERN = /^0\d{11}$/;

/** A number as typed or read from a spreadsheet: digits only (spaces, dashes, a trailing ".0" of a numeric cell removed). */
export function digitsOnly(raw: string | number | null | undefined): string {
  if (raw === null || raw === undefined) return '';
  return String(raw).trim().replace(/\.0+$/, '').replace(/\D/g, '');
}

/** The code lengths of a type (01 专票: 10; electronic 08/10 and 卷票 11: 12; 04 普票: either). */
export function codeLengths(type: string | undefined): number[] {
  if (type === InvoiceType.SPECIAL) return [10];
  if (type === InvoiceType.NORMAL || type === undefined) return [10, 12];
  return [12];
}

/**
 * 发票代码 normalised: digits only, leading zeros restored by the type's length (a spreadsheet
 * turned "044001900111" into 44001900111). With two possible lengths, 11 digits is a 12-digit
 * code that lost its "0" (12-digit codes start with 0; 10-digit ones never do).
 */
export function normalizeInvoiceCode(raw: string | number | null | undefined, type?: string): string {
  const d = digitsOnly(raw);
  if (!d) return '';
  const lengths = codeLengths(type);
  if (lengths.length === 1) return d.length < lengths[0] ? d.padStart(lengths[0], '0') : d;
  return d.length === 11 ? `0${d}` : d;
}
/** 发票号码 (8 digits) normalised: digits only, leading zeros restored. */
export function normalizeInvoiceNumber(raw: string | number | null | undefined): string {
  const d = digitsOnly(raw);
  return d && d.length < 8 ? d.padStart(8, '0') : d;
}
/** 数电 number (20 digits) normalised: digits only. It starts with the year (never 0), so nothing is padded: a short one is wrong. */
export function normalizeElecNumber(raw: string | number | null | undefined): string {
  return digitsOnly(raw);
}

export const isElecType = (type: string) => ELEC_TYPES.includes(type);

export interface InvoiceNumberInput {
  elecNumber?: string | null;
  code?: string | null;
  number?: string | null;
}
export type InvoiceNumberField = 'elecNumber' | 'code' | 'number';
export type ParsedInvoiceNumber = { ok: true; elecNumber: string | null; code: string | null; number: string | null } | { ok: false; field: InvoiceNumberField; reason: 'MISSING' | 'FORMAT' };

/**
 * The numbers of an invoice of `type`, normalised and checked: 数电 types need a 20-digit number
 * (a code/number beside it is kept when well-formed: 数电纸质 invoices print both); the others a
 * code of their type's shape and an 8-digit number.
 */
export function parseInvoiceNumbers(type: string, input: InvoiceNumberInput): ParsedInvoiceNumber {
  const elec = normalizeElecNumber(input.elecNumber);
  const code = normalizeInvoiceCode(input.code, type);
  const number = normalizeInvoiceNumber(input.number);
  if (isElecType(type)) {
    if (!elec) return { ok: false, field: 'elecNumber', reason: 'MISSING' };
    if (!/^\d{20}$/.test(elec)) return { ok: false, field: 'elecNumber', reason: 'FORMAT' };
    const both = !!code && !!number && codeFits(code, type) && /^\d{8}$/.test(number);
    return { ok: true, elecNumber: elec, code: both ? code : null, number: both ? number : null };
  }
  if (!code) return { ok: false, field: 'code', reason: 'MISSING' };
  if (!codeFits(code, type)) return { ok: false, field: 'code', reason: 'FORMAT' };
  if (!number) return { ok: false, field: 'number', reason: 'MISSING' };
  if (!/^\d{8}$/.test(number)) return { ok: false, field: 'number', reason: 'FORMAT' };
  return { ok: true, elecNumber: null, code, number };
}

function codeFits(code: string, type: string): boolean {
  return codeLengths(type).some((n) => (n === 10 ? CODE10_PATTERN.test(code) : CODE12_PATTERN.test(code)));
}

/** How people name an invoice: the 数电 number, else 代码 号码. */
export function invoiceLabel(i: { elecNumber?: string | null; code?: string | null; number?: string | null }): string {
  return i.elecNumber || [i.code, i.number].filter(Boolean).join(' ');
}

/** The red invoice's remark naming its blue original: `被红冲蓝字数电票号码：<20>`. */
export function blueNumberInRemark(remark: string | null | undefined): string | null {
  const m = /被红冲蓝字数电票号码[:：]\s*(\d{20})/.exec(remark ?? '');
  return m ? m[1] : null;
}

// ---------------------------------------------------------------------------------------------
// the search box

export type InvoiceQuery =
  | { kind: 'ELEC'; elecNumber: string; code: string; number: string }
  | { kind: 'NUMBER'; number: string }
  | { kind: 'CODE_NUMBER'; code: string; number: string }
  | { kind: 'TAX_ID'; taxId: string }
  | { kind: 'NAME'; text: string }
  | { kind: 'NONE' };

/**
 * What the one search box was given: a 20-digit 数电 number (also read as a 12-digit code + 8-digit
 * number typed without a space), an 8-digit number, a code + number in any spacing
 * ("044001900111 12345678", "4400191130-00123456"), a tax id, or else a name.
 */
export function classifyInvoiceQuery(raw: string | null | undefined): InvoiceQuery {
  const q = String(raw ?? '').trim();
  if (!q) return { kind: 'NONE' };
  const compact = q.replace(/[\s\-_.,，、/]+/g, '');
  if (/^\d{20}$/.test(compact)) {
    const groups = q.split(/[^\d]+/).filter(Boolean);
    if (groups.length === 2 && [10, 11, 12].includes(groups[0].length) && groups[1].length <= 8) {
      return { kind: 'CODE_NUMBER', code: normalizeInvoiceCode(groups[0]), number: normalizeInvoiceNumber(groups[1]) };
    }
    return { kind: 'ELEC', elecNumber: compact, code: compact.slice(0, 12), number: compact.slice(12) };
  }
  if (/^\d{8}$/.test(compact)) return { kind: 'NUMBER', number: compact };
  const groups = q.split(/[^\dA-Za-z]+/).filter(Boolean);
  if (groups.length === 2 && /^\d{10,12}$/.test(groups[0]) && /^\d{1,8}$/.test(groups[1])) {
    return { kind: 'CODE_NUMBER', code: normalizeInvoiceCode(groups[0]), number: normalizeInvoiceNumber(groups[1]) };
  }
  const upper = compact.toUpperCase();
  if (/^[0-9A-Z]{15,20}$/.test(upper) && /\d{6}/.test(upper)) {
    // 18 digits that are not a credit code: a 10-digit code and an 8-digit number typed together
    if (/^\d{18}$/.test(upper) && CODE10_PATTERN.test(upper.slice(0, 10)) && !validCredit(upper)) {
      return { kind: 'CODE_NUMBER', code: upper.slice(0, 10), number: upper.slice(10) };
    }
    return { kind: 'TAX_ID', taxId: upper };
  }
  return { kind: 'NAME', text: q };
}
