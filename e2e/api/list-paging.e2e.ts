import { Client } from 'pg';
import { EXACT_TOTAL_LIMIT, UNREAD_COUNT_LIMIT } from '@drp/shared';
import { RequestContext } from '../../server/src/common/context/request-context';
import { DbService } from '../../server/src/database/db.service';
import { ProductService } from '../../server/src/modules/catalog/product.service';
import { statementCounter } from '../support/statement-count';
import { bearer, bootTestApp, TestApp } from '../support/test-app';
// after test-app, which loads reflect-metadata that the DTOs' decorators in pagination.ts need
import { forgetEstimates } from '../../server/src/common/http/pagination';

/**
 * Document lists paged by `pageIdsOf` (issue #17, "Pages"), beyond EXACT_TOTAL_LIMIT rows:
 * - the product list (a plain list) counts exactly up to the limit and answers the planner's
 *   estimate beyond it, flagged `totalIsEstimate`; exact again on the last page and past the end;
 * - the sales-order list answers sums over its whole filter: those read every matching order, so
 *   the same statement counts them and its total stays exact (never flagged), its sums exact.
 * The count and the page's ids are one statement; an estimated total costs one EXPLAIN more.
 * Lists read by `pageRowsOf` (the audit log, receivables, notifications, reconciliation runs and findings) take the count and the page's rows themselves in
 * one statement: the same rule for the total, no second read by id. No pg client is ever sent a
 * query while it still runs another (deprecated in pg 8, refused by pg 9).
 */
describe('document lists: bounded counts beyond the exact limit', () => {
  let t: TestApp;
  let admin: string;
  const statements = statementCounter();
  const ADDED = 1500;
  /** queries sent to a pg client while it was still busy with another (any client of this process) */
  const overlaps: string[] = [];
  const original = Client.prototype.query;

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
    // the test's own client (t.sql) never runs while counting
    statements.install();
    const counting = Client.prototype.query;
    Client.prototype.query = function (this: Client, ...args: unknown[]) {
      // pg's own state: the query on the wire, and those queued behind it (in pipeline mode, which
      // DbService turns on to send a transaction's BEGIN or COMMIT with a statement, that is the point)
      const self = this as unknown as { _activeQuery?: unknown; _queryQueue?: unknown[]; pipeline?: boolean };
      if (!self.pipeline && (self._activeQuery || self._queryQueue?.length)) overlaps.push(String((args[0] as { text?: string })?.text ?? args[0]).slice(0, 120));
      return (counting as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof Client.prototype.query;
  }, 120_000);
  afterAll(async () => {
    Client.prototype.query = original;
    await t?.close();
  });

  const get = async <P>(url: string, token = admin): Promise<P> => (await t.http.get(url).set(bearer(token)).expect(200)).body;
  /** statements of a call in the steady state (the principal is cached after a first call) */
  const counted = async <P>(url: string, token = admin): Promise<[P, number]> => {
    await get(url, token);
    forgetEstimates(); // an estimate made within ESTIMATE_TTL_MS is reused (orgs-paging tests that): count a fresh one
    return statements.counted(() => get<P>(url, token));
  };

  describe('products', () => {
    type Page = { items: { id: string; code: string; name: string }[]; total: number; page: number; pageSize: number; totalIsEstimate?: boolean };
    const list = (query: string, token?: string) => get<Page>(`/api/products?${query}`, token);
    const sqlCodes = async (where: string, order: string, limit: number, offset: number) =>
      (await t.sql<{ code: string }>(`SELECT p.code FROM product p WHERE ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`)).map((r) => r.code);
    const count = async (where = 'true') => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM product p WHERE ${where}`))[0].n;
    /** statements of page 1 below the limit: the auth check, the count with the page's ids, the rows, their prices, units, images and categories */
    let below: number;

    it('below the limit: the exact count, no estimate flag; the count and the ids are one statement', async () => {
      const products = await count();
      expect(products).toBeLessThanOrEqual(EXACT_TOTAL_LIMIT);
      const [page, n] = await counted<Page>('/api/products?pageSize=5');
      expect(page.total).toBe(products);
      expect(page).not.toHaveProperty('totalIsEstimate');
      expect(page.items.map((p) => p.code)).toEqual(await sqlCodes('true', 'p.code, p.id', 5, 0));
      below = n;
      // auth check, count + ids, rows by id, then prices, units, images and categories
      expect(n).toBe(7);
    });

    describe(`beyond ${EXACT_TOTAL_LIMIT} products`, () => {
      let products: number;

      beforeAll(async () => {
        await t.sql(
          `INSERT INTO product (code, name, category_id, base_unit, base_price, brand, status)
           SELECT 'P-PG' || lpad(n::text, 5, '0'), '分页测试商品' || n, c.id, '个', (n % 97 + 1)::numeric, '分页牌', 'ON_SALE'
             FROM (SELECT id FROM category ORDER BY path LIMIT 1) c CROSS JOIN generate_series(1, $1::int) n`,
          [ADDED],
        );
        // the planner's estimate reads the statistics, as autovacuum would keep them
        await t.sql('ANALYZE product');
        products = await count();
        expect(products).toBeGreaterThan(EXACT_TOTAL_LIMIT);
      });

      it('page 1 answers the planner estimate, flagged, close to the real count; the page itself is exact; one EXPLAIN more', async () => {
        const [page, n] = await counted<Page>('/api/products');
        expect(page.totalIsEstimate).toBe(true);
        expect(page.total).toBeGreaterThan(EXACT_TOTAL_LIMIT);
        expect(Math.abs(page.total - products) / products).toBeLessThan(0.1);
        expect(page.items.map((p) => p.code)).toEqual(await sqlCodes('true', 'p.code, p.id', 20, 0));
        expect(n).toBe(below + 1);
      });

      it('the last page and a page past the end answer the exact count, unflagged', async () => {
        const last = Math.ceil(products / 20);
        const [lastPage, n] = await counted<Page>(`/api/products?page=${last}`);
        expect(lastPage).toMatchObject({ total: products, page: last, pageSize: 20 });
        expect(lastPage).not.toHaveProperty('totalIsEstimate');
        expect(lastPage.items.map((p) => p.code)).toEqual(await sqlCodes('true', 'p.code, p.id', 20, (last - 1) * 20));
        // the last page knows its total from its own rows: no EXPLAIN
        expect(n).toBe(below);
        const past = await list(`page=${last + 2}`);
        expect(past.items).toEqual([]);
        expect(past.total).toBe(products);
        expect(past).not.toHaveProperty('totalIsEstimate');
      });

      it('a deep page in another sort is the same rows as SQL gives; the total never falls below the rows shown', async () => {
        const page = await list('page=40&sort=-code');
        expect(page.items.map((p) => p.code)).toEqual(await sqlCodes('true', 'p.code DESC, p.id', 20, 780));
        expect(page.total).toBeGreaterThan(800);
        const byPrice = await list('page=25&pageSize=10&sort=basePrice');
        expect(byPrice.items.map((p) => p.code)).toEqual(await sqlCodes('true', 'p.base_price, p.id', 10, 240));
      });

      it('a search or filter matching fewer rows than the limit is exact; one matching more is estimated', async () => {
        const few = await list(`q=${encodeURIComponent('分页测试商品12')}`);
        // 12, 120-129, 1200-1299
        expect(few.total).toBe(111);
        expect(few).not.toHaveProperty('totalIsEstimate');
        expect(few.items.map((p) => p.code)).toEqual(await sqlCodes(`p.name LIKE '%分页测试商品12%'`, 'p.code, p.id', 20, 0));
        const others = await list(`brand=${encodeURIComponent('分页牌')}&status=ON_SALE&pageSize=50`);
        expect(others.totalIsEstimate).toBe(true);
        expect(others.total).toBeGreaterThan(EXACT_TOTAL_LIMIT);
        expect(others.items).toHaveLength(50);
        expect(others.items.every((p) => p.name.startsWith('分页测试商品'))).toBe(true);
      });
    });
  });

  describe('sales orders', () => {
    type Page = {
      items: { id: string; number: string; total: string }[];
      total: number;
      page: number;
      pageSize: number;
      totalIsEstimate?: boolean;
      totals: { count: number; total: string; shippedTotal: string };
    };
    const list = (query: string) => get<Page>(`/api/sales-orders?${query}`);
    let dealer: string;
    /** the filter's count and sums as SQL gives them */
    const sums = async (where: string, params: unknown[]) =>
      (
        await t.sql<{ n: number; total: string; shipped: string }>(
          `SELECT count(*)::int AS n, COALESCE(sum(o.total), 0)::numeric(18,2)::text AS total, COALESCE(sum(o.shipped_total), 0)::numeric(18,2)::text AS shipped FROM sales_order o WHERE ${where}`,
          params,
        )
      )[0];
    const sqlNumbers = async (where: string, params: unknown[], limit: number, offset: number) =>
      (await t.sql<{ number: string }>(`SELECT o.number FROM sales_order o WHERE ${where} ORDER BY o.created_at DESC, o.id LIMIT ${limit} OFFSET ${offset}`, params)).map((r) => r.number);
    let below: number;

    beforeAll(async () => {
      dealer = await t.orgId('D-BJ001');
    });

    it('below the limit: exact count and sums', async () => {
      const expected = await sums('o.dealer_id = $1', [dealer]);
      expect(expected.n).toBeLessThanOrEqual(EXACT_TOTAL_LIMIT);
      const [page, n] = await counted<Page>(`/api/sales-orders?dealerId=${dealer}`);
      expect(page).toMatchObject({ total: expected.n, totals: { count: expected.n, total: expected.total, shippedTotal: expected.shipped } });
      expect(page).not.toHaveProperty('totalIsEstimate');
      below = n;
    });

    describe(`beyond ${EXACT_TOTAL_LIMIT} orders of one dealer`, () => {
      beforeAll(async () => {
        await t.sql(
          `INSERT INTO sales_order (number, status, source, dealer_id, branch_id, warehouse_id, business_date, total, shipped_total)
           SELECT 'SO-PG' || lpad(n::text, 5, '0'), 'COMPLETED', 'CONSOLE', d.id, d.parent_id, w.id, current_date - (n % 30), (n * 1.01)::numeric(18,2), (n * 1.01)::numeric(18,2) - (n % 3)
             FROM organization d CROSS JOIN (SELECT id FROM warehouse WHERE code = 'WH-BJ') w CROSS JOIN generate_series(1, $2::int) n
            WHERE d.id = $1`,
          [dealer, ADDED],
        );
        await t.sql('ANALYZE sales_order');
      });

      it('the total stays exact (counted with the sums, no EXPLAIN), the sums exact, the page the same rows as SQL gives', async () => {
        const expected = await sums('o.dealer_id = $1', [dealer]);
        expect(expected.n).toBeGreaterThan(EXACT_TOTAL_LIMIT);
        const [page, n] = await counted<Page>(`/api/sales-orders?dealerId=${dealer}`);
        expect(page).toMatchObject({ total: expected.n, page: 1, pageSize: 20, totals: { count: expected.n, total: expected.total, shippedTotal: expected.shipped } });
        expect(page).not.toHaveProperty('totalIsEstimate');
        expect(page.items.map((o) => o.number)).toEqual(await sqlNumbers('o.dealer_id = $1', [dealer], 20, 0));
        expect(n).toBe(below);
      });

      it('filters, search, the last page and the whole list: exact counts and sums', async () => {
        const completed = await sums(`o.dealer_id = $1 AND o.status = 'COMPLETED'`, [dealer]);
        const last = Math.ceil(completed.n / 20);
        const lastPage = await list(`dealerId=${dealer}&status=COMPLETED&page=${last}`);
        expect(lastPage).toMatchObject({ total: completed.n, totals: { count: completed.n, total: completed.total, shippedTotal: completed.shipped } });
        expect(lastPage.items.map((o) => o.number)).toEqual(await sqlNumbers(`o.dealer_id = $1 AND o.status = 'COMPLETED'`, [dealer], 20, (last - 1) * 20));

        const searched = await sums(`o.number LIKE '%PG012%'`, []);
        expect(await list(`q=PG012`)).toMatchObject({ total: searched.n, totals: { count: searched.n, total: searched.total, shippedTotal: searched.shipped } });

        const all = await sums('true', []);
        const whole = await list('pageSize=50&page=3');
        expect(whole).toMatchObject({ total: all.n, totals: { count: all.n, total: all.total, shippedTotal: all.shipped } });
        expect(whole).not.toHaveProperty('totalIsEstimate');
        expect(whole.items.map((o) => o.number)).toEqual(await sqlNumbers('true', [], 50, 100));
      });
    });
  });

  describe('audit log', () => {
    type Page = { items: { id: string; createdAt: string; summary: string | null; orgName: string | null }[]; total: number; page: number; pageSize: number; totalIsEstimate?: boolean };
    const list = (query: string, token?: string) => get<Page>(`/api/audit-logs?${query}`, token);
    const sqlIds = async (where: string, params: unknown[], order: string, limit: number, offset: number) =>
      (await t.sql<{ id: string }>(`SELECT a.id FROM audit_log a WHERE ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`, params)).map((r) => r.id);
    const count = async (where = 'true', params: unknown[] = []) => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log a WHERE ${where}`, params))[0].n;
    /** the audit rows of the Beijing branch's subtree (bj.manager's scope) */
    const inBeijing = `a.org_id IN (SELECT o.id FROM organization o WHERE o.path LIKE (SELECT b.path FROM organization b WHERE b.code = 'BJ') || '%')`;
    let below: number;

    it('below the limit: the exact count, unflagged; the count and the page are one statement', async () => {
      const entries = await count();
      expect(entries).toBeGreaterThan(0);
      expect(entries).toBeLessThanOrEqual(EXACT_TOTAL_LIMIT);
      const [page, n] = await counted<Page>('/api/audit-logs?pageSize=5');
      expect(page.total).toBe(entries);
      expect(page).not.toHaveProperty('totalIsEstimate');
      expect(page.items.map((a) => a.id)).toEqual(await sqlIds('true', [], 'a.created_at DESC, a.id', 5, 0));
      below = n;
      // the auth check and the page with its count (no count of its own, no read by id)
      expect(n).toBe(2);
    });

    describe(`beyond ${EXACT_TOTAL_LIMIT} entries`, () => {
      let entries: number;

      beforeAll(async () => {
        // half Beijing's dealer, half Shanghai's; three entries a minute, so the id breaks ties
        await t.sql(
          `INSERT INTO audit_log (created_at, actor_name, org_id, action, entity, entity_id, summary)
           SELECT now() - interval '1 day' - (n / 3) * interval '1 minute', '分页测试员', CASE WHEN n % 2 = 0 THEN bj.id ELSE sh.id END,
                  CASE WHEN n % 5 = 0 THEN 'update' ELSE 'create' END, CASE WHEN n <= 111 THEN 'pg_small' ELSE 'pg_large' END, NULL, '分页测试日志' || n
             FROM (SELECT id FROM organization WHERE code = 'D-BJ001') bj CROSS JOIN (SELECT id FROM organization WHERE code = 'D-SH001') sh
             CROSS JOIN generate_series(1, $1::int) n`,
          [ADDED],
        );
        await t.sql('ANALYZE audit_log');
        entries = await count();
        expect(entries).toBeGreaterThan(EXACT_TOTAL_LIMIT);
      });

      it('page 1 answers the planner estimate, flagged, close to the real count; the page itself is exact; one EXPLAIN more', async () => {
        const [page, n] = await counted<Page>('/api/audit-logs');
        expect(page.totalIsEstimate).toBe(true);
        expect(page.total).toBeGreaterThan(EXACT_TOTAL_LIMIT);
        expect(Math.abs(page.total - entries) / entries).toBeLessThan(0.1);
        expect(page.items.map((a) => a.id)).toEqual(await sqlIds('true', [], 'a.created_at DESC, a.id', 20, 0));
        expect(n).toBe(below + 1);
      });

      it('the last page and a page past the end answer the exact count, unflagged, with no EXPLAIN', async () => {
        const last = Math.ceil(entries / 20);
        const [lastPage, n] = await counted<Page>(`/api/audit-logs?page=${last}`);
        expect(lastPage).toMatchObject({ total: entries, page: last, pageSize: 20 });
        expect(lastPage).not.toHaveProperty('totalIsEstimate');
        expect(lastPage.items.map((a) => a.id)).toEqual(await sqlIds('true', [], 'a.created_at DESC, a.id', 20, (last - 1) * 20));
        expect(n).toBe(below);
        const past = await list(`page=${last + 3}`);
        expect(past).toMatchObject({ items: [], total: entries });
        expect(past).not.toHaveProperty('totalIsEstimate');
      });

      it('deep pages in another sort and ties on the time: the same rows as SQL gives, each row once', async () => {
        const byAction = await list('page=30&pageSize=25&sort=action');
        expect(byAction.items.map((a) => a.id)).toEqual(await sqlIds('true', [], 'a.action, a.id', 25, 725));
        const newest = await list('page=12&pageSize=50');
        const ids = newest.items.map((a) => a.id);
        expect(ids).toEqual(await sqlIds('true', [], 'a.created_at DESC, a.id', 50, 550));
        expect(new Set(ids).size).toBe(50);
      });

      it('filters and the search: exact below the limit, estimated above it, the rows those of SQL', async () => {
        const small = await list('entity=pg_small&pageSize=50&page=2');
        expect(small).toMatchObject({ total: 111 });
        expect(small).not.toHaveProperty('totalIsEstimate');
        expect(small.items.map((a) => a.id)).toEqual(await sqlIds(`a.entity = 'pg_small'`, [], 'a.created_at DESC, a.id', 50, 50));
        const searched = await list(`q=${encodeURIComponent('分页测试日志12')}`);
        // 12, 120-129, 1200-1299
        expect(searched.total).toBe(111);
        expect(searched.items.map((a) => a.id)).toEqual(await sqlIds(`a.summary LIKE '%分页测试日志12%'`, [], 'a.created_at DESC, a.id', 20, 0));
        const large = await list('entity=pg_large&action=create');
        expect(large.totalIsEstimate).toBe(true);
        expect(large.items.map((a) => a.id)).toEqual(await sqlIds(`a.entity = 'pg_large' AND a.action = 'create'`, [], 'a.created_at DESC, a.id', 20, 0));
      });

      it("a branch manager sees their subtree's entries only: counted exactly below the limit, the rows those of SQL", async () => {
        const manager = await t.token('bj.manager');
        const mine = await count(inBeijing);
        expect(mine).toBeLessThanOrEqual(EXACT_TOTAL_LIMIT);
        const page = await list('pageSize=30&page=3', manager);
        expect(page.total).toBe(mine);
        expect(page).not.toHaveProperty('totalIsEstimate');
        expect(page.items.map((a) => a.id)).toEqual(await sqlIds(inBeijing, [], 'a.created_at DESC, a.id', 30, 60));
        expect(page.items.every((a) => a.orgName === '北京华联商贸有限公司' || !a.summary?.startsWith('分页测试日志'))).toBe(true);
      });
    });
  });

  describe('receivables', () => {
    type Page = { items: { id: string; number: string; orderNumber: string; dealerName: string; dueDate: string; openAmount: string }[]; total: number; page: number; pageSize: number; totalIsEstimate?: boolean };
    const list = (query: string, token?: string) => get<Page>(`/api/finance/receivables?${query}`, token);
    const FROM = 'receivable r JOIN organization d ON d.id = r.dealer_id JOIN sales_order so ON so.id = r.order_id';
    const sqlNumbers = async (where: string, params: unknown[], order: string, limit: number, offset: number) =>
      (await t.sql<{ number: string }>(`SELECT r.number FROM ${FROM} WHERE ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`, params)).map((r) => r.number);
    const count = async (where: string, params: unknown[] = []) => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${FROM} WHERE ${where}`, params))[0].n;
    let dealer: string;
    let below: number;

    beforeAll(async () => {
      dealer = await t.orgId('D-SH001');
    });

    it('below the limit: the exact count, unflagged; the count and the page are one statement', async () => {
      const receivables = await count('true');
      expect(receivables).toBeLessThanOrEqual(EXACT_TOTAL_LIMIT);
      // every receivable, open or not (the page's default filter is the web's, not the API's)
      const [page, n] = await counted<Page>('/api/finance/receivables?pageSize=5');
      expect(page.total).toBe(receivables);
      expect(page).not.toHaveProperty('totalIsEstimate');
      expect(page.items.map((r) => r.number)).toEqual(await sqlNumbers('true', [], 'r.due_date, r.number', 5, 0));
      below = n;
      // the auth check, the page with its count, the invoice numbers of its shipments
      expect(n).toBe(3);
    });

    describe(`beyond ${EXACT_TOTAL_LIMIT} receivables of one dealer`, () => {
      let receivables: number;

      beforeAll(async () => {
        // an order, its shipment and its receivable each; a third paid, due dates ten to a day
        await t.sql(
          `WITH o AS (
             INSERT INTO sales_order (number, status, source, dealer_id, branch_id, warehouse_id, business_date, total, shipped_total)
             SELECT 'SO-RV' || lpad(n::text, 5, '0'), 'COMPLETED', 'CONSOLE', d.id, d.parent_id, w.id, current_date - 200 + n / 10, (n * 1.01)::numeric(18,2), (n * 1.01)::numeric(18,2)
               FROM organization d CROSS JOIN (SELECT id FROM warehouse WHERE code = 'WH-SH') w CROSS JOIN generate_series(1, $2::int) n
              WHERE d.id = $1
             RETURNING id, number, dealer_id, branch_id, warehouse_id, business_date, total
           ), s AS (
             INSERT INTO shipment (number, order_id, dealer_id, warehouse_id, business_date, due_date, amount)
             SELECT 'SH-RV' || substr(o.number, 6), o.id, o.dealer_id, o.warehouse_id, o.business_date, o.business_date + 30, o.total FROM o
             RETURNING id, number, order_id, dealer_id, business_date, due_date, amount
           )
           INSERT INTO receivable (number, shipment_id, order_id, dealer_id, branch_id, business_date, due_date, amount, open_amount)
           SELECT 'AR-RV' || substr(s.number, 6), s.id, s.order_id, s.dealer_id, d.parent_id, s.business_date, s.due_date, s.amount,
                  CASE WHEN substr(s.number, 6)::int % 3 = 0 THEN 0 ELSE s.amount END
             FROM s JOIN organization d ON d.id = s.dealer_id`,
          [dealer, ADDED],
        );
        await t.sql('ANALYZE sales_order, shipment, receivable');
        receivables = await count('r.dealer_id = $1', [dealer]);
        expect(receivables).toBeGreaterThan(EXACT_TOTAL_LIMIT);
      });

      it('page 1 answers the planner estimate, flagged, close to the real count; the page exact; one EXPLAIN more', async () => {
        const [page, n] = await counted<Page>(`/api/finance/receivables?dealerId=${dealer}`);
        expect(page.totalIsEstimate).toBe(true);
        expect(page.total).toBeGreaterThan(EXACT_TOTAL_LIMIT);
        expect(Math.abs(page.total - receivables) / receivables).toBeLessThan(0.1);
        expect(page.items.map((r) => r.number)).toEqual(await sqlNumbers('r.dealer_id = $1', [dealer], 'r.due_date, r.number', 20, 0));
        expect(n).toBe(below + 1);
      });

      it('the last page and a page past the end answer the exact count, unflagged, with no EXPLAIN', async () => {
        const last = Math.ceil(receivables / 20);
        const [lastPage, n] = await counted<Page>(`/api/finance/receivables?dealerId=${dealer}&page=${last}`);
        expect(lastPage).toMatchObject({ total: receivables, page: last, pageSize: 20 });
        expect(lastPage).not.toHaveProperty('totalIsEstimate');
        expect(lastPage.items.map((r) => r.number)).toEqual(await sqlNumbers('r.dealer_id = $1', [dealer], 'r.due_date, r.number', 20, (last - 1) * 20));
        expect(n).toBe(below);
        const past = await list(`dealerId=${dealer}&page=${last + 1}`);
        expect(past).toMatchObject({ items: [], total: receivables });
        expect(past).not.toHaveProperty('totalIsEstimate');
      });

      it('sorts, the open filter and the search: the same rows as SQL gives; exact below the limit', async () => {
        const byAmount = await list(`dealerId=${dealer}&sort=-amount&page=7&pageSize=30`);
        expect(byAmount.items.map((r) => r.number)).toEqual(await sqlNumbers('r.dealer_id = $1', [dealer], 'r.amount DESC, r.number', 30, 180));
        const open = await list(`dealerId=${dealer}&open=true&pageSize=50&page=4`);
        expect(open.items.map((r) => r.number)).toEqual(await sqlNumbers('r.dealer_id = $1 AND r.open_amount > 0', [dealer], 'r.due_date, r.number', 50, 150));
        expect(open.items.every((r) => Number(r.openAmount) > 0)).toBe(true);
        // the order's number is searched (SO-RV00120 to SO-RV00129)
        const searched = await list('q=SO-RV0012');
        expect(searched.total).toBe(10);
        expect(await count(`so.number ILIKE '%SO-RV0012%'`)).toBe(10);
        expect(searched).not.toHaveProperty('totalIsEstimate');
        expect(searched.items.map((r) => r.orderNumber).every((o) => o.includes('SO-RV0012'))).toBe(true);
      });

      it("a Beijing manager sees none of a Shanghai dealer's receivables: scope before the count", async () => {
        const page = await list(`dealerId=${dealer}`, await t.token('bj.manager'));
        expect(page).toMatchObject({ items: [], total: 0 });
        expect(page).not.toHaveProperty('totalIsEstimate');
      });
    });
  });

  describe('notifications', () => {
    type Page = { items: { id: string; readAt: string | null }[]; total: number; page: number; pageSize: number; totalIsEstimate?: boolean; unread: number };
    let user: string;
    let token: string;
    const sqlIds = async (where: string, limit: number, offset: number) =>
      (await t.sql<{ id: string }>(`SELECT id FROM notification WHERE user_id = $1 AND ${where} ORDER BY created_at DESC, id LIMIT ${limit} OFFSET ${offset}`, [user])).map((r) => r.id);
    const add = (n: number, read: boolean) =>
      t.sql(
        `INSERT INTO notification (user_id, kind, title, created_at, read_at)
         SELECT $1, 'ORDER_STATUS', '分页通知' || g, now() - g * interval '1 second', ${read ? "now()" : 'NULL'} FROM generate_series(1, $2::int) g`,
        [user, n],
      );

    beforeAll(async () => {
      token = await t.token('sh.sales');
      [{ id: user }] = await t.sql<{ id: string }>(`SELECT id FROM app_user WHERE username = 'sh.sales'`);
    });

    it('the list and its unread count are one statement; exact below the limit', async () => {
      await add(30, false);
      await add(20, true);
      const [page, n] = await counted<Page>('/api/notifications?pageSize=10&page=2', token);
      const [{ all, unread }] = await t.sql<{ all: number; unread: number }>(`SELECT count(*)::int AS all, count(*) FILTER (WHERE read_at IS NULL)::int AS unread FROM notification WHERE user_id = $1`, [user]);
      expect(page).toMatchObject({ total: all, unread, page: 2, pageSize: 10 });
      expect(page).not.toHaveProperty('totalIsEstimate');
      expect(page.items.map((x) => x.id)).toEqual(await sqlIds('true', 10, 10));
      // the auth check and the page with both counts
      expect(n).toBe(2);
    });

    it(`beyond ${UNREAD_COUNT_LIMIT} unread: the unread count says "more" (LIMIT + 1), the list's total is estimated; exact on the last page`, async () => {
      await add(ADDED, false);
      await t.sql('ANALYZE notification');
      const [{ all, unread }] = await t.sql<{ all: number; unread: number }>(`SELECT count(*)::int AS all, count(*) FILTER (WHERE read_at IS NULL)::int AS unread FROM notification WHERE user_id = $1`, [user]);
      expect(unread).toBeGreaterThan(UNREAD_COUNT_LIMIT);
      const [bell, n] = await counted<Page>('/api/notifications?unread=true&pageSize=6', token);
      expect(bell.unread).toBe(UNREAD_COUNT_LIMIT + 1);
      expect(bell.totalIsEstimate).toBe(true);
      expect(bell.items.map((x) => x.id)).toEqual(await sqlIds('read_at IS NULL', 6, 0));
      expect(n).toBe(3);
      const last = Math.ceil(all / 20);
      const lastPage = await get<Page>(`/api/notifications?page=${last}`, token);
      expect(lastPage).toMatchObject({ total: all, unread: UNREAD_COUNT_LIMIT + 1 });
      expect(lastPage).not.toHaveProperty('totalIsEstimate');
      expect(lastPage.items.map((x) => x.id)).toEqual(await sqlIds('true', 20, (last - 1) * 20));
      // marking all read answers the count exactly again
      expect((await t.http.post('/api/notifications/read-all').set(bearer(token)).expect(200)).body).toEqual({ unread: 0 });
      expect(await get<Page>('/api/notifications?unread=true', token)).toMatchObject({ items: [], total: 0, unread: 0 });
    });

    it('a sort other than createdAt is refused as before; createdAt is honoured like any list (oldest first; -createdAt and the default newest first)', async () => {
      const bad = await t.http.get('/api/notifications?sort=title').set(bearer(token)).expect(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
      const oldest = await get<Page>('/api/notifications?sort=createdAt&pageSize=5', token);
      const sqlOldest = (await t.sql<{ id: string }>(`SELECT id FROM notification WHERE user_id = $1 ORDER BY created_at, id LIMIT 5`, [user])).map((r) => r.id);
      expect(oldest.items.map((x) => x.id)).toEqual(sqlOldest);
      for (const q of ['sort=-createdAt&pageSize=5', 'pageSize=5']) expect((await get<Page>(`/api/notifications?${q}`, token)).items.map((x) => x.id)).toEqual(await sqlIds('true', 5, 0));
    });
  });

  describe('reconciliation runs and findings, supplementary entries', () => {
    type Finding = { id: string; category: string; platform: { row: number } | null };
    type FindingPage = { items: Finding[]; total: number; page: number; pageSize: number; totalIsEstimate?: boolean };
    let run: string;
    const sqlFindings = async (where: string, limit: number, offset: number) =>
      (await t.sql<{ id: string }>(`SELECT f.id FROM invoice_recon_finding f WHERE f.run_id = $1 AND ${where} ORDER BY f.platform_row NULLS LAST, f.category, f.id LIMIT ${limit} OFFSET ${offset}`, [run])).map((r) => r.id);

    beforeAll(async () => {
      [{ id: run }] = await t.sql<{ id: string }>(
        `INSERT INTO invoice_recon_run (file_name, file_size, platform_rows, counts) VALUES ('分页测试.xlsx', 1, 700, '{"AMOUNT_MISMATCH": 700, "STATUS_MISMATCH": 700, "MISSING_ON_PLATFORM": 100}') RETURNING id`,
      );
      // two findings a platform row (the category breaks the tie), then 100 without a row (last, by category and id)
      await t.sql(
        `INSERT INTO invoice_recon_finding (run_id, category, match_key, platform_row, p_amount)
         SELECT $1, CASE WHEN n > 1400 THEN 'MISSING_ON_PLATFORM' WHEN n % 2 = 0 THEN 'AMOUNT_MISMATCH' ELSE 'STATUS_MISMATCH' END, 'K' || n,
                CASE WHEN n > 1400 THEN NULL ELSE (n + 1) / 2 END, CASE WHEN n > 1400 THEN NULL ELSE n END
           FROM generate_series(1, $2::int) n`,
        [run, ADDED],
      );
      await t.sql('ANALYZE invoice_recon_finding');
    });

    it('the runs list: newest first, counted in the page\'s statement', async () => {
      const [page, n] = await counted<{ items: { id: string; openFindings: number }[]; total: number; totalIsEstimate?: boolean }>('/api/invoice-reconciliations?pageSize=5');
      const runs = await t.sql<{ id: string }>('SELECT id FROM invoice_recon_run ORDER BY created_at DESC, id');
      expect(page.total).toBe(runs.length);
      expect(page).not.toHaveProperty('totalIsEstimate');
      expect(page.items.map((r) => r.id)).toEqual(runs.slice(0, 5).map((r) => r.id));
      expect(page.items.find((r) => r.id === run)?.openFindings).toBe(ADDED);
      // the auth check and the page with its count
      expect(n).toBe(2);
    });

    it(`beyond ${EXACT_TOTAL_LIMIT} findings: estimated on page 1, exact on the last page, the rows in row, category, id order; one statement a page`, async () => {
      const [first, n] = await counted<FindingPage>(`/api/invoice-reconciliations/${run}/findings`);
      expect(first.totalIsEstimate).toBe(true);
      expect(Math.abs(first.total - ADDED) / ADDED).toBeLessThan(0.1);
      expect(first.items.map((f) => f.id)).toEqual(await sqlFindings('true', 20, 0));
      expect(first.items.slice(0, 2).map((f) => f.category)).toEqual(['AMOUNT_MISMATCH', 'STATUS_MISMATCH']);
      // the auth check, the page with its count and the run's existence, the EXPLAIN
      expect(n).toBe(3);
      const last = Math.ceil(ADDED / 20);
      const [lastPage, m] = await counted<FindingPage>(`/api/invoice-reconciliations/${run}/findings?page=${last}`);
      expect(lastPage).toMatchObject({ total: ADDED, page: last });
      expect(lastPage).not.toHaveProperty('totalIsEstimate');
      expect(lastPage.items.map((f) => f.id)).toEqual(await sqlFindings('true', 20, (last - 1) * 20));
      expect(lastPage.items.every((f) => f.category === 'MISSING_ON_PLATFORM' && f.platform === null)).toBe(true);
      expect(m).toBe(2);
      const missing = await get<FindingPage>(`/api/invoice-reconciliations/${run}/findings?category=MISSING_ON_PLATFORM&pageSize=30&page=2`);
      expect(missing).toMatchObject({ total: 100 });
      expect(missing).not.toHaveProperty('totalIsEstimate');
      expect(missing.items.map((f) => f.id)).toEqual(await sqlFindings(`f.category = 'MISSING_ON_PLATFORM'`, 30, 30));
    });

    it('the findings of an unknown run: 404 as before, in the same one statement', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      await t.http.get(`/api/invoice-reconciliations/${unknown}/findings`).set(bearer(admin)).expect(404);
      const [res, n] = await statements.counted(() => t.http.get(`/api/invoice-reconciliations/${unknown}/findings`).set(bearer(admin)));
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
      expect(n).toBe(2);
    });

    it('supplementary entries: the page and its count are one statement, the entries and their attachments two more however many', async () => {
      const before = (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM invoice_supplement'))[0].n;
      await t.sql(
        `INSERT INTO invoice_supplement (tracking_number, status, type, issue_date, seller_name, buyer_name, scope_org_id, amount, tax, total, reason, elec_number, created_at)
         SELECT 'BL-PG' || lpad(n::text, 4, '0'), 'PENDING_APPROVAL', '81', current_date, '本公司', '分页测试买方' || n, bj.id, 100, 13, 113, '补录测试', lpad(n::text, 20, '9'),
                now() - (n / 2) * interval '1 minute'
           FROM (SELECT id FROM organization WHERE code = 'BJ') bj CROSS JOIN generate_series(1, 30) n`,
      );
      await t.sql(
        `INSERT INTO invoice_attachment (supplement_id, storage_key, file_name, content_type, size_bytes)
         SELECT s.id, 'pg/' || s.tracking_number || '-' || k, s.tracking_number || '-' || k || '.pdf', 'application/pdf', 1000 + k
           FROM invoice_supplement s CROSS JOIN generate_series(1, 2) k WHERE s.tracking_number LIKE 'BL-PG%'`,
      );
      type SupPage = { items: { id: string; trackingNumber: string; attachments: { fileName: string }[] }[]; total: number; totalIsEstimate?: boolean };
      const sqlTracking = async (limit: number, offset: number) =>
        (await t.sql<{ tracking_number: string }>(`SELECT tracking_number FROM invoice_supplement ORDER BY created_at DESC, id LIMIT ${limit} OFFSET ${offset}`)).map((r) => r.tracking_number);
      const [page, n] = await counted<SupPage>('/api/invoices/supplementary?pageSize=20');
      expect(page.total).toBe(before + 30);
      expect(page).not.toHaveProperty('totalIsEstimate');
      expect(page.items.map((x) => x.trackingNumber)).toEqual(await sqlTracking(20, 0));
      const pg = page.items.filter((x) => x.trackingNumber.startsWith('BL-PG'));
      expect(pg.length).toBeGreaterThan(0);
      // each its own two (added by one INSERT: the same time, so in id order; compared as a set)
      for (const x of pg) expect(x.attachments.map((a) => a.fileName).sort()).toEqual([`${x.trackingNumber}-1.pdf`, `${x.trackingNumber}-2.pdf`]);
      // the auth check, the count with the page's ids, the entries, their attachments
      expect(n).toBe(4);
      const second = await get<SupPage>('/api/invoices/supplementary?pageSize=20&page=2');
      expect(second.items.map((x) => x.trackingNumber)).toEqual(await sqlTracking(20, 20));
      const searched = await get<SupPage>(`/api/invoices/supplementary?q=${encodeURIComponent('分页测试买方1')}`);
      // 1, 10-19
      expect(searched.total).toBe(11);
      // % and _ typed in the search match themselves, not any text
      expect((await get<SupPage>(`/api/invoices/supplementary?q=${encodeURIComponent('分页测试买方%')}`)).total).toBe(0);
      expect((await get<SupPage>(`/api/invoices/supplementary?q=${encodeURIComponent('分页测试买方_')}`)).total).toBe(0);
    });
  });

  it('no pg client was sent a query while busy: not by the lists above, not by lists run together inside one transaction', async () => {
    expect(overlaps).toEqual([]);
    const db = t.app.get(DbService);
    const products = t.app.get(ProductService);
    // three reads started at once on the transaction's one connection queue there (DbService.query), one after another
    const [first, second, [{ n }]] = await db.tx(RequestContext.system(), (tx) =>
      Promise.all([products.list(tx, { pageSize: 5 }), products.list(tx, { page: 2, pageSize: 5 }), db.query<{ n: number }>(tx, 'SELECT count(*)::int AS n FROM product')]),
    );
    expect(first.items).toHaveLength(5);
    expect(second.items.map((p) => p.code)).toEqual((await t.sql<{ code: string }>('SELECT code FROM product ORDER BY code, id LIMIT 5 OFFSET 5')).map((r) => r.code));
    expect(n).toBeGreaterThan(EXACT_TOTAL_LIMIT);
    expect(overlaps).toEqual([]);
  });
});
