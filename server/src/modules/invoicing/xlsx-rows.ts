import type { Readable } from 'node:stream';
import { SaxesParser } from 'saxes';
import yauzl from 'yauzl';
import { asFormatError, cellRef, local, partStream, readSharedStrings, readWorkbookParts, XlsxFormatError, zipEntries } from '../../common/xlsx-parts';

export { XlsxFormatError };

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

/** guards against a zip bomb in the one part held in memory */
const MAX_SHARED_STRINGS_BYTES = 512 * 1024 * 1024;

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
      const entries = await zipEntries(zip);
      const { sheets, date1904, sharedStrings } = await readWorkbookParts(entries, (part) => partStream(zip, entries, part));
      return new XlsxReader(zip, entries, sheets, date1904, sharedStrings);
    } catch (e) {
      zip.close();
      throw asFormatError(e);
    }
  }

  close(): void {
    this.zip.close();
  }

  private stream(part: string): Promise<Readable> {
    return partStream(this.zip, this.entries, part);
  }

  /** The shared strings table (rich text runs joined; phonetic runs left out), read once. */
  private async loadSharedStrings(): Promise<string[]> {
    if (this.sharedStrings) return this.sharedStrings;
    let out: string[] = [];
    if (this.sharedStringsPart && this.entries.has(this.sharedStringsPart)) {
      const entry = this.entries.get(this.sharedStringsPart)!;
      if (entry.uncompressedSize > MAX_SHARED_STRINGS_BYTES) throw new XlsxFormatError('the shared strings table is too large');
      out = await readSharedStrings(await this.stream(this.sharedStringsPart));
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
          const c = ref ? cellRef(ref).col : 0;
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
