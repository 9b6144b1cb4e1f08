import type { Readable } from 'node:stream';
import { SaxesParser, SaxesTagPlain } from 'saxes';
import yauzl from 'yauzl';

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
