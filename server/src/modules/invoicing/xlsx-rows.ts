import type { Readable } from 'node:stream';
import { SaxesParser, SaxesTagPlain } from 'saxes';
import yauzl from 'yauzl';

/**
 * A lean streaming reader of .xlsx rows, for the big imports (the tax platform's export: 100,000+
 * rows). exceljs' streaming reader built a full object model per cell and took ~20 s and hundreds of
 * MB for 100,000 rows; this reads what an import needs and nothing else:
 *
 * - the zip by random access (yauzl reads the central directory), so the shared strings are read
 *   first wherever they lie in the archive, and sheets nobody asks for are never inflated;
 * - the workbook's sheet names in order (workbook.xml and its relationships) and its date system;
 * - one sheet's rows, parsed with saxes straight from the inflate stream, chunk by chunk: memory
 *   holds the shared strings and the rows of one chunk, whatever the sheet's size.
 *
 * A row is `values[column]` (1-based, sparse: like exceljs' `row.values`, so the cell readers of
 * common/excel.ts apply unchanged): a string (shared, inline or formula text), a number (a numeric
 * cell, including dates: the sheet's serial number; styles are not read), a boolean, a Date (an ISO
 * `t="d"` cell) or an error text such as `#N/A`. A formula cell gives its cached value.
 */

export type XlsxValue = string | number | boolean | Date | null;

export interface XlsxRow {
  /** the sheet's row number (1-based, as Excel shows it) */
  number: number;
  values: XlsxValue[];
}

export interface XlsxSheet {
  name: string;
  /** the sheet's part in the zip, e.g. xl/worksheets/sheet1.xml */
  part: string;
}

/** Thrown for anything that is not a readable workbook (the caller maps it to its 400). */
export class XlsxFormatError extends Error {}

const REL_SHARED_STRINGS = /\/sharedStrings$/;
/** guards against a zip bomb in the one part held in memory */
const MAX_SHARED_STRINGS_BYTES = 512 * 1024 * 1024;

/** `<x:row>` and `<row>` alike: some writers prefix the spreadsheetml namespace. */
const local = (name: string) => {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
};

/** Column letters of a cell reference (`AB12` -> 28), or 0 when there are none. */
function columnOf(ref: string): number {
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
  }
  return col;
}

/** A part's target resolved against the folder of the part whose relationships name it (`xl/` for the workbook's). */
function resolveTarget(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = base.split('/').filter(Boolean);
  for (const p of target.split('/')) {
    if (p === '..') parts.pop();
    else if (p !== '.' && p) parts.push(p);
  }
  return parts.join('/');
}

/** Feeds a stream of XML text to a fresh saxes parser; the handlers see local names (no namespace prefix). */
async function parseXml(
  stream: Readable,
  handlers: { open?: (name: string, tag: SaxesTagPlain) => void; close?: (name: string) => void; text?: (t: string) => void },
): Promise<void> {
  const parser = new SaxesParser({ position: false });
  parser.on('error', (e) => {
    throw new XlsxFormatError(`malformed XML: ${e.message}`);
  });
  if (handlers.open) {
    const open = handlers.open;
    parser.on('opentag', (tag) => open(local(tag.name), tag as SaxesTagPlain));
  }
  if (handlers.close) {
    const close = handlers.close;
    parser.on('closetag', (tag) => close(local(tag.name)));
  }
  if (handlers.text) parser.on('text', handlers.text);
  stream.setEncoding('utf8');
  try {
    for await (const chunk of stream) parser.write(chunk as string);
    parser.close();
  } catch (e) {
    throw asFormatError(e);
  }
}

/** A broken deflate stream or a size that does not match the directory is a bad file, not a server error. */
const asFormatError = (e: unknown) => (e instanceof XlsxFormatError ? e : new XlsxFormatError(`unreadable workbook: ${(e as Error)?.message ?? String(e)}`));

export class XlsxReader {
  private sharedStrings: string[] | null = null;

  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly entries: Map<string, yauzl.Entry>,
    /** the sheets in the workbook's order */
    readonly sheets: XlsxSheet[],
    /** serial numbers count from 1904-01-01 (old Mac workbooks) instead of 1899-12-30 */
    readonly date1904: boolean,
    private readonly sharedStringsPart: string | null,
  ) {}

  /** Opens a workbook file: reads its directory, sheet list and date system. Throws XlsxFormatError. */
  static async open(path: string): Promise<XlsxReader> {
    let zip: yauzl.ZipFile;
    try {
      zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
        yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (e, z) => (e || !z ? reject(e ?? new Error('no zip')) : resolve(z))),
      );
    } catch (e) {
      throw new XlsxFormatError(`not a zip archive: ${(e as Error).message}`);
    }
    try {
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
      const reader = new XlsxReader(zip, entries, [], false, null);
      const { sheets, date1904, sharedStrings } = await reader.readWorkbook();
      return new XlsxReader(zip, entries, sheets, date1904, sharedStrings);
    } catch (e) {
      zip.close();
      throw asFormatError(e);
    }
  }

  close(): void {
    this.zip.close();
  }

  private async stream(part: string): Promise<Readable> {
    const entry = this.entries.get(part);
    if (!entry) throw new XlsxFormatError(`the workbook has no part ${part}`);
    return new Promise<Readable>((resolve, reject) => this.zip.openReadStream(entry, (e, s) => (e || !s ? reject(new XlsxFormatError(`cannot read ${part}: ${e?.message}`)) : resolve(s))));
  }

  /** workbook.xml (sheet names, r:ids, date1904) and its relationships (the sheets' parts, the shared strings'). */
  private async readWorkbook(): Promise<{ sheets: XlsxSheet[]; date1904: boolean; sharedStrings: string | null }> {
    const workbookPart = this.entries.has('xl/workbook.xml') ? 'xl/workbook.xml' : [...this.entries.keys()].find((k) => /(^|\/)workbook\.xml$/.test(k));
    if (!workbookPart) throw new XlsxFormatError('no workbook.xml: not an .xlsx workbook');
    const named: { name: string; rid: string }[] = [];
    let date1904 = false;
    await parseXml(await this.stream(workbookPart), {
      open: (name, tag) => {
        if (name === 'sheet') {
          const rid = Object.entries(tag.attributes).find(([k]) => local(k) === 'id' && k.includes(':'))?.[1];
          named.push({ name: String(tag.attributes.name ?? ''), rid: String(rid ?? '') });
        } else if (name === 'workbookPr') {
          const v = String(tag.attributes.date1904 ?? '');
          date1904 = v === '1' || v === 'true';
        }
      },
    });
    const folder = workbookPart.includes('/') ? workbookPart.slice(0, workbookPart.lastIndexOf('/')) : '';
    const relsPart = `${folder ? `${folder}/` : ''}_rels/${workbookPart.slice(folder ? folder.length + 1 : 0)}.rels`;
    const targets = new Map<string, string>();
    let sharedStrings: string | null = null;
    if (this.entries.has(relsPart)) {
      await parseXml(await this.stream(relsPart), {
        open: (name, tag) => {
          if (name !== 'Relationship') return;
          const target = resolveTarget(folder, String(tag.attributes.Target ?? ''));
          targets.set(String(tag.attributes.Id ?? ''), target);
          if (REL_SHARED_STRINGS.test(String(tag.attributes.Type ?? ''))) sharedStrings = target;
        },
      });
    }
    if (!sharedStrings && this.entries.has(`${folder}/sharedStrings.xml`)) sharedStrings = `${folder}/sharedStrings.xml`;
    const sheets = named.map((s, i) => ({ name: s.name, part: targets.get(s.rid) ?? `${folder}/worksheets/sheet${i + 1}.xml` }));
    return { sheets, date1904, sharedStrings };
  }

  /** The shared strings table (rich text runs joined; phonetic runs left out), read once. */
  private async loadSharedStrings(): Promise<string[]> {
    if (this.sharedStrings) return this.sharedStrings;
    const out: string[] = [];
    if (this.sharedStringsPart && this.entries.has(this.sharedStringsPart)) {
      const entry = this.entries.get(this.sharedStringsPart)!;
      if (entry.uncompressedSize > MAX_SHARED_STRINGS_BYTES) throw new XlsxFormatError('the shared strings table is too large');
      let inSi = false;
      let inT = false;
      let phonetic = 0;
      let buf = '';
      await parseXml(await this.stream(this.sharedStringsPart), {
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
    }
    this.sharedStrings = out;
    return out;
  }

  /**
   * The rows of one sheet, in order, as they come off the zip (rows absent from the XML are absent
   * here too). Stop early with `break`: the rest of the sheet is never inflated.
   */
  async *rows(sheet: XlsxSheet): AsyncGenerator<XlsxRow> {
    const strings = await this.loadSharedStrings();
    const stream = await this.stream(sheet.part);
    let ready: XlsxRow[] = [];
    let row: XlsxRow | null = null;
    let rowNo = 0;
    let col = 0;
    let type = '';
    let text = '';
    /** inside <v> (value), <t> of an inline string (not a phonetic run), or neither */
    let capture = false;
    let inInline = false;
    let phonetic = 0;
    let hasValue = false;
    const parser = new SaxesParser({ position: false });
    parser.on('error', (e) => {
      throw new XlsxFormatError(`malformed sheet XML: ${e.message}`);
    });
    parser.on('opentag', (tag) => {
      const name = local(tag.name);
      switch (name) {
        case 'row': {
          const r = Number(tag.attributes.r);
          rowNo = Number.isInteger(r) && r > 0 ? r : rowNo + 1;
          row = { number: rowNo, values: [] };
          col = 0;
          break;
        }
        case 'c': {
          const ref = tag.attributes.r as string | undefined;
          const c = ref ? columnOf(ref) : 0;
          col = c > 0 ? c : col + 1;
          type = (tag.attributes.t as string | undefined) ?? 'n';
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
      }
    });
    parser.on('text', (t) => {
      if (capture) text += t;
    });
    parser.on('closetag', (tag) => {
      const name = local(tag.name);
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
          if (row && hasValue) row.values[col] = cellValue(type, text, strings);
          break;
        case 'row':
          if (row) ready.push(row);
          row = null;
          break;
      }
    });
    stream.setEncoding('utf8');
    try {
      for await (const chunk of stream) {
        parser.write(chunk as string);
        // the rows this chunk completed (a few hundred at most): handed over before the next chunk is inflated
        const done = ready;
        ready = [];
        for (const r of done) yield r;
      }
      parser.close();
    } catch (e) {
      throw asFormatError(e);
    } finally {
      stream.destroy();
    }
    for (const r of ready) yield r;
  }
}

/** A cell's value by its type attribute (ECMA-376 §18.18.11 ST_CellType). */
function cellValue(type: string, text: string, strings: string[]): XlsxValue {
  switch (type) {
    case 's': {
      const s = strings[Number(text)];
      if (s === undefined) throw new XlsxFormatError(`a cell names shared string ${text}, which the workbook does not have`);
      return s;
    }
    case 'inlineStr':
    case 'str':
      return text;
    case 'b':
      return text === '1' || text === 'true';
    case 'e':
      return text;
    case 'd': {
      const d = new Date(text);
      return Number.isNaN(d.getTime()) ? text : d;
    }
    default: {
      if (text === '') return null;
      const n = Number(text);
      return Number.isNaN(n) ? text : n;
    }
  }
}
