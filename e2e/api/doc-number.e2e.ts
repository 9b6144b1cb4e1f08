import { bearer, bootTestApp, TestApp } from '../support/test-app';
import { formatDocNumber } from '../../server/src/database/doc-number.service';

/**
 * Document numbers taken and written in one statement (the counter row held for that statement
 * and the commit only): the SQL formatting is the twin of `formatDocNumber`, past 9999 too, and
 * the numbers stay gap-free per type and business day.
 */
describe('document numbers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  }, 120_000);
  afterAll(() => t?.close());

  it('numbers orders SO<day>-NNNN as formatDocNumber does, with a fifth digit after 9999', async () => {
    const admin = await t.token('admin');
    const [dealer] = await t.sql<{ id: string }>(`SELECT id FROM organization WHERE code = 'D-BJ001'`);
    const [wh] = await t.sql<{ id: string }>(`SELECT id FROM warehouse WHERE code = 'WH-BJ'`);
    const [product] = await t.sql<{ id: string }>(`SELECT id FROM product WHERE status = 'ON_SALE' AND min_order_qty = 1 AND order_multiple = 1 ORDER BY code LIMIT 1`);
    const create = async () =>
      (await t.http.post('/api/sales-orders').set(bearer(admin)).send({ dealerId: dealer.id, warehouseId: wh.id, lines: [{ productId: product.id, qty: '1' }] }).expect(201)).body as {
        id: string;
        number: string;
        businessDate: string;
      };

    const first = await create();
    const [seq] = await t.sql<{ last_no: number }>(`SELECT last_no FROM doc_sequence WHERE doc_type = 'SO' AND day = $1::date`, [first.businessDate]);
    expect(first.number).toBe(formatDocNumber('SO', first.businessDate, seq.last_no));

    await t.sql(`UPDATE doc_sequence SET last_no = 9998 WHERE doc_type = 'SO' AND day = $1::date`, [first.businessDate]);
    const numbers = [(await create()).number, (await create()).number];
    expect(numbers).toEqual([formatDocNumber('SO', first.businessDate, 9999), formatDocNumber('SO', first.businessDate, 10000)]);
    expect(numbers[1]).toMatch(/-10000$/);
    // written on the orders themselves
    const stored = await t.sql<{ number: string }>(`SELECT number FROM sales_order WHERE number = ANY($1::text[])`, [numbers]);
    expect(stored.map((r) => r.number).sort()).toEqual([...numbers].sort());
  });
});
