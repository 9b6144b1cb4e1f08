import type ExcelJS from 'exceljs';
import { Dec } from '@drp/shared';

/**
 * The one place where spreadsheet cells are written and read (every xlsx export and import uses it).
 * Amounts and quantities are numeric cells with a number format (Excel users sum them); codes,
 * barcodes, document numbers and phone numbers are text cells (leading zeros and long digits kept).
 * Reading: a numeric cell goes through its shortest decimal string and is rounded half-up to the
 * column's scale (a formula's cached 13.750000000000002 is 13.75); a number with more than 15
 * significant digits lost digits in Excel's doubles and is refused by the caller.
 */
export type CellKind = 'text' | 'money' | 'qty' | 'unitPrice' | 'rate';

/** decimals kept when reading a numeric cell of each kind (text: as written) */
export const CELL_SCALE: Record<Exclude<CellKind, 'text'>, number> = { money: 2, qty: 3, unitPrice: 4, rate: 4 };
export const CELL_FORMAT: Record<CellKind, string> = { text: '@', money: '#,##0.00', qty: '0.000', unitPrice: '0.0000', rate: '0.00##' };
/** Excel keeps 15 significant digits of a number */
export const MAX_EXACT_DIGITS = 15;

export const cellScale = (kind: CellKind | undefined): number | undefined => (kind && kind !== 'text' ? CELL_SCALE[kind] : undefined);

/**
 * Writes a value as a cell of its kind: a decimal string as a numeric cell with the kind's number
 * format (the nearest double: exact to the digit for every amount of at most 15 significant digits),
 * anything else as text. Empty values leave the cell empty (still formatted).
 */
export function writeCell(cell: ExcelJS.Cell, value: string | null | undefined, kind: CellKind): void {
  cell.numFmt = CELL_FORMAT[kind];
  if (value === null || value === undefined || value === '') cell.value = null;
  else cell.value = kind === 'text' ? value : new Dec(value).toNumber();
}

/** Adds a row, each value written as a cell of its kind (the kinds in column order; missing kinds are text). */
export function addTypedRow(ws: ExcelJS.Worksheet, values: (string | null | undefined)[], kinds: CellKind[]): ExcelJS.Row {
  const row = ws.addRow([]);
  values.forEach((v, i) => writeCell(row.getCell(i + 1), v, kinds[i] ?? 'text'));
  return row;
}

/** A cell read as text; `lostDigits` when it held a number Excel could not keep exactly (more than 15 significant digits). */
export interface CellRead {
  text: string;
  lostDigits?: boolean;
}

/**
 * A numeric cell value as a decimal string: its shortest decimal form (`String(n)`), rounded half-up
 * to `scale` when the column has one. More than 15 significant digits, or more than 15 digits before
 * the point, means Excel's double lost digits (a 20-digit barcode typed as a number).
 */
export function numberCell(n: number, scale?: number): CellRead {
  if (!Number.isFinite(n)) return { text: String(n) };
  let d = new Dec(String(n));
  if (scale !== undefined) d = d.toDecimalPlaces(scale, Dec.ROUND_HALF_UP);
  const lostDigits = d.sd(false) > MAX_EXACT_DIGITS || d.abs().greaterThanOrEqualTo('1e15');
  return { text: d.toFixed(), ...(lostDigits ? { lostDigits } : {}) };
}

/** Any cell value as text (a formula by its cached result; numbers through numberCell with the column's scale). */
export function readCell(v: ExcelJS.CellValue, scale?: number): CellRead {
  if (v === null || v === undefined) return { text: '' };
  if (typeof v === 'string') return { text: v };
  if (typeof v === 'number') return numberCell(v, scale);
  if (typeof v === 'boolean') return { text: v ? 'TRUE' : 'FALSE' };
  if (v instanceof Date) return { text: v.toISOString().slice(0, 10) };
  if (typeof v === 'object') {
    if ('richText' in v) return { text: v.richText.map((t) => t.text).join('') };
    if ('formula' in v || 'sharedFormula' in v || 'result' in v) {
      const result = (v as { result?: ExcelJS.CellValue }).result;
      return result === undefined || result === null ? { text: '' } : readCell(result, scale);
    }
    if ('text' in v) return { text: String(v.text) };
    if ('error' in v) return { text: String(v.error) };
  }
  return { text: String(v) };
}
