import request from 'supertest';
import { ErrorCode } from '@drp/shared';
import { businessDate } from '../../server/src/database/business-date';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

interface Wh {
  id: string;
  code: string;
  version: number;
}

/**
 * Inventory: warehouses, stock documents (入库/调拨/盘点), the movement ledger, thresholds and
 * scope. Everything it needs (category, products, warehouses, a BJ warehouse keeper) is created
 * here, so it does not depend on the demo catalog.
 */
describe('inventory: warehouses, stock documents, movements', () => {
  let t: TestApp;
  let admin: string;
  let keeper: string;
  let catId: string;
  const prod: Record<string, string> = {};
  let hq: Wh;
  let bj: Wh;
  let bjCy: Wh;
  let sh: Wh;
  const day = () => businessDate(new Date(), 'Asia/Shanghai').replace(/-/g, '');

  const post = (path: string, body: object, token = admin) => t.http.post(path).set(bearer(token)).send(body);
  const doc = (body: object, token = admin) => post('/api/stock-docs', body, token);
  const inbound = (warehouseId: string, lines: { productId: string; qty: string; unitCost?: string }[], token = admin) => doc({ type: 'INBOUND', warehouseId, lines: lines.map((l) => ({ unitCost: '5', ...l })) }, token);
  const onHand = async (warehouseId: string, productId: string) =>
    (await t.sql<{ on_hand: string }>('SELECT on_hand FROM stock WHERE warehouse_id = $1 AND product_id = $2', [warehouseId, productId]))[0]?.on_hand ?? null;
  const count = async (table: string) => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
  const product = async (code: string, extra: object = {}, categoryId = catId) =>
    (await post('/api/products', { code, name: `商品 ${code}`, categoryId, baseUnit: '箱', basePrice: '10.0000', ...extra }).expect(201)).body.id as string;
  /** Concurrent requests need a listening server: supertest would otherwise listen anew per request. */
  const serverUrl = async () => {
    if (!t.app.getHttpServer().listening) await t.app.listen(0, '127.0.0.1');
    return t.app.getUrl();
  };
  const warehouse = async (code: string, org: string) => (await post('/api/warehouses', { code, name: `${code} 仓`, orgId: await t.orgId(org) }).expect(201)).body as Wh;

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
    catId = (await post('/api/categories', { code: 'INV-CAT', name: '库存测试' }).expect(201)).body.id;
    for (const code of ['INV-A', 'INV-B', 'INV-C', 'INV-D', 'INV-E', 'INV-F', 'INV-G', 'INV-H']) prod[code] = await product(code);
    hq = await warehouse('INV-HQ', 'HQ');
    bj = await warehouse('INV-BJ', 'BJ');
    bjCy = await warehouse('INV-BJCY', 'BJ-CY');
    sh = await warehouse('INV-SH', 'SH');
    const roles = (await t.http.get('/api/roles').set(bearer(admin)).expect(200)).body.items as { id: string; code: string }[];
    await post('/api/users', { username: 'bj.keeper', displayName: '北京仓管', password: 'Store#2026', orgId: await t.orgId('BJ'), roleIds: [roles.find((r) => r.code === 'WAREHOUSE')!.id] }).expect(201);
    keeper = await t.token('bj.keeper', 'Store#2026');
  });
  afterAll(() => t.close());

  describe('warehouses', () => {
    it('creates, reads, lists and edits warehouses with versions; every change is audited', async () => {
      const created = (await post('/api/warehouses', { code: 'INV-W1', name: ' 北京二号仓 ', orgId: await t.orgId('BJ'), address: '北京市大兴区' }).expect(201)).body;
      expect(created).toMatchObject({ code: 'INV-W1', name: '北京二号仓', address: '北京市大兴区', status: 'ACTIVE', version: 1, org: { code: 'BJ', type: 'BRANCH' } });
      expect((await t.http.get(`/api/warehouses/${created.id}`).set(bearer(admin)).expect(200)).body).toEqual(created);
      const list = (await t.http.get(`/api/warehouses?q=INV-W&orgId=${await t.orgId('BJ')}&status=ACTIVE`).set(bearer(admin)).expect(200)).body;
      expect(list).toMatchObject({ total: 1, page: 1, pageSize: 20 });
      expect(list.items[0].id).toBe(created.id);
      const edited = (await t.http.patch(`/api/warehouses/${created.id}`).set(bearer(admin)).send({ version: 1, name: '大兴仓', address: null }).expect(200)).body;
      expect(edited).toMatchObject({ name: '大兴仓', address: null, version: 2 });
      const stale = await t.http.patch(`/api/warehouses/${created.id}`).set(bearer(admin)).send({ version: 1, name: '覆盖' }).expect(409);
      expect(stale.body.code).toBe(ErrorCode.STALE_VERSION);
      const disabled = (await post(`/api/warehouses/${created.id}/disable`, {}).expect(200)).body;
      expect(disabled).toMatchObject({ status: 'DISABLED', version: 3 });
      expect((await t.http.get('/api/warehouses?status=DISABLED').set(bearer(admin)).expect(200)).body.items.map((w: Wh) => w.code)).toContain('INV-W1');
      expect((await post(`/api/warehouses/${created.id}/enable`, {}).expect(200)).body.status).toBe('ACTIVE');
      const audit = await t.sql<{ action: string; org_id: string }>(`SELECT action, org_id FROM audit_log WHERE entity = 'warehouse' AND entity_id = $1 ORDER BY created_at`, [created.id]);
      expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'disable', 'enable']);
      expect(new Set(audit.map((a) => a.org_id))).toEqual(new Set([await t.orgId('BJ')]));
    });

    it('refuses bad input with stable codes and writes nothing', async () => {
      const before = await count('warehouse');
      const bad = async (body: object, status: number, code: ErrorCode) => expect((await post('/api/warehouses', body).expect(status)).body.code).toBe(code);
      const bjId = await t.orgId('BJ');
      await bad({ code: 'INV-BJ', name: '重复', orgId: bjId }, 409, ErrorCode.DUPLICATE);
      await bad({ code: 'inv-bj', name: '大小写重复', orgId: bjId }, 409, ErrorCode.DUPLICATE);
      await bad({ code: 'INV-DLR', name: '经销商仓', orgId: await t.orgId('D-BJ001') }, 400, ErrorCode.VALIDATION_FAILED);
      await bad({ code: 'INV-NO', name: '无机构', orgId: '00000000-0000-4000-8000-000000000000' }, 404, ErrorCode.NOT_FOUND);
      await bad({ code: 'bad code!', name: 'x', orgId: bjId }, 400, ErrorCode.VALIDATION_FAILED);
      await bad({ code: 'INV-X', name: '', orgId: bjId }, 400, ErrorCode.VALIDATION_FAILED);
      await bad({ code: 'INV-X', name: 'x', orgId: 'not-a-uuid' }, 400, ErrorCode.VALIDATION_FAILED);
      await bad({ code: 'INV-X', name: 'x', orgId: bjId, extra: 1 }, 400, ErrorCode.VALIDATION_FAILED);
      expect(await count('warehouse')).toBe(before);
      await t.http.get('/api/warehouses/00000000-0000-4000-8000-000000000000').set(bearer(admin)).expect(404);
      await t.http.patch(`/api/warehouses/${bj.id}`).set(bearer(admin)).send({ name: 'no version' }).expect(400);
    });

    it('a branch warehouse keeper manages warehouses of its own branch only; a branch manager only looks', async () => {
      const own = (await post('/api/warehouses', { code: 'INV-KEEP', name: '朝阳小仓', orgId: await t.orgId('BJ-CY') }, keeper).expect(201)).body;
      expect(own.org.code).toBe('BJ-CY');
      expect((await post('/api/warehouses', { code: 'INV-KEEP2', name: '跨区', orgId: await t.orgId('SH') }, keeper).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      expect((await post(`/api/warehouses/${sh.id}/disable`, {}, keeper).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      await t.http.patch(`/api/warehouses/${hq.id}`).set(bearer(keeper)).send({ version: hq.version, name: 'x' }).expect(404);
      const mgr = await t.token('bj.manager');
      expect((await post('/api/warehouses', { code: 'INV-MGR', name: 'x', orgId: await t.orgId('BJ') }, mgr).expect(403)).body.code).toBe(ErrorCode.FORBIDDEN);
    });
  });

  describe('stock documents', () => {
    it('an inbound document raises stock, numbers itself RK<day>-NNNN and writes one movement per line', async () => {
      const res = await inbound(bj.id, [{ productId: prod['INV-A'], qty: '12.5' }, { productId: prod['INV-B'], qty: '3' }]).expect(201);
      const d = res.body;
      expect(d.number).toMatch(new RegExp(`^RK${day()}-\\d{4}$`));
      expect(d).toMatchObject({ type: 'INBOUND', warehouseId: bj.id, warehouseName: 'INV-BJ 仓', toWarehouseId: null, businessDate: businessDate(new Date(), 'Asia/Shanghai') });
      expect(d.createdBy).toBe(await t.userId('admin'));
      expect(d.createdByName).toBe('系统管理员');
      expect(d.lines.map(({ baseUnit: _u, ...l }: { baseUnit: string }) => l)).toEqual([
        { lineNo: 1, productId: prod['INV-A'], productCode: 'INV-A', productName: '商品 INV-A', qty: '12.500', unitCost: '5.000000', costAmount: '62.50' },
        { lineNo: 2, productId: prod['INV-B'], productCode: 'INV-B', productName: '商品 INV-B', qty: '3.000', unitCost: '5.000000', costAmount: '15.00' },
      ]);
      expect(d.lines[0].baseUnit).toEqual(expect.any(String));
      expect(await onHand(bj.id, prod['INV-A'])).toBe('12.500');
      await inbound(bj.id, [{ productId: prod['INV-A'], qty: '0.25' }]).expect(201);
      expect(await onHand(bj.id, prod['INV-A'])).toBe('12.750');
      const moves = (await t.http.get(`/api/stock/movements?productId=${prod['INV-A']}&warehouseId=${bj.id}`).set(bearer(admin)).expect(200)).body;
      expect(moves.total).toBe(2);
      // newest first, each with what it left behind
      expect(moves.items.map((m: { delta: string; onHandAfter: string }) => [m.delta, m.onHandAfter])).toEqual([['0.250', '12.750'], ['12.500', '12.500']]);
      expect(moves.items[1]).toMatchObject({ docId: d.id, docType: 'INBOUND', docNumber: d.number, warehouseId: bj.id, warehouseName: 'INV-BJ 仓', productId: prod['INV-A'], productCode: 'INV-A', productName: '商品 INV-A' });
      expect((await t.http.get(`/api/stock-docs/${d.id}`).set(bearer(admin)).expect(200)).body).toEqual(d);
      const audit = await t.sql<{ org_id: string }>(`SELECT org_id FROM audit_log WHERE entity = 'stock_doc' AND entity_id = $1`, [d.id]);
      expect(audit).toEqual([{ org_id: await t.orgId('BJ') }]);
    });

    it('a transfer moves stock between two warehouses with a movement at each end', async () => {
      const p = prod['INV-C'];
      await inbound(hq.id, [{ productId: p, qty: '10' }]).expect(201);
      const d = (await doc({ type: 'TRANSFER', warehouseId: hq.id, toWarehouseId: bj.id, remark: '补货', lines: [{ productId: p, qty: '4' }] }).expect(201)).body;
      expect(d.number).toMatch(new RegExp(`^DB${day()}-\\d{4}$`));
      expect(d).toMatchObject({ type: 'TRANSFER', warehouseId: hq.id, toWarehouseId: bj.id, toWarehouseName: 'INV-BJ 仓', remark: '补货', lines: [{ qty: '4.000' }] });
      expect(await onHand(hq.id, p)).toBe('6.000');
      expect(await onHand(bj.id, p)).toBe('4.000');
      const moves = await t.sql<{ warehouse_id: string; delta: string; on_hand_after: string }>('SELECT warehouse_id, delta, on_hand_after FROM stock_movement WHERE doc_id = $1 ORDER BY created_at', [d.id]);
      expect(moves).toEqual([
        { warehouse_id: hq.id, delta: '-4.000', on_hand_after: '6.000' },
        { warehouse_id: bj.id, delta: '4.000', on_hand_after: '4.000' },
      ]);
      // more than the source holds: refused
      const res = await doc({ type: 'TRANSFER', warehouseId: hq.id, toWarehouseId: bj.id, lines: [{ productId: p, qty: '6.001' }] }).expect(409);
      expect(res.body.code).toBe(ErrorCode.INSUFFICIENT_STOCK);
      const shape = async (body: object) => (await doc({ type: 'TRANSFER', warehouseId: hq.id, lines: [{ productId: p, qty: '1' }], ...body }).expect(400)).body.code;
      expect(await shape({})).toBe(ErrorCode.VALIDATION_FAILED);
      expect(await shape({ toWarehouseId: hq.id })).toBe(ErrorCode.VALIDATION_FAILED);
      expect(await shape({ type: 'INBOUND', toWarehouseId: bj.id })).toBe(ErrorCode.VALIDATION_FAILED);
    });

    it('adjustments (盘点) by a signed change or by the counted quantity; a reason is required', async () => {
      const p = prod['INV-D'];
      const q = prod['INV-E'];
      await inbound(bj.id, [{ productId: p, qty: '20' }, { productId: q, qty: '5' }]).expect(201);
      const byDelta = (await doc({ type: 'ADJUSTMENT', warehouseId: bj.id, reason: '破损', lines: [{ productId: p, qty: '-2.5' }] }).expect(201)).body;
      expect(byDelta.number).toMatch(new RegExp(`^PD${day()}-\\d{4}$`));
      expect(byDelta).toMatchObject({ reason: '破损', lines: [{ lineNo: 1, productId: p, qty: '-2.500' }] });
      expect(await onHand(bj.id, p)).toBe('17.500');
      // counted: p 15 (change -2.5), q 5 (matches: skipped), a product never stocked here counted at 3 (+3)
      const r = prod['INV-F'];
      const byCount = (await doc({ type: 'ADJUSTMENT', warehouseId: bj.id, reason: '月末盘点', lines: [{ productId: p, countedQty: '15' }, { productId: q, countedQty: '5.000' }, { productId: r, countedQty: '3' }] }).expect(201)).body;
      expect(byCount.lines).toEqual([
        expect.objectContaining({ lineNo: 1, productId: p, qty: '-2.500' }),
        expect.objectContaining({ lineNo: 2, productId: r, qty: '3.000' }),
      ]);
      expect([await onHand(bj.id, p), await onHand(bj.id, q), await onHand(bj.id, r)]).toEqual(['15.000', '5.000', '3.000']);
      const moves = await t.sql<{ product_id: string; delta: string; on_hand_after: string }>('SELECT product_id, delta, on_hand_after FROM stock_movement WHERE doc_id = $1 ORDER BY created_at', [byCount.id]);
      expect(moves).toEqual([
        { product_id: p, delta: '-2.500', on_hand_after: '15.000' },
        { product_id: r, delta: '3.000', on_hand_after: '3.000' },
      ]);
      // a positive change is allowed too (found stock)
      await doc({ type: 'ADJUSTMENT', warehouseId: bj.id, reason: '盘盈', lines: [{ productId: q, qty: '1' }] }).expect(201);
      expect(await onHand(bj.id, q)).toBe('6.000');
      // reason required; a count that matches everything has nothing to adjust
      for (const reason of [undefined, '', '   ']) {
        expect((await doc({ type: 'ADJUSTMENT', warehouseId: bj.id, reason, lines: [{ productId: p, qty: '-1' }] }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      }
      expect((await doc({ type: 'ADJUSTMENT', warehouseId: bj.id, reason: 'x', lines: [{ productId: p, countedQty: '15' }] }).expect(400)).body.code).toBe(ErrorCode.INVALID_QUANTITY);
      expect((await doc({ type: 'ADJUSTMENT', warehouseId: bj.id, reason: 'x', lines: [{ productId: p, qty: '-1', countedQty: '3' }] }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect((await doc({ type: 'ADJUSTMENT', warehouseId: bj.id, reason: 'x', lines: [{ productId: p, countedQty: '-1' }] }).expect(400)).body.code).toBe(ErrorCode.INVALID_QUANTITY);
      expect((await doc({ type: 'ADJUSTMENT', warehouseId: bj.id, reason: 'x', lines: [{ productId: p, qty: '0' }] }).expect(400)).body.code).toBe(ErrorCode.INVALID_QUANTITY);
      // counting below the reserved quantity is a shortage like any other
      await t.sql('UPDATE stock SET reserved = 4 WHERE warehouse_id = $1 AND product_id = $2', [bj.id, p]);
      const short = await doc({ type: 'ADJUSTMENT', warehouseId: bj.id, reason: 'x', lines: [{ productId: p, countedQty: '3.999' }] }).expect(409);
      expect(short.body).toMatchObject({ code: ErrorCode.INSUFFICIENT_STOCK, details: { productId: p, warehouseId: bj.id, available: '11.000', requested: '11.001' } });
      await t.sql('UPDATE stock SET reserved = 0 WHERE warehouse_id = $1 AND product_id = $2', [bj.id, p]);
    });

    it('bad quantities, unknown products and unknown or out-of-scope warehouses are refused; nothing is written', async () => {
      const snapshot = async () => [await count('stock_doc'), await count('stock_movement'), await count('stock_doc_line'), await count('stock')];
      const before = await snapshot();
      const p = prod['INV-A'];
      const code = async (res: request.Test, status: number) => (await res.expect(status)).body.code;
      for (const qty of ['0', '-1', '-0.001', '0.000']) {
        expect(await code(inbound(bj.id, [{ productId: p, qty }]), 400)).toBe(ErrorCode.INVALID_QUANTITY);
        expect(await code(doc({ type: 'TRANSFER', warehouseId: bj.id, toWarehouseId: hq.id, lines: [{ productId: p, qty }] }), 400)).toBe(ErrorCode.INVALID_QUANTITY);
      }
      const invalidQty = await inbound(bj.id, [{ productId: p, qty: '-3' }]).expect(400);
      expect(invalidQty.body.details).toMatchObject({ line: 1, productId: p });
      // not a decimal string with at most 3 decimals: a malformed request
      for (const qty of ['1.2345', 'abc', 5, '1e3', '']) expect(await code(inbound(bj.id, [{ productId: p, qty: qty as string }]), 400)).toBe(ErrorCode.VALIDATION_FAILED);
      expect(await code(inbound(bj.id, []), 400)).toBe(ErrorCode.VALIDATION_FAILED);
      expect(await code(inbound(bj.id, [{ productId: p, qty: '1' }, { productId: p, qty: '2' }]), 400)).toBe(ErrorCode.VALIDATION_FAILED);
      expect(await code(doc({ type: 'SALE', warehouseId: bj.id, lines: [{ productId: p, qty: '1' }] }), 400)).toBe(ErrorCode.VALIDATION_FAILED);
      const unknown = '00000000-0000-4000-8000-000000000000';
      const missing = await inbound(bj.id, [{ productId: p, qty: '1' }, { productId: unknown, qty: '1' }]).expect(404);
      expect(missing.body).toMatchObject({ code: ErrorCode.NOT_FOUND, details: { entity: 'product', ids: [unknown] } });
      expect(await code(inbound(unknown, [{ productId: p, qty: '1' }]), 404)).toBe(ErrorCode.NOT_FOUND);
      expect(await code(doc({ type: 'TRANSFER', warehouseId: bj.id, toWarehouseId: unknown, lines: [{ productId: p, qty: '1' }] }), 404)).toBe(ErrorCode.NOT_FOUND);
      // a Beijing warehouse keeper cannot touch Shanghai or HQ warehouses, not even as a transfer target
      expect(await code(inbound(sh.id, [{ productId: p, qty: '1' }], keeper), 404)).toBe(ErrorCode.NOT_FOUND);
      expect(await code(inbound(hq.id, [{ productId: p, qty: '1' }], keeper), 404)).toBe(ErrorCode.NOT_FOUND);
      expect(await code(doc({ type: 'TRANSFER', warehouseId: bj.id, toWarehouseId: sh.id, lines: [{ productId: p, qty: '1' }] }, keeper), 404)).toBe(ErrorCode.NOT_FOUND);
      // a branch manager may look at stock but not post documents
      expect(await code(inbound(bj.id, [{ productId: p, qty: '1' }], await t.token('bj.manager')), 403)).toBe(ErrorCode.FORBIDDEN);
      expect(await snapshot()).toEqual(before);
    });

    it('products outside the branch product range (经营商品范围) are refused for its warehouses', async () => {
      const other = (await post('/api/categories', { code: 'INV-CAT2', name: '范围外' }).expect(201)).body.id;
      const outside = await product('INV-OUT', {}, other);
      const shOrg = await t.orgId('SH');
      await t.http.put(`/api/branches/${shOrg}/product-scope`).set(bearer(admin)).send({ categoryIds: [catId], productIds: [] }).expect(200);
      const res = await inbound(sh.id, [{ productId: outside, qty: '1' }]).expect(400);
      expect(res.body.code).toBe(ErrorCode.PRODUCT_OUT_OF_SCOPE);
      // ...also as the target of a transfer
      await inbound(hq.id, [{ productId: outside, qty: '2' }]).expect(201);
      expect((await doc({ type: 'TRANSFER', warehouseId: hq.id, toWarehouseId: sh.id, lines: [{ productId: outside, qty: '1' }] }).expect(400)).body.code).toBe(ErrorCode.PRODUCT_OUT_OF_SCOPE);
      await inbound(sh.id, [{ productId: prod['INV-A'], qty: '1' }]).expect(201);
      await t.http.put(`/api/branches/${shOrg}/product-scope`).set(bearer(admin)).send({ categoryIds: [], productIds: [] }).expect(200);
    });

    it('insufficient stock refuses the whole document: 409 naming product, warehouse and quantities; nothing written, no number used', async () => {
      const p = prod['INV-G'];
      const q = prod['INV-H'];
      await inbound(bj.id, [{ productId: p, qty: '5' }, { productId: q, qty: '5' }]).expect(201);
      const seq = async () => (await t.sql<{ last_no: number }>(`SELECT last_no FROM doc_sequence WHERE doc_type = 'PD'`))[0]?.last_no ?? 0;
      const before = { docs: await count('stock_doc'), moves: await count('stock_movement'), lines: await count('stock_doc_line'), audit: await count('audit_log'), seq: await seq(), p: await onHand(bj.id, p), q: await onHand(bj.id, q) };
      // the first line alone would be fine: the second one sinks the whole document
      const res = await doc({ type: 'ADJUSTMENT', warehouseId: bj.id, reason: '报损', lines: [{ productId: p, qty: '-1' }, { productId: q, qty: '-5.001' }] }).expect(409);
      expect(res.body.code).toBe(ErrorCode.INSUFFICIENT_STOCK);
      expect(res.body.details).toMatchObject({ productId: q, productCode: 'INV-H', warehouseId: bj.id, warehouseCode: 'INV-BJ', available: '5.000', requested: '5.001' });
      expect(res.body.message).toContain('INV-H');
      expect(res.body.message).toContain('INV-BJ');
      const after = { docs: await count('stock_doc'), moves: await count('stock_movement'), lines: await count('stock_doc_line'), audit: await count('audit_log'), seq: await seq(), p: await onHand(bj.id, p), q: await onHand(bj.id, q) };
      expect(after).toEqual(before);
      // a product never stocked in the warehouse has nothing available
      const empty = await doc({ type: 'TRANSFER', warehouseId: sh.id, toWarehouseId: bj.id, lines: [{ productId: p, qty: '1' }] }).expect(409);
      expect(empty.body.details).toMatchObject({ productId: p, warehouseId: sh.id, available: '0.000', requested: '1.000' });
      // exactly what is available is fine
      await doc({ type: 'ADJUSTMENT', warehouseId: bj.id, reason: '报损', lines: [{ productId: q, qty: '-5' }] }).expect(201);
      expect(await onHand(bj.id, q)).toBe('0.000');
    });

    it('a disabled warehouse refuses new documents (also as a transfer target) until enabled', async () => {
      const w = await warehouse('INV-OFF', 'BJ');
      await post(`/api/warehouses/${w.id}/disable`, {}).expect(200);
      expect((await inbound(w.id, [{ productId: prod['INV-A'], qty: '1' }]).expect(409)).body.code).toBe(ErrorCode.WAREHOUSE_DISABLED);
      expect((await doc({ type: 'TRANSFER', warehouseId: bj.id, toWarehouseId: w.id, lines: [{ productId: prod['INV-A'], qty: '1' }] }).expect(409)).body.code).toBe(ErrorCode.WAREHOUSE_DISABLED);
      expect(await onHand(w.id, prod['INV-A'])).toBeNull();
      await post(`/api/warehouses/${w.id}/enable`, {}).expect(200);
      await inbound(w.id, [{ productId: prod['INV-A'], qty: '1' }]).expect(201);
    });

    it('20 concurrent adjustments of -1 on a row holding 10: exactly 10 succeed, stock ends at 0, never below', async () => {
      const w = await warehouse('INV-RACE', 'BJ');
      const p = prod['INV-B'];
      await inbound(w.id, [{ productId: p, qty: '10' }]).expect(201);
      const url = await serverUrl();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => request(url).post('/api/stock-docs').set(bearer(admin)).send({ type: 'ADJUSTMENT', warehouseId: w.id, reason: `并发 ${i}`, lines: [{ productId: p, qty: '-1' }] })),
      );
      const ok = results.filter((r) => r.status === 201);
      const refused = results.filter((r) => r.status === 409);
      expect(ok).toHaveLength(10);
      expect(refused).toHaveLength(10);
      for (const r of refused) expect(r.body).toMatchObject({ code: ErrorCode.INSUFFICIENT_STOCK, details: { productId: p, warehouseId: w.id, available: '0.000', requested: '1.000' } });
      expect(await onHand(w.id, p)).toBe('0.000');
      const numbers = ok.map((r) => r.body.number as string);
      expect(new Set(numbers).size).toBe(10);
      for (const n of numbers) expect(n).toMatch(new RegExp(`^PD${day()}-\\d{4}$`));
      const moves = await t.sql<{ delta: string; on_hand_after: string }>(`SELECT delta, on_hand_after FROM stock_movement WHERE warehouse_id = $1 AND product_id = $2 AND doc_type = 'ADJUSTMENT' ORDER BY created_at`, [w.id, p]);
      expect(moves).toHaveLength(10);
      // the ledger reads 9, 8, ... 0 in order: each change saw the one before it
      expect(moves.map((m) => m.on_hand_after)).toEqual(Array.from({ length: 10 }, (_, i) => `${9 - i}.000`));
      expect(moves.every((m) => m.delta === '-1.000')).toBe(true);
    });

    it('transfers crossing each other on two products lock in one order: no deadlock, no lost update', async () => {
      const a = await warehouse('INV-X1', 'BJ');
      const b = await warehouse('INV-X2', 'BJ');
      const lines = [{ productId: prod['INV-E'], qty: '1' }, { productId: prod['INV-F'], qty: '1' }];
      await inbound(a.id, [{ productId: prod['INV-E'], qty: '50' }, { productId: prod['INV-F'], qty: '50' }]).expect(201);
      await inbound(b.id, [{ productId: prod['INV-E'], qty: '50' }, { productId: prod['INV-F'], qty: '50' }]).expect(201);
      const url = await serverUrl();
      const send = (from: Wh, to: Wh, reversed: boolean) =>
        request(url).post('/api/stock-docs').set(bearer(admin)).send({ type: 'TRANSFER', warehouseId: from.id, toWarehouseId: to.id, lines: reversed ? [...lines].reverse() : lines });
      const results = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? send(a, b, false) : send(b, a, true))));
      expect(results.map((r) => r.status)).toEqual(Array(16).fill(201));
      for (const w of [a, b]) for (const p of ['INV-E', 'INV-F']) expect(await onHand(w.id, prod[p])).toBe('50.000');
      const [ledger] = await t.sql<{ ok: boolean }>(
        `SELECT bool_and(m.on_hand_after = s.on_hand) AS ok FROM stock s
           JOIN LATERAL (SELECT on_hand_after FROM stock_movement x WHERE x.warehouse_id = s.warehouse_id AND x.product_id = s.product_id ORDER BY created_at DESC LIMIT 1) m ON true
          WHERE s.warehouse_id = ANY($1)`,
        [[a.id, b.id]],
      );
      expect(ledger.ok).toBe(true);
    });

    it('honours Idempotency-Key: a retry returns the same document and moves stock once', async () => {
      const w = await warehouse('INV-IDEM', 'BJ');
      const body = { type: 'INBOUND', warehouseId: w.id, lines: [{ productId: prod['INV-C'], qty: '7', unitCost: '5' }] };
      const first = await t.http.post('/api/stock-docs').set(bearer(admin)).set('Idempotency-Key', 'inv-idem-0001').send(body).expect(201);
      const retry = await t.http.post('/api/stock-docs').set(bearer(admin)).set('Idempotency-Key', 'inv-idem-0001').send(body).expect(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(await onHand(w.id, prod['INV-C'])).toBe('7.000');
      expect(await t.sql('SELECT 1 FROM stock_movement WHERE warehouse_id = $1', [w.id])).toHaveLength(1);
      expect(await t.sql('SELECT 1 FROM stock_doc WHERE warehouse_id = $1', [w.id])).toHaveLength(1);
      const other = await t.http.post('/api/stock-docs').set(bearer(admin)).set('Idempotency-Key', 'inv-idem-0001').send({ ...body, lines: [{ productId: prod['INV-C'], qty: '8' }] }).expect(409);
      expect(other.body.code).toBe(ErrorCode.IDEMPOTENCY_KEY_REUSED);
    });

    it('lists documents by type, warehouse (either end), number and business date', async () => {
      const all = (await t.http.get('/api/stock-docs?pageSize=200').set(bearer(admin)).expect(200)).body;
      expect(all.total).toBeGreaterThan(5);
      expect(all.items[0].lines.length).toBeGreaterThan(0);
      const transfers = (await t.http.get(`/api/stock-docs?type=TRANSFER&warehouseId=${bj.id}`).set(bearer(admin)).expect(200)).body;
      expect(transfers.total).toBeGreaterThan(0);
      expect(transfers.items.every((d: { type: string; toWarehouseId: string }) => d.type === 'TRANSFER' && d.toWarehouseId === bj.id)).toBe(true);
      const one = all.items[0];
      const byNumber = (await t.http.get(`/api/stock-docs?q=${one.number}`).set(bearer(admin)).expect(200)).body;
      expect(byNumber.items.map((d: { id: string }) => d.id)).toEqual([one.id]);
      const today = businessDate(new Date(), 'Asia/Shanghai');
      const [{ n: docsToday }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM stock_doc WHERE business_date = $1', [today]);
      expect(docsToday).toBeGreaterThan(5);
      expect((await t.http.get(`/api/stock-docs?from=${today}&to=${today}&pageSize=1`).set(bearer(admin)).expect(200)).body.total).toBe(docsToday);
      expect((await t.http.get('/api/stock-docs?to=2000-01-01').set(bearer(admin)).expect(200)).body.total).toBe(0);
      const numbers = (await t.http.get('/api/stock-docs?sort=number&pageSize=200').set(bearer(admin)).expect(200)).body.items.map((d: { number: string }) => d.number);
      expect(numbers).toEqual([...numbers].sort());
      await t.http.get('/api/stock-docs?from=yesterday').set(bearer(admin)).expect(400);
      // the ledger filters the same way (days in the company time zone)
      const [{ n: movesToday }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM stock_movement WHERE (created_at AT TIME ZONE 'Asia/Shanghai')::date = $1`, [today]);
      expect(movesToday).toBeGreaterThan(5);
      expect((await t.http.get(`/api/stock/movements?from=${today}&to=${today}&pageSize=1`).set(bearer(admin)).expect(200)).body.total).toBe(movesToday);
      expect((await t.http.get('/api/stock/movements?to=2000-01-01').set(bearer(admin)).expect(200)).body.total).toBe(0);
      const transferMoves = (await t.http.get('/api/stock/movements?docType=TRANSFER&pageSize=200').set(bearer(admin)).expect(200)).body.items;
      expect(transferMoves.length).toBeGreaterThan(0);
      expect(transferMoves.every((m: { docType: string }) => m.docType === 'TRANSFER')).toBe(true);
      await t.http.get('/api/stock-docs/00000000-0000-4000-8000-000000000000').set(bearer(admin)).expect(404);
    });
  });

  describe('stock list, thresholds and scope', () => {
    it('lists stock rows with totals over the whole filtered set and decimals as strings', async () => {
      const w = await warehouse('INV-LIST', 'BJ');
      await inbound(w.id, [{ productId: prod['INV-A'], qty: '1.5' }, { productId: prod['INV-B'], qty: '2.25' }, { productId: prod['INV-C'], qty: '3' }]).expect(201);
      const res = (await t.http.get(`/api/stock?warehouseId=${w.id}&pageSize=2&sort=product`).set(bearer(admin)).expect(200)).body;
      expect(res).toMatchObject({ total: 3, page: 1, pageSize: 2, totals: { onHand: '6.750', reserved: '0.000', available: '6.750' } });
      expect(res.items).toHaveLength(2);
      expect(res.items[0]).toEqual({
        warehouseId: w.id, warehouseName: 'INV-LIST 仓', productId: prod['INV-A'], productCode: 'INV-A', productName: '商品 INV-A', baseUnit: '箱',
        onHand: '1.500', reserved: '0.000', available: '1.500', lowThreshold: '0.000', low: false, avgCost: '5.000000', value: '7.50',
      });
      const byProduct = (await t.http.get(`/api/stock?productId=${prod['INV-B']}&warehouseId=${w.id}`).set(bearer(admin)).expect(200)).body;
      expect(byProduct.items.map((r: { onHand: string }) => r.onHand)).toEqual(['2.250']);
      expect((await t.http.get(`/api/stock?warehouseId=${w.id}&q=INV-C`).set(bearer(admin)).expect(200)).body.total).toBe(1);
      expect((await t.http.get(`/api/stock?warehouseId=${w.id}&categoryId=${catId}`).set(bearer(admin)).expect(200)).body.total).toBe(3);
      expect((await t.http.get(`/api/stock?warehouseId=${w.id}&sort=-onHand`).set(bearer(admin)).expect(200)).body.items.map((r: { productCode: string }) => r.productCode)).toEqual(['INV-C', 'INV-B', 'INV-A']);
      expect((await t.http.get('/api/stock?sort=bogus').set(bearer(admin)).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      // the whole list's totals are the sums of every row in scope
      const everything = (await t.http.get('/api/stock?pageSize=1').set(bearer(admin)).expect(200)).body;
      const [sums] = await t.sql<{ on_hand: string }>('SELECT sum(on_hand)::numeric(18,3)::text AS on_hand FROM stock');
      expect(everything.totals.onHand).toBe(sums.on_hand);
    });

    it('flags low stock against the warehouse threshold, else the product threshold; lowOnly filters', async () => {
      const w = await warehouse('INV-LOW', 'BJ');
      const p = await product('INV-LOWP', { lowStockThreshold: '5' });
      const q = prod['INV-D'];
      await inbound(w.id, [{ productId: p, qty: '5' }, { productId: q, qty: '5' }]).expect(201);
      const rows = async (extra = '') => (await t.http.get(`/api/stock?warehouseId=${w.id}${extra}`).set(bearer(admin)).expect(200)).body.items as { productId: string; low: boolean; lowThreshold: string }[];
      // available 5 <= product threshold 5: low; INV-D has threshold 0: not low
      expect((await rows()).map((r) => [r.productId, r.low, r.lowThreshold])).toEqual([[prod['INV-D'], false, '0.000'], [p, true, '5.000']]);
      expect((await rows('&lowOnly=true')).map((r) => r.productId)).toEqual([p]);
      // a per-warehouse threshold wins over the product's
      const set = (await t.http.put('/api/stock/threshold').set(bearer(admin)).send({ warehouseId: w.id, productId: p, lowThreshold: '4.5' }).expect(200)).body;
      expect(set).toMatchObject({ warehouseId: w.id, productId: p, lowThreshold: '4.500', low: false, onHand: '5.000' });
      await t.http.put('/api/stock/threshold').set(bearer(admin)).send({ warehouseId: w.id, productId: q, lowThreshold: '6' }).expect(200);
      expect((await rows('&lowOnly=true')).map((r) => r.productId)).toEqual([q]);
      // on a product not stocked yet: creates the row with zero stock
      const r = prod['INV-E'];
      const fresh = (await t.http.put('/api/stock/threshold').set(bearer(keeper)).send({ warehouseId: w.id, productId: r, lowThreshold: '2' }).expect(200)).body;
      expect(fresh).toMatchObject({ productId: r, onHand: '0.000', available: '0.000', lowThreshold: '2.000', low: true });
      // null falls back to the product's threshold
      expect((await t.http.put('/api/stock/threshold').set(bearer(admin)).send({ warehouseId: w.id, productId: p, lowThreshold: null }).expect(200)).body).toMatchObject({ lowThreshold: '5.000', low: true });
      const bad = async (body: object, status: number) => (await t.http.put('/api/stock/threshold').set(bearer(admin)).send(body).expect(status)).body.code;
      expect(await bad({ warehouseId: w.id, productId: p, lowThreshold: '-1' }, 400)).toBe(ErrorCode.VALIDATION_FAILED);
      expect(await bad({ warehouseId: w.id, productId: '00000000-0000-4000-8000-000000000000', lowThreshold: '1' }, 404)).toBe(ErrorCode.NOT_FOUND);
      expect(await bad({ warehouseId: sh.id, productId: p, lowThreshold: '1' }, 200)).toBeUndefined();
      await t.http.put('/api/stock/threshold').set(bearer(keeper)).send({ warehouseId: sh.id, productId: p, lowThreshold: '1' }).expect(404);
      expect((await t.sql(`SELECT 1 FROM audit_log WHERE entity = 'stock' AND action = 'set_threshold'`)).length).toBe(5);
    });

    it('a Beijing user sees Beijing warehouses, stock, documents and movements only; HQ and Shanghai answer 404', async () => {
      const mgr = await t.token('bj.manager');
      const p = prod['INV-A'];
      await inbound(sh.id, [{ productId: p, qty: '9' }]).expect(201);
      const shDoc = (await t.sql<{ id: string }>('SELECT id FROM stock_doc WHERE warehouse_id = $1 ORDER BY created_at DESC LIMIT 1', [sh.id]))[0].id;
      const hqOnly = (await inbound(hq.id, [{ productId: p, qty: '1' }]).expect(201)).body;
      // a transfer from HQ into Beijing concerns Beijing: visible to it
      const intoBj = (await doc({ type: 'TRANSFER', warehouseId: hq.id, toWarehouseId: bjCy.id, lines: [{ productId: p, qty: '1' }] }).expect(201)).body;

      const codes = (await t.http.get('/api/warehouses?pageSize=200').set(bearer(mgr)).expect(200)).body.items.map((w: Wh) => w.code);
      expect(codes).toEqual(expect.arrayContaining(['INV-BJ', 'INV-BJCY']));
      expect(codes).not.toContain('INV-HQ');
      expect(codes).not.toContain('INV-SH');
      for (const w of [hq, sh]) await t.http.get(`/api/warehouses/${w.id}`).set(bearer(mgr)).expect(404);
      expect((await t.http.get(`/api/warehouses?orgId=${await t.orgId('SH')}`).set(bearer(mgr)).expect(200)).body.total).toBe(0);

      const bjWarehouses = new Set((await t.sql<{ id: string }>(`SELECT w.id FROM warehouse w JOIN organization o ON o.id = w.org_id WHERE o.path LIKE (SELECT path FROM organization WHERE code = 'BJ') || '%'`)).map((r) => r.id));
      const stock = (await t.http.get('/api/stock?pageSize=200').set(bearer(mgr)).expect(200)).body;
      expect(stock.items.length).toBeGreaterThan(0);
      expect(stock.items.every((r: { warehouseId: string }) => bjWarehouses.has(r.warehouseId))).toBe(true);
      expect((await t.http.get(`/api/stock?warehouseId=${sh.id}`).set(bearer(mgr)).expect(200)).body).toMatchObject({ total: 0, totals: { onHand: '0.000' } });

      const moves = (await t.http.get(`/api/stock/movements?productId=${p}&pageSize=200`).set(bearer(mgr)).expect(200)).body;
      expect(moves.items.length).toBeGreaterThan(0);
      expect(moves.items.every((m: { warehouseId: string }) => bjWarehouses.has(m.warehouseId))).toBe(true);
      expect((await t.http.get(`/api/stock/movements?warehouseId=${sh.id}`).set(bearer(mgr)).expect(200)).body.total).toBe(0);

      const docs = (await t.http.get('/api/stock-docs?pageSize=200').set(bearer(mgr)).expect(200)).body.items as { id: string; warehouseId: string; toWarehouseId: string | null }[];
      expect(docs.every((d) => bjWarehouses.has(d.warehouseId) || bjWarehouses.has(d.toWarehouseId ?? ''))).toBe(true);
      expect(docs.map((d) => d.id)).toContain(intoBj.id);
      await t.http.get(`/api/stock-docs/${intoBj.id}`).set(bearer(mgr)).expect(200);
      for (const id of [shDoc, hqOnly.id]) await t.http.get(`/api/stock-docs/${id}`).set(bearer(mgr)).expect(404);

      // and the other way round: Shanghai sees nothing of Beijing
      const shMgr = await t.token('sh.manager');
      await t.http.get(`/api/warehouses/${bj.id}`).set(bearer(shMgr)).expect(404);
      await t.http.get(`/api/stock-docs/${intoBj.id}`).set(bearer(shMgr)).expect(404);
      await t.http.get(`/api/stock-docs/${shDoc}`).set(bearer(shMgr)).expect(200);
    });

    it('a dealer has no stock:view: every inventory endpoint answers 403', async () => {
      const dealer = await t.token('bj.dealer1');
      for (const path of ['/api/warehouses', `/api/warehouses/${bj.id}`, '/api/stock', '/api/stock/movements', '/api/stock-docs']) {
        expect((await t.http.get(path).set(bearer(dealer)).expect(403)).body.code).toBe(ErrorCode.FORBIDDEN);
      }
      await inbound(bj.id, [{ productId: prod['INV-A'], qty: '1' }], dealer).expect(403);
      await t.http.get('/api/stock').expect(401);
    });
  });
});
