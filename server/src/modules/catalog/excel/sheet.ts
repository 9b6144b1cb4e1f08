import { StreamableFile } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { ErrorCode, ImportProblem, ImportProblemCode, ImportProblemParams } from '@drp/shared';
import { DomainError } from '../../../common/errors/domain-error';
import { CELL_FORMAT, CellKind, cellScale, readCell, writeCell } from '../../../common/excel';
import { readFirstSheet, SheetRowValues, SheetValue, XlsxFormatError } from './xlsx-first-sheet';

/**
 * Spreadsheet columns defined once and used for the template, the export and the import, so the
 * three can never disagree. Cells are written and read by common/excel.ts: amounts and quantities
 * as numeric cells with a number format, codes as text; a numeric cell read back is a decimal string
 * rounded to its column's scale (never a float), and one that lost digits is reported.
 */
export interface Column<Row> {
  key: keyof Row & string;
  header: string;
  width?: number;
  required?: boolean;
  /** how the column's cells are written and read (default text) */
  kind?: CellKind;
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
  // codes stay text (Excel must not turn 0012 or 6901234567892 into numbers); prices and quantities are numbers
  columns.forEach((c, i) => (ws.getColumn(i + 1).numFmt = CELL_FORMAT[c.kind ?? 'text']));
  for (const r of rows) {
    const row = ws.addRow([]);
    columns.forEach((c, i) => writeCell(row.getCell(i + 1), r[c.key] ?? null, c.kind ?? 'text'));
  }
  if (notes?.length) {
    const help = wb.addWorksheet('说明 Notes');
    help.columns = [{ width: 18 }, { width: 80 }];
    notes.forEach((n) => help.addRow(n));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A data row: its sheet row number, the cell texts by column key, and the keys whose number lost digits (more than 15). */
export interface SheetRow {
  rowNo: number;
  values: Record<string, string>;
  lostDigits: string[];
}

/** How many rows from the top are searched for the header row. */
const HEADER_SEARCH_ROWS = 10;

/** The columns a row names (header text matched, `*` ignored), by key -> column number. */
function headerIndex<Row>(header: SheetValue[] | undefined, columns: Column<Row>[]): Map<string, number> {
  const index = new Map<string, number>();
  header?.forEach((value, col) => {
    const name = readCell(value).text.replace(/\*$/, '').trim();
    const column = columns.find((c) => c.header === name || c.key === name);
    if (column && !index.has(column.key)) index.set(column.key, col);
  });
  return index;
}

/**
 * Reads the first sheet into rows keyed by column, with their sheet row numbers. The header row is
 * the first of the first 10 rows that names every required column (a merged title row above it is
 * skipped); numeric cells are read with their column's scale. The sheet is read by
 * xlsx-first-sheet.ts (cell values exactly as exceljs would load them, without its object model).
 */
export async function readWorkbook<Row>(data: Buffer | undefined, columns: Column<Row>[]): Promise<SheetRow[]> {
  if (!data?.length) throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'Upload an .xlsx file (field "file")');
  if (data.length > MAX_FILE_BYTES) throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'The file is larger than 20 MB');
  if (data.subarray(0, 2).toString('ascii') !== 'PK') throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'Only .xlsx files can be imported (save the sheet as Excel Workbook)');
  let sheet: SheetRowValues[] | null;
  try {
    sheet = await readFirstSheet(data);
  } catch (e) {
    if (e instanceof XlsxFormatError) throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'The file could not be read as an Excel workbook');
    throw e;
  }
  if (!sheet) throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'The workbook has no sheet');
  const byNumber = new Map(sheet.map((r) => [r.number, r.values]));
  const lastRow = sheet.length ? sheet[sheet.length - 1].number : 0;
  // the header row: the first of the first rows holding every required column (a title row above it is skipped)
  let headerRow = 1;
  let index = headerIndex(byNumber.get(1), columns);
  for (let r = 1; r <= Math.min(HEADER_SEARCH_ROWS, lastRow); r++) {
    const found = headerIndex(byNumber.get(r), columns);
    if (columns.every((c) => !c.required || found.has(c.key))) {
      headerRow = r;
      index = found;
      break;
    }
  }
  const missing = columns.filter((c) => c.required && !index.has(c.key)).map((c) => c.header);
  if (missing.length) {
    throw new DomainError(ErrorCode.IMPORT_REJECTED, `Missing columns: ${missing.join(', ')}; start from the template`, {
      errors: columns.filter((c) => c.required && !index.has(c.key)).map((c) => ({ row: headerRow, field: String(c.key), column: c.header, code: 'COLUMN_MISSING' as const, params: {} })),
      total: missing.length,
    });
  }
  const scales = [...index].map(([key, col]) => ({ key, col, scale: cellScale(columns.find((c) => c.key === key)?.kind) }));
  const out: SheetRow[] = [];
  for (const { number: rowNo, values: cells } of sheet) {
    if (rowNo <= headerRow) continue;
    const values: Record<string, string> = {};
    const lostDigits: string[] = [];
    let any = false;
    for (const { key, col, scale } of scales) {
      const raw = cells[col];
      // a text cell (most cells of an import) is its text: no CellRead made for each of 250,000 cells
      let v: string;
      if (typeof raw === 'string') v = raw.trim();
      else {
        const cell = readCell(raw, scale);
        v = cell.text.trim();
        if (cell.lostDigits) lostDigits.push(key);
      }
      values[key] = v;
      if (v) any = true;
    }
    if (any) out.push({ rowNo, values, lostDigits });
  }
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
