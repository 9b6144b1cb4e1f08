import ExcelJS from 'exceljs';

/** A cell as a test writes it: text, a number, a formula with its cached result, or empty. */
export type XlsxValue = string | number | null | { formula: string; result: number | string };

/**
 * Builds an .xlsx in memory: a header row and data rows (strings as text cells, numbers and formulas
 * as Excel writes them). `title` puts a title row merged across the header's width above the header
 * (as users write them), so the header is row 2.
 */
export async function makeXlsx(header: string[], rows: XlsxValue[][], opts: { title?: string } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  if (opts.title) {
    ws.addRow([opts.title]);
    ws.mergeCells(1, 1, 1, header.length);
  }
  ws.addRow(header);
  rows.forEach((r) => ws.addRow(r));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A numeric cell as its number format shows it, without thousands separators (`0.0000`: 11 -> "11.0000"; `0.00##`: 0.13 -> "0.13"). */
function shown(n: number, numFmt: string | undefined): string {
  const m = /^(?:#,##)?0(?:\.(0*)(#*))?$/.exec(numFmt ?? '');
  if (!m) return String(n);
  const min = (m[1] ?? '').length;
  const max = min + (m[2] ?? '').length;
  let s = n.toFixed(max);
  while (max > min && s.endsWith('0') && s.split('.')[1].length > min) s = s.slice(0, -1);
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

/** Reads the first sheet of an .xlsx into arrays of cell texts (numeric cells as their number format shows them). */
export async function readXlsx(data: Buffer): Promise<string[][]> {
  const out: string[][] = [];
  (await loadSheet(data)).eachRow((row) => {
    const texts: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) {
      const cell = row.getCell(c);
      const v = cell.value;
      texts.push(v === null || v === undefined ? '' : typeof v === 'number' ? shown(v, cell.numFmt) : String(v));
    }
    out.push(texts);
  });
  return out;
}

/** The first sheet of an .xlsx (to look at cell types and number formats). */
export async function loadSheet(data: Buffer): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  return wb.worksheets[0];
}

/** supertest parser: collect a binary body (xlsx downloads) into a Buffer. */
export function binary(res: import('supertest').Response, cb: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}
