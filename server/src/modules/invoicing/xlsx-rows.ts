import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { asFormatError, partStream, readSharedStrings, readWorkbookParts, XlsxFormatError, zipEntries } from '../../common/xlsx-parts';

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
 * The worksheet XML scanned by hand, for the one shape a sheet has (`<row r>` of `<c r t s>` holding
 * `<v>`, `<f>` or `<is>` inline text), instead of a general XML parser. Why: saxes took ~1.5 s of the
 * ~3.3 s of CPU that reading the 100,500-row platform export cost (profiled, issue #13): it decides
 * every character through its state machine and builds an attribute object per tag, where a sheet
 * needs two attributes of two tags and the text of `<v>` / `<t>`. This jumps from `<` to `<` with
 * indexOf and reads only those: reading that workbook alone went from ~2.5 s to ~1.2 s of CPU (both
 * sheets and the shared strings, which saxes still reads: common/xlsx-parts.ts).
 *
 * It gives what the saxes reader gave, row for row (xlsx-rows.spec.ts compares both, every chunk
 * boundary included; they were compared on the bench's 100,500-row workbook): elements by their local
 * name (`x:row` is `row`), entities and character references decoded, CR LF read as LF (and tabs and
 * line breaks in attribute values as spaces: XML's normalisations), phonetic runs (`<rPh>`) left out,
 * comments and processing instructions skipped; CDATA sections are text (the saxes reader dropped
 * them; no spreadsheet writes them). It is still a checking parser, not a tolerant one: mismatched or
 * unclosed tags, a bad entity, an unquoted or `<`-holding attribute value, a character XML forbids,
 * text or a second element outside the root, or a document type declaration throw XlsxFormatError.
 * Not checked: duplicate attributes.
 */
export class SheetScanner {
  /** an unfinished tag (from its `<`) carried over to the next chunk */
  private rest = '';
  /** text whose end (the next `<`) lies in a later chunk */
  private pending = '';
  private started = false;
  private names: string[] = [];
  private seenNames: string[] = [];
  private seenKinds: number[] = [];
  private kinds: number[] = [];
  private sawRoot = false;
  private ready: XlsxRow[] = [];
  // the cell being read
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

  constructor(private readonly strings: string[]) {}

  /** The rows completed so far (each handed over once). */
  take(): XlsxRow[] {
    const done = this.ready;
    this.ready = [];
    return done;
  }

  /** Scans the next piece of the sheet's text (any cut: inside a tag, a text or an entity). */
  write(chunk: string): void {
    let s = this.rest ? this.rest + chunk : chunk;
    this.rest = '';
    if (!this.started && s.length) {
      this.started = true;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1); // a byte order mark
    }
    const n = s.length;
    let i = 0;
    while (i < n) {
      const lt = s.charCodeAt(i) === LT ? i : s.indexOf('<', i);
      if (lt < 0) {
        this.pending += s.slice(i);
        if (this.pending.length > MAX_TEXT) fail('a text longer than any cell holds');
        return;
      }
      if (lt > i || this.pending) {
        this.onText(this.pending ? this.pending + s.slice(i, lt) : s.slice(i, lt));
        this.pending = '';
      }
      const next = this.markup(s, lt);
      if (next < 0) {
        this.rest = s.slice(lt);
        if (this.rest.length > MAX_MARKUP) fail('a tag longer than any sheet has');
        return;
      }
      i = next;
    }
  }

  /** The sheet's text is over: everything opened must be closed. */
  end(): void {
    if (this.rest) fail(`the XML ends inside a tag: ${this.rest.slice(0, 40)}`);
    if (this.pending) this.onText(this.pending);
    this.pending = '';
    if (this.names.length) fail(`unclosed tag <${this.names[this.names.length - 1]}>`);
    if (!this.sawRoot) fail('no root element');
  }

  private onText(raw: string): void {
    if (!this.names.length) {
      if (!BLANK.test(raw)) fail('text outside the root element');
      return;
    }
    const t = TEXT_SPECIAL.test(raw) ? textValue(raw) : raw;
    if (this.capture) this.text += t;
  }

  /** The markup starting at `<` (s[i]); the index after it, or -1 when it continues in the next chunk. */
  private markup(s: string, i: number): number {
    const n = s.length;
    if (i + 1 >= n) return -1;
    const c = s.charCodeAt(i + 1);
    if (c === SLASH) return this.closeTag(s, i + 2);
    if (c === BANG) return this.bang(s, i);
    if (c === QUESTION) {
      const e = s.indexOf('?>', i + 2);
      return e < 0 ? -1 : e + 2;
    }
    return this.openTag(s, i + 1);
  }

  private openTag(s: string, j: number): number {
    const n = s.length;
    const start = j;
    for (; j < n; j++) {
      const c = s.charCodeAt(j);
      if (c === GT || c === SLASH || isWs(c)) break;
      if (!isNameChar(c)) fail(`a character a tag name cannot have: ${s.slice(start - 1, j + 1)}`);
    }
    if (j >= n) return -1;
    if (j === start || !isNameStart(s.charCodeAt(start))) fail(`a tag without a name: ${s.slice(start - 1, j + 1)}`);
    // the few names a sheet uses, reused rather than cut out of the text again (millions of tags)
    const len = j - start;
    let name: string | undefined;
    let kind = OTHER;
    for (let k = 0; k < this.seenNames.length; k++) {
      const known = this.seenNames[k];
      if (known.length === len && s.startsWith(known, start)) {
        name = known;
        kind = this.seenKinds[k];
        break;
      }
    }
    if (name === undefined) {
      name = s.slice(start, j);
      kind = kindOf(name);
      if (this.seenNames.length < 32) {
        this.seenNames.push(name);
        this.seenKinds.push(kind);
      }
    }
    const wanted = kind === ROW || kind === CELL;
    /** `r` of a row (its number, NaN without one) or of a cell (its column, 0 without one) */
    let ref = kind === ROW ? NaN : 0;
    let t: string | undefined;
    let selfClosing = false;
    for (;;) {
      let ws = false;
      while (j < n && isWs(s.charCodeAt(j))) {
        j++;
        ws = true;
      }
      if (j >= n) return -1;
      let c = s.charCodeAt(j);
      if (c === GT) {
        j++;
        break;
      }
      if (c === SLASH) {
        if (j + 1 >= n) return -1;
        if (s.charCodeAt(j + 1) !== GT) fail(`"/" inside <${name}>`);
        j += 2;
        selfClosing = true;
        break;
      }
      if (!ws) fail(`attributes of <${name}> not separated by white space`);
      const an = j;
      for (; j < n; j++) {
        c = s.charCodeAt(j);
        if (c === EQ || isWs(c)) break;
        if (!isNameChar(c)) fail(`an attribute of <${name}> without a value`);
      }
      const ae = j;
      while (j < n && isWs(s.charCodeAt(j))) j++;
      if (j >= n) return -1;
      if (s.charCodeAt(j) !== EQ || ae === an) fail(`an attribute of <${name}> without a value`);
      j++;
      while (j < n && isWs(s.charCodeAt(j))) j++;
      if (j >= n) return -1;
      const q = s.charCodeAt(j);
      if (q !== QUOT && q !== APOS) fail(`an unquoted attribute value in <${name}>`);
      const vs = j + 1;
      const ve = s.indexOf(q === QUOT ? '"' : "'", vs);
      if (ve < 0) return -1;
      let special = false;
      for (let k = vs; k < ve; k++) {
        const d = s.charCodeAt(k);
        if (d === LT) fail(`"<" in an attribute value of <${name}>`);
        if (d === AMP || d < 32 || d >= 0xfffe) special = true;
      }
      const a = wanted && ae - an === 1 ? s.charCodeAt(an) : 0;
      if (special) {
        // entities or line breaks: the value as XML defines it, then read as below
        const v = attrValue(s.slice(vs, ve));
        if (a === 114) ref = kind === ROW ? Number(v) : columnOf(v, 0, v.length);
        else if (a === 116 && kind === CELL) t = v;
      } else if (a === 114) {
        ref = kind === ROW ? rowNumberOf(s, vs, ve) : columnOf(s, vs, ve); // r
      } else if (a === 116 && kind === CELL) {
        t = cellTypeOf(s, vs, ve); // t
      }
      j = ve + 1;
    }
    if (this.sawRoot && !this.names.length) fail(`a second root element <${name}>`);
    this.sawRoot = true;
    this.open(kind, ref, t);
    if (selfClosing) this.close(kind);
    else {
      this.names.push(name);
      this.kinds.push(kind);
    }
    return j;
  }

  private closeTag(s: string, j: number): number {
    const n = s.length;
    const start = j;
    while (j < n) {
      const c = s.charCodeAt(j);
      if (c === GT || isWs(c)) break;
      j++;
    }
    const end = j;
    while (j < n && isWs(s.charCodeAt(j))) j++;
    if (j >= n) return -1;
    if (s.charCodeAt(j) !== GT) fail(`a malformed closing tag: ${s.slice(start - 2, j + 1)}`);
    const top = this.names.pop();
    if (top === undefined || end - start !== top.length || !s.startsWith(top, start)) {
      fail(`closing tag </${s.slice(start, end)}> where ${top === undefined ? 'nothing is open' : `<${top}> is open`}`);
    }
    this.close(this.kinds.pop()!);
    return j + 1;
  }

  /** `<!--` comment, `<![CDATA[` section, or a document type declaration (refused). */
  private bang(s: string, i: number): number {
    if (s.startsWith('<!--', i)) {
      const e = s.indexOf('-->', i + 4);
      return e < 0 ? -1 : e + 3;
    }
    if (s.startsWith('<![CDATA[', i)) {
      const e = s.indexOf(']]>', i + 9);
      if (e < 0) return -1;
      if (!this.names.length) fail('a CDATA section outside the root element');
      const raw = s.slice(i + 9, e);
      const t = raw.includes('\r') ? raw.replace(CRLF, '\n') : raw;
      if (BAD_CHAR.test(t)) fail('a character XML does not allow');
      if (this.capture) this.text += t;
      return e + 3;
    }
    const head = s.slice(i, i + 9);
    if (head.length < 9 && ('<![CDATA['.startsWith(head) || '<!--'.startsWith(head) || '<!DOCTYPE'.startsWith(head))) return -1;
    fail(head.startsWith('<!DOCTYPE') ? 'a document type declaration in a sheet' : `malformed markup ${head}`);
  }

  // what the sheet's elements mean (as the saxes handlers did, by local name wherever the element is)

  private open(kind: number, ref: number, t: string | undefined): void {
    switch (kind) {
      case ROW: {
        const n = ref;
        this.rowNo = Number.isInteger(n) && n > 0 ? n : this.rowNo + 1;
        this.row = { number: this.rowNo, values: [] };
        this.col = 0;
        break;
      }
      case CELL: {
        this.col = ref > 0 ? ref : this.col + 1;
        this.type = t ?? 'n';
        this.text = '';
        this.hasValue = false;
        break;
      }
      case V:
        this.capture = true;
        this.hasValue = true;
        break;
      case IS:
        this.inInline = true;
        this.hasValue = true;
        break;
      case T:
        if (this.inInline && !this.phonetic) this.capture = true;
        break;
      case RPH:
        this.phonetic++;
        break;
    }
  }

  private close(kind: number): void {
    switch (kind) {
      case V:
      case T:
        this.capture = false;
        break;
      case IS:
        this.inInline = false;
        break;
      case RPH:
        this.phonetic--;
        break;
      case CELL:
        if (this.row && this.hasValue) this.row.values[this.col] = cellValue(this.type, this.text, this.strings);
        break;
      case ROW:
        if (this.row) this.ready.push(this.row);
        this.row = null;
        break;
    }
  }
}

const LT = 60;
const GT = 62;
const SLASH = 47;
const BANG = 33;
const QUESTION = 63;
const EQ = 61;
const QUOT = 34;
const APOS = 39;
const AMP = 38;
/** no sheet has a tag this long; a longer one would be carried from chunk to chunk and rescanned */
const MAX_MARKUP = 1 << 20;
/** far above what a cell holds (Excel: 32,767 characters); guards memory against a zip bomb */
const MAX_TEXT = 16 << 20;

const OTHER = 0;
const ROW = 1;
const CELL = 2;
const V = 3;
const IS = 4;
const T = 5;
const RPH = 6;

/** An element's meaning by its local name (`x:c` is `c`). */
function kindOf(name: string): number {
  const colon = name.indexOf(':');
  switch (colon < 0 ? name : name.slice(colon + 1)) {
    case 'c':
      return CELL;
    case 'v':
      return V;
    case 'row':
      return ROW;
    case 'is':
      return IS;
    case 't':
      return T;
    case 'rPh':
      return RPH;
    default:
      return OTHER;
  }
}

function fail(message: string): never {
  throw new XlsxFormatError(`malformed sheet XML: ${message}`);
}

const isWs = (c: number) => c === 32 || c === 10 || c === 9 || c === 13;
/** ASCII letters, `_`, `:` and anything beyond ASCII (XML's NameStartChar, loosely) */
const isNameStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || c >= 0x80;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46;

/** The column of a cell reference s[from, to) (`AB12` -> 28; 0 when it starts otherwise), as cellRef reads it. */
function columnOf(s: string, from: number, to: number): number {
  let col = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
  }
  return col;
}

/** A row's `r` s[from, to) as Number() reads it (plain digits without cutting them out of the text). */
function rowNumberOf(s: string, from: number, to: number): number {
  if (to - from > 0 && to - from < 10) {
    let n = 0;
    let i = from;
    for (; i < to; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
    }
    if (i === to) return n;
  }
  return Number(s.slice(from, to));
}

/** A cell's `t` s[from, to), the usual ones without cutting them out of the text. */
function cellTypeOf(s: string, from: number, to: number): string {
  const len = to - from;
  if (len === 1) {
    switch (s.charCodeAt(from)) {
      case 115:
        return 's';
      case 110:
        return 'n';
      case 98:
        return 'b';
      case 101:
        return 'e';
      case 100:
        return 'd';
    }
  } else if (len === 3 && s.startsWith('str', from)) return 'str';
  else if (len === 9 && s.startsWith('inlineStr', from)) return 'inlineStr';
  return s.slice(from, to);
}

const BLANK = /^[ \t\r\n]*$/;
// the control characters are the point of these two: XML forbids them (saxes refused them too)
/** text that needs more than taking as is: an entity, a CR, a `>` (of `]]>`), a character XML forbids */
// eslint-disable-next-line no-control-regex
const TEXT_SPECIAL = /[&\r>\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
// eslint-disable-next-line no-control-regex
const BAD_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
const CRLF = /\r\n?/g;

/** Character data: `]]>` refused, CR LF and lone CR read as LF, then entities decoded. */
function textValue(raw: string): string {
  if (raw.includes(']]>')) fail('"]]>" in text');
  const t = raw.includes('\r') ? raw.replace(CRLF, '\n') : raw;
  if (BAD_CHAR.test(t)) fail('a character XML does not allow');
  return t.includes('&') ? decodeEntities(t) : t;
}

/** An attribute value: line breaks and tabs read as spaces (XML's attribute-value normalisation), then entities decoded. */
function attrValue(raw: string): string {
  const t = raw.replace(CRLF, '\n');
  if (BAD_CHAR.test(t)) fail('a character XML does not allow');
  const v = t.replace(/[\t\n]/g, ' ');
  return v.includes('&') ? decodeEntities(v) : v;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(t: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const a = t.indexOf('&', i);
    if (a < 0) return out + t.slice(i);
    const e = t.indexOf(';', a + 1);
    if (e < 0) fail(`an entity without its ";": ${t.slice(a, a + 12)}`);
    out += t.slice(i, a) + entity(t.slice(a + 1, e));
    i = e + 1;
  }
}

function entity(name: string): string {
  const named = Object.hasOwn(NAMED, name) ? NAMED[name] : undefined;
  if (named !== undefined) return named;
  const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(name);
  if (!m) fail(`undefined entity &${name};`);
  const cp = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2], 10);
  // XML's Char: a reference to anything else (a NUL, a lone surrogate, past U+10FFFF) is malformed
  const ok = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
  if (!ok) fail(`a character reference to a character XML does not allow: &${name};`);
  return String.fromCodePoint(cp);
}
