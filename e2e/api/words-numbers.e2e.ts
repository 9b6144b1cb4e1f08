import { ErrorCode, type AuditLogDto, type MallCartDto, type MallOrderDto, type MallOrderSummaryDto, type MallReorderResult, type Paged } from '@drp/shared';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/**
 * Words and numbers as users read them (issue #12): the unit-price scale where prices are made,
 * audit entries as facts (message key + values) the client words, the mall's reorder outcomes by
 * code, and which orders a dealer sees in 我的订单.
 */
describe('words and numbers', () => {
  let t: TestApp;
  let admin: string;
  let dealer: string;
  let dealerId: string;
  let warehouseId: string;

  const get = (tok: string, path: string) => t.http.get(path).set(bearer(tok));
  const post = (tok: string, path: string, body: object = {}) => t.http.post(path).set(bearer(tok)).send(body);
  const put = (tok: string, path: string, body: object = {}) => t.http.put(path).set(bearer(tok)).send(body);
  const setScale = async (priceScale: number) => {
    const s = (await get(admin, '/api/settings/company').expect(200)).body as { version: number };
    await put(admin, '/api/settings/company', { priceScale, version: s.version }).expect(200);
  };

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
    dealer = await t.token('bj.dealer1');
    dealerId = await t.orgId('D-BJ001');
    [{ id: warehouseId }] = await t.sql<{ id: string }>(`SELECT id FROM warehouse WHERE code = 'WH-BJ'`);
    const acc = await get(admin, `/api/credit/accounts/${dealerId}`);
    await put(admin, `/api/credit/accounts/${dealerId}`, { limit: '5000000', mode: 'NONE', creditDays: 30, version: acc.body.version }).expect(200);
  }, 120_000);
  afterAll(() => t?.close());

  describe('the unit-price scale where the price is made', () => {
    let productId: string;
    beforeAll(async () => {
      const [cat] = await t.sql<{ id: string }>(`SELECT id FROM category WHERE parent_id IS NOT NULL ORDER BY code LIMIT 1`);
      const p = (await post(admin, '/api/products', { code: 'WN-J359', name: '测试果汁 3.59', categoryId: cat.id, baseUnit: '瓶', basePrice: '3.5900' }).expect(201)).body;
      productId = p.id;
      await post(admin, '/api/mall/publish', { productIds: [productId], published: true }).expect(200);
      const now = Date.now();
      await post(admin, '/api/promotions', {
        code: 'WN-92', name: '测试92折', kind: 'PERCENT_OFF', value: '8', productIds: [productId],
        startsAt: new Date(now - 86_400_000).toISOString(), endsAt: new Date(now + 30 * 86_400_000).toISOString(),
      }).expect(201);
    });

    const resolved = async () => (await get(admin, `/api/prices/resolve?dealerId=${dealerId}&productIds=${productId}&qty=10`).expect(200)).body[0];
    const cartLine = async () => {
      await t.http.delete('/api/mall/cart').set(bearer(dealer)).expect(200);
      const cart = (await post(dealer, '/api/mall/cart/items', { productId, qty: '10' }).expect(200)).body as MallCartDto;
      return cart.lines.find((l) => l.productId === productId)!;
    };
    const orderLine = async () => {
      const o = (await post(admin, '/api/sales-orders', { dealerId, warehouseId, lines: [{ productId, qty: '10' }] }).expect(201)).body;
      return o.lines[0] as { unitPrice: string; amount: string; priceSource: string };
    };

    it('scale 2 (default): 92 折 of 3.59 is 3.30 in the resolver, the cart, the order line and its amount', async () => {
      expect((await get(admin, '/api/settings/company').expect(200)).body.priceScale).toBe(2);
      expect(await resolved()).toMatchObject({ unitPrice: '3.3000', source: 'PROMOTION' });
      const line = await cartLine();
      expect(line.product.unitPrice).toBe('3.3000');
      expect(line.amount).toBe('33.00');
      expect(await orderLine()).toMatchObject({ unitPrice: '3.3000', amount: '33.00', priceSource: 'PROMOTION' });
    });

    it('scale 4 keeps 3.3028 everywhere (amount 33.03), and back at 2 it is 3.30 again', async () => {
      await setScale(4);
      expect((await resolved()).unitPrice).toBe('3.3028');
      const line = await cartLine();
      expect(line.product.unitPrice).toBe('3.3028');
      expect(line.amount).toBe('33.03');
      expect(await orderLine()).toMatchObject({ unitPrice: '3.3028', amount: '33.03' });
      await setScale(2);
      expect((await resolved()).unitPrice).toBe('3.3000');
      await t.http.delete('/api/mall/cart').set(bearer(dealer)).expect(200);
    });

    it('a bad scale is refused and changes nothing', async () => {
      const s = (await get(admin, '/api/settings/company').expect(200)).body;
      expect((await put(admin, '/api/settings/company', { priceScale: 5, version: s.version }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect((await put(dealer, '/api/settings/company', { priceScale: 4 }).expect(403)).body.code).toBe(ErrorCode.FORBIDDEN);
      expect((await get(admin, '/api/settings/company').expect(200)).body).toMatchObject({ priceScale: 2, version: s.version });
    });
  });

  describe('audit entries as facts the client words', () => {
    const logs = async (query: string) => (await get(admin, `/api/audit-logs?${query}`).expect(200)).body as Paged<AuditLogDto>;

    it('a sign-in is auth.login naming who; a status move is a transition with from, to and the reason', async () => {
      await t.token('bj.manager');
      const login = (await logs('action=login&pageSize=5')).items[0];
      expect(login).toMatchObject({ messageKey: 'auth.login', messageValues: { name: expect.any(String) } });
      const [{ id: productId }] = await t.sql<{ id: string }>(`SELECT id FROM product WHERE mall_published AND status = 'ON_SALE' ORDER BY code LIMIT 1`);
      const draft = (await post(admin, '/api/sales-orders', { dealerId, warehouseId, lines: [{ productId, qty: '1' }] }).expect(201)).body;
      await post(admin, `/api/sales-orders/${draft.id}/cancel`, { reason: '客户改单' }).expect(200);
      const moved = (await logs(`entity=sales_order&entityId=${draft.id}&action=cancel`)).items[0];
      expect(moved.messageKey).toBe('transition');
      expect(moved.messageValues).toMatchObject({ entity: 'sales_order', from: 'DRAFT', to: 'CANCELLED', note: '客户改单' });
      const created = (await logs(`entity=sales_order&entityId=${draft.id}&action=create`)).items[0];
      expect(created).toMatchObject({ messageKey: 'generic', messageValues: { action: 'create', entity: 'sales_order' } });
    });

    it('every entry written has a message key (seed, sign-ins, documents)', async () => {
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int n FROM audit_log WHERE message_key IS NULL OR message_values IS NULL`);
      expect(n).toBe(0);
      const [{ total }] = await t.sql<{ total: number }>(`SELECT count(*)::int total FROM audit_log`);
      expect(total).toBeGreaterThan(10);
    });
  });

  describe('the mall: reorder outcomes by code, and the orders a dealer sees', () => {
    const product = async (cond: string) => {
      const [p] = await t.sql<{ id: string; code: string; name: string }>(
        `SELECT p.id, p.code, p.name FROM product p WHERE p.mall_published AND p.status = 'ON_SALE' AND p.min_order_qty = 1 AND p.order_multiple = 1 AND ${cond} ORDER BY p.code LIMIT 1`,
      );
      return p;
    };

    it('reorder names what it could not add (code and product code, no server English) and the quantities it changed', async () => {
      const a = await product(`true`);
      const b = await product(`p.id <> '${a.id}'`);
      await t.http.delete('/api/mall/cart').set(bearer(dealer)).expect(200);
      await post(dealer, '/api/mall/cart/items', { productId: a.id, qty: '4' }).expect(200);
      await post(dealer, '/api/mall/cart/items', { productId: b.id, qty: '2' }).expect(200);
      const [{ id: addressId }] = await t.sql<{ id: string }>(`SELECT id FROM mall_address WHERE dealer_id = $1 ORDER BY is_default DESC LIMIT 1`, [dealerId]);
      const order = (await post(dealer, '/api/mall/orders', { addressId }).expect(201)).body as MallOrderDto;
      // HQ withdraws a; b now sells from 6 in sixes
      await post(admin, '/api/mall/publish', { productIds: [a.id], published: false }).expect(200);
      await t.sql(`UPDATE product SET min_order_qty = 6, order_multiple = 6 WHERE id = $1`, [b.id]);
      try {
        const r = (await post(dealer, `/api/mall/orders/${order.id}/reorder`).expect(200)).body as MallReorderResult;
        expect(r.added).toBe(1);
        expect(r.skipped).toEqual([{ productId: a.id, productCode: a.code, productName: a.name, code: ErrorCode.PRODUCT_NOT_PUBLISHED, reason: expect.any(String) }]);
        expect(r.adjusted).toEqual([{ productId: b.id, productName: b.name, from: '2.000', to: '6.000', minOrderQty: '6.000', orderMultiple: '6.000' }]);
        expect(r.cart.lines.map((l) => [l.productId, l.qty])).toEqual([[b.id, '6.000']]);
        // nothing to add: added 0, the reason by code, the cart unchanged
        await post(admin, '/api/mall/publish', { productIds: [b.id], published: false }).expect(200);
        const none = (await post(dealer, `/api/mall/orders/${order.id}/reorder`).expect(200)).body as MallReorderResult;
        expect(none.added).toBe(0);
        expect(none.skipped.map((s) => s.code)).toEqual([ErrorCode.PRODUCT_NOT_PUBLISHED, ErrorCode.PRODUCT_NOT_PUBLISHED]);
        expect(none.cart.lines.map((l) => [l.productId, l.qty])).toEqual([[b.id, '6.000']]);
      } finally {
        await post(admin, '/api/mall/publish', { productIds: [a.id, b.id], published: true }).expect(200);
        await t.sql(`UPDATE product SET min_order_qty = 1, order_multiple = 1 WHERE id = $1`, [b.id]);
        await t.http.delete('/api/mall/cart').set(bearer(dealer)).expect(200);
      }
    });

    it('我的订单: mall orders always, other orders once approved; HQ drafts and orders stopped before approval are 404', async () => {
      const p = await product('true');
      const draft = (await post(admin, '/api/sales-orders', { dealerId, warehouseId, lines: [{ productId: p.id, qty: '1' }] }).expect(201)).body;
      const stopped = (await post(admin, '/api/sales-orders', { dealerId, warehouseId, lines: [{ productId: p.id, qty: '1' }] }).expect(201)).body;
      await post(admin, `/api/sales-orders/${stopped.id}/cancel`, { reason: '内部取消' }).expect(200);
      const mine = async () => {
        const all: MallOrderSummaryDto[] = [];
        for (let page = 1; ; page++) {
          const res = (await get(dealer, `/api/mall/orders?page=${page}&pageSize=100`).expect(200)).body as Paged<MallOrderSummaryDto>;
          all.push(...res.items);
          if (all.length >= res.total || !res.items.length) return all;
        }
      };
      const seen = new Set((await mine()).map((o) => o.id));
      expect(seen.has(draft.id)).toBe(false);
      expect(seen.has(stopped.id)).toBe(false);
      expect((await get(dealer, `/api/mall/orders/${draft.id}`).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      expect((await get(dealer, `/api/mall/orders/${stopped.id}`).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      expect((await post(dealer, `/api/mall/orders/${draft.id}/reorder`).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      // the rule over every order of the dealer
      const rows = await t.sql<{ id: string; source: string; status: string; approved: boolean }>(
        `SELECT id, source, status, approved_at IS NOT NULL AS approved FROM sales_order WHERE dealer_id = $1 AND number IS NOT NULL`, [dealerId],
      );
      expect(rows.some((r) => r.source !== 'MALL' && r.approved)).toBe(true);
      for (const r of rows) expect({ id: r.id, seen: seen.has(r.id) }).toEqual({ id: r.id, seen: r.source === 'MALL' || (r.approved && r.status !== 'DRAFT') });
      // an approved console order shows consistent steps: every step before the last done one is done
      const approved = rows.find((r) => r.source !== 'MALL' && r.approved && r.status !== 'CANCELLED')!;
      const detail = (await get(dealer, `/api/mall/orders/${approved.id}`).expect(200)).body as MallOrderDto;
      const done = detail.timeline.map((s) => s.done);
      expect(done.lastIndexOf(true)).toBe(done.filter(Boolean).length - 1);
      expect(detail.timeline.map((s) => s.key)).not.toContain('REVIEWED');
    });
  });
});
