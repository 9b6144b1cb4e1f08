import ExcelJS from 'exceljs';
import { readCell } from '../../../common/excel';
import { isDateFormat, readFirstSheet, readSheet, SheetValue, XlsxFormatError } from './xlsx-first-sheet';

/** Every non-empty cell of the first sheet as exceljs' load reads it: `row:col` -> text (through readCell, as the imports read cells). */
async function viaExceljs(data: Buffer, scale?: number): Promise<Record<string, string>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  const out: Record<string, string> = {};
  const ws = wb.worksheets[0];
  ws.eachRow({ includeEmpty: false }, (row, r) => {
    for (let c = 1; c <= ws.columnCount; c++) {
      const text = readCell(row.getCell(c).value, scale).text;
      if (text) out[`${r}:${c}`] = text;
    }
  });
  return out;
}

async function viaReader(data: Buffer, scale?: number): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const row of (await readFirstSheet(data)) ?? []) {
    row.values.forEach((v, c) => {
      const text = readCell(v, scale).text;
      if (text) out[`${row.number}:${c}`] = text;
    });
  }
  return out;
}

const buffer = async (wb: ExcelJS.Workbook) => Buffer.from(await wb.xlsx.writeBuffer());

describe('readFirstSheet (the imports\' xlsx reader) reads cells as exceljs loads them', () => {
  it('texts, numbers, formulas, booleans, errors, rich text, hyperlinks, dates by their number format, merged ranges', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('数据');
    wb.addWorksheet('second').addRow(['not read']);
    ws.addRow(['商品资料（2026 年 12 月）']);
    ws.mergeCells(1, 1, 1, 6);
    ws.addRow(['商品编码', '商品名称', '零售价', '日期', '备注', '是否']);
    ws.addRow(['00123', '天然水 550ml & "冰" <特>', 13.750000000000002, new Date(Date.UTC(2026, 11, 7)), { richText: [{ text: '新' }, { text: '品', font: { bold: true } }] }, true]);
    ws.addRow(['X-2', { formula: 'A1*B1', result: 4.666666666666667 }, Number('12345678901234567890'), { formula: 'TODAY()', result: new Date(Date.UTC(2026, 0, 31)) }, { text: '链接', hyperlink: 'https://example.com' }, false]);
    ws.addRow([]);
    ws.addRow(['X-3', { error: '#N/A' }, 0.13, 46000, '  spaced  ', null]);
    ws.getCell('D6').numFmt = 'yyyy"年"m"月"d"日"';
    ws.getCell('C6').numFmt = '0.00##';
    ws.getCell('C3').numFmt = '0.0000';
    ws.addRow(['X-4', '合并', null, null, null, null]);
    ws.mergeCells('B7:C8');
    ws.addRow(['X-5']);
    const data = await buffer(wb);
    const expected = await viaExceljs(data, 4);
    expect(await viaReader(data, 4)).toEqual(expected);
    // spot checks of what that means
    expect(expected['1:4']).toBe('商品资料（2026 年 12 月）');
    expect(expected['3:3']).toBe('13.75');
    expect(expected['3:4']).toBe('2026-12-07');
    expect(expected['4:4']).toBe('2026-01-31');
    expect(expected['6:4']).toBe('2025-12-09');
    expect(expected['8:3']).toBe('合并');
    expect((await readFirstSheet(data))!.find((r) => r.number === 4)!.values[3]).toBe(Number('12345678901234567890'));
  }, 60_000);

  it('a sheet of 1,000 rows of the product template\'s shape reads the same', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('商品');
    ws.addRow(['商品编码*', '商品名称*', '零售价*', '条码']);
    for (let i = 0; i < 1000; i++) ws.addRow([`P${i}`, `商品 ${i}`, i % 3 ? String(i / 7) : i / 7, i % 2 ? `69${i}` : null]);
    const data = await buffer(wb);
    expect(await viaReader(data, 4)).toEqual(await viaExceljs(data, 4));
  }, 60_000);

  it('a sheet written by other tools reads the same: prefixed names, single quotes, line breaks and entities in tags, self-closing cells; malformed XML is refused', async () => {
    const chunks = async function* (xml: string) {
      for (let i = 0; i < xml.length; i += 7) yield xml.slice(i, i + 7);
    };
    const plain =
      '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>46000</v></c><c r="C1" t="inlineStr"><is><t>x &amp; y</t></is></c><c r="D1" s="2"/></row>' +
      '<row r="3"><c r="AB3" t="b"><v>1</v></c><c t="str"><f>A1</f><v>甲</v></c></row></sheetData><mergeCells><mergeCell ref="A1:A2"/></mergeCells></worksheet>';
    const other =
      "<x:worksheet xmlns:x='urn:x'><x:sheetData><x:row r='1'><x:c r='A1' t='s'><x:v>0</x:v></x:c><x:c\r\n r = \"&#66;1\"\ts=\"1\"><x:v>46000</x:v></x:c>" +
      "<x:c r=\"C1\" t=\"inline&#83;tr\"><x:is><x:t>x &amp; y</x:t></x:is></x:c><x:c r=\"D1\" s='2'/></x:row>" +
      "<x:row r=\"3\"><x:c r=\"AB3\" t=\"b\" cm=\"1\"><x:v>1</x:v></x:c><x:c t='str'><x:f>A1</x:f><x:v>甲</x:v></x:c></x:row></x:sheetData>" +
      "<x:mergeCells><x:mergeCell ref='A1:A2'/></x:mergeCells></x:worksheet>";
    const read = (xml: string) => readSheet(chunks(xml), ['文本'], new Set([1]), false);
    const at = (...cells: [number, SheetValue][]) => {
      const values: SheetValue[] = [];
      cells.forEach(([c, v]) => (values[c] = v));
      return values;
    };
    const expected = [
      { number: 1, values: at([1, '文本'], [2, new Date(Date.UTC(2025, 11, 9))], [3, 'x & y']) },
      { number: 2, values: at([1, '文本']) },
      { number: 3, values: at([28, true], [29, '甲']) },
    ];
    expect(await read(plain)).toEqual(expected);
    expect(await read(other)).toEqual(expected);
    for (const bad of ['<worksheet><sheetData><row r="1"></sheetData></worksheet>', '<worksheet><c r="A1"><v>1 &bad; 2</v></c></worksheet>', '<worksheet><c r=A1/></worksheet>']) {
      await expect(read(bad)).rejects.toBeInstanceOf(XlsxFormatError);
    }
  });

  it('the date test is exceljs\' own (quoted and bracketed parts ignored)', () => {
    expect(isDateFormat('yyyy-mm-dd')).toBe(true);
    expect(isDateFormat('[$-804]yyyy"年"m"月"')).toBe(true);
    expect(isDateFormat('0.0000')).toBe(false);
    expect(isDateFormat('"day"0.00')).toBe(false);
    expect(isDateFormat('[Red]0.00')).toBe(false);
  });

  it('refuses what is not a workbook', async () => {
    await expect(readFirstSheet(Buffer.from('PK not really a zip'))).rejects.toBeInstanceOf(XlsxFormatError);
  });
});
