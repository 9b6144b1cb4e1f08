import request from 'supertest';
import { ErrorCode, MallCartDto, MallContentDto, MallHomeDto, MallOrderDto, MallProductCardDto, MallProductDetailDto, Paged } from '@drp/shared';
import { bearer, bootTestApp, DEMO_PASSWORD, TestApp } from '../support/test-app';

const ZERO_UUID = '00000000-0000-4000-8000-000000000000';

/**
 * The dealer mall (issue #6) end to end on the demo company: bj.dealer1's whole journey (home,
 * search, product, server-side cart across logins, checkout into a PENDING_REVIEW MALL order with
 * the address snapshot and server prices, review by customer service, status and notification
 * back, reorder, favourites, frequent), every bad input with its stable code and nothing written,
 * isolation between dealers, dealer logins by invite code, contents with targeting, and settings.
 */
describe('dealer mall: catalog, cart, checkout, orders, contents, dealer accounts', () => {
  let t: TestApp;
  let admin: string;
  let d1: string;
  let d2: string;
  let dealer1Id: string;
  let dealer2Id: string;

  const get = (tok: string, url: string) => t.http.get(url).set(bearer(tok));
  const post = (tok: string, url: string, body: object = {}) => t.http.post(url).set(bearer(tok)).send(body);
  const put = (tok: string, url: string, body: object = {}) => t.http.put(url).set(bearer(tok)).send(body);
  const del = (tok: string, url: string) => t.http.delete(url).set(bearer(tok));
  const login = async (username: string, password = DEMO_PASSWORD) => request(t.app.getHttpServer()).post('/api/auth/login').send({ username, password });
  const count = async (table: string, where = 'true', params: unknown[] = []) => Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, params))[0].n);

  /** A published, on-sale product with a minimum and multiple of 1 (or of `min`), by a SQL condition. */
  const product = async (cond: string, params: unknown[] = []) => {
    const [p] = await t.sql<{ id: string; code: string; name: string; barcode: string; min_order_qty: string; order_multiple: string }>(
      `SELECT p.id, p.code, p.name, p.barcode, p.min_order_qty::text, p.order_multiple::text FROM product p JOIN category c ON c.id = p.category_id WHERE ${cond} ORDER BY p.code LIMIT 1`,
      params,
    );
    if (!p) throw new Error(`no product for ${cond}`);
    return p;
  };
  const emptyCart = async (tok: string) => expect((await del(tok, '/api/mall/cart')).body.lineCount).toBe(0);

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
    d1 = await t.token('bj.dealer1');
    d2 = await t.token('bj.dealer2');
    dealer1Id = await t.orgId('D-BJ001');
    dealer2Id = await t.orgId('D-BJ002');
    // room on the credit line so the review's credit check passes (the journey is about the mall, not credit)
    const acc = await get(admin, `/api/credit/accounts/${dealer1Id}`);
    await put(admin, `/api/credit/accounts/${dealer1Id}`, { limit: '5000000', mode: 'BLOCK', creditDays: 30, version: acc.body.version }).expect(200);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('demo data: ~120 published products, contents, addresses, a cart for bj.dealer1, mall orders', async () => {
    const published = await count('product', `mall_published AND status = 'ON_SALE'`);
    expect(published).toBeGreaterThanOrEqual(100);
    expect(published).toBeLessThanOrEqual(140);
    expect(await count('mall_content', `kind = 'BANNER'`)).toBeGreaterThanOrEqual(2);
    expect(await count('mall_content', `kind = 'ANNOUNCEMENT'`)).toBe(3);
    expect(await count('mall_address', 'dealer_id = $1', [dealer1Id])).toBe(2);
    expect(await count('mall_cart_item', 'dealer_id = $1', [dealer1Id])).toBe(2);
    expect(await count('sales_order', `source = 'MALL' AND dealer_id = $1 AND created_by IS NOT NULL AND ship_to_address IS NOT NULL`, [dealer1Id])).toBeGreaterThanOrEqual(1);
  });

  it('home: banners and announcements aimed at the dealer (one names the running promotion), categories, promotions, new arrivals, cart count', async () => {
    const res = await get(d1, '/api/mall/home').expect(200);
    const home = res.body as MallHomeDto;
    expect(home.banners.length).toBeGreaterThanOrEqual(2);
    expect(home.banners.some((b) => b.title.includes('上海'))).toBe(false);
    const promoName = (await t.sql<{ name: string }>(`SELECT name FROM promotion WHERE status = 'ACTIVE' LIMIT 1`))[0].name;
    expect(home.announcements.find((a) => a.tag === 'PROMOTION')!.title).toContain(promoName);
    expect(home.categories.length).toBeGreaterThan(3);
    expect(home.categories.every((c) => c.productCount > 0)).toBe(true);
    expect(home.promotions.length).toBeGreaterThan(0);
    expect(home.promotions.every((p) => p.priceSource === 'PROMOTION' && p.priceSourceName === promoName && /^\d{4}-\d{2}-\d{2}$/.test(p.priceValidTo!))).toBe(true);
    // the promotion's last day: the company day of its last instant (it ends before ends_at), as the database words it
    const [{ last }] = await t.sql<{ last: string }>(`SELECT to_char((ends_at - interval '1 millisecond') AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS last FROM promotion WHERE name = $1`, [promoName]);
    expect(home.promotions.map((p) => p.priceValidTo)).toEqual(home.promotions.map(() => last));
    expect(home.promotions[0].levelPrice).not.toBeNull();
    expect(home.newArrivals).toHaveLength(10);
    expect(home.cartCount).toBe(2);
  });

  it('catalog: search by name, code and barcode; category subtree; only published, on-sale products with the dealer’s prices in one page', async () => {
    const p = await product(`p.mall_published AND p.status = 'ON_SALE'`);
    for (const q of [p.code, p.barcode, p.name]) {
      const res = await get(d1, `/api/mall/catalog?q=${encodeURIComponent(q)}`).expect(200);
      expect((res.body as Paged<MallProductCardDto>).items.map((i) => i.id)).toContain(p.id);
    }
    const page = (await get(d1, '/api/mall/catalog?pageSize=40').expect(200)).body as Paged<MallProductCardDto>;
    expect(page.items).toHaveLength(40);
    expect(page.total).toBe(await count('product', `mall_published AND status = 'ON_SALE'`));
    for (const c of page.items) {
      expect(c.unitPrice).toMatch(/^\d+\.\d{4}$/);
      expect(['IN_STOCK', 'LOW', 'OUT']).toContain(c.availability);
      expect(c.availableQty).toBeNull();
    }
    const [food] = await t.sql<{ id: string }>(`SELECT id FROM category WHERE code = 'FOOD'`);
    const inFood = (await get(d1, `/api/mall/catalog?categoryId=${food.id}&pageSize=200`).expect(200)).body as Paged<MallProductCardDto>;
    expect(inFood.total).toBe(await count('product p JOIN category c ON c.id = p.category_id', `p.mall_published AND p.status = 'ON_SALE' AND c.path LIKE (SELECT path FROM category WHERE code = 'FOOD') || '%'`));
    const unpublished = await product(`NOT p.mall_published AND p.status = 'ON_SALE'`);
    expect(((await get(d1, `/api/mall/catalog?q=${unpublished.code}`)).body as Paged<MallProductCardDto>).total).toBe(0);
  });

  it('product page: images, units, pack size, price and source; 404 for unpublished, unknown', async () => {
    const p = await product(`p.mall_published AND p.status = 'ON_SALE' AND c.code = 'JUICE'`);
    const res = await get(d1, `/api/mall/products/${p.id}`).expect(200);
    const detail = res.body as MallProductDetailDto;
    expect(detail).toMatchObject({ id: p.id, code: p.code, barcode: p.barcode, inCartQty: expect.any(String) });
    expect(detail.packSize).toMatch(/^1箱=15瓶$/);
    expect(detail.units[0]).toMatchObject({ unit: '箱', factor: '15.000' });
    expect(detail.priceSource).toBe('PROMOTION');
    const unpublished = await product(`NOT p.mall_published AND p.status = 'ON_SALE'`);
    expect((await get(d1, `/api/mall/products/${unpublished.id}`).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
    await get(d1, `/api/mall/products/${ZERO_UUID}`).expect(404);
  });

  it('prices are each dealer’s own: bj.dealer1’s price book is not bj.dealer2’s price', async () => {
    const [book] = await t.sql<{ product_id: string; price: string }>(
      `SELECT i.product_id, i.price::text FROM price_book_item i JOIN price_book b ON b.id = i.price_book_id JOIN product p ON p.id = i.product_id
        WHERE b.code = 'PB-BJ001' AND p.mall_published AND p.status = 'ON_SALE' ORDER BY p.code LIMIT 1`,
    );
    const one = (await get(d1, `/api/mall/products/${book.product_id}`).expect(200)).body as MallProductDetailDto;
    const two = (await get(d2, `/api/mall/products/${book.product_id}`).expect(200)).body as MallProductDetailDto;
    expect(one.priceSource).toBe('PRICE_BOOK');
    expect(one.unitPrice).toBe(Number(book.price).toFixed(4));
    expect(two.priceSource).not.toBe('PRICE_BOOK');
    expect(two.unitPrice).not.toBe(one.unitPrice);
  });

  it('cart: add sums quantities, set replaces, delete removes; it survives a new login and is shared by the dealer, never seen by another dealer', async () => {
    await emptyCart(d1);
    const p = await product(`p.mall_published AND p.status = 'ON_SALE' AND p.min_order_qty = 1 AND p.order_multiple = 1`);
    let cart = (await post(d1, '/api/mall/cart/items', { productId: p.id, qty: '2' }).expect(200)).body as MallCartDto;
    cart = (await post(d1, '/api/mall/cart/items', { productId: p.id, qty: '3' }).expect(200)).body as MallCartDto;
    expect(cart.lines).toHaveLength(1);
    expect(cart.lines[0]).toMatchObject({ productId: p.id, qty: '5.000', problem: null });
    expect(cart.lines[0].amount).toBe((Number(cart.lines[0].product.unitPrice) * 5).toFixed(2));
    expect(cart.total).toBe(cart.lines[0].amount);
    expect(cart.credit).toMatchObject({ mode: 'BLOCK', limit: '5000000.00' });
    cart = (await put(d1, `/api/mall/cart/items/${p.id}`, { qty: '4' }).expect(200)).body as MallCartDto;
    expect(cart.lines[0].qty).toBe('4.000');

    // a new login (another device) sees the same cart
    const again = await login('bj.dealer1');
    expect(again.status).toBe(200);
    const seen = (await get(again.body.accessToken, '/api/mall/cart').expect(200)).body as MallCartDto;
    expect(seen.lines.map((l) => [l.productId, l.qty])).toEqual([[p.id, '4.000']]);
    // bj.dealer2 has its own (empty) cart
    const other = (await get(d2, '/api/mall/cart').expect(200)).body as MallCartDto;
    expect(other.lines.some((l) => l.productId === p.id)).toBe(false);
    await del(d2, `/api/mall/cart/items/${p.id}`).expect(200);
    expect(await count('mall_cart_item', 'dealer_id = $1 AND product_id = $2', [dealer1Id, p.id])).toBe(1);

    cart = (await del(d1, `/api/mall/cart/items/${p.id}`).expect(200)).body as MallCartDto;
    expect(cart.lineCount).toBe(0);
    expect(await count('audit_log', `entity = 'mall_cart' AND org_id = $1`, [dealer1Id])).toBeGreaterThanOrEqual(4);
  });

  it('bad cart input: unpublished, out of scope, below the minimum, off the multiple, zero, negative, unknown, a price in the body; nothing written', async () => {
    await emptyCart(d1);
    const before = await count('mall_cart_item');
    const unpublished = await product(`NOT p.mall_published AND p.status = 'ON_SALE'`);
    expect((await post(d1, '/api/mall/cart/items', { productId: unpublished.id, qty: '1' }).expect(400)).body.code).toBe(ErrorCode.PRODUCT_NOT_PUBLISHED);
    const boxed = await product(`p.mall_published AND p.status = 'ON_SALE' AND p.min_order_qty > 1 AND p.order_multiple = p.min_order_qty`);
    const min = Number(boxed.min_order_qty);
    expect((await post(d1, '/api/mall/cart/items', { productId: boxed.id, qty: String(min - 1) }).expect(400)).body.code).toBe(ErrorCode.QTY_BELOW_MINIMUM);
    expect((await post(d1, '/api/mall/cart/items', { productId: boxed.id, qty: String(min + 1) }).expect(400)).body.code).toBe(ErrorCode.QTY_NOT_MULTIPLE);
    expect((await put(d1, `/api/mall/cart/items/${boxed.id}`, { qty: String(min * 1.5) }).expect(400)).body.code).toBe(ErrorCode.QTY_NOT_MULTIPLE);
    expect((await post(d1, '/api/mall/cart/items', { productId: boxed.id, qty: '0' }).expect(400)).body.code).toBe(ErrorCode.INVALID_QUANTITY);
    expect((await post(d1, '/api/mall/cart/items', { productId: boxed.id, qty: '-24' }).expect(400)).body.code).toBe(ErrorCode.INVALID_QUANTITY);
    expect((await post(d1, '/api/mall/cart/items', { productId: ZERO_UUID, qty: '1' }).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
    const priced = await post(d1, '/api/mall/cart/items', { productId: boxed.id, qty: String(min), unitPrice: '0.01' }).expect(400);
    expect(priced.body).toMatchObject({ code: ErrorCode.PRICE_NOT_ACCEPTED, details: { field: 'unitPrice' } });
    expect((await put(d1, `/api/mall/cart/items/${boxed.id}`, { qty: String(min), price: '1' }).expect(400)).body.code).toBe(ErrorCode.PRICE_NOT_ACCEPTED);
    expect((await post(d1, '/api/mall/cart/items', { productId: boxed.id, qty: String(min), amount: '1.00' }).expect(400)).body.code).toBe(ErrorCode.PRICE_NOT_ACCEPTED);
    expect(await count('mall_cart_item')).toBe(before);
    // the minimum itself is fine
    expect((await post(d1, '/api/mall/cart/items', { productId: boxed.id, qty: String(min) }).expect(200)).body.lines[0].qty).toBe(`${min}.000`);
    await emptyCart(d1);
  });

  it('only dealer users use the mall: HQ and branch staff get 403 MALL_DEALER_ONLY', async () => {
    for (const u of ['admin', 'bj.service', 'bj.manager']) {
      const tok = await t.token(u);
      expect((await get(tok, '/api/mall/home').expect(403)).body.code).toBe(ErrorCode.MALL_DEALER_ONLY);
      expect((await post(tok, '/api/mall/cart/items', { productId: ZERO_UUID, qty: '1' }).expect(403)).body.code).toBe(ErrorCode.MALL_DEALER_ONLY);
    }
    await t.http.get('/api/mall/home').expect(401);
  });

  it('checkout: empty cart 422, price in the body 400, problem lines 422 with details; nothing written', async () => {
    await emptyCart(d1);
    const addresses = (await get(d1, '/api/mall/addresses').expect(200)).body as { id: string; isDefault: boolean }[];
    const addressId = addresses.find((a) => a.isDefault)!.id;
    const orders = await count('sales_order');
    expect((await post(d1, '/api/mall/orders', { addressId }).expect(422)).body.code).toBe(ErrorCode.CART_EMPTY);

    const ok = await product(`p.mall_published AND p.status = 'ON_SALE' AND p.min_order_qty = 1 AND p.order_multiple = 1`);
    const doomed = await product(`p.mall_published AND p.status = 'ON_SALE' AND p.min_order_qty = 1 AND p.order_multiple = 1 AND p.id <> $1`, [ok.id]);
    await post(d1, '/api/mall/cart/items', { productId: ok.id, qty: '1' }).expect(200);
    await post(d1, '/api/mall/cart/items', { productId: doomed.id, qty: '1' }).expect(200);
    expect((await post(d1, '/api/mall/orders', { addressId, total: '1.00' }).expect(400)).body.code).toBe(ErrorCode.PRICE_NOT_ACCEPTED);
    expect((await post(d1, '/api/mall/orders', { addressId, lines: [{ productId: ok.id, unitPrice: '0.01' }] }).expect(400)).body.code).toBe(ErrorCode.PRICE_NOT_ACCEPTED);
    // HQ withdraws a product that is in the cart
    await post(admin, '/api/mall/publish', { productIds: [doomed.id], published: false }).expect(200);
    const cart = (await get(d1, '/api/mall/cart').expect(200)).body as MallCartDto;
    expect(cart.lines.find((l) => l.productId === doomed.id)!.problem!.code).toBe(ErrorCode.PRODUCT_NOT_PUBLISHED);
    const res = await post(d1, '/api/mall/orders', { addressId }).expect(422);
    expect(res.body.code).toBe(ErrorCode.CART_HAS_PROBLEMS);
    expect(res.body.details.lines).toEqual([{ productId: doomed.id, code: ErrorCode.PRODUCT_NOT_PUBLISHED, message: expect.any(String) }]);
    expect(await count('sales_order')).toBe(orders);
    expect(await count('mall_cart_item', 'dealer_id = $1', [dealer1Id])).toBe(2);
    // another dealer's address is not found
    const other = (await get(d2, '/api/mall/addresses').expect(200)).body as { id: string }[];
    await del(d1, `/api/mall/cart/items/${doomed.id}`).expect(200);
    expect((await post(d1, '/api/mall/orders', { addressId: other[0].id }).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
    expect((await post(d1, '/api/mall/orders', { addressId, requestedDate: '2020-01-01' }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(await count('sales_order')).toBe(orders);
    // the delivery snapshot is the mall's alone: the console's order API refuses it
    const wh = (await t.sql<{ id: string }>(`SELECT id FROM warehouse WHERE code = 'WH-BJ'`))[0].id;
    const forged = await post(admin, '/api/sales-orders', { dealerId: dealer1Id, warehouseId: wh, lines: [{ productId: ok.id, qty: '1' }], shipTo: { contact: 'x', phone: '1', region: null, address: 'x' } }).expect(400);
    expect(forged.body.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(await count('sales_order')).toBe(orders);
    await post(admin, '/api/mall/publish', { productIds: [doomed.id], published: true }).expect(200);
    await emptyCart(d1);
  });

  it('the journey: cart -> checkout (PENDING_REVIEW, MALL, address snapshot, server prices, cart emptied) -> review by customer service -> status, timeline and notice back to the dealer -> reorder', async () => {
    await emptyCart(d1);
    const stocked = `EXISTS (SELECT 1 FROM stock s JOIN warehouse w ON w.id = s.warehouse_id WHERE w.code = 'WH-BJ' AND s.product_id = p.id AND s.on_hand - s.reserved >= 200)`;
    const a = await product(`p.mall_published AND p.status = 'ON_SALE' AND p.min_order_qty = 1 AND p.order_multiple = 1 AND c.code = 'JUICE' AND ${stocked}`);
    const b = await product(`p.mall_published AND p.status = 'ON_SALE' AND p.min_order_qty > 1 AND p.order_multiple = p.min_order_qty AND ${stocked}`);
    await post(d1, '/api/mall/cart/items', { productId: a.id, qty: '6' }).expect(200);
    const cart = (await post(d1, '/api/mall/cart/items', { productId: b.id, qty: b.min_order_qty }).expect(200)).body as MallCartDto;
    const address = (await post(d1, '/api/mall/addresses', { contact: '收货人 甲', phone: '13800000000', region: '北京市东城区', address: '东城区测试路1号' }).expect(201)).body;
    const res = await post(d1, '/api/mall/orders', { addressId: address.id, remark: '请上午送达' }).set('Idempotency-Key', 'mall-checkout-0001').expect(201);
    const order = res.body as MallOrderDto;
    expect(order).toMatchObject({ status: 'PENDING_REVIEW', total: cart.total, lineCount: 2, remark: '请上午送达' });
    expect(order.deliveryAddress).toEqual({ contact: '收货人 甲', phone: '13800000000', region: '北京市东城区', address: '东城区测试路1号' });
    for (const line of cart.lines) {
      const ol = order.lines.find((l) => l.productId === line.productId)!;
      expect(ol.unitPrice).toBe(line.product.unitPrice);
      expect(ol.amount).toBe(line.amount);
    }
    const [row] = await t.sql<{ source: string; status: string; created_by: string }>('SELECT source, status, created_by FROM sales_order WHERE id = $1', [order.id]);
    expect(row).toEqual({ source: 'MALL', status: 'PENDING_REVIEW', created_by: await t.userId('bj.dealer1') });
    expect((await get(d1, '/api/mall/cart').expect(200)).body.lineCount).toBe(0);
    // a retry with the same key answers the same order and writes nothing
    const retry = await post(d1, '/api/mall/orders', { addressId: address.id, remark: '请上午送达' }).set('Idempotency-Key', 'mall-checkout-0001').expect(201);
    expect(retry.body.id).toBe(order.id);
    // editing the address book later does not change the order's snapshot
    await put(d1, `/api/mall/addresses/${address.id}`, { contact: '收货人 乙', phone: '13800000001', address: '别处' }).expect(200);
    expect(((await get(d1, `/api/mall/orders/${order.id}`).expect(200)).body as MallOrderDto).deliveryAddress!.contact).toBe('收货人 甲');

    // customer service sees it in the review queue and accepts it
    const service = await t.token('bj.service');
    const queue = await get(service, '/api/sales-orders?status=PENDING_REVIEW&source=MALL&pageSize=100').expect(200);
    expect(queue.body.items.map((o: { id: string }) => o.id)).toContain(order.id);
    // the console's order shows where to deliver
    expect((await get(service, `/api/sales-orders/${order.id}`).expect(200)).body.shipTo).toEqual({ contact: '收货人 甲', phone: '13800000000', region: '北京市东城区', address: '东城区测试路1号' });
    const reviewed = await post(service, `/api/sales-orders/${order.id}/review`, { accept: true });
    expect([reviewed.status, reviewed.body.code, reviewed.body.message]).toEqual([200, undefined, undefined]);

    // a small order: the demo flow approves it at once (over 5,000 would wait for the branch manager)
    const after = (await get(d1, `/api/mall/orders/${order.id}`).expect(200)).body as MallOrderDto;
    expect(Number(order.total)).toBeLessThan(5000);
    expect(after.status).toBe('APPROVED');
    expect(after.timeline.map((s) => s.key)).toEqual(['SUBMITTED', 'REVIEWED', 'APPROVED', 'SHIPPED', 'COMPLETED']);
    expect(after.timeline.map((s) => s.done)).toEqual([true, true, true, false, false]);
    expect(after.events.map((e) => e.action)).toEqual(expect.arrayContaining(['CREATE', 'SUBMIT', 'REVIEW_ACCEPT', 'APPROVE']));
    const notes = await get(d1, '/api/notifications').expect(200);
    const mine = (n: { kind: string; title: string; link: string }) => n.kind === 'ORDER_STATUS' && n.title.includes(order.number) && n.link === `/mall/orders/${order.id}`;
    expect(notes.body.items.filter(mine).length).toBeGreaterThanOrEqual(2);
    // the accepted order went through approval on its own: the note is the system's, worded by each client
    expect(notes.body.items.find((n: { title: string }) => n.title === `订单 ${order.number}：已审核`)).toMatchObject({
      body: '无需审批，自动通过',
      message: { key: 'orderStatus', params: { number: order.number, status: 'APPROVED' }, note: 'autoApproved' },
    });

    // shipped with logistics: the dealer sees the shipment, the SHIPPED step and a notice
    await post(await t.token('bj.manager'), '/api/shipments', { orderId: order.id, logisticsCompany: '顺丰速运', trackingNo: 'SF123456789' }).expect(201);
    const shipped = (await get(d1, `/api/mall/orders/${order.id}`).expect(200)).body as MallOrderDto;
    expect(shipped.status).toBe('SHIPPED');
    expect(shipped.shipments).toEqual([expect.objectContaining({ logisticsCompany: '顺丰速运', trackingNo: 'SF123456789' })]);
    expect(shipped.timeline.find((s) => s.key === 'SHIPPED')!.done).toBe(true);
    expect(shipped.lines.every((l) => l.shippedQty === l.qty)).toBe(true);
    const notes2 = await get(d1, '/api/notifications').expect(200);
    expect(notes2.body.items.some((n: { kind: string; title: string; link: string }) => mine(n) && n.title.includes('已发货'))).toBe(true);
    // a logistics correction reaches the dealer too
    const [shipment] = shipped.shipments;
    await t.http.patch(`/api/shipments/${shipment.id}/logistics`).set(bearer(await t.token('bj.manager'))).send({ logisticsCompany: '京东物流', trackingNo: 'JD0001' }).expect(200);
    const fixedNote = (await get(d1, '/api/notifications').expect(200)).body.items.find((n: { title: string }) => n.title === `发货单 ${shipment.number}：物流信息已更新`);
    expect(fixedNote).toMatchObject({ kind: 'ORDER_STATUS', body: '京东物流 JD0001', link: `/mall/orders/${order.id}`, message: { key: 'logistics', params: { number: shipment.number } } });
    expect(((await get(d1, `/api/mall/orders/${order.id}`).expect(200)).body as MallOrderDto).shipments[0]).toMatchObject({ logisticsCompany: '京东物流', trackingNo: 'JD0001' });

    // my orders, newest first, filtered by status
    const myOrders = (await get(d1, '/api/mall/orders?pageSize=5').expect(200)).body;
    expect(myOrders.items[0]).toMatchObject({ id: order.id, number: order.number, lineCount: 2 });
    const pending = (await get(d1, '/api/mall/orders?status=PENDING_REVIEW,REJECTED').expect(200)).body;
    expect(pending.total).toBe(await count('sales_order', `dealer_id = $1 AND status IN ('PENDING_REVIEW', 'REJECTED')`, [dealer1Id]));
    expect(pending.items.every((o: { status: string }) => ['PENDING_REVIEW', 'REJECTED'].includes(o.status))).toBe(true);
    expect(pending.items.some((o: { id: string }) => o.id === order.id)).toBe(false);

    // frequently bought now lists what was ordered
    const frequent = (await get(d1, '/api/mall/catalog?frequent=true&pageSize=200').expect(200)).body as Paged<MallProductCardDto>;
    expect(frequent.items.map((i) => i.id)).toEqual(expect.arrayContaining([a.id, b.id]));

    // reorder puts the lines back into the cart
    const re = await post(d1, `/api/mall/orders/${order.id}/reorder`).expect(200);
    expect(re.body).toMatchObject({ added: 2, skipped: [] });
    expect(re.body.cart.lines.map((l: { productId: string; qty: string }) => [l.productId, l.qty]).sort()).toEqual([[a.id, '6.000'], [b.id, `${Number(b.min_order_qty)}.000`]].sort());
    await emptyCart(d1);
  });

  it('two checkouts of one cart at once (two devices): one order, the other finds the cart empty', async () => {
    await emptyCart(d1);
    const p = await product(`p.mall_published AND p.status = 'ON_SALE' AND p.min_order_qty = 1 AND p.order_multiple = 1`);
    await post(d1, '/api/mall/cart/items', { productId: p.id, qty: '1' }).expect(200);
    const addressId = ((await get(d1, '/api/mall/addresses')).body as { id: string; isDefault: boolean }[]).find((a) => a.isDefault)!.id;
    const other = (await login('bj.dealer1')).body.accessToken as string;
    const before = await count('sales_order', 'dealer_id = $1', [dealer1Id]);
    const answers = await Promise.all([post(d1, '/api/mall/orders', { addressId }), post(other, '/api/mall/orders', { addressId })]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 422]);
    expect(answers.find((a) => a.status === 422)!.body.code).toBe(ErrorCode.CART_EMPTY);
    expect(await count('sales_order', 'dealer_id = $1', [dealer1Id])).toBe(before + 1);
  });

  it('another dealer’s orders and statements are 404; bj.dealer2 never sees bj.dealer1’s orders', async () => {
    const [o] = await t.sql<{ id: string }>(`SELECT id FROM sales_order WHERE dealer_id = $1 AND source = 'MALL' LIMIT 1`, [dealer1Id]);
    expect((await get(d2, `/api/mall/orders/${o.id}`).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
    await post(d2, `/api/mall/orders/${o.id}/reorder`).expect(404);
    const list = (await get(d2, '/api/mall/orders?pageSize=200').expect(200)).body;
    expect(list.items.length).toBeGreaterThan(0);
    // its own orders as the dealer sees them (issue #12): mall orders, and other orders once approved (not HQ's drafts)
    expect(list.total).toBe(await count('sales_order', `dealer_id = $1 AND (source = 'MALL' OR (approved_at IS NOT NULL AND status <> 'DRAFT'))`, [dealer2Id]));
    const [st] = await t.sql<{ id: string }>('SELECT id FROM statement WHERE dealer_id = $1 LIMIT 1', [dealer1Id]);
    await get(d2, `/api/statements/${st.id}`).expect(404);
    await get(d1, `/api/statements/${st.id}`).expect(200);
    await get(d2, `/api/credit/accounts/${dealer1Id}`).expect(404);
    const account = (await get(d2, '/api/mall/account').expect(200)).body;
    expect(account).toMatchObject({ credit: { mode: 'WARN', limit: '20000.00' }, openReceivables: expect.any(String) });
  });

  it('favourites: mark, list with favourites=true, unmark; unknown or unpublished products are 404', async () => {
    const p = await product(`p.mall_published AND p.status = 'ON_SALE' AND NOT EXISTS (SELECT 1 FROM mall_favourite f WHERE f.product_id = p.id)`);
    await put(d1, `/api/mall/favourites/${p.id}`).expect(204);
    await put(d1, `/api/mall/favourites/${p.id}`).expect(204);
    let favs = (await get(d1, '/api/mall/catalog?favourites=true&pageSize=100').expect(200)).body as Paged<MallProductCardDto>;
    expect(favs.items.find((i) => i.id === p.id)!.favourite).toBe(true);
    expect(favs.total).toBe(await count('mall_favourite', 'dealer_id = $1', [dealer1Id]));
    expect(((await get(d2, '/api/mall/catalog?favourites=true').expect(200)).body as Paged<MallProductCardDto>).items.some((i) => i.id === p.id)).toBe(false);
    await del(d1, `/api/mall/favourites/${p.id}`).expect(204);
    favs = (await get(d1, '/api/mall/catalog?favourites=true&pageSize=100').expect(200)).body as Paged<MallProductCardDto>;
    expect(favs.items.some((i) => i.id === p.id)).toBe(false);
    const unpublished = await product(`NOT p.mall_published`);
    await put(d1, `/api/mall/favourites/${unpublished.id}`).expect(404);
    await put(d1, `/api/mall/favourites/${ZERO_UUID}`).expect(404);
  });

  it('addresses: the default moves when the default is deleted; another dealer’s address is 404', async () => {
    const list = (await get(d2, '/api/mall/addresses').expect(200)).body as { id: string; isDefault: boolean }[];
    expect(list.filter((a) => a.isDefault)).toHaveLength(1);
    const extra = (await post(d2, '/api/mall/addresses', { contact: '王五', phone: '13900001111', address: '朝阳区某路2号', isDefault: true }).expect(201)).body;
    expect(extra.isDefault).toBe(true);
    expect(((await get(d2, '/api/mall/addresses')).body as { isDefault: boolean }[]).filter((a) => a.isDefault)).toHaveLength(1);
    await del(d2, `/api/mall/addresses/${extra.id}`).expect(204);
    const left = (await get(d2, '/api/mall/addresses')).body as { id: string; isDefault: boolean }[];
    expect(left.filter((a) => a.isDefault)).toHaveLength(1);
    await post(d1, `/api/mall/addresses/${left[0].id}/default`).expect(404);
    await del(d1, `/api/mall/addresses/${left[0].id}`).expect(404);
    expect((await post(d2, '/api/mall/addresses', { contact: '', phone: 'x', address: '' }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
  });

  it('HQ stock availability of published products (总部库存查询)', async () => {
    const res = (await get(d1, '/api/mall/stock?pageSize=10').expect(200)).body;
    expect(res.total).toBe(await count('product', `mall_published AND status = 'ON_SALE'`));
    expect(res.items[0]).toMatchObject({ productId: expect.any(String), availability: expect.stringMatching(/^(IN_STOCK|LOW|OUT)$/), availableQty: null });
  });

  it('settings: showExactStock shows exact available quantities; only HQ changes it', async () => {
    const s = (await get(admin, '/api/mall/settings').expect(200)).body;
    expect(s.showExactStock).toBe(false);
    const bjm = await t.token('bj.manager');
    await put(bjm, '/api/mall/settings', { showExactStock: true }).expect(403);
    await put(admin, '/api/mall/settings', { showExactStock: true, version: s.version }).expect(200);
    const page = (await get(d1, '/api/mall/catalog?pageSize=5').expect(200)).body as Paged<MallProductCardDto>;
    expect(page.items.every((i) => /^\d+\.\d{3}$/.test(i.availableQty!))).toBe(true);
    const p = page.items[0];
    const [st] = await t.sql<{ available: string; threshold: string }>(
      `SELECT sum(s.on_hand - s.reserved)::text AS available, max(p.low_stock_threshold)::text AS threshold
         FROM stock s JOIN warehouse w ON w.id = s.warehouse_id JOIN product p ON p.id = s.product_id WHERE w.code = 'WH-BJ' AND s.product_id = $1`,
      [p.id],
    );
    expect(Number(p.availableQty)).toBe(Number(st.available));
    expect(p.availability).toBe(Number(st.available) <= 0 ? 'OUT' : Number(st.available) <= Number(st.threshold) ? 'LOW' : 'IN_STOCK');
    expect((await put(admin, '/api/mall/settings', { showExactStock: false, version: s.version }).expect(409)).body.code).toBe(ErrorCode.STALE_VERSION);
    await put(admin, '/api/mall/settings', { showExactStock: false }).expect(200);
    expect(((await get(d1, '/api/mall/catalog?pageSize=5').expect(200)).body as Paged<MallProductCardDto>).items.every((i) => i.availableQty === null)).toBe(true);
  });

  it('contents: CRUD by HQ, targeting by branch and level, expired and disabled not shown, bad periods refused', async () => {
    const day = 86_400_000;
    const now = Date.now();
    const body = (over: Partial<MallContentDto> & Record<string, unknown>) => ({
      kind: 'BANNER', title: '测试横幅', startsAt: new Date(now - day).toISOString(), endsAt: new Date(now + day).toISOString(), link: '/mall/catalog', ...over,
    });
    const sh = await t.orgId('SH');
    const shBanner = (await post(admin, '/api/mall/contents', body({ title: '仅上海', branchIds: [sh] })).expect(201)).body as MallContentDto;
    const expired = (await post(admin, '/api/mall/contents', body({ title: '已过期', startsAt: new Date(now - 3 * day).toISOString(), endsAt: new Date(now - day).toISOString() })).expect(201)).body;
    const level9 = (await post(admin, '/api/mall/contents', body({ kind: 'ANNOUNCEMENT', tag: 'NOTICE', title: '九级客户通知', body: '只给九级', levels: [9] })).expect(201)).body;
    const all = (await post(admin, '/api/mall/contents', body({ kind: 'ANNOUNCEMENT', tag: 'NEW_PRODUCT', title: '全体通知', body: '人人可见' })).expect(201)).body as MallContentDto;
    expect(all).toMatchObject({ kind: 'ANNOUNCEMENT', title: '全体通知', branchIds: [], levels: [], status: 'ACTIVE', imageUrl: null });

    const bjHome = (await get(d1, '/api/mall/home').expect(200)).body as MallHomeDto;
    const titles = [...bjHome.banners, ...bjHome.announcements].map((c) => c.title);
    expect(titles).toContain('全体通知');
    expect(titles).not.toContain('仅上海');
    expect(titles).not.toContain('已过期');
    expect(titles).not.toContain('九级客户通知');
    const shHome = (await get(await t.token('sh.dealer1'), '/api/mall/home').expect(200)).body as MallHomeDto;
    expect(shHome.banners.map((c) => c.title)).toContain('仅上海');

    // update (disable) and delete
    await put(admin, `/api/mall/contents/${all.id}`, body({ kind: 'ANNOUNCEMENT', tag: 'NEW_PRODUCT', title: '全体通知', status: 'DISABLED' })).expect(200);
    expect(((await get(d1, '/api/mall/home')).body as MallHomeDto).announcements.map((c) => c.title)).not.toContain('全体通知');
    await del(admin, `/api/mall/contents/${level9.id}`).expect(204);
    await get(admin, `/api/mall/contents/${level9.id}`).expect(404);
    const list = (await get(admin, '/api/mall/contents?kind=BANNER&status=EXPIRED').expect(200)).body as Paged<MallContentDto>;
    expect(list.items.map((c) => c.id)).toEqual([expired.id]);
    expect((await get(admin, `/api/mall/contents?q=${encodeURIComponent('仅上海')}`).expect(200)).body.items.map((c: MallContentDto) => c.id)).toEqual([shBanner.id]);

    // bad input and permissions
    const bad = await post(admin, '/api/mall/contents', body({ endsAt: new Date(now - 2 * day).toISOString() })).expect(400);
    expect(bad.body).toMatchObject({ code: ErrorCode.VALIDATION_FAILED, details: { field: 'endsAt' } });
    expect((await post(admin, '/api/mall/contents', body({ branchIds: [dealer1Id] })).expect(400)).body.details.field).toBe('branchIds');
    expect((await post(admin, '/api/mall/contents', body({ link: 'https://evil.example' })).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    await post(await t.token('bj.manager'), '/api/mall/contents', body({})).expect(403);
    await get(d1, '/api/mall/contents').expect(403);
    await del(admin, `/api/mall/contents/${ZERO_UUID}`).expect(404);
    expect(await count('audit_log', `entity = 'mall_content'`)).toBeGreaterThanOrEqual(6);
  });

  it('publishing: products on and off the mall; unknown ids 404 and nothing changes', async () => {
    const p = await product(`NOT p.mall_published AND p.status = 'ON_SALE'`);
    expect((await post(admin, '/api/mall/publish', { productIds: [p.id], published: true }).expect(200)).body).toEqual({ updated: 1 });
    expect((await get(d1, `/api/mall/products/${p.id}`).expect(200)).body.id).toBe(p.id);
    const home = (await get(d1, '/api/mall/home').expect(200)).body as MallHomeDto;
    expect(home.newArrivals[0].id).toBe(p.id);
    expect((await post(admin, '/api/mall/publish', { productIds: [p.id, ZERO_UUID], published: false }).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
    await get(d1, `/api/mall/products/${p.id}`).expect(200);
    expect((await post(admin, '/api/mall/publish', { productIds: [p.id], published: false }).expect(200)).body).toEqual({ updated: 1 });
    await get(d1, `/api/mall/products/${p.id}`).expect(404);
    await post(await t.token('bj.manager'), '/api/mall/publish', { productIds: [p.id], published: true }).expect(403);
  });

  describe('dealer accounts by invite', () => {
    it('HQ invites a dealer admin: INVITED cannot sign in; the code activates once; a spent or wrong code is refused', async () => {
      const gz = await t.orgId('D-GZ001');
      const inv = await post(admin, '/api/mall/dealer-accounts/invite', { dealerId: gz, displayName: '卫东', phone: '13703030001', username: 'gz.dealer1' }).expect(201);
      expect(inv.body).toMatchObject({ username: 'gz.dealer1', dealerId: gz, inviteCode: expect.stringMatching(/^[A-Z2-9]{12}$/) });
      const [stored] = await t.sql<{ status: string; code_hash: string }>('SELECT u.status, i.code_hash FROM app_user u JOIN user_invite i ON i.user_id = u.id WHERE u.id = $1', [inv.body.userId]);
      expect(stored.status).toBe('INVITED');
      expect(stored.code_hash).not.toContain(inv.body.inviteCode);
      expect(stored.code_hash).toMatch(/^[0-9a-f]{64}$/);
      expect((await login('gz.dealer1', 'Whatever#2026')).status).toBe(401);

      expect((await t.http.post('/api/auth/activate').send({ code: inv.body.inviteCode, password: 'short' }).expect(400)).body.code).toBe(ErrorCode.WEAK_PASSWORD);
      expect((await t.http.post('/api/auth/activate').send({ code: 'WRONGCODE234', password: 'Gz#Dealer2026' }).expect(400)).body.code).toBe(ErrorCode.INVITE_INVALID);
      await t.http.post('/api/auth/activate').send({ code: inv.body.inviteCode.toLowerCase(), password: 'Gz#Dealer2026' }).expect(204);
      expect((await t.http.post('/api/auth/activate').send({ code: inv.body.inviteCode, password: 'Gz#Dealer2026x' }).expect(400)).body.code).toBe(ErrorCode.INVITE_INVALID);
      const ok = await login('gz.dealer1', 'Gz#Dealer2026');
      expect(ok.status).toBe(200);

      // 广州 may not sell alcohol: a published 白酒 is out of its product range: to it, not found, as an unknown product (issue #11; was 400 PRODUCT_OUT_OF_SCOPE)
      const gzTok = ok.body.accessToken as string;
      const wine = await product(`p.mall_published AND p.status = 'ON_SALE' AND c.code = 'BAIJIU'`);
      expect((await post(gzTok, '/api/mall/cart/items', { productId: wine.id, qty: '1' }).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      await get(gzTok, `/api/mall/products/${wine.id}`).expect(404);
      expect(((await get(gzTok, `/api/mall/catalog?q=${wine.code}`).expect(200)).body as Paged<MallProductCardDto>).total).toBe(0);
      expect(((await get(gzTok, '/api/mall/categories').expect(200)).body as { name: string }[]).map((c) => c.name)).not.toContain('酒类');
      expect(await count('mall_cart_item', 'dealer_id = $1', [gz])).toBe(0);
    });

    it('reinvite kills the old code; disable ends sign-in, enable restores it; out-of-scope dealers are 404 for branch staff', async () => {
      const gz2 = await t.orgId('D-GZ002');
      const inv = (await post(admin, '/api/mall/dealer-accounts/invite', { dealerId: gz2, displayName: '蒋欣' }).expect(201)).body;
      const again = (await post(admin, `/api/mall/dealer-accounts/${inv.userId}/reinvite`).expect(200)).body;
      expect(again.inviteCode).not.toBe(inv.inviteCode);
      expect((await t.http.post('/api/auth/activate').send({ code: inv.inviteCode, password: 'Gz2#Dealer2026' }).expect(400)).body.code).toBe(ErrorCode.INVITE_INVALID);
      await t.http.post('/api/auth/activate').send({ code: again.inviteCode, password: 'Gz2#Dealer2026', username: 'gz.dealer2' }).expect(204);
      expect((await login('gz.dealer2', 'Gz2#Dealer2026')).status).toBe(200);
      await post(admin, `/api/mall/dealer-accounts/${inv.userId}/reinvite`).expect(409);
      expect((await post(admin, `/api/mall/dealer-accounts/${inv.userId}/disable`).expect(200)).body.status).toBe('DISABLED');
      expect((await login('gz.dealer2', 'Gz2#Dealer2026')).body.code).toBe(ErrorCode.ACCOUNT_DISABLED);
      expect((await post(admin, `/api/mall/dealer-accounts/${inv.userId}/enable`).expect(200)).body.status).toBe('ACTIVE');
      expect((await login('gz.dealer2', 'Gz2#Dealer2026')).status).toBe(200);

      const bjm = await t.token('bj.manager');
      expect((await post(bjm, '/api/mall/dealer-accounts/invite', { dealerId: gz2, displayName: 'x' }).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      await post(bjm, `/api/mall/dealer-accounts/${inv.userId}/disable`).expect(404);
      const bjList = (await get(bjm, '/api/mall/dealer-accounts?pageSize=100').expect(200)).body;
      expect(bjList.items.length).toBeGreaterThan(0);
      expect(bjList.items.every((a: { dealerCode: string }) => a.dealerCode.startsWith('D-BJ'))).toBe(true);
      const byBj = await post(bjm, '/api/mall/dealer-accounts/invite', { dealerId: await t.orgId('D-BJ003'), displayName: '周强', role: 'DEALER_ADMIN' }).expect(201);
      expect((await get(bjm, `/api/mall/dealer-accounts?dealerId=${await t.orgId('D-BJ003')}`).expect(200)).body.items[0]).toMatchObject({ userId: byBj.body.userId, status: 'INVITED', roles: ['DEALER_ADMIN'] });
      await get(await t.token('bj.service'), '/api/mall/dealer-accounts').expect(403);
    });

    it('a dealer admin invites staff of its own dealer only, never a DEALER_ADMIN, and the staff shares the dealer’s cart', async () => {
      const inv = await post(d1, '/api/mall/dealer-accounts/invite', { dealerId: dealer1Id, displayName: '华联 店员', username: 'bj.dealer1.staff' }).expect(201);
      expect((await post(d1, '/api/mall/dealer-accounts/invite', { dealerId: dealer2Id, displayName: 'x' }).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      expect((await post(d1, '/api/mall/dealer-accounts/invite', { dealerId: dealer1Id, displayName: 'x', role: 'DEALER_ADMIN' }).expect(403)).body.code).toBe(ErrorCode.ROLE_NOT_GRANTABLE);
      const list = (await get(d1, '/api/mall/dealer-accounts').expect(200)).body;
      expect(list.items.every((a: { dealerId: string }) => a.dealerId === dealer1Id)).toBe(true);
      // the dealer admin cannot disable itself or another dealer's login
      await post(d1, `/api/mall/dealer-accounts/${await t.userId('bj.dealer1')}/disable`).expect(403);
      await post(d1, `/api/mall/dealer-accounts/${await t.userId('bj.dealer2')}/disable`).expect(404);

      await t.http.post('/api/auth/activate').send({ code: inv.body.inviteCode, password: 'Staff#2026ok' }).expect(204);
      const staff = (await login('bj.dealer1.staff', 'Staff#2026ok')).body.accessToken as string;
      const p = await product(`p.mall_published AND p.status = 'ON_SALE' AND p.min_order_qty = 1 AND p.order_multiple = 1`);
      await post(staff, '/api/mall/cart/items', { productId: p.id, qty: '1' }).expect(200);
      expect(((await get(d1, '/api/mall/cart').expect(200)).body as MallCartDto).lines.map((l) => l.productId)).toContain(p.id);
      // staff do not manage logins
      await post(staff, '/api/mall/dealer-accounts/invite', { dealerId: dealer1Id, displayName: 'y' }).expect(403);
      expect((await post(d1, `/api/mall/dealer-accounts/${inv.body.userId}/disable`).expect(200)).body.status).toBe('DISABLED');
      await emptyCart(d1);
    });
  });
});
