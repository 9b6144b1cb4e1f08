import ExcelJS from 'exceljs';
import { addTypedRow, numberCell, readCell, writeCell } from './excel';

describe('spreadsheet cells', () => {
  it('reads a number through its shortest decimal string, rounded half-up to the column scale', () => {
    expect(numberCell(13.750000000000002, 4)).toEqual({ text: '13.75' });
    expect(numberCell(0.1 + 0.2, 2)).toEqual({ text: '0.3' });
    expect(numberCell(2.00005, 4)).toEqual({ text: '2.0001' });
    expect(numberCell(3.5)).toEqual({ text: '3.5' });
    expect(numberCell(24, 3)).toEqual({ text: '24' });
    expect(numberCell(-15, 2)).toEqual({ text: '-15' });
    expect(numberCell(6901234567892)).toEqual({ text: '6901234567892' });
    expect(numberCell(1e-7)).toEqual({ text: '0.0000001' });
  });

  it('flags a number that lost digits (more than 15 significant digits, or 16+ digits before the point)', () => {
    expect(numberCell(Number('12345678901234567890'))).toEqual({ text: '12345678901234567000', lostDigits: true });
    expect(numberCell(12345678901234500000)).toMatchObject({ lostDigits: true });
    expect(numberCell(1234567890123456)).toMatchObject({ lostDigits: true });
    expect(numberCell(0.30000000000000004)).toMatchObject({ lostDigits: true });
    expect(numberCell(123456789012345)).toEqual({ text: '123456789012345' });
    expect(numberCell(13.750000000000002, 4).lostDigits).toBeUndefined();
  });

  it('reads formulas by their cached result, rich text, dates and empty cells', () => {
    expect(readCell({ formula: 'A1*B1', result: 13.750000000000002 } as ExcelJS.CellValue, 4)).toEqual({ text: '13.75' });
    expect(readCell({ formula: 'A1' } as ExcelJS.CellValue, 4)).toEqual({ text: '' });
    expect(readCell({ formula: 'A1&B1', result: '0012' } as ExcelJS.CellValue)).toEqual({ text: '0012' });
    expect(readCell({ richText: [{ text: 'SP-' }, { text: '01' }] })).toEqual({ text: 'SP-01' });
    expect(readCell(new Date('2026-12-03T00:00:00Z'))).toEqual({ text: '2026-12-03' });
    expect(readCell(null)).toEqual({ text: '' });
    expect(readCell('0012')).toEqual({ text: '0012' });
  });

  it('writes money, quantities and prices as numeric cells with their format, codes as text', () => {
    const ws = new ExcelJS.Workbook().addWorksheet('s');
    const row = addTypedRow(ws, ['0012', '1234.5', '2.500', '3.5000', '0.13', null], ['text', 'money', 'qty', 'unitPrice', 'rate', 'money']);
    expect([1, 2, 3, 4, 5, 6].map((c) => [row.getCell(c).value, row.getCell(c).numFmt])).toEqual([
      ['0012', '@'],
      [1234.5, '#,##0.00'],
      [2.5, '0.000'],
      [3.5, '0.0000'],
      [0.13, '0.00##'],
      [null, '#,##0.00'],
    ]);
    writeCell(row.getCell(7), '6901234567892', 'text');
    expect(row.getCell(7).type).toBe(ExcelJS.ValueType.String);
  });
});
