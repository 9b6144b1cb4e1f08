import { CollectionsReport, Dec, ErrorCode, MallUsageReport, READY_REPORT_LIMITS, SellThroughReport, StockDaysReport, VisitKpisReport } from '@drp/shared';
import { addDays, businessDate } from '../../server/src/database/business-date';
import { historyEnd } from '../../server/src/modules/seed/history-demo';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/**
 * Ready reports (issue #16, GET /api/reports/ready/:key) on the demo company with its year of
 * history: every figure equals what the documents say (recomputed here in SQL of their own, and
 * moved by documents made in the test by exactly their amounts); a branch manager's report is
 * HQ's filtered to its branch and names nothing outside it; bad input answers 4xx with a stable
 * code.
 */
describe('ready reports', () => {
  let t: TestApp;
  let admin: string;
  let bjm: string;
  let today: string;
  let bj: string;
  let sh: string;
  let whBj: string;
  let dealer: string; // D-BJ004: a Beijing dealer with daily reports in the demo
  let product: { id: string; qty: string };

  const get = (path: string, token = admin) => t.http.get(path).set(bearer(token));
  const report = async <T>(key: string, query = '', token = admin): Promise<T> => (await get(`/api/reports/ready/${key}?${query}`, token).expect(200)).body as T;
  const sum = (xs: string[]) => xs.reduce((s, x) => s.plus(x), new Dec(0));
  /** organisation ids of a subtree */
  const subtree = async (code: string) => new Set((await t.sql<{ id: string }>(`SELECT o.id FROM organization o WHERE o.path LIKE (SELECT path FROM organization WHERE code = $1) || '%'`, [code])).map((r) => r.id));

  const shipNow = async (dealerId: string, qty: string) => {
    const res = await t.http.post('/api/sales-orders').set(bearer(admin)).send({ dealerId, warehouseId: whBj, lines: [{ productId: product.id, qty }], submit: true });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 201, code: undefined });
    const order = res.body;
    expect(order.status).toBe('APPROVED');
    return (await t.http.post('/api/shipments').set(bearer(admin)).send({ orderId: order.id }).expect(201)).body as { id: string; amount: string };
  };

  beforeAll(async () => {
    t = await bootTestApp();
    [admin, bjm] = await Promise.all(['admin', 'bj.manager'].map((u) => t.token(u)));
    today = businessDate(new Date(), 'Asia/Shanghai');
    [bj, sh, dealer] = await Promise.all(['BJ', 'SH', 'D-BJ004'].map((c) => t.orgId(c)));
    [{ id: whBj }] = await t.sql<{ id: string }>(`SELECT id FROM warehouse WHERE code = 'WH-BJ'`);
    // orders here are small and approved at once: the demo's approval flows are not what this tests
    await t.sql(`UPDATE approval_flow SET status = 'DISABLED'`);
    await t.http.put(`/api/credit/accounts/${dealer}`).set(bearer(admin)).send({ limit: '0', mode: 'NONE', creditDays: 30, blockOnOverdue: false }).expect(200);
    [product] = await t.sql<{ id: string; qty: string }>(
      `SELECT p.id, (ceil(p.min_order_qty / p.order_multiple) * p.order_multiple)::text AS qty FROM stock st JOIN product p ON p.id = st.product_id
        WHERE st.warehouse_id = $1 AND p.status = 'ON_SALE' AND st.on_hand - st.reserved > 500 AND p.category_id IN (SELECT id FROM category WHERE code IN ('WATER', 'SODA'))
        ORDER BY p.code OFFSET 8 LIMIT 1`,
      [whBj],
    );
  });
  afterAll(() => t.close());

  it('demo history: a year of orders from every source, shipped with tax and cost, returns and receipts that settle them, numbered gap-free per type and day', async () => {
    const [h] = await t.sql<{ months: number; sources: string[]; first: string; drift: number }>(
      `SELECT count(DISTINCT to_char(business_date, 'YYYY-MM'))::int AS months, array_agg(DISTINCT source ORDER BY source) AS sources, min(business_date)::text AS first,
              (SELECT count(*)::int FROM receivable r WHERE r.open_amount <> r.amount - COALESCE((SELECT sum(a.amount) FROM allocation a WHERE a.receivable_id = r.id AND NOT a.reversed), 0)) AS drift
         FROM sales_order WHERE business_date < $1::date - 60`,
      [today],
    );
    expect(h.months).toBeGreaterThanOrEqual(10);
    expect(h.sources).toEqual(['CONSOLE', 'MALL', 'REPLENISHMENT', 'VISIT']);
    expect(h.first <= addDays(today, -360)).toBe(true);
    expect(h.drift).toBe(0);
    // every credit account's running totals still equal its documents
    expect((await get('/api/credit/consistency').expect(200)).body).toMatchObject({ ok: true, drifts: [] });
    // shipment lines carry tax and a frozen cost
    const [lines] = await t.sql<{ n: number; taxed: number; costed: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE tax_amount > 0)::int AS taxed, count(*) FILTER (WHERE cost_amount > 0)::int AS costed FROM shipment_line`,
    );
    expect(lines.taxed).toBe(lines.n);
    expect(lines.costed).toBeGreaterThan(lines.n * 0.9);
    // a season: the history's October outsells its March (both 31 days, both inside the history)
    const [season] = await t.sql<{ oct: number; mar: number }>(
      `SELECT count(*) FILTER (WHERE extract(month FROM business_date) = 10)::int AS oct, count(*) FILTER (WHERE extract(month FROM business_date) = 3)::int AS mar
         FROM sales_order WHERE business_date BETWEEN $1::date - 365 AND $2::date`,
      [today, historyEnd(today)],
    );
    expect(season.oct).toBeGreaterThan(season.mar);
    // numbers: per type and day 1..n without a gap, and the day's counter at n (never issued again)
    for (const [table, prefix] of [['sales_order', 'SO'], ['shipment', 'FH'], ['sales_return', 'TH'], ['receipt', 'SK']] as const) {
      const gaps = await t.sql<{ day: string }>(
        `SELECT d.day FROM (SELECT substr(number, 3, 8) AS day, count(*) AS n, max(right(number, 4)::int) AS top FROM ${table} WHERE number LIKE $1 || '%' GROUP BY 1) d
          LEFT JOIN doc_sequence s ON s.doc_type = $1 AND to_char(s.day, 'YYYYMMDD') = d.day
          WHERE d.n <> d.top OR s.last_no IS NULL OR s.last_no < d.top`,
        [prefix],
      );
      expect({ table, gaps }).toEqual({ table, gaps: [] });
    }
  });

  it('collections: per branch and month, shipments, returns, receipts and overdue equal the documents; a receipt and a shipment today move them by exactly their amounts', async () => {
    const r = await report<CollectionsReport>('collections');
    expect(r.to).toBe(today);
    expect(r.from).toMatch(/-01$/);
    const expected = await t.sql<{ branch_id: string; month: string; shipped: string; returned: string; receipts: string; overdue: string }>(
      `WITH d AS (SELECT o.id, COALESCE((SELECT b.id FROM organization b WHERE o.path LIKE b.path || '%' AND b.depth = 1 AND b.type <> 'DEALER'), (SELECT id FROM organization WHERE depth = 0)) AS b FROM organization o WHERE o.type = 'DEALER')
       SELECT b AS branch_id, m AS month, sum(s)::numeric(18,2)::text AS shipped, sum(rt)::numeric(18,2)::text AS returned, sum(rc)::numeric(18,2)::text AS receipts, sum(od)::numeric(18,2)::text AS overdue FROM (
         SELECT d.b, to_char(x.business_date, 'YYYY-MM') AS m, x.amount AS s, 0 AS rt, 0 AS rc, 0 AS od FROM shipment x JOIN d ON d.id = x.dealer_id WHERE x.business_date BETWEEN $1 AND $2
         UNION ALL SELECT d.b, to_char(x.business_date, 'YYYY-MM'), 0, x.amount, 0, 0 FROM sales_return x JOIN d ON d.id = x.dealer_id WHERE x.business_date BETWEEN $1 AND $2
         UNION ALL SELECT d.b, to_char(x.business_date, 'YYYY-MM'), 0, 0, x.amount, 0 FROM receipt x JOIN d ON d.id = x.dealer_id WHERE x.status = 'ACTIVE' AND x.business_date BETWEEN $1 AND $2
         UNION ALL SELECT d.b, to_char(x.business_date, 'YYYY-MM'), 0, 0, 0, x.open_amount FROM receivable x JOIN d ON d.id = x.dealer_id WHERE x.business_date BETWEEN $1 AND $2 AND x.open_amount > 0 AND x.due_date < $2::date
       ) f GROUP BY b, m ORDER BY b, m`,
      [r.from, r.to],
    );
    const byKey = (rows: { branchId?: string; branch_id?: string; month: string }[]) => rows.map((x) => `${x.branchId ?? x.branch_id}|${x.month}`).sort();
    expect(byKey(r.items)).toEqual(byKey(expected));
    for (const e of expected) {
      const row = r.items.find((x) => x.branchId === e.branch_id && x.month === e.month)!;
      expect(row).toMatchObject({ shipped: e.shipped, returned: e.returned, receipts: e.receipts, overdue: e.overdue });
      const net = new Dec(e.shipped).minus(e.returned);
      expect(row.netShipped).toBe(net.toFixed(2));
      expect(row.collectionRate).toBe(net.greaterThan(0) ? new Dec(e.receipts).div(net).toFixed(4) : null);
    }
    expect(r.summary.receipts).toBe(sum(r.items.map((x) => x.receipts)).toFixed(2));
    expect(r.items.filter((x) => x.month < today.slice(0, 7)).length).toBeGreaterThanOrEqual(3 * 10); // history: BJ, SH, GZ (and HQ) over the year

    // documents made now land in this month's Beijing row by exactly their amounts
    const month = today.slice(0, 7);
    const bjNow = async (token = admin) => (await report<CollectionsReport>('collections', `from=${month}-01&to=${today}`, token)).items.find((x) => x.branchCode === 'BJ' && x.month === month);
    const before = await bjNow();
    const shipment = await shipNow(dealer, product.qty);
    await t.http.post('/api/receipts').set(bearer(admin)).send({ dealerId: dealer, amount: '123.45', method: 'BANK_TRANSFER' }).expect(201);
    const after = (await bjNow())!;
    expect(after.shipped).toBe(new Dec(before?.shipped ?? 0).plus(shipment.amount).toFixed(2));
    expect(after.receipts).toBe(new Dec(before?.receipts ?? 0).plus('123.45').toFixed(2));

    // the branch manager sees Beijing only: exactly HQ's Beijing rows
    const mine = await report<CollectionsReport>('collections', '', bjm);
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((x) => x.branchId === bj)).toBe(true);
    const hqBj = (await report<CollectionsReport>('collections')).items.filter((x) => x.branchId === bj);
    expect(mine.items).toEqual(hqBj);
    // and HQ filtered to Beijing answers the same
    expect((await report<CollectionsReport>('collections', `branchId=${bj}`)).items).toEqual(hqBj);
  });

  it('mall usage: standing orders by month and source, the dealers active in the mall over the dealers in scope', async () => {
    const from = addDays(today, -364);
    const r = await report<MallUsageReport>('mallUsage', `from=${from}&to=${today}`);
    const expected = await t.sql<{ month: string; source: string; orders: number; amount: string }>(
      `SELECT to_char(business_date, 'YYYY-MM') AS month, source, count(*)::int AS orders, sum(total)::text AS amount FROM sales_order
        WHERE business_date BETWEEN $1 AND $2 AND status NOT IN ('DRAFT', 'CANCELLED', 'REJECTED') GROUP BY 1, 2 ORDER BY 1, 2`,
      [from, today],
    );
    expect(r.items.map(({ month, source, orders, amount }) => ({ month, source, orders, amount }))).toEqual(expected);
    expect(new Set(r.items.map((x) => x.source))).toEqual(new Set(['CONSOLE', 'MALL', 'REPLENISHMENT', 'VISIT']));
    const [active] = await t.sql<{ n: number; d: number }>(
      `SELECT (SELECT count(DISTINCT dealer_id)::int FROM sales_order WHERE source = 'MALL' AND business_date BETWEEN $1 AND $2 AND status NOT IN ('DRAFT', 'CANCELLED', 'REJECTED')) AS n,
              (SELECT count(*)::int FROM organization WHERE type = 'DEALER' AND status = 'ACTIVE') AS d`,
      [from, today],
    );
    expect(r.summary).toMatchObject({ activeMallDealers: active.n, dealersInScope: active.d, activeRate: new Dec(active.n).div(active.d).toFixed(4) });
    expect(r.summary.mallOrders).toBe(expected.filter((e) => e.source === 'MALL').reduce((s, e) => s + e.orders, 0));
    // the mall's share grows over the year (the demo's adoption curve)
    const share = (m: string) => {
      const rows = r.items.filter((x) => x.month === m);
      return rows.filter((x) => x.source === 'MALL').reduce((s, x) => s + x.orders, 0) / rows.reduce((s, x) => s + x.orders, 0);
    };
    const months = [...new Set(r.items.map((x) => x.month))].sort();
    expect(share(months[months.length - 3])).toBeGreaterThan(share(months[0]));

    // Beijing's manager: Beijing's dealers only
    const bjIds = await subtree('BJ');
    const mine = await report<MallUsageReport>('mallUsage', `from=${from}&to=${today}`, bjm);
    const [bjCount] = await t.sql<{ n: number; d: number }>(
      `SELECT count(*)::int AS n FROM sales_order WHERE business_date BETWEEN $1 AND $2 AND status NOT IN ('DRAFT', 'CANCELLED', 'REJECTED') AND dealer_id = ANY($3::uuid[])`,
      [from, today, [...bjIds]],
    );
    expect(mine.summary.orders).toBe(bjCount.n);
    expect(mine.summary.dealersInScope).toBe((await t.sql(`SELECT 1 FROM organization WHERE type = 'DEALER' AND status = 'ACTIVE' AND id = ANY($1::uuid[])`, [[...bjIds]])).length);
    expect(mine.summary.orders).toBeLessThan(r.summary.orders);
  });

  it("sell-through: per dealer and product, shipped and returned against the dealer's reported sales and latest stock; a shipment and a report today move it", async () => {
    const q = `from=${addDays(today, -89)}&to=${today}&dealerId=${dealer}&pageSize=200`;
    const r = await report<SellThroughReport>('sellThrough', q);
    expect(r.items.length).toBeGreaterThan(0);
    expect(r.items.every((x) => x.dealerId === dealer)).toBe(true);
    const withReports = r.items.find((x) => x.reportedDays > 0 && new Dec(x.netQty).greaterThan(0));
    expect(withReports).toBeDefined();
    for (const row of r.items.slice(0, 10)) {
      const [e] = await t.sql<{ shipped: string; returned: string; sold: string; days: number; stock: string | null }>(
        `SELECT (SELECT COALESCE(sum(sl.qty), 0) FROM shipment s JOIN shipment_line sl ON sl.shipment_id = s.id WHERE s.dealer_id = $1 AND sl.product_id = $2 AND s.business_date BETWEEN $3 AND $4)::numeric(18,3)::text AS shipped,
                (SELECT COALESCE(sum(rl.qty), 0) FROM sales_return x JOIN sales_return_line rl ON rl.return_id = x.id WHERE x.dealer_id = $1 AND rl.product_id = $2 AND x.business_date BETWEEN $3 AND $4)::numeric(18,3)::text AS returned,
                (SELECT COALESCE(sum(sold), 0) FROM dealer_report WHERE dealer_id = $1 AND product_id = $2 AND business_date BETWEEN $3 AND $4)::numeric(18,3)::text AS sold,
                (SELECT count(*)::int FROM dealer_report WHERE dealer_id = $1 AND product_id = $2 AND business_date BETWEEN $3 AND $4) AS days,
                (SELECT stock::numeric(18,3)::text FROM dealer_report WHERE dealer_id = $1 AND product_id = $2 AND business_date <= $4 ORDER BY business_date DESC LIMIT 1) AS stock`,
        [dealer, row.productId, r.from, r.to],
      );
      const net = new Dec(e.shipped).minus(e.returned);
      expect(row).toMatchObject({ shippedQty: e.shipped, returnedQty: e.returned, netQty: net.toFixed(3), reportedSold: e.sold, reportedDays: e.days, reportedStock: e.stock });
      expect(row.sellThroughRate).toBe(net.greaterThan(0) ? new Dec(e.sold).div(net).toFixed(4) : null);
    }
    expect(r.summary.netQty).toBe(sum(r.items.map((x) => x.netQty)).toFixed(3));

    const line = (rep: SellThroughReport) => rep.items.find((x) => x.productId === product.id);
    const before = line(r);
    await shipNow(dealer, product.qty);
    await t.http.post('/api/dealer-reports').set(bearer(admin)).send({ dealerId: dealer, date: today, lines: [{ productId: product.id, stock: '7', sold: '5' }] }).expect(201);
    const after = line(await report<SellThroughReport>('sellThrough', q))!;
    expect(after.shippedQty).toBe(new Dec(before?.shippedQty ?? 0).plus(product.qty).toFixed(3));
    // the demo's reports end yesterday: today's is the first of the day
    expect(after.reportedSold).toBe(new Dec(before?.reportedSold ?? 0).plus(5).toFixed(3));
    expect(after).toMatchObject({ reportedStock: '7.000', reportedStockDate: today });

    // the branch manager: Beijing's dealers only; Shanghai's dealer is not found
    const bjIds = await subtree('BJ');
    const mine = await report<SellThroughReport>('sellThrough', 'pageSize=200', bjm);
    expect(mine.total).toBeGreaterThan(0);
    expect(mine.items.every((x) => bjIds.has(x.dealerId))).toBe(true);
    expect((await get(`/api/reports/ready/sellThrough?dealerId=${await t.orgId('D-SH001')}`, bjm).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
  });

  it('stock days: on hand, value at moving average cost, shipped over 30 days and days of stock per warehouse and product; paged and sorted', async () => {
    const q = `warehouseId=${whBj}&pageSize=200`;
    const r = await report<StockDaysReport>('stockDays', q);
    expect(r.summary.windowDays).toBe(READY_REPORT_LIMITS.stockWindowDays);
    expect(r.from).toBe(addDays(today, -29));
    const stock = await t.sql<{ product_id: string; on_hand: string; avg_cost: string }>(`SELECT product_id, on_hand::text, avg_cost::text FROM stock WHERE warehouse_id = $1 AND on_hand > 0`, [whBj]);
    expect(r.total).toBeGreaterThanOrEqual(stock.length);
    expect(r.summary.stockValue).toBe(sum(stock.map((s) => new Dec(s.on_hand).times(s.avg_cost).toDecimalPlaces(2).toString())).toFixed(2));
    const row = r.items.find((x) => x.productId === product.id)!;
    const shippedQty = async () =>
      (await t.sql<{ q: string }>(
        `SELECT COALESCE(sum(sl.qty), 0)::numeric(18,3)::text AS q FROM shipment s JOIN shipment_line sl ON sl.shipment_id = s.id WHERE s.warehouse_id = $1 AND sl.product_id = $2 AND s.business_date BETWEEN $3 AND $4`,
        [whBj, product.id, addDays(today, -29), today],
      ))[0].q;
    const onHand = async () => (await t.sql<{ q: string }>(`SELECT on_hand::text AS q FROM stock WHERE warehouse_id = $1 AND product_id = $2`, [whBj, product.id]))[0].q;
    expect(row).toMatchObject({ onHand: await onHand(), shippedQty: await shippedQty(), warehouseCode: 'WH-BJ' });
    const check = (x: typeof row) => {
      expect(x.avgDailyQty).toBe(new Dec(x.shippedQty).div(30).toFixed(3));
      expect(x.daysOfStock).toBe(new Dec(x.shippedQty).isZero() ? null : new Dec(x.onHand).times(30).div(x.shippedQty).toFixed(1));
      expect(x.stockValue).toBe(new Dec(x.onHand).times(x.avgCost).toFixed(2));
    };
    r.items.forEach(check);
    // a shipment today: on hand down, shipped up, by its quantity
    await shipNow(dealer, product.qty);
    const after = (await report<StockDaysReport>('stockDays', q)).items.find((x) => x.productId === product.id)!;
    expect(after.shippedQty).toBe(new Dec(row.shippedQty).plus(product.qty).toFixed(3));
    expect(after.onHand).toBe(new Dec(row.onHand).minus(product.qty).toFixed(3));
    check(after);
    // default sort: fewest days first (nothing shipped last); paging keeps the total
    const sorted = await report<StockDaysReport>('stockDays', `${q}`);
    const days = sorted.items.map((x) => x.daysOfStock);
    const numbered = days.filter((d): d is string => d !== null).map(Number);
    expect(numbered).toEqual([...numbered].sort((a, b) => a - b));
    expect(days.slice(numbered.length).every((d) => d === null)).toBe(true);
    const p2 = await report<StockDaysReport>('stockDays', `warehouseId=${whBj}&pageSize=5&page=2&sort=-stockValue`);
    const p1 = await report<StockDaysReport>('stockDays', `warehouseId=${whBj}&pageSize=10&page=1&sort=-stockValue`);
    expect(p2.items).toEqual(p1.items.slice(5, 10));
    expect(p2.total).toBe(sorted.total);
    // Beijing's manager: Beijing's warehouse only
    const mine = await report<StockDaysReport>('stockDays', 'pageSize=200', bjm);
    expect(new Set(mine.items.map((x) => x.warehouseCode))).toEqual(new Set(['WH-BJ']));
    const [{ id: whSh }] = await t.sql<{ id: string }>(`SELECT id FROM warehouse WHERE code = 'WH-SH'`);
    expect((await get(`/api/reports/ready/stockDays?warehouseId=${whSh}`, bjm).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
  });

  it('visit KPIs: per rep, plans against visits, off-site check-ins, time on site and orders from visits equal the records', async () => {
    const from = addDays(today, -29);
    const r = await report<VisitKpisReport>('visitKpis', `from=${from}&to=${today}`);
    const names = r.items.map((x) => x.repName).sort();
    expect(names).toEqual(['张伟', '林涛'].sort());
    for (const row of r.items) {
      const [e] = await t.sql<{ visits: number; off: number; mins: string | null; orders: number; amount: string }>(
        `SELECT count(*)::int AS visits, count(*) FILTER (WHERE off_site)::int AS off, round(avg(duration_s) / 60.0, 1)::text AS mins,
                (SELECT count(*)::int FROM sales_order WHERE sales_rep_id = $1 AND source = 'VISIT' AND status NOT IN ('DRAFT', 'CANCELLED', 'REJECTED') AND business_date BETWEEN $2 AND $3) AS orders,
                (SELECT COALESCE(sum(total), 0)::numeric(18,2)::text FROM sales_order WHERE sales_rep_id = $1 AND source = 'VISIT' AND status NOT IN ('DRAFT', 'CANCELLED', 'REJECTED') AND business_date BETWEEN $2 AND $3) AS amount
           FROM visit WHERE rep_id = $1 AND business_date BETWEEN $2 AND $3`,
        [row.repId, from, today],
      );
      expect(row).toMatchObject({ visits: e.visits, offSite: e.off, avgMinutes: e.mins, visitOrders: e.orders, visitOrderAmount: e.amount });
      expect(row.planned).toBeGreaterThan(0);
      expect(row.plannedDone).toBeLessThanOrEqual(row.planned);
      expect(row.planRate).toBe(new Dec(row.plannedDone).div(row.planned).toFixed(4));
    }
    expect(r.items.find((x) => x.repName === '张伟')!.offSite).toBeGreaterThanOrEqual(1);
    // the supervisor view's KPIs agree on visits and plans
    const kpis = (await get(`/api/visits/kpis?from=${from}&to=${today}`).expect(200)).body.items as { repId: string; visits: number; planned: number; plannedDone: number }[];
    for (const k of kpis) expect(r.items.find((x) => x.repId === k.repId)).toMatchObject({ visits: k.visits, planned: k.planned, plannedDone: k.plannedDone });
    const mine = await report<VisitKpisReport>('visitKpis', `from=${from}&to=${today}`, bjm);
    expect(mine.items.map((x) => x.repName)).toEqual(['张伟']);
    expect(mine.items[0]).toEqual(r.items.find((x) => x.repName === '张伟'));
  });

  it('bad input: an unknown report 404, a period over the limit or backwards 400 naming from, a branch outside scope 404, a dealer user 403, bad ids 400', async () => {
    expect((await get('/api/reports/ready/salesByDealer').expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
    const long = await get(`/api/reports/ready/collections?from=${addDays(today, -READY_REPORT_LIMITS.maxDays)}&to=${today}`).expect(400);
    expect(long.body).toMatchObject({ code: ErrorCode.VALIDATION_FAILED, details: { field: 'from', maxDays: READY_REPORT_LIMITS.maxDays } });
    expect((await get(`/api/reports/ready/mallUsage?from=${today}&to=${addDays(today, -1)}`).expect(400)).body).toMatchObject({ code: ErrorCode.VALIDATION_FAILED, details: { field: 'from' } });
    expect((await get('/api/reports/ready/mallUsage?from=2026-02-30').expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await get('/api/reports/ready/stockDays?warehouseId=nope').expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await get('/api/reports/ready/stockDays?sort=price').expect(400)).body).toMatchObject({ code: ErrorCode.VALIDATION_FAILED, details: { field: 'sort' } });
    expect((await get(`/api/reports/ready/collections?branchId=${sh}`, bjm).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
    expect((await get('/api/reports/ready/collections', await t.token('bj.dealer1')).expect(403)).body.code).toBeDefined();
    expect((await get('/api/reports/ready/collections', await t.token('bj.sales')).expect(403)).body.code).toBe(ErrorCode.FORBIDDEN);
  });
});
