import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import yauzl from 'yauzl';
import { attribute, XmlScanError, XmlScanner } from '../../../common/xml-scanner';
import { asFormatError, CellTag, cellRef, parseXml, partStream, readCellTag, readSharedStrings, readWorkbookParts, XlsxFormatError, zipEntries } from '../../../common/xlsx-parts';

export { XlsxFormatError };

/**
 * The first sheet of an uploaded .xlsx, read the way exceljs' `Workbook.xlsx.load` reads it but
 * without its object model (which took most of a 10,000-row import: a full cell object per cell,
 * styles, fonts and fills). It reads only what an import needs:
 *
 * - the workbook's first sheet in tab order (workbook.xml + its relationships) and its date system;
 * - the shared strings (rich text runs joined; phonetic runs left out);
 * - the cell styles' number formats, so a numeric cell whose format is a date is a Date exactly as
 *   exceljs makes it (same format table, same test, same serial-to-time conversion);
 * - the sheet's cells straight off the inflate stream (common/xml-scanner.ts: a tokenizer that reads
 *   only the attributes it is asked for), and its merged ranges: every cell of a range reads as the
 *   range's top-left value, as exceljs' `getCell` answers.
 *
 * A row's `values[column]` (1-based, sparse) is a string (shared, inline or formula text), a
 * number, a boolean, a Date, or an error text such as `#N/A`; a formula cell gives its cached value
 * (none: absent). Anything that is not a readable workbook throws XlsxFormatError.
 */

export type SheetValue = string | number | boolean | Date;

export interface SheetRowValues {
  /** the sheet row number (1-based, as Excel shows it) */
  number: number;
  values: SheetValue[];
}

/** exceljs' built-in number formats by id (the same table exceljs reads cell styles with). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const BUILTIN_FORMATS = require('exceljs/lib/xlsx/defaultnumformats') as Record<number, { f?: string } | undefined>;

/** exceljs' `utils.isDateFmt`: a format is a date when it has date letters outside quotes and brackets. */
export function isDateFormat(fmt: string | undefined): boolean {
  if (!fmt) return false;
  return /[ymdhMsb]+/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/** exceljs' `utils.excelToDate`. */
export const serialToDate = (v: number, date1904: boolean) => new Date(Math.round((v - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000));

/** what a cell tag says: its reference, type and style */

/** merged ranges are applied only within this many cells (a sheet-wide merge would otherwise fill a million rows) */
const MAX_MERGED_CELLS = 1_000_000;

async function openZip(data: Buffer): Promise<{ zip: yauzl.ZipFile; entries: Map<string, yauzl.Entry> }> {
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromBuffer(data, { lazyEntries: true, validateEntrySizes: true }, (e, z) => (e || !z ? reject(e ?? new Error('no zip')) : resolve(z))),
    );
  } catch (e) {
    throw new XlsxFormatError(`not a zip archive: ${(e as Error).message}`);
  }
  const entries = await zipEntries(zip);
  return { zip, entries };
}

/** Reads the first sheet's rows (in sheet order; rows without a cell value left out). */
export async function readFirstSheet(data: Buffer): Promise<SheetRowValues[] | null> {
  const { zip, entries } = await openZip(data);
  const stream = (part: string) => partStream(zip, entries, part);
  try {
    // the workbook: its first sheet (tab order), its date system, the parts its relationships name
    const { sheets, date1904, sharedStrings: stringsPart, styles: stylesPart } = await readWorkbookParts(entries, stream);
    if (!sheets.length) return null;
    const sheetPart = sheets[0].part;
    const strings = stringsPart && entries.has(stringsPart) ? await readSharedStrings(await stream(stringsPart)) : [];
    const dateStyles = stylesPart && entries.has(stylesPart) ? await readDateStyles(await stream(stylesPart)) : new Set<number>();
    return await readSheet(await stream(sheetPart), strings, dateStyles, date1904);
  } catch (e) {
    throw asFormatError(e);
  } finally {
    zip.close();
  }
}

/** The cell style indexes (cellXfs) whose number format is a date, as exceljs tells dates. */
async function readDateStyles(s: Readable): Promise<Set<number>> {
  const custom = new Map<number, string>();
  const xfFormats: number[] = [];
  let inCellXfs = false;
  await parseXml(s, {
    open: (name, tag) => {
      if (name === 'numFmt') custom.set(parseInt(String(tag.attributes.numFmtId), 10), String(tag.attributes.formatCode ?? ''));
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) xfFormats.push(parseInt(String(tag.attributes.numFmtId ?? '0'), 10) || 0);
    },
    close: (name) => {
      if (name === 'cellXfs') inCellXfs = false;
    },
  });
  const dates = new Set<number>();
  xfFormats.forEach((id, i) => {
    if (id && isDateFormat(custom.get(id) ?? BUILTIN_FORMATS[id]?.f)) dates.add(i);
  });
  return dates;
}

/**
 * The sheet's rows off its inflated XML (the part's stream; the spec gives texts): cells by XmlScanner
 * (common/xml-scanner.ts; saxes' per-character state machine and attribute objects were most of a
 * 10,000-row import's read), merged ranges after.
 */
export async function readSheet(s: AsyncIterable<Buffer | string>, strings: string[], dateStyles: Set<number>, date1904: boolean): Promise<SheetRowValues[]> {
  const rows = new Map<number, SheetValue[]>();
  const merges: string[] = [];
  let values: SheetValue[] | null = null;
  let rowNo = 0;
  let col = 0;
  let type = '';
  let style = 0;
  let text = '';
  let capture = false;
  let inInline = false;
  let phonetic = 0;
  let hasValue = false;
  let maxRow = 0;
  let maxCol = 0;
  const cell: CellTag = { col: 0, type: 'n', style: 0 };
  const scanner = new XmlScanner({
    open: (name, attrs, from, to) => {
      switch (name) {
        case 'row': {
          const r = Number(attribute(attrs, from, to, 'r'));
          rowNo = Number.isInteger(r) && r > 0 ? r : rowNo + 1;
          values = rows.get(rowNo) ?? [];
          col = 0;
          break;
        }
        case 'c': {
          readCellTag(attrs, from, to, cell);
          col = cell.col > 0 ? cell.col : col + 1;
          type = cell.type;
          style = cell.style;
          text = '';
          hasValue = false;
          break;
        }
        case 'v':
          capture = true;
          hasValue = true;
          break;
        case 'is':
          inInline = true;
          hasValue = true;
          break;
        case 't':
          if (inInline && !phonetic) capture = true;
          break;
        case 'rPh':
          phonetic++;
          break;
        case 'mergeCell': {
          const ref = attribute(attrs, from, to, 'ref');
          if (ref) merges.push(ref);
          break;
        }
      }
    },
    text: (t) => {
      if (capture) text += t;
    },
    close: (name) => {
      switch (name) {
        case 'v':
        case 't':
          capture = false;
          break;
        case 'is':
          inInline = false;
          break;
        case 'rPh':
          phonetic--;
          break;
        case 'c':
          if (values && hasValue) {
            const v = cellValue(type, text, strings, dateStyles.has(style), date1904);
            if (v !== null) {
              values[col] = v;
              if (col > maxCol) maxCol = col;
            }
          }
          break;
        case 'row':
          if (values && values.length) {
            rows.set(rowNo, values);
            if (rowNo > maxRow) maxRow = rowNo;
          }
          values = null;
          break;
      }
    },
  });
  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of s) scanner.write(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    const tail = decoder.end();
    if (tail) scanner.write(tail);
    scanner.end();
  } catch (e) {
    throw e instanceof XmlScanError ? new XlsxFormatError(`malformed XML: ${e.message}`) : e;
  }
  // merged ranges: every cell reads the top-left cell's value (as exceljs' getCell does), within the used area
  let budget = MAX_MERGED_CELLS;
  for (const ref of merges) {
    const [a, b] = ref.split(':');
    const from = cellRef(a);
    const to = cellRef(b ?? a);
    if (!from.row || !from.col || !to.row || !to.col) continue;
    const master = rows.get(from.row)?.[from.col];
    if (master === undefined) continue;
    for (let r = from.row; r <= Math.min(to.row, maxRow) && budget > 0; r++) {
      let target = rows.get(r);
      for (let c = from.col; c <= Math.min(to.col, maxCol) && budget > 0; c++, budget--) {
        if (r === from.row && c === from.col) continue;
        if (!target) rows.set(r, (target = []));
        target[c] = master;
      }
    }
  }
  return [...rows.entries()].sort((x, y) => x[0] - y[0]).map(([number, v]) => ({ number, values: v }));
}

/** A cell's value by its type attribute (ECMA-376 §18.18.11), numbers in a date format as exceljs' Date. */
function cellValue(type: string, text: string, strings: string[], dateStyle: boolean, date1904: boolean): SheetValue | null {
  switch (type) {
    case 's': {
      const s = strings[Number(text)];
      if (s === undefined) throw new XlsxFormatError(`a cell names shared string ${text}, which the workbook does not have`);
      return s;
    }
    case 'inlineStr':
    case 'str':
    case 'e':
      return text;
    case 'b':
      return text === '1' || text === 'true';
    case 'd': {
      const d = new Date(text);
      return Number.isNaN(d.getTime()) ? text : d;
    }
    default: {
      if (text === '') return null;
      const n = Number(text);
      if (Number.isNaN(n)) return text;
      return dateStyle ? serialToDate(n, date1904) : n;
    }
  }
}
