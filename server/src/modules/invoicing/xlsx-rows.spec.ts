import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { ErrorCode } from '@drp/shared';
import { DomainError } from '../../common/errors/domain-error';
import { PlatformRow, streamPlatformExport } from './platform-export';
import { XlsxFormatError, XlsxReader, XlsxRow } from './xlsx-rows';

/**
 * The lean xlsx reader (xlsx-rows.ts) and the platform export read through it: cell types as a
 * spreadsheet writes them, text that is not cut at chunk boundaries, the 1904 date system, a file
 * that is no workbook, and the amount fast paths giving what the general decimal rule gives.
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
