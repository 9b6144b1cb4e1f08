import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { attribute, XmlScanError, XmlScanner } from '../../common/xml-scanner';
import { asFormatError, CellTag, partStream, readCellTag, readSharedStrings, readWorkbookParts, XlsxFormatError, zipEntries } from '../../common/xlsx-parts';

export { XlsxFormatError };

/**
 * A lean streaming reader of .xlsx rows, for the big imports (the tax platform's export: 100,000+
 * rows). exceljs' streaming reader built a full object model per cell and took ~20 s and hundreds of
 * MB for 100,000 rows; this reads what an import needs and nothing else:
 *
 * - the zip by random access (yauzl reads the central directory), so the shared strings are read
 *   first wherever they lie in the archive, and sheets nobody asks for are never inflated;
 * - the workbook's sheet names in order (workbook.xml and its relationships) and its date system;
 * - one sheet's rows, scanned (SheetScanner below) straight from the inflate stream, chunk by chunk:
 *   memory holds the shared strings and the rows of one chunk, whatever the sheet's size.
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
    const scanner = new SheetScanner(strings);
    stream.setEncoding('utf8');
    try {
      for await (const chunk of stream) {
        scanner.write(chunk as string);
        // the rows this chunk completed (a few hundred at most): handed over before the next chunk is inflated
        for (const r of scanner.take()) yield r;
      }
      scanner.end();
    } catch (e) {
      throw asFormatError(e);
    } finally {
      stream.destroy();
    }
    for (const r of scanner.take()) yield r;
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

/**
 * A worksheet's rows off its XML, given in pieces cut anywhere (the inflate stream's chunks): cells by
 * the project's XML tokenizer (common/xml-scanner.ts, shared with the import's reader: saxes' per-
 * character state machine and attribute objects were ~1.5 s of the ~3.3 s of CPU that reading the
 * 100,500-row platform export cost, issue #13). Values as the saxes reader gave them (the spec
 * compares both at every chunk cut): phonetic runs (`<rPh>`) left out, inline strings' runs joined,
 * formulas' cached values; malformed XML is an XlsxFormatError.
 */
export class SheetScanner {
  private ready: XlsxRow[] = [];
  private row: XlsxRow | null = null;
  private rowNo = 0;
  private col = 0;
  private type = 'n';
  private text = '';
  /** inside <v> (value), or <t> of an inline string (not a phonetic run) */
  private capture = false;
  private inInline = false;
  private phonetic = 0;
  private hasValue = false;
  private readonly cell: CellTag = { col: 0, type: 'n', style: 0 };
  private readonly xml: XmlScanner;

  constructor(private readonly strings: string[]) {
    this.xml = new XmlScanner({ open: (name, attrs, from, to) => this.open(name, attrs, from, to), close: (name) => this.close(name), text: (t) => this.onText(t) });
  }

  /** The rows completed so far (each handed over once). */
  take(): XlsxRow[] {
    const done = this.ready;
    this.ready = [];
    return done;
  }

  /** Scans the next piece of the sheet's text (any cut: inside a tag, a text or an entity). */
  write(chunk: string): void {
    this.guard(() => this.xml.write(chunk));
  }

  /** The end of the sheet: an unfinished document is malformed. */
  end(): void {
    this.guard(() => this.xml.end());
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      throw e instanceof XmlScanError ? new XlsxFormatError(`malformed sheet XML: ${e.message}`) : e;
    }
  }

  private open(name: string, attrs: string, from: number, to: number): void {
    switch (name) {
      case 'row': {
        const r = Number(attribute(attrs, from, to, 'r'));
        this.rowNo = Number.isInteger(r) && r > 0 ? r : this.rowNo + 1;
        this.row = { number: this.rowNo, values: [] };
        this.col = 0;
        break;
      }
      case 'c':
        readCellTag(attrs, from, to, this.cell);
        this.col = this.cell.col > 0 ? this.cell.col : this.col + 1;
        this.type = this.cell.type;
        this.text = '';
        this.hasValue = false;
        break;
      case 'v':
        this.capture = true;
        this.hasValue = true;
        break;
      case 'is':
        this.inInline = true;
        this.hasValue = true;
        break;
      case 't':
        if (this.inInline && !this.phonetic) this.capture = true;
        break;
      case 'rPh':
        this.phonetic++;
        break;
    }
  }

  private onText(t: string): void {
    if (this.capture) this.text += t;
  }

  private close(name: string): void {
    switch (name) {
      case 'v':
      case 't':
        this.capture = false;
        break;
      case 'is':
        this.inInline = false;
        break;
      case 'rPh':
        this.phonetic--;
        break;
      case 'c':
        // an empty <v/> is there as null (as the saxes reader had it)
        if (this.row && this.hasValue) this.row.values[this.col] = cellValue(this.type, this.text, this.strings);
        break;
      case 'row':
        if (this.row) this.ready.push(this.row);
        this.row = null;
        break;
    }
  }
}
