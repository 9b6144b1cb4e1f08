import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { SaxesParser } from 'saxes';
import { ErrorCode } from '@drp/shared';
import { DomainError } from '../../common/errors/domain-error';
import { PlatformRow, streamPlatformExport } from './platform-export';
import { cellRef, local } from '../../common/xlsx-parts';
import { SheetScanner, XlsxFormatError, XlsxReader, XlsxRow, XlsxValue } from './xlsx-rows';

/**
 * The lean xlsx reader (xlsx-rows.ts) and the platform export read through it: cell types as a
 * spreadsheet writes them, text that is not cut at chunk boundaries, the 1904 date system, a file
 * that is no workbook, and the amount fast paths giving what the general decimal rule gives.
 * The sheet scanner is compared with a general XML parser (saxes, which the reader used before)
 * reading the same sheets, cut into chunks at every position.
 */
describe('xlsx rows', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xlsx-rows-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const save = async (wb: ExcelJS.Workbook) => {
    const file = path.join(dir, `${++n}.xlsx`);
    await wb.xlsx.writeFile(file);
    return file;
  };
  const readAll = async (file: string, sheet = 0) => {
    const book = await XlsxReader.open(file);
    try {
      const out: XlsxRow[] = [];
      for await (const r of book.rows(book.sheets[sheet])) out.push(r);
      return { rows: out, names: book.sheets.map((s) => s.name), date1904: book.date1904 };
    } finally {
      book.close();
    }
  };

  it('reads every cell type: shared and rich text, numbers, dates as serials, formula results, booleans; sparse columns; sheets in workbook order', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('发票基础信息');
    ws.addRow(['全量发票查询']);
    ws.mergeCells(1, 1, 1, 4);
    ws.addRow(['文本 & <符号>', 44001900111, 13.75, new Date(Date.UTC(2025, 2, 5))]);
    ws.getRow(3).getCell(2).value = { richText: [{ text: '压测' }, { text: '客户' }] };
    ws.getRow(3).getCell(4).value = { formula: 'B2*2', result: 88003800222 };
    ws.getRow(3).getCell(5).value = true;
    ws.getRow(5).getCell(3).value = -0.5;
    wb.addWorksheet('信息汇总表').addRow(['明细']);
    const { rows, names } = await readAll(await save(wb));
    expect(names).toEqual(['发票基础信息', '信息汇总表']);
    expect(rows.map((r) => r.number)).toEqual([1, 2, 3, 5]);
    expect(rows[0].values[1]).toBe('全量发票查询');
    expect(rows[1].values.slice(1)).toEqual(['文本 & <符号>', 44001900111, 13.75, 45721]);
    expect(rows[2].values[2]).toBe('压测客户');
    expect(rows[2].values[4]).toBe(88003800222);
    expect(rows[2].values[5]).toBe(true);
    expect(rows[3].values[3]).toBe(-0.5);
    expect(rows[3].values[1]).toBeUndefined();
  });

  it('keeps multi-byte text whole across inflate chunks (inline strings, thousands of rows)', async () => {
    const file = path.join(dir, 'inline.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false });
    const ws = wb.addWorksheet('发票基础信息');
    for (let i = 1; i <= 6000; i++) ws.addRow([`压测客户${i}商贸有限公司`, i]).commit();
    ws.commit();
    await wb.commit();
    const { rows } = await readAll(file);
    expect(rows).toHaveLength(6000);
    expect(rows.every((r, i) => r.values[1] === `压测客户${i + 1}商贸有限公司` && r.values[2] === i + 1)).toBe(true);
  });

  it('a file that is not a workbook: XlsxFormatError, and UNSUPPORTED_FILE from the platform reader', async () => {
    const file = path.join(dir, 'not.xlsx');
    writeFileSync(file, 'PK not really a zip');
    await expect(XlsxReader.open(file)).rejects.toBeInstanceOf(XlsxFormatError);
    const err = await streamPlatformExport(file, async () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(ErrorCode.UNSUPPORTED_FILE);
  });

  const HEAD = ['序号', '发票代码', '发票号码', '数电发票号码', '销方识别号', '销方名称', '购方识别号', '购买方名称', '开票日期', '金额', '税额', '价税合计', '发票来源', '发票票种', '发票状态', '是否正数发票', '发票风险等级', '开票人', '备注'];
  const platformFile = async (rows: unknown[][], opts: { date1904?: boolean } = {}) => {
    const wb = new ExcelJS.Workbook();
    if (opts.date1904) wb.properties.date1904 = true;
    const ws = wb.addWorksheet('发票基础信息');
    ws.addRow(['全量发票查询导出结果']);
    ws.addRow(HEAD);
    for (const r of rows) ws.addRow(r);
    ws.addRow([]);
    ws.addRow(['合计', null, null, null, null, null, null, null, null, 1]);
    return save(wb);
  };
  const row = (amount: number, tax: number, total: number, date: Date = new Date(Date.UTC(2025, 2, 5))) =>
    [1, 44001900111, 123, null, '91350100M000100Y43', '总部', '91350213678251743X', '客户', date, amount, tax, total, '电子发票服务平台', '增值税电子普通发票', '正常', '是', '正常', '王会计', null];
  const parse = async (file: string) => {
    const out: PlatformRow[] = [];
    const summary = await streamPlatformExport(file, async (r) => void out.push(r));
    return { out, summary };
  };

  it('amounts: the fast path gives what the decimal rule gives (half up at 2 decimals, integers, negatives, more digits)', async () => {
    const { out, summary } = await parse(await platformFile([
      row(113, 13, 126),
      row(0.1 + 0.2, 0.005, 0.31), // 0.30000000000000004 -> 0.30; 0.005 -> 0.01 (half up)
      row(-100, -13, -113),
      row(12345678901234.5, 0, 12345678901234.5), // 14 integer digits: the decimal rule
      row(13.75, 1.79, 15.54),
    ]));
    expect(summary.problems).toEqual([]);
    expect(out.map((r) => [r.amount, r.tax, r.total])).toEqual([
      ['113.00', '13.00', '126.00'],
      ['0.30', '0.01', '0.31'],
      ['-100.00', '-13.00', '-113.00'],
      ['12345678901234.50', '0.00', '12345678901234.50'],
      ['13.75', '1.79', '15.54'],
    ]);
    expect(out[0]).toMatchObject({ code: '044001900111', number: '00000123', key: 'C:044001900111:00000123', issueDate: '2025-03-05' });
  });

  it('a total that is not amount + tax is a problem (fast path and decimal rule alike)', async () => {
    const { summary } = await parse(await platformFile([row(100, 13, 114), row(12345678901234.5, 0, 12345678901234.6)]));
    expect(summary.problems).toEqual([
      { row: 3, column: '价税合计', code: 'TOTAL_MISMATCH' },
      { row: 4, column: '价税合计', code: 'TOTAL_MISMATCH' },
    ]);
  });

  it('a workbook in the 1904 date system gives the same 开票日期', async () => {
    const file = await platformFile([row(113, 13, 126)], { date1904: true });
    expect((await readAll(file)).date1904).toBe(true);
    const { out } = await parse(file);
    expect(out[0].issueDate).toBe('2025-03-05');
  });
});

/**
 * The reference: a sheet's rows as the reader gave them when saxes parsed the sheet (the same handlers, plus
 * CDATA sections read as text, which the scanner does and saxes' reader dropped).
 */
function saxesRows(xml: string, strings: string[]): XlsxRow[] {
  const out: XlsxRow[] = [];
  let row: XlsxRow | null = null;
  let rowNo = 0;
  let col = 0;
  let type = '';
  let text = '';
  let capture = false;
  let inInline = false;
  let phonetic = 0;
  let hasValue = false;
  const parser = new SaxesParser({ position: false });
  parser.on('error', (e) => {
    throw new XlsxFormatError(e.message);
  });
  parser.on('opentag', (tag) => {
    switch (local(tag.name)) {
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
  const onText = (t: string) => {
    if (capture) text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag) => {
    switch (local(tag.name)) {
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
        if (row && hasValue) row.values[col] = refValue(type, text, strings);
        break;
      case 'row':
        if (row) out.push(row);
        row = null;
        break;
    }
  });
  parser.write(xml);
  parser.close();
  return out;
}

/** cellValue of xlsx-rows.ts, as it was beside saxes */
function refValue(type: string, text: string, strings: string[]): XlsxValue {
  switch (type) {
    case 's': {
      const s = strings[Number(text)];
      if (s === undefined) throw new XlsxFormatError(`no shared string ${text}`);
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
      return Number.isNaN(n) ? text : n;
    }
  }
}

/** The scanner fed the sheet in the given pieces. */
function scan(pieces: string[], strings: string[]): XlsxRow[] {
  const scanner = new SheetScanner(strings);
  const out: XlsxRow[] = [];
  for (const p of pieces) {
    scanner.write(p);
    out.push(...scanner.take());
  }
  scanner.end();
  out.push(...scanner.take());
  return out;
}

const piecesOf = (xml: string, size: number) => Array.from({ length: Math.ceil(xml.length / size) }, (_, i) => xml.slice(i * size, (i + 1) * size));

describe('sheet scanner (against saxes)', () => {
  const STRINGS = ['发票号码', '压测客户商贸有限公司', 'a & b'];
  const HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n';
  const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
  const sheets: Record<string, string> = {
    'as Excel writes it': `${HEAD}<worksheet ${NS}><dimension ref="A1:E4"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetData>`
      + '<row r="1" spans="1:5"><c r="A1" t="s"><v>0</v></c><c r="B1" s="3" t="s"><v>1</v></c><c r="C1" s="2"><v>45721</v></c><c r="D1"><v>-0.5</v></c><c r="E1" t="s"><v>2</v></c></row>'
      + '<row r="2"><c r="A2"><f>SUM(C1:D1)</f><v>45720.5</v></c><c r="B2" t="str"><f>A1&amp;"x"</f><v>发票 &amp; x</v></c><c r="C2" t="b"><v>1</v></c><c r="D2" t="e"><v>#N/A</v></c><c r="E2" t="d"><v>2025-03-05T00:00:00Z</v></c></row>'
      + '<row r="4"><c r="A4" s="1"/><c r="B4" t="s"/><c r="C4"><v/></c><c r="AB4"><v>44001900111</v></c><c r="E4" t="b"><v>0</v></c></row>'
      + '</sheetData><mergeCells count="1"><mergeCell ref="A1:E1"/></mergeCells><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>',
    'namespace prefixes, inline strings, rich runs, phonetic runs, xml:space': `\uFEFF${HEAD}<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>`
      + '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>东京</x:t><x:rPh sb="0" eb="2"><x:t>トウキョウ</x:t></x:rPh></x:is></x:c>'
      + '<x:c r="B1" t="inlineStr"><x:is><x:r><x:rPr><x:b/></x:rPr><x:t>压测</x:t></x:r><x:r><x:t xml:space="preserve">  客户 </x:t></x:r></x:is></x:c>'
      + '<x:c r="C1" t="inlineStr"><x:is><x:t xml:space="preserve">\ta\r\nb\rc  </x:t></x:is></x:c><x:c r="D1" t="inlineStr"><x:is/></x:c></x:row>'
      + '</x:sheetData></x:worksheet>\r\n',
    'entities and character references': `<worksheet><sheetData><row r="3"><c r="A3" t="inlineStr"><is><t>&lt;a&gt; &amp;&quot;&apos; &#20013;&#x6587; &#x1F600; &#13;&#10;&#9;</t></is></c>`
      + '<c r="B3" t="str"><v>&#x31;&#50;</v></c><c r="C3"><v>&#49;3.75</v></c><c r="D3" t="inlineStr"><is><t>1 &gt; 0 ]] &gt;</t></is></c></row></sheetData></worksheet>',
    'no references, odd spacing, quotes, comments, PIs, CDATA': '<worksheet >\n  <sheetData>\n    <row>\n      <c t = \'s\' ><v>0</v></c>\n      <c s="1" t="inlineStr" a="x>y" b=\'"\'\n><is><t>a<!-- note -->b<?pi x?>c<![CDATA[<d> & e]]></t></is></c>\n    </row >\n'
      + '    <row r=" 7 "><c r="C7"><v> 12 </v></c><c><v>1e3</v></c><c r="A7" t="n"><v>abc</v></c><c r="B7" t=""><v>5</v></c></row>\n    <row r="x"/><row><c r="B9"/></row>\n  </sheetData>\n</worksheet>',
    'attribute values normalised': '<worksheet><sheetData><row r="2"><c r="A2" t="&#115;"><v>1</v></c><c r="B&#50;" t="inlineStr"><is><t>x</t></is></c><c r="\nC2"><v>3</v></c></row></sheetData></worksheet>',
  };

  for (const [name, xml] of Object.entries(sheets)) {
    it(`${name}: the same rows as saxes, whole and cut at every position`, () => {
      const expected = saxesRows(xml, STRINGS);
      expect(expected.length).toBeGreaterThan(0);
      expect(scan([xml], STRINGS)).toEqual(expected);
      for (let k = 0; k <= xml.length; k++) expect(scan([xml.slice(0, k), xml.slice(k)], STRINGS)).toEqual(expected);
      for (const size of [1, 2, 3, 7]) expect(scan(piecesOf(xml, size), STRINGS)).toEqual(expected);
    });
  }

  it('reads what the sheets say (not only what saxes says)', () => {
    const [r1, r2, r4] = scan([sheets['as Excel writes it']], STRINGS);
    expect(r1.values.slice(1)).toEqual(['发票号码', '压测客户商贸有限公司', 45721, -0.5, 'a & b']);
    expect(r2.values.slice(1)).toEqual([45720.5, '发票 & x', true, '#N/A', new Date(Date.UTC(2025, 2, 5))]);
    expect(r4.number).toBe(4);
    expect(r4.values[1]).toBeUndefined(); // a styled empty cell has no value
    expect(r4.values[3]).toBeNull(); // <v/>
    expect(r4.values[28]).toBe(44001900111);
    const [p] = scan([sheets['namespace prefixes, inline strings, rich runs, phonetic runs, xml:space']], STRINGS);
    expect(p.values.slice(1)).toEqual(['东京', '压测  客户 ', '\ta\nb\nc  ', '']);
    const [e] = scan([sheets['entities and character references']], STRINGS);
    expect(e.values.slice(1)).toEqual(['<a> &"\' 中文 😀 \r\n\t', '12', 13.75, '1 > 0 ]] >']);
    const [a, b, , c] = scan([sheets['no references, odd spacing, quotes, comments, PIs, CDATA']], STRINGS);
    expect(a.number).toBe(1);
    expect(a.values.slice(1)).toEqual(['发票号码', 'abc<d> & e']);
    expect(b.number).toBe(7);
    expect(b.values).toEqual([undefined, 'abc', 5, 12, 1000]);
    expect(c).toEqual({ number: 9, values: [] }); // <row r="x"/> was row 8; a cell without a value adds nothing
  });

  // not refused (common/xml-scanner.ts does not check them; no spreadsheet writes them): attributes run together, duplicate attributes
  const bad: Record<string, string> = {
    'mismatched tags': '<worksheet><sheetData><row><c><v>1</c></row></sheetData></worksheet>',
    'a prefix on one tag of a pair': '<x:worksheet><x:sheetData></sheetData></x:worksheet>',
    'an unclosed element': '<worksheet><sheetData><row><c><v>1</v></c></row></sheetData>',
    'ends inside a tag': '<worksheet><sheetData><row r="1"',
    'ends inside a comment after the root': '<worksheet><sheetData/></worksheet><!-- no end',
    'an undefined entity': '<worksheet><sheetData><row><c t="str"><v>&nbsp;</v></c></row></sheetData></worksheet>',
    'an entity without ";"': '<worksheet><sheetData><row><c t="str"><v>a &amp b</v></c></row></sheetData></worksheet>',
    'a bare "&"': '<worksheet><sheetData><row><c t="str"><v>a & b</v></c></row></sheetData></worksheet>',
    'a reference to NUL': '<worksheet><sheetData><row><c t="str"><v>&#0;</v></c></row></sheetData></worksheet>',
    'a control character': '<worksheet><sheetData><row><c t="str"><v>a\u0001</v></c></row></sheetData></worksheet>',
    'an unquoted attribute': '<worksheet><sheetData><row r=1><c><v>1</v></c></row></sheetData></worksheet>',
    '"<" in an attribute': '<worksheet><sheetData><row r="<1"><c><v>1</v></c></row></sheetData></worksheet>',
    'an attribute without a value': '<worksheet><sheetData><row hidden><c><v>1</v></c></row></sheetData></worksheet>',
    'text outside the root': '<worksheet><sheetData/></worksheet>junk',
    'two roots': '<worksheet><sheetData/></worksheet><worksheet/>',
    'no root': '<?xml version="1.0"?>',
    '"]]>" in text': '<worksheet><sheetData><row><c t="str"><v>a]]>b</v></c></row></sheetData></worksheet>',
    'a tag without a name': '<worksheet><sheetData><row>< c><v>1</v></c></row></sheetData></worksheet>',
  };
  for (const [name, xml] of Object.entries(bad)) {
    it(`malformed: ${name} -> XlsxFormatError (saxes refuses it too)`, () => {
      expect(() => saxesRows(xml, STRINGS)).toThrow(XlsxFormatError);
      expect(() => scan([xml], STRINGS)).toThrow(XlsxFormatError);
      expect(() => scan(piecesOf(xml, 1), STRINGS)).toThrow(XlsxFormatError);
    });
  }

  it('refuses a document type declaration and a shared string the workbook lacks', () => {
    expect(() => scan(['<!DOCTYPE worksheet [<!ENTITY x "y">]><worksheet/>'], STRINGS)).toThrow(XlsxFormatError);
    expect(() => scan(['<worksheet><sheetData><row><c t="s"><v>3</v></c></row></sheetData></worksheet>'], STRINGS)).toThrow(/shared string 3/);
  });
});
