import type { Readable } from 'node:stream';
import { SaxesParser, SaxesTagPlain } from 'saxes';
import yauzl from 'yauzl';

/**
 * The first sheet of an uploaded .xlsx, read the way exceljs' `Workbook.xlsx.load` reads it but
 * without its object model (which took most of a 10,000-row import: a full cell object per cell,
 * styles, fonts and fills). It reads only what an import needs:
 *
 * - the workbook's first sheet in tab order (workbook.xml + its relationships) and its date system;
 * - the shared strings (rich text runs joined; phonetic runs left out);
 * - the cell styles' number formats, so a numeric cell whose format is a date is a Date exactly as
 *   exceljs makes it (same format table, same test, same serial-to-time conversion);
 * - the sheet's cells with saxes straight off the inflate stream, and its merged ranges: every cell
 *   of a range reads as the range's top-left value, as exceljs' `getCell` answers.
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

export class XlsxFormatError extends Error {}

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

/** merged ranges are applied only within this many cells (a sheet-wide merge would otherwise fill a million rows) */
const MAX_MERGED_CELLS = 1_000_000;

const local = (name: string) => {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
};

/** `AB12` -> { col: 28, row: 12 } (0 for a missing part). */
function cellRef(ref: string): { col: number; row: number } {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
  }
  const row = Number(ref.slice(i).replace(/\$/g, ''));
  return { col, row: Number.isInteger(row) && row > 0 ? row : 0 };
}

function resolveTarget(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = base.split('/').filter(Boolean);
  for (const p of target.split('/')) {
    if (p === '..') parts.pop();
    else if (p !== '.' && p) parts.push(p);
  }
  return parts.join('/');
}

const asFormatError = (e: unknown) => (e instanceof XlsxFormatError ? e : new XlsxFormatError(`unreadable workbook: ${(e as Error)?.message ?? String(e)}`));

type Handlers = { open?: (name: string, tag: SaxesTagPlain) => void; close?: (name: string) => void; text?: (t: string) => void };

async function parseXml(stream: Readable, h: Handlers): Promise<void> {
  const parser = new SaxesParser({ position: false });
  parser.on('error', (e) => {
    throw new XlsxFormatError(`malformed XML: ${e.message}`);
  });
  if (h.open) {
    const open = h.open;
    parser.on('opentag', (tag) => open(local(tag.name), tag as SaxesTagPlain));
  }
  if (h.close) {
    const close = h.close;
    parser.on('closetag', (tag) => close(local(tag.name)));
  }
  if (h.text) parser.on('text', h.text);
  stream.setEncoding('utf8');
  try {
    for await (const chunk of stream) parser.write(chunk as string);
    parser.close();
  } finally {
    stream.destroy();
  }
}

async function openZip(data: Buffer): Promise<{ zip: yauzl.ZipFile; entries: Map<string, yauzl.Entry> }> {
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromBuffer(data, { lazyEntries: true, validateEntrySizes: true }, (e, z) => (e || !z ? reject(e ?? new Error('no zip')) : resolve(z))),
    );
  } catch (e) {
    throw new XlsxFormatError(`not a zip archive: ${(e as Error).message}`);
  }
  const entries = await new Promise<Map<string, yauzl.Entry>>((resolve, reject) => {
    const found = new Map<string, yauzl.Entry>();
    zip.on('entry', (entry: yauzl.Entry) => {
      found.set(entry.fileName.replace(/^\//, ''), entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(found));
    zip.once('error', reject);
    zip.readEntry();
  });
  return { zip, entries };
}

/** Reads the first sheet's rows (in sheet order; rows without a cell value left out). */
export async function readFirstSheet(data: Buffer): Promise<SheetRowValues[] | null> {
  const { zip, entries } = await openZip(data);
  const stream = (part: string) =>
    new Promise<Readable>((resolve, reject) => {
      const entry = entries.get(part);
      if (!entry) return reject(new XlsxFormatError(`the workbook has no part ${part}`));
      zip.openReadStream(entry, (e, s) => (e || !s ? reject(new XlsxFormatError(`cannot read ${part}: ${e?.message}`)) : resolve(s)));
    });
  try {
    // the workbook: its first sheet (tab order), its date system, the parts its relationships name
    const workbookPart = entries.has('xl/workbook.xml') ? 'xl/workbook.xml' : [...entries.keys()].find((k) => /(^|\/)workbook\.xml$/.test(k));
    if (!workbookPart) throw new XlsxFormatError('no workbook.xml: not an .xlsx workbook');
    let firstRid: string | null = null;
    let date1904 = false;
    await parseXml(await stream(workbookPart), {
      open: (name, tag) => {
        if (name === 'sheet' && firstRid === null) firstRid = String(Object.entries(tag.attributes).find(([k]) => local(k) === 'id' && k.includes(':'))?.[1] ?? '');
        else if (name === 'workbookPr') date1904 = ['1', 'true'].includes(String(tag.attributes.date1904 ?? ''));
      },
    });
    if (firstRid === null) return null;
    const folder = workbookPart.includes('/') ? workbookPart.slice(0, workbookPart.lastIndexOf('/')) : '';
    const relsPart = `${folder ? `${folder}/` : ''}_rels/${workbookPart.slice(folder ? folder.length + 1 : 0)}.rels`;
    let sheetPart: string | null = null;
    let stringsPart: string | null = null;
    let stylesPart: string | null = null;
    if (entries.has(relsPart)) {
      await parseXml(await stream(relsPart), {
        open: (name, tag) => {
          if (name !== 'Relationship') return;
          const target = resolveTarget(folder, String(tag.attributes.Target ?? ''));
          const type = String(tag.attributes.Type ?? '');
          if (String(tag.attributes.Id ?? '') === firstRid) sheetPart = target;
          if (/\/sharedStrings$/.test(type)) stringsPart = target;
          else if (/\/styles$/.test(type)) stylesPart = target;
        },
      });
    }
    const inFolder = (name: string) => (folder ? `${folder}/${name}` : name);
    sheetPart ??= inFolder('worksheets/sheet1.xml');
    if (!stringsPart && entries.has(inFolder('sharedStrings.xml'))) stringsPart = inFolder('sharedStrings.xml');
    if (!stylesPart && entries.has(inFolder('styles.xml'))) stylesPart = inFolder('styles.xml');

    const strings = stringsPart && entries.has(stringsPart) ? await readSharedStrings(await stream(stringsPart)) : [];
    const dateStyles = stylesPart && entries.has(stylesPart) ? await readDateStyles(await stream(stylesPart)) : new Set<number>();
    return await readSheet(await stream(sheetPart), strings, dateStyles, date1904);
  } catch (e) {
    throw asFormatError(e);
  } finally {
    zip.close();
  }
}

async function readSharedStrings(s: Readable): Promise<string[]> {
  const out: string[] = [];
  let inSi = false;
  let inT = false;
  let phonetic = 0;
  let buf = '';
  await parseXml(s, {
    open: (name) => {
      if (name === 'si') {
        inSi = true;
        buf = '';
      } else if (name === 't' && inSi && !phonetic) inT = true;
      else if (name === 'rPh') phonetic++;
    },
    close: (name) => {
      if (name === 't') inT = false;
      else if (name === 'rPh') phonetic--;
      else if (name === 'si') {
        out.push(buf);
        inSi = false;
      }
    },
    text: (t) => {
      if (inT) buf += t;
    },
  });
  return out;
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

async function readSheet(s: Readable, strings: string[], dateStyles: Set<number>, date1904: boolean): Promise<SheetRowValues[]> {
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
  await parseXml(s, {
    open: (name, tag) => {
      switch (name) {
        case 'row': {
          const r = Number(tag.attributes.r);
          rowNo = Number.isInteger(r) && r > 0 ? r : rowNo + 1;
          values = rows.get(rowNo) ?? [];
          col = 0;
          break;
        }
        case 'c': {
          const c = tag.attributes.r ? cellRef(String(tag.attributes.r)).col : 0;
          col = c > 0 ? c : col + 1;
          type = String(tag.attributes.t ?? 'n');
          style = tag.attributes.s ? Number(tag.attributes.s) : 0;
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
        case 'mergeCell':
          if (tag.attributes.ref) merges.push(String(tag.attributes.ref));
          break;
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
