import { pageIdsStatement } from '../support/statement-count';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/**
 * List sorts and their indexes (issue #17, speed). `pageIdsOf` sorts a `sortable` column declared
 * `{ notNull }` in PostgreSQL's default null order (`created_at DESC`, not `DESC NULLS LAST`): the
 * same rows in the same order, and the order a b-tree reads, so page 1 of a long list walks the
 * index instead of sorting every matching row. A column that may be NULL keeps its nulls last in
 * both directions, as before.
 *
 * The plan checks take the very statement the server sends for page 1 (caught on pg's
 * Client.prototype.query) and run it under EXPLAIN (ANALYZE, FORMAT JSON) on 20,000+ rows: the
 * sub-plan that picks the page's ids must have no Sort node (an Incremental Sort of the rows
 * sharing a value is fine) and read fewer than 100 rows of the table. Row counts, not times.
 *
 * Also here: the audit log's search matches `%` and `_` literally, and the notifications list
 * honours `sort=createdAt` (oldest first) like every list, refusing another field.
 */
describe('list sorts read their index; nulls stay last', () => {
  let t: TestApp;
  let admin: string;
  const ROWS = 20_000;

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const get = async <P>(url: string, token = admin): Promise<P> => (await t.http.get(url).set(bearer(token)).expect(200)).body;
  type Page = { items: { id: string }[]; total: number };
  const ids = (page: Page) => page.items.map((i) => i.id);

  /** The statement (text and parameters) the server sends for `url` that selects the page's ids of `alias` (pageIdsOf's). */
  const pageStatement = (url: string, alias: string) => pageIdsStatement(() => get(url), alias);

  type PlanNode = { 'Node Type': string; 'Parent Relationship'?: string; 'Subplan Name'?: string; 'CTE Name'?: string; 'Relation Name'?: string; 'Index Name'?: string; 'Actual Rows': number; 'Actual Loops': number; Plans?: PlanNode[] };
  const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

  /** The InitPlans (the CTE's aside) of page 1's statement for `url`, as it ran (EXPLAIN ANALYZE of what the server sends). */
  async function subPlansOf(url: string, alias: string): Promise<PlanNode[]> {
    const { text, values } = await pageStatement(url, alias);
    const [{ 'QUERY PLAN': [explained] }] = await t.sql<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
    return nodes(explained.Plan).filter((n) => n['Parent Relationship'] === 'InitPlan' && !n['Subplan Name']?.startsWith('CTE'));
  }

  /** How page 1's ids of `table` are found: the nodes of the InitPlan that fills ARRAY(...) in the statement the server sends. */
  async function idsPlan(url: string, alias: string, table: string) {
    // the statement's sub-plans: the matches counted (CTE m), the page sorted from them and the walk of the sort's index; one of the last two runs
    const initPlans = (await subPlansOf(url, alias)).filter((n) => n['Actual Loops'] > 0);
    expect(initPlans).toHaveLength(1);
    const inside = nodes(initPlans[0]);
    const scans = inside.filter((n) => n['Relation Name'] === table);
    expect(scans).toHaveLength(1);
    return {
      sorts: inside.filter((n) => n['Node Type'] === 'Sort').length,
      scan: scans[0]['Node Type'],
      index: scans[0]['Index Name'],
      rowsRead: scans[0]['Actual Rows'] * scans[0]['Actual Loops'],
    };
  }

  /**
   * The two sub-plans that can make page 1 of `url`: `walk`, the walk of the sort's index (the one that scans
   * `table`), and `fromKept`, the page sorted from the kept matches (CTE m); `subPlans`: all of subPlansOf
   * (a search's own id sets among them).
   */
  async function pageBranches(url: string, alias: string, table: string) {
    const subPlans = await subPlansOf(url, alias);
    return {
      subPlans,
      walk: subPlans.filter((n) => nodes(n).some((x) => x['Relation Name'] === table)),
      fromKept: subPlans.filter((n) => nodes(n).some((x) => x['CTE Name'] === 'm')),
    };
  }

  describe('page 1 of a long list sorted by its NOT NULL default walks the index', () => {
    beforeAll(async () => {
      const dealer = await t.orgId('D-BJ001');
      // every row its own minute (older than the demo company's): no ties to sort
      await t.sql(
        `INSERT INTO sales_order (number, status, source, dealer_id, branch_id, warehouse_id, business_date, total, shipped_total, created_at)
         SELECT 'SO-LO' || lpad(n::text, 6, '0'), 'COMPLETED', 'CONSOLE', d.id, d.parent_id, w.id, current_date - 1 - n / 100, 10.00, 10.00, now() - interval '2 days' - n * interval '1 minute'
           FROM organization d CROSS JOIN (SELECT id FROM warehouse WHERE code = 'WH-BJ') w CROSS JOIN generate_series(1, $2::int) n
          WHERE d.id = $1`,
        [dealer, ROWS],
      );
      await t.sql(
        `INSERT INTO stock_movement (doc_id, doc_type, doc_number, warehouse_id, product_id, delta, on_hand_after, created_at)
         SELECT gen_random_uuid(), 'SHIPMENT', 'SH-LO' || n, w.id, p.id, -1, 100, now() - interval '2 days' - n * interval '1 minute'
           FROM (SELECT id FROM warehouse WHERE code = 'WH-BJ') w CROSS JOIN (SELECT id FROM product ORDER BY code LIMIT 1) p CROSS JOIN generate_series(1, $1::int) n`,
        [ROWS],
      );
      const rep = await t.userId('admin');
      await t.sql(
        `INSERT INTO visit (rep_id, dealer_id, client_id, business_date, check_in_at, check_out_at, lat, lng, radius_m, duration_s)
         SELECT $1, $2, 'lo-' || n, (now() - interval '2 days' - n * interval '1 minute')::date, now() - interval '2 days' - n * interval '1 minute',
                now() - interval '2 days' - n * interval '1 minute' + interval '10 minutes', 39.9, 116.4, 200, 600
           FROM generate_series(1, $3::int) n`,
        [rep, dealer, ROWS],
      );
      // 100 a day (5 dealers x 20 products): the newest day alone holds more rows than a page
      await t.sql(
        `INSERT INTO dealer_report (dealer_id, product_id, business_date, stock, sold, source)
         SELECT d.id, p.id, current_date - 1 - g, 10, 1, 'CONSOLE'
           FROM (SELECT id FROM organization WHERE type = 'DEALER' ORDER BY code LIMIT 5) d
           CROSS JOIN (SELECT id FROM product ORDER BY code LIMIT 20) p CROSS JOIN generate_series(1, $1::int / 100) g
         ON CONFLICT DO NOTHING`,
        [ROWS],
      );
      await t.sql('ANALYZE sales_order, stock_movement, visit, dealer_report');
    });

    // sort, the index its page 1 must read, and the same order in SQL
    it.each([
      ['-createdAt (the default)', '', 'ix_sales_order_created', 'created_at DESC NULLS LAST, id'],
      ['-number', '?sort=-number', 'uq_sales_order_number', 'number DESC NULLS LAST, id'],
    ])('sales orders by %s: the index is read for the ids (no Sort of all the orders); the page as SQL orders it', async (_name, query, index, order) => {
      const plan = await idsPlan(`/api/sales-orders${query}`, 'o', 'sales_order');
      expect(plan).toMatchObject({ sorts: 0, scan: 'Index Scan', index });
      expect(plan.rowsRead).toBeLessThan(100);
      const expected = await t.sql<{ id: string }>(`SELECT id FROM sales_order ORDER BY ${order} LIMIT 20`);
      expect(ids(await get<Page>(`/api/sales-orders${query}`))).toEqual(expected.map((r) => r.id));
    });

    it('stock movements (-createdAt), visits (-checkInAt), dealer reports (-date): their new indexes are read', async () => {
      const movements = await idsPlan('/api/stock/movements', 'm', 'stock_movement');
      expect(movements).toMatchObject({ sorts: 0, index: 'ix_stock_movement_created' });
      expect(movements.rowsRead).toBeLessThan(100);
      const visits = await idsPlan('/api/visits', 'v', 'visit');
      expect(visits).toMatchObject({ sorts: 0, index: 'ix_visit_check_in' });
      expect(visits.rowsRead).toBeLessThan(100);
      // (business_date DESC, id): the page in its exact order, not the whole newest day sorted
      const reports = await idsPlan('/api/dealer-reports', 'r', 'dealer_report');
      expect(reports).toMatchObject({ sorts: 0, index: 'ix_dealer_report_date' });
      expect(reports.rowsRead).toBeLessThan(100);
    });

    it('a filter matching few rows sorts its page from the rows it counted: the index walk does not run', async () => {
      const [other] = await t.sql<{ id: string }>('SELECT id FROM product ORDER BY code OFFSET 1 LIMIT 1');
      // older than every other movement: a walk of ix_stock_movement_created would pass all of them first
      await t.sql(
        `INSERT INTO stock_movement (doc_id, doc_type, doc_number, warehouse_id, product_id, delta, on_hand_after, created_at)
         SELECT gen_random_uuid(), 'SHIPMENT', 'SH-FEW' || n, w.id, $1, -1, 100, now() - interval '1 year' - n * interval '1 minute'
           FROM (SELECT id FROM warehouse WHERE code = 'WH-BJ') w CROSS JOIN generate_series(1, 5) n`,
        [other.id],
      );
      const url = `/api/stock/movements?productId=${other.id}`;
      // the page from the kept rows ran; the walk (the one that scans stock_movement) did not
      const { subPlans, walk } = await pageBranches(url, 'm', 'stock_movement');
      expect(walk).toHaveLength(1);
      expect(walk[0]['Actual Loops']).toBe(0);
      expect(subPlans.filter((n) => n['Actual Loops'] > 0)).toHaveLength(1);
      const expected = await t.sql<{ id: string }>('SELECT id FROM stock_movement WHERE product_id = $1 ORDER BY created_at DESC, id', [other.id]);
      const page = await get<Page>(url);
      expect(ids(page)).toEqual(expected.map((r) => r.id));
      expect(page.total).toBe(expected.length);
    });

    it('a list with sums (sales orders) searched for a few orders sorts its page from the matches too; its count and sums stay exact', async () => {
      const dealer = await t.orgId('D-BJ001');
      // older than every other order: a walk of ix_sales_order_created would pass all 20,000 first
      await t.sql(
        `INSERT INTO sales_order (number, status, source, dealer_id, branch_id, warehouse_id, business_date, total, shipped_total, created_at)
         SELECT 'SO-FEWSUM' || n, 'COMPLETED', 'CONSOLE', d.id, d.parent_id, w.id, current_date - 400, n * 10.00, n * 5.00, now() - interval '1 year' - n * interval '1 minute'
           FROM organization d CROSS JOIN (SELECT id FROM warehouse WHERE code = 'WH-BJ') w CROSS JOIN generate_series(1, 5) n
          WHERE d.id = $1`,
        [dealer],
      );
      await t.sql('ANALYZE sales_order');
      const url = '/api/sales-orders?q=SO-FEWSUM';
      // two ways to the page: from the kept matches (CTE m), or the walk of the sort's index; only the first ran
      // (the search's dealer id sets are sub-plans of their own, on organization)
      const { walk, fromKept } = await pageBranches(url, 'o', 'sales_order');
      expect(walk).toHaveLength(1);
      expect(walk[0]['Actual Loops']).toBe(0);
      expect(fromKept).toHaveLength(1);
      expect(fromKept[0]['Actual Loops']).toBe(1);
      const expected = await t.sql<{ id: string }>(`SELECT id FROM sales_order WHERE number LIKE 'SO-FEWSUM%' ORDER BY created_at DESC, id`);
      const page = await get<Page & { totals: { count: number; total: string; shippedTotal: string } }>(url);
      expect(ids(page)).toEqual(expected.map((r) => r.id));
      expect(page.total).toBe(5);
      expect(page.totals).toEqual({ count: 5, total: '150.00', shippedTotal: '75.00' });
      // the long list still walks its index, and its count and sums cover every order
      const all = await idsPlan('/api/sales-orders', 'o', 'sales_order');
      expect(all).toMatchObject({ sorts: 0, scan: 'Index Scan', index: 'ix_sales_order_created' });
      const [sums] = await t.sql<{ n: number; total: string }>('SELECT count(*)::int AS n, sum(total)::numeric(14,2)::text AS total FROM sales_order');
      const first = await get<Page & { totals: { count: number; total: string } }>('/api/sales-orders');
      expect(first.totals).toMatchObject({ count: sums.n, total: sums.total });
    });

    it('pages of a sort with many ties (businessDate, 100 orders a day) follow one another without a duplicate or a gap, as SQL orders them', async () => {
      const pages = [1, 2, 3, 4, 5, 6].map((p) => `/api/sales-orders?sort=businessDate&pageSize=20&page=${p}`);
      const seen: string[] = [];
      for (const url of pages) seen.push(...ids(await get<Page>(url)));
      const expected = await t.sql<{ id: string }>('SELECT id FROM sales_order ORDER BY business_date NULLS LAST, id LIMIT 120');
      expect(seen).toEqual(expected.map((r) => r.id));
      expect(new Set(seen).size).toBe(120);
      const down: string[] = [];
      for (const url of pages) down.push(...ids(await get<Page>(url.replace('sort=businessDate', 'sort=-businessDate'))));
      const expectedDown = await t.sql<{ id: string }>('SELECT id FROM sales_order ORDER BY business_date DESC NULLS LAST, id LIMIT 120');
      expect(down).toEqual(expectedDown.map((r) => r.id));
    });
  });

  describe('a column that may be NULL keeps its nulls last, in both directions', () => {
    type UserPage = { items: { id: string; lastLoginAt: string | null }[]; total: number };

    beforeAll(async () => {
      // a few sign-ins a day apart (admin's own is now); everyone else never signed in
      await t.sql(`UPDATE app_user SET last_login_at = NULL WHERE username <> 'admin'`);
      await t.sql(
        `UPDATE app_user u SET last_login_at = now() - k.n * interval '1 day'
           FROM (SELECT id, row_number() OVER (ORDER BY username) AS n FROM app_user WHERE username <> 'admin' ORDER BY username LIMIT 3) k
          WHERE u.id = k.id`,
      );
    });

    it.each([
      ['lastLoginAt', 'ASC'],
      ['-lastLoginAt', 'DESC'],
    ])('users sorted by %s: as SQL orders them %s NULLS LAST; the users who never signed in come last', async (sort, direction) => {
      const page = await get<UserPage>(`/api/users?sort=${sort}&pageSize=200`);
      expect(page.items.length).toBe(page.total);
      const expected = await t.sql<{ id: string }>(`SELECT id FROM app_user ORDER BY last_login_at ${direction} NULLS LAST, id`);
      expect(ids(page)).toEqual(expected.map((r) => r.id));
      const signedIn = page.items.filter((u) => u.lastLoginAt !== null).length;
      expect(signedIn).toBe(4);
      expect(page.items.length).toBeGreaterThan(signedIn);
      // every null after every sign-in
      expect(page.items.slice(0, signedIn).every((u) => u.lastLoginAt !== null)).toBe(true);
      expect(page.items.slice(signedIn).every((u) => u.lastLoginAt === null)).toBe(true);
    });
  });

  describe('the audit log search matches % and _ literally', () => {
    beforeAll(async () => {
      const hq = await t.orgId('HQ');
      await t.sql(
        `INSERT INTO audit_log (org_id, actor_name, action, entity, summary)
         VALUES ($1, '测试', 'TEST', 'list-order', '满减100%活动'), ($1, '测试', 'TEST', 'list-order', '满减1000元活动'),
                ($1, '测试', 'TEST', 'list-order', '标记LO_X'), ($1, '测试', 'TEST', 'list-order', '标记LOAX')`,
        [hq],
      );
    });

    const summaries = async (q: string) =>
      (await get<{ items: { summary: string }[] }>(`/api/audit-logs?entity=list-order&q=${encodeURIComponent(q)}`)).items.map((i) => i.summary).sort();

    it('a % in the term is a percent sign, an _ an underscore', async () => {
      expect(await summaries('满减100%')).toEqual(['满减100%活动']);
      expect(await summaries('LO_X')).toEqual(['标记LO_X']);
      expect(await summaries('满减')).toEqual(['满减1000元活动', '满减100%活动'].sort());
    });
  });

  describe('notifications honour sort=createdAt like any list', () => {
    let user: string;
    const sqlIds = async (direction: string) =>
      (await t.sql<{ id: string }>(`SELECT id FROM notification WHERE user_id = $1 ORDER BY created_at ${direction}, id LIMIT 10`, [user])).map((r) => r.id);

    beforeAll(async () => {
      user = await t.userId('admin');
      await t.sql(
        `INSERT INTO notification (user_id, kind, title, created_at)
         SELECT $1, 'SYSTEM', '排序测试' || n, now() - n * interval '1 hour' FROM generate_series(1, 12) n`,
        [user],
      );
    });

    it('sort=createdAt is oldest first, the default (and -createdAt) newest first; another field is refused', async () => {
      expect(ids(await get<Page>('/api/notifications?sort=createdAt&pageSize=10'))).toEqual(await sqlIds('ASC'));
      expect(ids(await get<Page>('/api/notifications?pageSize=10'))).toEqual(await sqlIds('DESC'));
      expect(ids(await get<Page>('/api/notifications?sort=-createdAt&pageSize=10'))).toEqual(await sqlIds('DESC'));
      const bad = await t.http.get('/api/notifications?sort=title').set(bearer(admin)).expect(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
    });
  });
});
