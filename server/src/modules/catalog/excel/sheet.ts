import { StreamableFile } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { ErrorCode, ImportProblem, ImportProblemCode, ImportProblemParams } from '@drp/shared';
import { DomainError } from '../../../common/errors/domain-error';

/**
 * Spreadsheet columns defined once and used for the template, the export and the import, so the
 * three can never disagree. Cell values are read as text: numbers keep their decimals exactly
 * as typed and are validated as decimal strings, never parsed as floats.
 */
export interface Column<Row> {
  key: keyof Row & string;
  header: string;
  width?: number;
  required?: boolean;
  example?: string;
  /** a note shown in the template's second sheet */
  note?: string;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** An .xlsx download with a file name that survives non-ASCII characters. */
export const xlsxFile = (data: Buffer, name: string) =>
  new StreamableFile(data, { type: XLSX, disposition: `attachment; filename="${encodeURIComponent(name)}"; filename*=UTF-8''${encodeURIComponent(name)}` });

export const MAX_IMPORT_ROWS = 20000;
const MAX_FILE_BYTES = 20 * 1024 * 1024;

export async function writeWorkbook<Row>(sheetName: string, columns: Column<Row>[], rows: Partial<Record<keyof Row, string | null>>[], notes?: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'DRP';
  const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.required ? `${c.header}*` : c.header, key: c.key, width: c.width ?? 14 }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8F0FE' } };
  // every cell is text: Excel must not turn codes like 0012 or 6901234567892 into numbers
  columns.forEach((_, i) => (ws.getColumn(i + 1).numFmt = '@'));
  for (const r of rows) ws.addRow(columns.map((c) => r[c.key] ?? null));
  if (notes?.length) {
    const help = wb.addWorksheet('说明 Notes');
    help.columns = [{ width: 18 }, { width: 80 }];
    notes.forEach((n) => help.addRow(n));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Reads the first sheet into rows keyed by column (header names matched, `*` ignored), with their sheet row numbers. */
export async function readWorkbook<Row>(data: Buffer | undefined, columns: Column<Row>[]): Promise<{ rowNo: number; values: Record<string, string> }[]> {
  if (!data?.length) throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'Upload an .xlsx file (field "file")');
  if (data.length > MAX_FILE_BYTES) throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'The file is larger than 20 MB');
  if (data.subarray(0, 2).toString('ascii') !== 'PK') throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'Only .xlsx files can be imported (save the sheet as Excel Workbook)');
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'The file could not be read as an Excel workbook');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'The workbook has no sheet');
  const header = ws.getRow(1);
  const index = new Map<string, number>();
  header.eachCell((cell, col) => {
    const name = cellText(cell.value).replace(/\*$/, '').trim();
    const column = columns.find((c) => c.header === name || c.key === name);
    if (column) index.set(column.key, col);
  });
  const missing = columns.filter((c) => c.required && !index.has(c.key)).map((c) => c.header);
  if (missing.length) {
    throw new DomainError(ErrorCode.IMPORT_REJECTED, `Missing columns: ${missing.join(', ')}; start from the template`, {
      errors: columns.filter((c) => c.required && !index.has(c.key)).map((c) => ({ row: 1, field: String(c.key), column: c.header, code: 'COLUMN_MISSING' as const, params: {} })),
      total: missing.length,
    });
  }
  const out: { rowNo: number; values: Record<string, string> }[] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNo) => {
    if (rowNo === 1) return;
    const values: Record<string, string> = {};
    let any = false;
    for (const [key, col] of index) {
      const v = cellText(row.getCell(col).value).trim();
      values[key] = v;
      if (v) any = true;
    }
    if (any) out.push({ rowNo, values });
  });
  if (out.length > MAX_IMPORT_ROWS) throw new DomainError(ErrorCode.IMPORT_REJECTED, `At most ${MAX_IMPORT_ROWS} rows per file`, {
      errors: [{ row: MAX_IMPORT_ROWS + 2, code: 'TOO_MANY_ROWS', params: { max: MAX_IMPORT_ROWS } }],
      total: 1,
    });
  return out;
}

/** Collects an import's problems, each with the column's sheet header. */
export function problemList(headers: Map<string, string>): { errors: ImportProblem[]; add: <C extends ImportProblemCode>(row: number, field: string, code: C, params: ImportProblemParams[C]) => void } {
  const errors: ImportProblem[] = [];
  return { errors, add: (row, field, code, params) => void errors.push({ row, field, column: headers.get(field) ?? field, code, params } as ImportProblem) };
}

/** Throws the all-or-nothing rejection with every problem found. */
export function rejectIfErrors(errors: ImportProblem[]): void {
  if (!errors.length) return;
  errors.sort((a, b) => a.row - b.row || (a.column ?? '').localeCompare(b.column ?? ''));
  throw new DomainError(ErrorCode.IMPORT_REJECTED, `${errors.length} problem(s) in ${new Set(errors.map((e) => e.row)).size} row(s); nothing was imported`, { errors: errors.slice(0, 1000), total: errors.length });
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
    if ('result' in v) return v.result === undefined || v.result === null ? '' : String(v.result);
  }
  return String(v);
}
