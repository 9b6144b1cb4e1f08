import { ErrorCode, StockDocDto } from '@drp/shared';
import { RequestContext } from '../../server/src/common/context/request-context';
import { DomainError } from '../../server/src/common/errors/domain-error';
import { DbService } from '../../server/src/database/db.service';
import { DocumentKernel } from '../../server/src/kernel/document-kernel.service';
import { bearer, bootTestApp, TestApp } from '../support/test-app';
import { makeXlsx } from '../support/xlsx';

const HEADER = ['商品编码', '商品名称', '规格型号', '品牌', '分类编码', '基本单位', '条码', '税率', '零售价', '一级批发价', '二级批发价', '三级批发价', '四级批发价', '五级批发价', '六级批发价', '七级批发价', '八级批发价', '九级批发价', '十级批发价', '最低售价', '起订量', '订货倍数', '状态', '商城上架', '备注'];

/**
 * Issue #10 for catalog, pricing and inventory: stock documents move only through the document
 * kernel (STOCK_DOC machine; a refused move answers 409 INVALID_STATE and writes nothing), they are
 * numbered on their business day, the catalog's price changes reach pricing's price_history as
 * ProductPricesChanged in the command's own transaction, and a refused import answers coded problems.
 */
describe('catalog, pricing and inventory on the kernel', () => {
  let t: TestApp;
  let admin: string;
  let mgr: string; // bj.manager: approves the demo flow STOCK-ADJ (a loss above 2,000)
  let catId: string;
  let P: string; // base price 100.0000
  let whId: string;

  const get = (path: string, token = admin) => t.http.get(path).set(bearer(token));
  const post = (path: string, body: object = {}, token = admin) => t.http.post(path).set(bearer(token)).send(body);
  const onHand = async () => (await t.sql<{ on_hand: string }>('SELECT on_hand FROM stock WHERE warehouse_id = $1 AND product_id = $2', [whId, P]))[0].on_hand;
  const history = (productId: string) =>
    t.sql<{ kind: string; level: number | null; old_price: string | null; new_price: string | null; changed_by: string | null; created_at: Date }>(
      'SELECT kind, level, old_price, new_price, changed_by, created_at FROM price_history WHERE product_id = $1 ORDER BY kind, level',
      [productId],
    );

  beforeAll(async () => {
    t = await bootTestApp();
    [admin, mgr] = await Promise.all([t.token('admin'), t.token('bj.manager')]);
    catId = (await post('/api/categories', { code: 'KI-CAT', name: '内核测试' }).expect(201)).body.id;
    P = (await post('/api/products', { code: 'KI-P', name: '内核测试商品', categoryId: catId, baseUnit: '箱', basePrice: '100.0000' }).expect(201)).body.id;
    whId = (await post('/api/warehouses', { code: 'KI-WH', name: '内核测试仓', orgId: await t.orgId('BJ') }).expect(201)).body.id;
    await post('/api/stock-docs', { type: 'INBOUND', warehouseId: whId, lines: [{ productId: P, qty: '100', unitCost: '5' }] }).expect(201);
  }, 120_000);
  afterAll(() => t?.close());

  describe('stock documents (STOCK_DOC)', () => {
    it('registers its machine with the kernel: PENDING_APPROVAL -> POSTED | REJECTED, new documents POSTED or PENDING_APPROVAL', () => {
      const machine = t.app.get(DocumentKernel).registered().find((m) => m.type === 'STOCK_DOC');
      expect(machine).toMatchObject({ table: 'stock_doc', initial: ['POSTED', 'PENDING_APPROVAL'], transitions: { PENDING_APPROVAL: ['POSTED', 'REJECTED'] } });
    });

    it('is numbered on its business day (company time zone)', async () => {
      const doc = (await post('/api/stock-docs', { type: 'INBOUND', warehouseId: whId, lines: [{ productId: P, qty: '1', unitCost: '5' }] }).expect(201)).body as StockDocDto;
      const [{ day }] = await t.sql<{ day: string }>(`SELECT to_char(business_date, 'YYYYMMDD') AS day FROM stock_doc WHERE id = $1`, [doc.id]);
      const [{ today }] = await t.sql<{ today: string }>(`SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') AS today`);
      expect(day).toBe(today);
      expect(doc.number).toMatch(new RegExp(`^RK${day}-\\d{4}$`));
    });

    it('an approval verdict on a document no longer waiting is refused by the kernel: 409 INVALID_STATE, nothing written, the task stays open', async () => {
      const before = await onHand();
      const doc = (await post('/api/stock-docs', { type: 'ADJUSTMENT', warehouseId: whId, reason: '月末盘点', lines: [{ productId: P, qty: '-30' }] }).expect(201)).body as StockDocDto;
      expect(doc.status).toBe('PENDING_APPROVAL');
      const [inst] = (await get(`/api/approvals/instances?docType=STOCK_ADJUSTMENT&docId=${doc.id}`).expect(200)).body as { id: string; tasks: { id: string; status: string }[] }[];
      const task = inst.tasks.find((x) => x.status === 'PENDING')!;
      // meanwhile the document was decided elsewhere
      await t.sql(`UPDATE stock_doc SET status = 'REJECTED', rejected_reason = '另行处理' WHERE id = $1`, [doc.id]);
      const audits = async () => (await t.sql(`SELECT 1 FROM audit_log WHERE entity = 'stock_doc' AND entity_id = $1`, [doc.id])).length;
      const auditsBefore = await audits();

      const res = await post(`/api/approvals/tasks/${task.id}/approve`, {}, mgr).expect(409);
      expect(res.body).toMatchObject({ code: ErrorCode.INVALID_STATE, details: { status: 'REJECTED', to: 'POSTED' } });
      expect(await onHand()).toBe(before);
      expect(await t.sql('SELECT 1 FROM stock_movement WHERE doc_id = $1', [doc.id])).toEqual([]);
      expect(await audits()).toBe(auditsBefore);
      expect((await get(`/api/stock-docs/${doc.id}`).expect(200)).body).toMatchObject({ status: 'REJECTED', rejectedReason: '另行处理' });
      const [after] = (await get(`/api/approvals/instances?docType=STOCK_ADJUSTMENT&docId=${doc.id}`).expect(200)).body as { status: string; tasks: { id: string; status: string }[] }[];
      expect(after.status).toBe('PENDING');
      expect(after.tasks.find((x) => x.id === task.id)!.status).toBe('PENDING');
    });

    it('the kernel refuses a move the machine does not list, and a move from a status the row has left', async () => {
      const kernel = t.app.get(DocumentKernel);
      const db = t.app.get(DbService);
      const posted = (await post('/api/stock-docs', { type: 'INBOUND', warehouseId: whId, lines: [{ productId: P, qty: '1', unitCost: '5' }] }).expect(201)).body as StockDocDto;
      const move = (from: 'POSTED' | 'PENDING_APPROVAL', to: 'POSTED' | 'REJECTED') =>
        db.tx(RequestContext.system(), (tx) => kernel.transition(tx, 'STOCK_DOC', { id: posted.id, from, to, set: { rejected_reason: 'x' } }));
      // POSTED is final
      const notListed = await move('POSTED', 'REJECTED').catch((e: unknown) => e);
      expect(notListed).toBeInstanceOf(DomainError);
      expect(notListed).toMatchObject({ code: ErrorCode.INVALID_STATE, details: { status: 'POSTED', to: 'REJECTED' } });
      // a listed move, but the row is no longer in the status read: the guarded UPDATE changes nothing
      const stale = await move('PENDING_APPROVAL', 'REJECTED').catch((e: unknown) => e);
      expect(stale).toMatchObject({ code: ErrorCode.INVALID_STATE, details: { status: 'POSTED' } });
      const [row] = await t.sql<{ status: string; rejected_reason: string | null }>('SELECT status, rejected_reason FROM stock_doc WHERE id = $1', [posted.id]);
      expect(row).toEqual({ status: 'POSTED', rejected_reason: null });
    });
  });

  describe('price history: written by pricing on ProductPricesChanged, in the command transaction', () => {
    it('a product edit: the history rows carry the editor and the transaction time of the product row', async () => {
      const p = (await get(`/api/products/${P}`).expect(200)).body as { version: number };
      await t.http.patch(`/api/products/${P}`).set(bearer(admin)).send({ version: p.version, basePrice: '110', levelPrices: ['99', null, null, null, null, null, null, null, null, null] }).expect(200);
      const rows = await history(P);
      const changed = rows.filter((h) => h.old_price !== null || h.kind === 'LEVEL');
      expect(changed.map((h) => [h.kind, h.level, h.old_price, h.new_price])).toEqual([['BASE', null, '100.0000', '110.0000'], ['LEVEL', 1, null, '99.0000']]);
      const [{ updated_at: updatedAt }] = await t.sql<{ updated_at: Date }>('SELECT updated_at FROM product WHERE id = $1', [P]);
      // now() is the transaction's start: the same instant means the same transaction
      for (const h of changed) expect(h.created_at.getTime()).toBe(updatedAt.getTime());
      expect(new Set(changed.map((h) => h.changed_by))).toEqual(new Set([await t.userId('admin')]));
      // the page reads it through pricing's query, at the same URL and shape
      const page = (await get(`/api/products/${P}/price-history`).expect(200)).body as { kind: string; oldPrice: string | null; newPrice: string }[];
      expect(page.find((h) => h.kind === 'BASE' && h.oldPrice === '100.0000')).toMatchObject({ newPrice: '110.0000', changedByName: expect.any(String), effectiveDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    });

    it('a price grid refused part way (a stale row) writes no history at all', async () => {
      const Q = (await post('/api/products', { code: 'KI-Q', name: '内核测试商品二', categoryId: catId, baseUnit: '箱', basePrice: '50.0000' }).expect(201)).body as { id: string; version: number };
      const p = (await get(`/api/products/${P}`).expect(200)).body as { version: number };
      // the grid saves in product id order: the first one's change is made (and announced) before the second is refused
      const [first, second] = [
        { productId: P, version: p.version, basePrice: '120', was: '110.0000', now: '120.0000' },
        { productId: Q.id, version: Q.version, basePrice: '55', was: '50.0000', now: '55.0000' },
      ].sort((a, b) => a.productId.localeCompare(b.productId));
      const before = [(await history(first.productId)).length, (await history(second.productId)).length];
      const rows = [first, second].map(({ productId, version, basePrice }) => ({ productId, version, basePrice }));
      rows[1].version += 5;
      expect((await t.http.put('/api/products/prices').set(bearer(admin)).send({ rows }).expect(409)).body.code).toBe(ErrorCode.STALE_VERSION);
      expect([(await history(first.productId)).length, (await history(second.productId)).length]).toEqual(before);
      rows[1].version -= 5;
      await t.http.put('/api/products/prices').set(bearer(admin)).send({ rows }).expect(200);
      for (const x of [first, second]) expect((await history(x.productId)).filter((h) => h.kind === 'BASE' && h.old_price === x.was && h.new_price === x.now)).toHaveLength(1);
    });

    it('an Excel import: every changed price reaches the history through the event', async () => {
      const row = ['KI-IMP', '导入内核测试', null, null, 'KI-CAT', '瓶', null, '0.13', '8', '7', '6.5', null, null, null, null, null, null, null, null, null, '1', '1', '在售', '否', null];
      await t.http.post('/api/products/import').set(bearer(admin)).attach('file', await makeXlsx(HEADER, [row]), { filename: 'k.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }).expect(200);
      const [{ id }] = await t.sql<{ id: string }>(`SELECT id FROM product WHERE code = 'KI-IMP'`);
      expect((await history(id)).map((h) => [h.kind, h.level, h.old_price, h.new_price])).toEqual([['BASE', null, null, '8.0000'], ['LEVEL', 1, null, '7.0000'], ['LEVEL', 2, null, '6.5000']]);
    });
  });

  it('a refused import answers coded problems with their parameters, and writes nothing', async () => {
    const good = ['KI-IMP2', '导入内核测试二', null, null, 'KI-CAT', '瓶', null, '0.13', '8', null, null, null, null, null, null, null, null, null, null, null, '1', '1', '在售', '否', null];
    const bad = [...good];
    bad[0] = 'KI-IMP3';
    bad[4] = 'NO-CAT';
    bad[8] = 'abc';
    bad[5] = '一个非常非常长的单位名';
    const res = await t.http
      .post('/api/products/import')
      .set(bearer(admin))
      .attach('file', await makeXlsx(HEADER, [good, bad, good]), { filename: 'k.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' })
      .expect(422);
    expect(res.body.code).toBe(ErrorCode.IMPORT_REJECTED);
    expect(res.body.details.total).toBe(4);
    expect(res.body.details.errors).toEqual(
      expect.arrayContaining([
        { row: 3, field: 'categoryCode', column: '分类编码', code: 'UNKNOWN_CATEGORY', params: { code: 'NO-CAT' } },
        { row: 3, field: 'basePrice', column: '零售价', code: 'NOT_A_NUMBER', params: { scale: 4 } },
        { row: 3, field: 'baseUnit', column: '基本单位', code: 'TOO_LONG', params: { max: 10 } },
        { row: 4, field: 'code', column: '商品编码', code: 'DUPLICATE_IN_FILE', params: { row: 2 } },
      ]),
    );
    for (const e of res.body.details.errors as { message?: string }[]) expect(e.message).toBeUndefined();
    expect(await t.sql(`SELECT 1 FROM product WHERE code IN ('KI-IMP2', 'KI-IMP3')`)).toEqual([]);
  });
});
