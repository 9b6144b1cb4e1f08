import type ExcelJS from 'exceljs';
import {
  blueNumberInRemark, Dec, digitsOnly, ELEC_TYPES, ErrorCode, fmt, InvoiceStatus, InvoiceType, isValidTaxId, normalizeElecNumber, normalizeInvoiceCode, normalizeInvoiceNumber, normalizeTaxId,
  parseInvoiceStatus, parseInvoiceType, CODE10_PATTERN, CODE12_PATTERN,
} from '@drp/shared';
import { DomainError } from '../../common/errors/domain-error';
import { CellRead, readCell } from '../../common/excel';
import { XlsxFormatError, XlsxReader, XlsxValue } from './xlsx-rows';

/**
 * The tax platform's 全量发票查询 export, read as it really comes: sheet 发票基础信息 (one row per
 * invoice) beside 信息汇总表 (lines), a merged title row above the header, numeric cells for
 * numbers and amounts (codes that lost their leading zeros), dates as dates, blank rows and a
 * totals row. The sheet is STREAMED (xlsx-rows.ts: a sheet scanner over the inflated zip entry): rows reach
 * `onRow` one by one and memory stays flat whatever the file's size. The register import reads the
 * same layout.
 */

/** header text -> field; the first name is the platform's, the others seen in older exports */
const COLUMNS: { field: keyof RawRow; names: string[]; required: boolean }[] = [
  { field: 'seq', names: ['序号'], required: false },
  { field: 'code', names: ['发票代码'], required: true },
  { field: 'number', names: ['发票号码'], required: true },
  { field: 'elec', names: ['数电发票号码', '数电票号码', '全电发票号码'], required: true },
  { field: 'sellerTaxId', names: ['销方识别号', '销售方识别号', '销方纳税人识别号', '销售方纳税人识别号'], required: true },
  { field: 'sellerName', names: ['销方名称', '销售方名称'], required: true },
  { field: 'buyerTaxId', names: ['购方识别号', '购买方识别号', '购方纳税人识别号', '购买方纳税人识别号'], required: true },
  { field: 'buyerName', names: ['购买方名称', '购方名称'], required: true },
  { field: 'issueDate', names: ['开票日期'], required: true },
  { field: 'amount', names: ['金额'], required: true },
  { field: 'tax', names: ['税额'], required: true },
  { field: 'total', names: ['价税合计'], required: true },
  { field: 'source', names: ['发票来源'], required: false },
  { field: 'type', names: ['发票票种', '票种'], required: true },
  { field: 'status', names: ['发票状态'], required: true },
  { field: 'positive', names: ['是否正数发票'], required: true },
  { field: 'risk', names: ['发票风险等级'], required: false },
  { field: 'issuer', names: ['开票人'], required: false },
  { field: 'remark', names: ['备注'], required: false },
];
export const REQUIRED_HEADERS = COLUMNS.filter((c) => c.required).map((c) => c.names[0]);
const HEADER_OF: Record<string, string> = Object.fromEntries(COLUMNS.map((c) => [c.field, c.names[0]]));
export const BASIC_SHEET = '发票基础信息';
const HEADER_SEARCH_ROWS = 10;
export const MAX_PLATFORM_ROWS = 200000;

type RawRow = Record<'seq' | 'code' | 'number' | 'elec' | 'sellerTaxId' | 'sellerName' | 'buyerTaxId' | 'buyerName' | 'issueDate' | 'amount' | 'tax' | 'total' | 'source' | 'type' | 'status' | 'positive' | 'risk' | 'issuer' | 'remark', string>;

/** One invoice of the export, normalised. */
export interface PlatformRow {
  row: number;
  /** 'E:<数电 number>' or 'C:<code>:<number>' */
  key: string;
  elec: string | null;
  code: string | null;
  number: string | null;
  type: string;
  issueDate: string;
  sellerName: string;
  sellerTaxId: string | null;
  buyerName: string;
  buyerTaxId: string | null;
  amount: string;
  tax: string;
  total: string;
  status: InvoiceStatus;
  positive: boolean;
  risk: string | null;
  issuer: string | null;
  remark: string | null;
  source: string | null;
  /** a red invoice's blue original, from its remark */
  blueElec: string | null;
  taxIdValid: boolean;
}

export interface RowProblem {
  row: number;
  column: string;
  code: 'NUMBER_MISSING' | 'NUMBER_INVALID' | 'NUMBER_LOST_DIGITS' | 'DATE_INVALID' | 'AMOUNT_INVALID' | 'TOTAL_MISMATCH' | 'STATUS_UNKNOWN' | 'POSITIVE_UNKNOWN' | 'NAME_MISSING' | 'TOO_MANY_ROWS';
}

export interface ReadSummary {
  sheet: string;
  rows: number;
  problems: RowProblem[];
}

const norm = (s: string) => s.replace(/[\s*＊]/g, '');

/** A date cell: a Date, an Excel serial number, or text (2026-11-05, 2026/11/05, 2026年11月5日, with a time after it). */
export function dateCell(v: ExcelJS.CellValue): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().slice(0, 10);
  if (typeof v === 'number' && v > 20000 && v < 80000) return new Date(Math.round((v - 25569) * 86400000)).toISOString().slice(0, 10);
  if (v && typeof v === 'object' && 'result' in v) return dateCell((v as { result?: ExcelJS.CellValue }).result ?? null);
  const t = readCell(v).text.trim();
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})/.exec(t);
  if (!m) return null;
  const day = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day ? null : day;
}

/** Reads the header row of a sheet's first rows: field -> column number, or null when a required column is missing. */
function headerOf(values: ExcelJS.CellValue[]): Map<keyof RawRow, number> {
  const index = new Map<keyof RawRow, number>();
  values.forEach((v, col) => {
    const text = norm(readCell(v).text);
    if (!text) return;
    const c = COLUMNS.find((x) => x.names.some((n) => norm(n) === text));
    if (c && !index.has(c.field)) index.set(c.field, col);
  });
  return index;
}

/**
 * Fast paths for the cells of 100,000-row files (decimal.js per cell was a large share of the time);
 * each gives exactly what the general rule gives, and anything else takes the general rule.
 * A numeric cell of at most 13 integer digits and 2 decimals: its shortest decimal text is what
 * readCell answers (nothing to round at scale 2, no digits lost).
 */
const PLAIN_NUMBER = /^-?\d{1,13}(\.\d{1,2})?$/;
function cellText(v: ExcelJS.CellValue, scale?: number): CellRead {
  if (typeof v === 'number') {
    const t = String(v);
    if (PLAIN_NUMBER.test(t)) return { text: t };
  }
  return readCell(v ?? null, scale);
}

/** An amount text as integer cents when it has at most 13 integer digits and 2 decimals (exact in a double), else null. */
function centsOf(t: string): number | null {
  const m = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return null;
  const c = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -c : c;
}

/** Cents as the 2-decimal text fmt() gives (negative zero is 0.00 there too). */
function centsText(c: number): string {
  const a = Math.abs(c);
  const t = `${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
  return c < 0 ? `-${t}` : t;
}

/** A row of the basic sheet turned into a PlatformRow, or its problems. Exported for tests. */
export function parseRow(rowNo: number, cells: (field: keyof RawRow) => ExcelJS.CellValue, problems: RowProblem[]): PlatformRow | null {
  const text = (f: keyof RawRow, scale?: number) => cellText(cells(f) ?? null, scale);
  const before = problems.length;
  const add = (field: keyof RawRow, code: RowProblem['code']) => problems.push({ row: rowNo, column: HEADER_OF[field], code });
  const typeText = text('type').text.trim();
  const elecCell = text('elec');
  if (elecCell.lostDigits) add('elec', 'NUMBER_LOST_DIGITS');
  const elec = normalizeElecNumber(elecCell.text) || null;
  let type = parseInvoiceType(typeText);
  if (!type) type = elec ? (/专/.test(typeText) ? InvoiceType.ELEC_SPECIAL : InvoiceType.ELEC_NORMAL) : /专/.test(typeText) ? InvoiceType.SPECIAL : InvoiceType.NORMAL;
  const codeRaw = digitsOnly(text('code').text);
  const numberRaw = digitsOnly(text('number').text);
  // a 数电 type keeps only its 20-digit number; a code and number beside it are kept when well-formed
  const code = codeRaw ? normalizeInvoiceCode(codeRaw, ELEC_TYPES.includes(type) ? undefined : type) : null;
  const number = numberRaw ? normalizeInvoiceNumber(numberRaw) : null;
  if (elec && !/^\d{20}$/.test(elec)) add('elec', 'NUMBER_INVALID');
  if (!elec) {
    if (!code || !number) add(code ? 'number' : 'code', 'NUMBER_MISSING');
    else {
      if (!(CODE10_PATTERN.test(code) || CODE12_PATTERN.test(code))) add('code', 'NUMBER_INVALID');
      if (!/^\d{8}$/.test(number)) add('number', 'NUMBER_INVALID');
    }
  }
  const issueDate = dateCell(cells('issueDate') ?? null);
  if (!issueDate) add('issueDate', 'DATE_INVALID');
  const cents: (number | null)[] = [];
  const money = (f: 'amount' | 'tax' | 'total') => {
    const t = text(f, 2).text.replace(/[,¥￥\s]/g, '');
    if (!/^-?\d+(\.\d+)?$/.test(t)) {
      add(f, 'AMOUNT_INVALID');
      return null;
    }
    const c = centsOf(t);
    cents.push(c);
    return c === null ? fmt(t) : centsText(c);
  };
  const amount = money('amount');
  const tax = money('tax');
  const total = money('total');
  if (amount && tax && total) {
    const [a, b, c] = cents;
    const adds = cents.length === 3 && a !== null && b !== null && c !== null ? a + b === c : new Dec(amount).plus(tax).equals(total);
    if (!adds) add('total', 'TOTAL_MISMATCH');
  }
  const status = parseInvoiceStatus(text('status').text);
  if (!status) add('status', 'STATUS_UNKNOWN');
  const pos = text('positive').text.trim();
  const positive = pos === '是' || pos === 'Y' ? true : pos === '否' || pos === 'N' ? false : total ? !new Dec(total).isNegative() : null;
  if (positive === null) add('positive', 'POSITIVE_UNKNOWN');
  const buyerName = text('buyerName').text.trim();
  if (!buyerName) add('buyerName', 'NAME_MISSING');
  if (problems.length > before) return null;
  const buyerTaxId = normalizeTaxId(text('buyerTaxId').text) || null;
  const remark = text('remark').text.trim() || null;
  const opt = (f: keyof RawRow) => text(f).text.trim() || null;
  return {
    row: rowNo,
    key: elec ? `E:${elec}` : `C:${code}:${number}`,
    elec,
    code: elec && !(code && number && (CODE10_PATTERN.test(code) || CODE12_PATTERN.test(code)) && /^\d{8}$/.test(number)) ? null : code,
    number: elec && !(code && number && (CODE10_PATTERN.test(code) || CODE12_PATTERN.test(code)) && /^\d{8}$/.test(number)) ? null : number,
    type,
    issueDate: issueDate!,
    sellerName: text('sellerName').text.trim(),
    sellerTaxId: normalizeTaxId(text('sellerTaxId').text) || null,
    buyerName,
    buyerTaxId,
    amount: amount!,
    tax: tax!,
    total: total!,
    status: status!,
    positive: positive!,
    risk: opt('risk'),
    issuer: opt('issuer'),
    remark: remark?.slice(0, 500) ?? null,
    source: opt('source'),
    blueElec: positive ? null : blueNumberInRemark(remark),
    taxIdValid: isValidTaxId(buyerTaxId),
  };
}

/** An empty cell: nothing, or only blanks (a number, date or boolean is a value). */
const blank = (v: XlsxValue | undefined) => v === null || v === undefined || (typeof v === 'string' && !v.trim());

/** A totals row (合计 / 总计 in its first cells, or amounts without any invoice number). */
function isTotalsRow(values: XlsxValue[], index: Map<keyof RawRow, number>): boolean {
  for (let c = 0; c < 4; c++) {
    const v = values[c];
    if (typeof v === 'string' && /合\s*计|总\s*计|小\s*计/.test(v)) return true;
  }
  const has = (f: keyof RawRow) => !blank(values[index.get(f) ?? -1]);
  return !has('elec') && !has('code') && !has('number') && (has('amount') || has('total'));
}

/** Serial days between Excel's two date systems (1904-01-01 is serial 1462 of the 1900 system). */
const DATE1904_OFFSET = 1462;

/**
 * Streams a platform export (the workbook file at `path`): every invoice row of 发票基础信息 to
 * `onRow` (awaited: the caller stages a batch); the other sheets (信息汇总表, the lines) are not read.
 * Throws PLATFORM_EXPORT_COLUMNS_MISSING naming the missing columns when no header row within the
 * first rows has them all, UNSUPPORTED_FILE when the file is not a readable .xlsx workbook.
 */
export async function streamPlatformExport(path: string, onRow: (row: PlatformRow) => Promise<void>, opts: { maxRows?: number } = {}): Promise<ReadSummary> {
  const maxRows = opts.maxRows ?? MAX_PLATFORM_ROWS;
  const problems: RowProblem[] = [];
  let rows = 0;
  let bestMissing: string[] = REQUIRED_HEADERS;
  let book: XlsxReader | undefined;
  try {
    book = await XlsxReader.open(path);
    // the basic sheet: by its name, else the first sheet that is not a summary (older exports named it otherwise)
    const sheet = book.sheets.find((s) => s.name === BASIC_SHEET) ?? book.sheets.find((s) => !s.name.includes('汇总'));
    if (!sheet) throw new DomainError(ErrorCode.PLATFORM_EXPORT_COLUMNS_MISSING, `The workbook has no sheet ${BASIC_SHEET}`, { missing: REQUIRED_HEADERS, sheet: BASIC_SHEET });
    const date1904 = book.date1904;
    let index: Map<keyof RawRow, number> | null = null;
    let seen = 0;
    for await (const row of book.rows(sheet)) {
      const values = row.values;
      if (!index) {
        if (++seen > HEADER_SEARCH_ROWS) break;
        const found = headerOf(values);
        const missing = COLUMNS.filter((c) => c.required && !found.has(c.field)).map((c) => c.names[0]);
        if (!missing.length) index = found;
        else if (missing.length < bestMissing.length) bestMissing = missing;
        continue;
      }
      if (values.every((v) => blank(v))) continue;
      if (isTotalsRow(values, index)) continue;
      if (++rows > maxRows) {
        problems.push({ row: row.number, column: '', code: 'TOO_MANY_ROWS' });
        break;
      }
      const ix = index;
      const cell = (f: keyof RawRow): XlsxValue => {
        const v = values[ix.get(f) ?? -1] ?? null;
        // a 1904-system workbook counts its date serials from 1904: move them to the 1900 system dateCell reads
        return f === 'issueDate' && date1904 && typeof v === 'number' ? v + DATE1904_OFFSET : v;
      };
      const parsed = parseRow(row.number, cell, problems);
      if (problems.length >= 1000) break;
      if (parsed) await onRow(parsed);
    }
    if (!index) throw new DomainError(ErrorCode.PLATFORM_EXPORT_COLUMNS_MISSING, `Not the tax platform's export: missing columns ${bestMissing.join(', ')}`, { missing: bestMissing, sheet: sheet.name });
    return { sheet: sheet.name, rows, problems };
  } catch (e) {
    if (e instanceof DomainError) throw e;
    // a failure of the caller's onRow (the database) is the caller's, not a bad file
    if (!(e instanceof XlsxFormatError)) throw e;
    throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'The file could not be read as an Excel workbook (.xlsx)');
  } finally {
    book?.close();
  }
}
