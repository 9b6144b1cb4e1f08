import { statementCounter } from '../support/statement-count';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/**
 * How many SQL statements the server sends for a dealer's 2-line mall checkout, its review by
 * customer service and its shipment (issue #10 reports this before and after the kernel). Counts
 * every statement the app's pool sends (transaction control included), per call. A count is
 * deterministic, unlike a time: the bounds catch an N+1 or a doubled read, not noise.
 */
describe('statements per call on the mall order path', () => {
  let t: TestApp;
  const statements = statementCounter();
  const counted = statements.counted;

  beforeAll(async () => {
    t = await bootTestApp();
    // the test's own client (t.sql) never runs while counting
    statements.install();
  }, 120_000);
  afterAll(async () => {
    statements.uninstall();
    await t?.close();
  });

  it('cart (2 lines) -> checkout -> review -> shipment', async () => {
    const dealer = await t.token('bj.dealer1');
    const service = await t.token('bj.service');
    const warehouse = await t.token('admin');
    const products = await t.sql<{ id: string }>(
      `SELECT p.id FROM product p WHERE p.mall_published AND p.status = 'ON_SALE' AND p.min_order_qty = 1 AND p.order_multiple = 1
          AND EXISTS (SELECT 1 FROM stock s JOIN warehouse w ON w.id = s.warehouse_id WHERE w.code = 'WH-BJ' AND s.product_id = p.id AND s.on_hand - s.reserved >= 10)
        ORDER BY p.code LIMIT 2`,
    );
    const [address] = await t.sql<{ id: string }>(`SELECT a.id FROM mall_address a JOIN organization o ON o.id = a.dealer_id WHERE o.code = 'D-BJ001' AND a.is_default`);
    await t.http.delete('/api/mall/cart').set(bearer(dealer)).expect(200);

    const [, cart] = await counted(async () => {
      for (const p of products) await t.http.post('/api/mall/cart/items').set(bearer(dealer)).send({ productId: p.id, qty: '1' }).expect(200);
    });
    const [order, checkout] = await counted(async () => (await t.http.post('/api/mall/orders').set(bearer(dealer)).send({ addressId: address.id }).expect(201)).body as { id: string });
    const [reviewed, review] = await counted(async () => (await t.http.post(`/api/sales-orders/${order.id}/review`).set(bearer(service)).send({ accept: true }).expect(200)).body as { status: string });
    expect(reviewed.status).toBe('APPROVED');
    const [, shipment] = await counted(() => t.http.post('/api/shipments').set(bearer(warehouse)).send({ orderId: order.id }).expect(201));

    const total = cart + checkout + review + shipment;
    console.log(`statements: cart ${cart}, checkout ${checkout}, review ${review}, shipment ${shipment}; total ${total}`);
    // before issue #10 (b169cdb), counted by this test: cart 32, checkout 61, review 48, shipment 35; total 176
    expect(total).toBeLessThanOrEqual(176);
    expect(Math.min(cart, checkout, review, shipment)).toBeGreaterThan(0);
  });
});
