import ExcelJS from 'exceljs';
import { bearer, bootTestApp, TestApp } from '../support/test-app';
import { makeXlsx, XlsxValue } from '../support/xlsx';

const HEADER = ['商品编码', '商品名称', '规格型号', '品牌', '分类编码', '基本单位', '条码', '税率', '零售价', '一级批发价', '二级批发价', '三级批发价', '四级批发价', '五级批发价', '六级批发价', '七级批发价', '八级批发价', '九级批发价', '十级批发价', '最低售价', '起订量', '订货倍数', '状态', '商城上架', '备注'];
const row = (code: string, over: Record<number, XlsxValue> = {}) => {
  const r: XlsxValue[] = [code, `商品 ${code}`, '500g', '好味', 'PI-CAT', '袋', null, '0.13', '10', '9', '8.8', '8.6', '8.4', '8.2', '8', '7.8', '7.6', '7.4', '7.2', null, '1', '1', '在售', '是', null];
  Object.entries(over).forEach(([i, v]) => (r[Number(i)] = v));
  return r;
};

/** Product import (POST /api/products/import): what a re-import writes, and cells as Excel users leave them. */
describe('product import', () => {
  let t: TestApp;
  let admin: string;
  const upload = (data: Buffer) => t.http.post('/api/products/import').set(bearer(admin)).attach('file', data, { filename: 'p.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  const levelRows = (code: string) =>
    t.sql<{ level: number; price: string; xmin: string }>(`SELECT pp.level, pp.price::text AS price, pp.xmin::text AS xmin FROM product_price pp JOIN product p ON p.id = pp.product_id WHERE p.code = $1 ORDER BY pp.level`, [code]);
  const history = (code: string) =>
    t.sql<{ kind: string; level: number | null; old: string | null; new: string | null }>(
      `SELECT h.kind, h.level, h.old_price::text AS old, h.new_price::text AS new FROM price_history h JOIN product p ON p.id = h.product_id WHERE p.code = $1 ORDER BY h.created_at, h.kind, h.level`,
      [code],
    );

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
    await t.http.post('/api/categories').set(bearer(admin)).send({ code: 'PI-CAT', name: '导入测试' }).expect(201);
  });
  afterAll(() => t.close());

  it('the same file again updates the products and leaves their unchanged level prices as they are; a cleared level is deleted, a changed one written, both in the history', async () => {
    expect((await upload(await makeXlsx(HEADER, [row('PI-001'), row('PI-002')])).expect(200)).body).toEqual({ created: 2, updated: 0 });
    const before = await levelRows('PI-001');
    expect(before.map((r) => [r.level, r.price])).toEqual([[1, '9.0000'], [2, '8.8000'], [3, '8.6000'], [4, '8.4000'], [5, '8.2000'], [6, '8.0000'], [7, '7.8000'], [8, '7.6000'], [9, '7.4000'], [10, '7.2000']]);
    expect(await history('PI-001')).toHaveLength(11);
    const version = async () => (await t.sql<{ version: number }>(`SELECT version FROM product WHERE code = 'PI-001'`))[0].version;
    const v1 = await version();

    expect((await upload(await makeXlsx(HEADER, [row('pi-001'), row('PI-002')])).expect(200)).body).toEqual({ created: 0, updated: 2 });
    expect(await version()).toBe(v1 + 1);
    // not one level row rewritten (same tuples), no history
    expect(await levelRows('PI-001')).toEqual(before);
    expect(await history('PI-001')).toHaveLength(11);

    expect((await upload(await makeXlsx(HEADER, [row('PI-001', { 10: null, 11: '8.55' })])).expect(200)).body).toEqual({ created: 0, updated: 1 });
    const after = await levelRows('PI-001');
    expect(after.map((r) => [r.level, r.price])).toEqual([[1, '9.0000'], [3, '8.5500'], [4, '8.4000'], [5, '8.2000'], [6, '8.0000'], [7, '7.8000'], [8, '7.6000'], [9, '7.4000'], [10, '7.2000']]);
    expect(after.filter((r) => r.level !== 3)).toEqual(before.filter((r) => r.level !== 2 && r.level !== 3));
    expect((await history('PI-001')).slice(11)).toEqual([
      { kind: 'LEVEL', level: 2, old: '8.8000', new: null },
      { kind: 'LEVEL', level: 3, old: '8.6000', new: '8.5500' },
    ]);
    expect((await t.sql(`SELECT 1 FROM audit_log WHERE action = 'import_products'`)).length).toBe(3);
  });

  it('the same new products uploaded twice at once (a double submit): the second waits for the first and updates what it created', async () => {
    const file = await makeXlsx(HEADER, [row('PI-301'), row('PI-302', { 9: null })]);
    const answers = (await Promise.all([upload(file), upload(file)])).map((r) => [r.status, r.body]);
    expect(answers).toEqual(expect.arrayContaining([[200, { created: 2, updated: 0 }], [200, { created: 0, updated: 2 }]]));
    expect((await levelRows('PI-302')).map((r) => r.level)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await history('PI-302')).toHaveLength(10);
  });

  it('checks number cells by their text: sign, scale, zero where a quantity must be positive, a tax rate of 1 or more; the row and column of each', async () => {
    const bad = await upload(
      await makeXlsx(HEADER, [
        row('PI-201', { 8: '-1', 9: '-0' }),
        row('PI-202', { 8: '1.23456', 20: '0.000', 21: '1.2345' }),
        row('PI-203', { 7: '1.00', 21: '00' }),
        row('PI-204', { 7: '0013' }),
        row('PI-205', { 7: '0.9999', 8: '00.5', 20: '0.001', 21: '24' }),
      ]),
    ).expect(422);
    expect(bad.body.details.errors.map((e: { row: number; field: string; code: string }) => [e.row, e.field, e.code])).toEqual([
      [2, 'l1', 'NOT_A_NUMBER'],
      [2, 'basePrice', 'NOT_A_NUMBER'],
      [3, 'orderMultiple', 'NOT_A_NUMBER'],
      [3, 'minOrderQty', 'NOT_POSITIVE'],
      [3, 'basePrice', 'NOT_A_NUMBER'],
      [4, 'taxRate', 'BAD_TAX_RATE'],
      [4, 'orderMultiple', 'NOT_POSITIVE'],
      [5, 'taxRate', 'BAD_TAX_RATE'],
    ]);
    expect(await t.sql(`SELECT 1 FROM product WHERE code LIKE 'PI-20%'`)).toEqual([]);
    expect((await upload(await makeXlsx(HEADER, [row('PI-205', { 7: '0.9999', 8: '00.5', 20: '0.001', 21: '24' })])).expect(200)).body).toEqual({ created: 1, updated: 0 });
    expect(await t.sql(`SELECT tax_rate::text AS tax, base_price::text AS base, min_order_qty::text AS moq, order_multiple::text AS multiple FROM product WHERE code = 'PI-205'`)).toEqual([
      { tax: '0.9999', base: '0.5000', moq: '0.001', multiple: '24.000' },
    ]);
  });

  it('reads cells as Excel keeps them: a date-formatted price is refused (row and column), a merged cell gives its value to every row it spans', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('商品');
    ws.addRow(HEADER);
    ws.addRow(row('PI-101', { 8: 12 }));
    ws.getCell('I2').numFmt = 'yyyy-mm-dd';
    ws.addRow(row('PI-102'));
    const bad = await upload(Buffer.from(await wb.xlsx.writeBuffer())).expect(422);
    expect(bad.body.details.errors).toEqual([{ row: 2, field: 'basePrice', column: '零售价', code: 'NOT_A_NUMBER', params: { scale: 4 } }]);

    const merged = new ExcelJS.Workbook();
    const ms = merged.addWorksheet('商品');
    ms.addRow(HEADER);
    ms.addRow(row('PI-111', { 3: '合并品牌' }));
    ms.addRow(row('PI-112', { 3: null }));
    ms.mergeCells('D2:D3');
    expect((await upload(Buffer.from(await merged.xlsx.writeBuffer())).expect(200)).body).toEqual({ created: 2, updated: 0 });
    expect(await t.sql<{ code: string; brand: string }>(`SELECT code, brand FROM product WHERE code IN ('PI-111', 'PI-112') ORDER BY code`)).toEqual([
      { code: 'PI-111', brand: '合并品牌' },
      { code: 'PI-112', brand: '合并品牌' },
    ]);
  });
});
