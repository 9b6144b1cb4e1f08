import { ErrorCode } from '@drp/shared';
import { bearer, bootTestApp, TestApp } from '../support/test-app';
import ExcelJS from 'exceljs';
import { binary, loadSheet, makeXlsx, readXlsx, XlsxValue } from '../support/xlsx';

const HEADER = ['商品编码', '商品名称', '规格型号', '品牌', '分类编码', '基本单位', '条码', '税率', '零售价', '一级批发价', '二级批发价', '三级批发价', '四级批发价', '五级批发价', '六级批发价', '七级批发价', '八级批发价', '九级批发价', '十级批发价', '最低售价', '起订量', '订货倍数', '状态', '商城上架', '备注'];
const row = (code: string, over: Record<number, XlsxValue> = {}) => {
  const r: XlsxValue[] = [code, `商品 ${code}`, '500g', '好味', 'X-SNACK', '袋', null, '0.13', '10', '9', '8.8', '8.6', '8.4', '8.2', '8', '7.8', '7.6', '7.4', '7.2', null, '1', '1', '在售', '是', null];
  Object.entries(over).forEach(([i, v]) => (r[Number(i)] = v));
  return r;
};

describe('Excel import and export of products and prices', () => {
  let t: TestApp;
  let admin: string;
  const count = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM product'))[0].n;
  const upload = (path: string, data: Buffer, name = 'import.xlsx') => t.http.post(path).set(bearer(admin)).attach('file', data, { filename: name, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
    await t.http.post('/api/categories').set(bearer(admin)).send({ code: 'X-SNACK', name: '休闲零食' }).expect(201);
  });
  afterAll(() => t.close());

  it('offers a template with every column, the level names and the category codes', async () => {
    const res = await t.http.get('/api/products/import-template').set(bearer(admin)).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toContain('attachment');
    const [header, example] = await readXlsx(res.body);
    expect(header.map((h) => h.replace(/\*$/, ''))).toEqual(HEADER);
    expect(header[0]).toBe('商品编码*');
    expect(example[0]).toBe('SP-0001');
  });

  it('imports new products and updates existing ones by code, with level prices and history', async () => {
    const file = await makeXlsx(HEADER, [row('X-001'), row('X-002', { 6: '6970000000011', 22: '停售', 23: '否' }), row('X-003', { 9: null, 10: null })]);
    const res = await upload('/api/products/import', file).expect(200);
    expect(res.body).toEqual({ created: 3, updated: 0 });
    const again = await upload('/api/products/import', await makeXlsx(HEADER, [row('x-001', { 8: '11', 9: '9.5' })])).expect(200);
    expect(again.body).toEqual({ created: 0, updated: 1 });
    const list = (await t.http.get('/api/products?q=X-00').set(bearer(admin)).expect(200)).body.items;
    const p1 = list.find((p: { code: string }) => p.code === 'X-001');
    expect(p1).toMatchObject({ basePrice: '11.0000', levelPrices: ['9.5000', '8.8000', '8.6000', '8.4000', '8.2000', '8.0000', '7.8000', '7.6000', '7.4000', '7.2000'], status: 'ON_SALE', mallPublished: true });
    expect(list.find((p: { code: string }) => p.code === 'X-002')).toMatchObject({ status: 'DISCONTINUED', mallPublished: false, barcode: '6970000000011' });
    expect(list.find((p: { code: string }) => p.code === 'X-003').levelPrices.slice(0, 2)).toEqual([null, null]);
    const hist = (await t.http.get(`/api/products/${p1.id}/price-history`).set(bearer(admin)).expect(200)).body;
    expect(hist.filter((h: { oldPrice: string | null }) => h.oldPrice !== null).map((h: { kind: string; level: number | null; oldPrice: string; newPrice: string }) => [h.kind, h.level, h.oldPrice, h.newPrice]).sort())
      .toEqual([['BASE', null, '10.0000', '11.0000'], ['LEVEL', 1, '9.0000', '9.5000']]);
    expect((await t.sql(`SELECT 1 FROM audit_log WHERE action = 'import_products'`)).length).toBe(2);
  });

  it('a file with bad rows writes nothing and reports every bad row with its column', async () => {
    const before = await count();
    const file = await makeXlsx(HEADER, [
      row('X-101'),
      row('X-102', { 4: 'NOPE' }),
      row('X-103', { 8: '1.23456' }),
      row('X-101'),
      row('X-104', { 1: null, 22: '卖完了' }),
      row('X-105', { 6: '6970000000011' }),
      row('bad code!'),
    ]);
    const res = await upload('/api/products/import', file).expect(422);
    expect(res.body.code).toBe(ErrorCode.IMPORT_REJECTED);
    expect(res.body.details.errors).toEqual([
      // coded problems: clients word them from the code and its parameters
      { row: 3, field: 'categoryCode', column: '分类编码', code: 'UNKNOWN_CATEGORY', params: { code: 'NOPE' } },
      { row: 4, field: 'basePrice', column: '零售价', code: 'NOT_A_NUMBER', params: { scale: 4 } },
      { row: 5, field: 'code', column: '商品编码', code: 'DUPLICATE_IN_FILE', params: { row: 2 } },
      { row: 6, field: 'name', column: '商品名称', code: 'REQUIRED', params: {} },
      { row: 6, field: 'status', column: '状态', code: 'BAD_STATUS', params: {} },
      { row: 7, field: 'barcode', column: '条码', code: 'BARCODE_TAKEN', params: { code: 'X-002' } },
      { row: 8, field: 'code', column: '商品编码', code: 'BAD_CODE', params: {} },
    ]);
    expect(await count()).toBe(before);
  });

  it('refuses files that are not xlsx, and sheets without the required columns', async () => {
    expect((await upload('/api/products/import', Buffer.from('code,name\nA,B'), 'x.csv').expect(400)).body.code).toBe(ErrorCode.UNSUPPORTED_FILE);
    expect((await t.http.post('/api/products/import').set(bearer(admin)).expect(400)).body.code).toBe(ErrorCode.UNSUPPORTED_FILE);
    const res = await upload('/api/products/import', await makeXlsx(['商品编码', '随便'], [['A', 'B']])).expect(422);
    expect(res.body.details.errors.map((e: { column: string }) => e.column)).toEqual(['商品名称', '分类编码', '基本单位', '零售价']);
    expect(res.body.details.errors.map((e: { code: string }) => e.code)).toEqual(['COLUMN_MISSING', 'COLUMN_MISSING', 'COLUMN_MISSING', 'COLUMN_MISSING']);
  });

  it('imports thousands of rows in one go (chunked set-based writes)', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => row(`BULK-${String(i).padStart(5, '0')}`));
    const res = await upload('/api/products/import', await makeXlsx(HEADER, rows)).expect(200);
    expect(res.body).toEqual({ created: 2500, updated: 0 });
    expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM product_price pp JOIN product p ON p.id = pp.product_id WHERE p.code LIKE 'BULK-%'`))[0].n).toBe(25000);
  });

  it('exports exactly the current filter', async () => {
    const res = await t.http.get('/api/products/export?q=X-00&sort=code').set(bearer(admin)).buffer(true).parse(binary).expect(200);
    const sheet = await readXlsx(res.body);
    expect(sheet.slice(1).map((r) => r[0])).toEqual(['X-001', 'X-002', 'X-003']);
    expect(sheet[1][8]).toBe('11.0000');
  });

  it('price lists: export, then import changed prices by code ("-" clears a level); unknown codes are rejected', async () => {
    const exported = await readXlsx((await t.http.get('/api/prices/export?q=X-00').set(bearer(admin)).buffer(true).parse(binary).expect(200)).body);
    const header = exported[0].map((h) => h.replace(/\*$/, ''));
    expect(header).toEqual(['商品编码', '商品名称', '零售价', ...HEADER.slice(9, 19), '最低售价']);
    const blank = Array(header.length).fill(null) as (string | null)[];
    const change = [...blank];
    change[0] = 'X-002';
    change[2] = '12.5';
    change[3] = '-';
    change[13] = '5';
    const bad = [...blank];
    bad[0] = 'NO-SUCH';
    expect((await upload('/api/prices/import', await makeXlsx(header, [change, bad])).expect(422)).body.details.errors).toEqual([{ row: 3, field: 'code', column: '商品编码', code: 'UNKNOWN_PRODUCT', params: { code: 'NO-SUCH' } }]);
    expect((await upload('/api/prices/import', await makeXlsx(header, [change])).expect(200)).body).toEqual({ created: 0, updated: 1 });
    const p = (await t.http.get('/api/products?q=X-002').set(bearer(admin)).expect(200)).body.items[0];
    expect(p).toMatchObject({ basePrice: '12.5000', floorPrice: '5.0000', name: '商品 X-002' });
    expect(p.levelPrices[0]).toBeNull();
    expect(p.levelPrices[1]).toBe('8.8000');
  });

  describe('Excel as users really write it', () => {
    it('finds the header below a merged title row, takes a formula by its value rounded to the column scale, refuses a number that lost digits (row and column)', async () => {
      const title = { title: '商品资料（2026 年 12 月）' };
      const formula = { formula: 'A1*B1', result: 13.750000000000002 };
      const bad = await upload('/api/products/import', await makeXlsx(HEADER, [row('00123', { 8: formula, 9: 12.5, 20: 24 }), row('X-203', { 6: Number('12345678901234567890') })], title)).expect(422);
      expect(bad.body.details.errors).toEqual([{ row: 4, field: 'barcode', column: '条码', code: 'NUMBER_LOST_DIGITS', params: { digits: 15 } }]);
      expect((await t.sql(`SELECT 1 FROM product WHERE code IN ('00123', 'X-203')`)).length).toBe(0);

      const ok = await upload('/api/products/import', await makeXlsx(HEADER, [row('00123', { 6: '0012345678905', 8: formula, 9: 12.5, 20: 24 }), row('X-203', { 6: '12345678901234567890' })], title)).expect(200);
      expect(ok.body).toEqual({ created: 2, updated: 0 });
      const list = (await t.http.get('/api/products?q=00123').set(bearer(admin)).expect(200)).body.items.filter((p: { code: string }) => p.code === '00123');
      expect(list[0]).toMatchObject({ code: '00123', barcode: '0012345678905', basePrice: '13.7500', minOrderQty: '24.000' });
      expect(list[0].levelPrices[0]).toBe('12.5000');
      expect((await t.http.get('/api/products?q=X-203').set(bearer(admin)).expect(200)).body.items[0].barcode).toBe('12345678901234567890');
    });

    it('a price list with a title row and formula prices imports; a price of more than 15 digits is refused', async () => {
      const header = ['商品编码', '商品名称', '零售价', ...HEADER.slice(9, 19), '最低售价'];
      const line = (code: string, base: XlsxValue) => [code, null, base, ...Array(11).fill(null)] as XlsxValue[];
      const bad = await upload('/api/prices/import', await makeXlsx(header, [line('00123', 1234567890123456.5)], { title: '价格表' })).expect(422);
      expect(bad.body.details.errors).toEqual([{ row: 3, field: 'basePrice', column: '零售价', code: 'NUMBER_LOST_DIGITS', params: { digits: 15 } }]);
      await upload('/api/prices/import', await makeXlsx(header, [line('00123', { formula: 'C1/3', result: 4.666666666666667 })], { title: '价格表' })).expect(200);
      expect((await t.http.get('/api/products?q=00123').set(bearer(admin)).expect(200)).body.items.find((p: { code: string }) => p.code === '00123').basePrice).toBe('4.6667');
    });

    it('exports prices and quantities as numeric cells with a number format, codes and barcodes as text (leading zeros kept)', async () => {
      const res = await t.http.get('/api/products/export?q=00123').set(bearer(admin)).buffer(true).parse(binary).expect(200);
      const ws = await loadSheet(res.body);
      const head = (ws.getRow(1).values as string[]).slice(1).map((h) => h.replace(/\*$/, ''));
      // the filter also finds BULK-00123...: the row of product 00123
      let rowNo = 2;
      while (ws.getRow(rowNo).getCell(1).value !== '00123' && rowNo <= ws.rowCount) rowNo++;
      const cell = (name: string) => ws.getRow(rowNo).getCell(head.indexOf(name) + 1);
      expect([cell('商品编码').type, cell('商品编码').value, cell('商品编码').numFmt]).toEqual([ExcelJS.ValueType.String, '00123', '@']);
      expect([cell('条码').type, cell('条码').value, cell('条码').numFmt]).toEqual([ExcelJS.ValueType.String, '0012345678905', '@']);
      expect([cell('零售价').type, cell('零售价').value, cell('零售价').numFmt]).toEqual([ExcelJS.ValueType.Number, 4.6667, '0.0000']);
      expect([cell('一级批发价').type, cell('一级批发价').value, cell('一级批发价').numFmt]).toEqual([ExcelJS.ValueType.Number, 12.5, '0.0000']);
      expect([cell('起订量').type, cell('起订量').value, cell('起订量').numFmt]).toEqual([ExcelJS.ValueType.Number, 24, '0.000']);
      expect([cell('税率').type, cell('税率').value, cell('税率').numFmt]).toEqual([ExcelJS.ValueType.Number, 0.13, '0.00##']);
      expect(cell('最低售价').value).toBeNull();
      // the exported file imports back unchanged
      expect((await upload('/api/products/import', res.body).expect(200)).body).toEqual({ created: 0, updated: ws.rowCount - 1 });
      expect((await t.http.get('/api/products?q=00123').set(bearer(admin)).expect(200)).body.items.find((p: { code: string }) => p.code === '00123')).toMatchObject({ basePrice: '4.6667', barcode: '0012345678905', minOrderQty: '24.000' });
    });

    it('the template writes its example prices and quantities as numbers, the example barcode as text', async () => {
      const ws = await loadSheet((await t.http.get('/api/products/import-template').set(bearer(admin)).buffer(true).parse(binary).expect(200)).body);
      expect([ws.getCell('G2').type, ws.getCell('G2').value]).toEqual([ExcelJS.ValueType.String, '6901234567892']);
      expect([ws.getCell('I2').type, ws.getCell('I2').value, ws.getCell('I2').numFmt]).toEqual([ExcelJS.ValueType.Number, 3.5, '0.0000']);
    });
  });
});
