import type { Readable } from 'node:stream';
import { SaxesParser, SaxesTagPlain } from 'saxes';
import yauzl from 'yauzl';
import { attributes } from './xml-scanner';

/**
 * The parts of an .xlsx both lean readers need (catalog/excel/xlsx-first-sheet.ts: a whole first
 * sheet for the imports; invoicing/xlsx-rows.ts: streamed rows of any sheet for the tax platform's
 * export): the zip's directory, an XML part fed to saxes, the workbook's sheets and parts, the
 * shared strings. Each reader parses sheet cells its own way.
 */

/** Thrown for anything that is not a readable workbook (the callers map it to their 400). */
export class XlsxFormatError extends Error {}

/** A broken deflate stream or a size that does not match the directory is a bad file, not a server error. */
export const asFormatError = (e: unknown) => (e instanceof XlsxFormatError ? e : new XlsxFormatError(`unreadable workbook: ${(e as Error)?.message ?? String(e)}`));

/** `<x:row>` and `<row>` alike: some writers prefix the spreadsheetml namespace. */
export const local = (name: string) => {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
};

/** `AB12` -> { col: 28, row: 12 } (0 for a missing part). */
export function cellRef(ref: string): { col: number; row: number } {
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

export type XmlHandlers = { open?: (name: string, tag: SaxesTagPlain) => void; close?: (name: string) => void; text?: (t: string) => void };

/** Feeds a stream of XML text to a fresh saxes parser; the handlers see local names (no namespace prefix). */
export async function parseXml(stream: Readable, h: XmlHandlers): Promise<void> {
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
  } catch (e) {
    throw asFormatError(e);
  } finally {
    stream.destroy();
  }
}

/** The zip's entries by name (leading slash dropped), read from its central directory. */
export function zipEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  return new Promise<Map<string, yauzl.Entry>>((resolve, reject) => {
    const found = new Map<string, yauzl.Entry>();
    zip.on('entry', (entry: yauzl.Entry) => {
      found.set(entry.fileName.replace(/^\//, ''), entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(found));
    zip.once('error', reject);
    zip.readEntry();
  });
}

/** One entry's inflated content as a stream. */
export function partStream(zip: yauzl.ZipFile, entries: Map<string, yauzl.Entry>, part: string): Promise<Readable> {
  const entry = entries.get(part);
  if (!entry) return Promise.reject(new XlsxFormatError(`the workbook has no part ${part}`));
  return new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (e, s) => (e || !s ? reject(new XlsxFormatError(`cannot read ${part}: ${e?.message}`)) : resolve(s))));
}

export interface WorkbookParts {
  /** the sheets in tab order, each with its part in the zip (e.g. xl/worksheets/sheet1.xml) */
  sheets: { name: string; part: string }[];
  /** serial numbers count from 1904-01-01 (old Mac workbooks) instead of 1899-12-30 */
  date1904: boolean;
  sharedStrings: string | null;
  styles: string | null;
}

/** workbook.xml (sheet names, r:ids, date1904) and its relationships (the sheets' parts, the shared strings', the styles'). */
export async function readWorkbookParts(entries: Map<string, yauzl.Entry>, stream: (part: string) => Promise<Readable>): Promise<WorkbookParts> {
  const workbookPart = entries.has('xl/workbook.xml') ? 'xl/workbook.xml' : [...entries.keys()].find((k) => /(^|\/)workbook\.xml$/.test(k));
  if (!workbookPart) throw new XlsxFormatError('no workbook.xml: not an .xlsx workbook');
  const named: { name: string; rid: string }[] = [];
  let date1904 = false;
  await parseXml(await stream(workbookPart), {
    open: (name, tag) => {
      if (name === 'sheet') {
        const rid = Object.entries(tag.attributes).find(([k]) => local(k) === 'id' && k.includes(':'))?.[1];
        named.push({ name: String(tag.attributes.name ?? ''), rid: String(rid ?? '') });
      } else if (name === 'workbookPr') date1904 = ['1', 'true'].includes(String(tag.attributes.date1904 ?? ''));
    },
  });
  const folder = workbookPart.includes('/') ? workbookPart.slice(0, workbookPart.lastIndexOf('/')) : '';
  const inFolder = (name: string) => (folder ? `${folder}/${name}` : name);
  const relsPart = `${folder ? `${folder}/` : ''}_rels/${workbookPart.slice(folder ? folder.length + 1 : 0)}.rels`;
  const targets = new Map<string, string>();
  let sharedStrings: string | null = null;
  let styles: string | null = null;
  if (entries.has(relsPart)) {
    await parseXml(await stream(relsPart), {
      open: (name, tag) => {
        if (name !== 'Relationship') return;
        const target = resolveTarget(folder, String(tag.attributes.Target ?? ''));
        const type = String(tag.attributes.Type ?? '');
        targets.set(String(tag.attributes.Id ?? ''), target);
        if (/\/sharedStrings$/.test(type)) sharedStrings = target;
        else if (/\/styles$/.test(type)) styles = target;
      },
    });
  }
  if (!sharedStrings && entries.has(inFolder('sharedStrings.xml'))) sharedStrings = inFolder('sharedStrings.xml');
  if (!styles && entries.has(inFolder('styles.xml'))) styles = inFolder('styles.xml');
  const sheets = named.map((s, i) => ({ name: s.name, part: targets.get(s.rid) ?? inFolder(`worksheets/sheet${i + 1}.xml`) }));
  return { sheets, date1904, sharedStrings, styles };
}

/** The shared strings table (rich text runs joined; phonetic runs left out). */
export async function readSharedStrings(s: Readable): Promise<string[]> {
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

const CELL_ATTRIBUTES = ['r', 't', 's'] as const;

/** A cell tag's column (from its reference; 0 without one), type (`n` without one) and style index (0 without one). */
export interface CellTag {
  col: number;
  type: string;
  style: number;
}

const CELL_TYPES = ['s', 'n', 'str', 'inlineStr', 'b', 'e', 'd'];

/**
 * A sheet's `<c r="B12" s="3" t="s">` read where it lies in the text, without cutting strings out of
 * it (a 10,000-row sheet has 250,000 of them): attributes as `name="value"` separated by single
 * spaces, values without `&`. Anything else answers false (the caller uses the general reader).
 */
function fastCellTag(text: string, from: number, to: number, out: CellTag): boolean {
  out.col = 0;
  out.type = 'n';
  out.style = 0;
  let j = from;
  while (j < to) {
    if (text.charCodeAt(j) !== 32) return j === to;
    const name = j + 1;
    const eq = text.indexOf('="', name);
    if (eq < 0 || eq >= to) return false;
    const end = text.indexOf('"', eq + 2);
    if (end < 0 || end >= to) return false;
    const len = eq - name;
    const a = text.charCodeAt(name);
    if (len === 1 && a === 114) {
      // r: the column from the reference's letters (A..XFD)
      let c = 0;
      for (let k = eq + 2; k < end; k++) {
        const d = text.charCodeAt(k);
        if (d >= 65 && d <= 90) c = c * 26 + (d - 64);
        else if (d >= 97 && d <= 122) c = c * 26 + (d - 96);
        else if (d === 38) return false;
        else break;
      }
      out.col = c;
    } else if (len === 1 && a === 116) {
      // t: one of the cell types, else as written
      const t = text.slice(eq + 2, end);
      if (t.includes('&')) return false;
      out.type = CELL_TYPES.find((x) => x === t) ?? t;
    } else if (len === 1 && a === 115) {
      // s: the style index
      if (end === eq + 2) return false;
      let st = 0;
      for (let k = eq + 2; k < end; k++) {
        const d = text.charCodeAt(k) - 48;
        if (d < 0 || d > 9) return false;
        st = st * 10 + d;
      }
      out.style = st;
    } else if (text.slice(name, eq).includes(' ')) return false;
    j = end + 1;
  }
  return true;
}

/**
 * A cell tag's column, type and style (`<c>`'s attributes as XmlScanner hands them over): the fast
 * path for what spreadsheets write, the general attribute reader for the rest (entities, single
 * quotes, spaces around "=").
 */
export function readCellTag(text: string, from: number, to: number, out: CellTag): void {
  if (fastCellTag(text, from, to, out)) return;
  const [ref, t, st] = attributes(text, from, to, CELL_ATTRIBUTES, found);
  out.col = ref ? cellRef(ref).col : 0;
  out.type = t ?? 'n';
  out.style = st ? Number(st) : 0;
}

const found: (string | undefined)[] = [];
