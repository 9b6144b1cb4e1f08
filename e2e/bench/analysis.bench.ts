/**
 * 多维分析 (GET /api/reports/analysis, issue #16 "Speed"): a month × branch × category pivot of
 * sales, net sales, gross margin and margin rate over N shipped lines (default 2,000,000, three
 * years) against the same aggregate written by hand as raw SQL (plus the principal lookup the
 * server runs on every request), as HQ and as a branch manager (scope), each side run
 * BENCH_ANALYSIS_RUNS times one after the other (one-shots: a single aggregate over millions of
 * lines takes seconds on a small machine, longer than a throughput window holds); the answers are
 * compared row by row and the totals printed. Then the Excel export of dealer × month × category
 * (over 100,000 rows; subtotal lines per dealer and per dealer × month; BENCH_ANALYSIS_EXPORT_SORT
 * in the page's sort), streamed, with the server's peak memory.
 *
 * Test data, set-based (INSERT .. SELECT generate_series): 1000 extra dealers under the demo
 * branches (the org-list generator), one COMPLETED order per dealer with a line per product, N/10
 * shipments of 10 lines each over the last 1095 days (random dealer, product, quantity 1-20 at
 * the base price, tax from the product's rate, cost at 70% of the price), and a return of one unit
 * for about 1% of the lines a few days later. Sizes from BENCH_ANALYSIS_LINES.
 */
import type { PoolClient } from 'pg';
import { AnalysisResult, Dec, fmt } from '@drp/shared';
import { BenchSuite, capturePrincipalQueries, getJson, intEnv, login, OneShotScenario, readPeakRssKb, readRssKb, requireServerDist, resetPeakRss, round, SuiteContext } from './harness';
import { insertDealers } from './org-list.bench';

const DEALERS = 1000;
const LINES_PER_SHIPMENT = 10;
const DAYS = 1095;
const SEED = 0.20261206;

const today = (): string =>
  requireServerDist<{ businessDate(at: Date, tz: string): string }>('database/business-date').businessDate(new Date(), process.env.COMPANY_TZ || 'Asia/Shanghai');
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

// ---------------------------------------------------------------------------------------------
// test data

const STAGE = [
  `CREATE TEMP TABLE ab_dealer AS
   SELECT (row_number() OVER (ORDER BY d.code) - 1)::int AS n, d.id,
          (SELECT b.id FROM organization b WHERE d.path LIKE b.path || '%' AND b.type IN ('BRANCH', 'HQ') ORDER BY (b.type = 'BRANCH') DESC, b.depth DESC LIMIT 1) AS branch_id,
          NULL::uuid AS order_id
     FROM organization d WHERE d.type = 'DEALER' AND d.code ~ '^D-[A-Z]+[0-9]{6}$'`,
  `CREATE TEMP TABLE ab_product AS SELECT (row_number() OVER (ORDER BY code) - 1)::int AS n, id, base_price, tax_rate FROM product`,
];

/** $1 warehouse, $2 first day, $3 the sales reps (one per order, round robin) */
const INSERT_ORDERS = `
  WITH o AS (
    INSERT INTO sales_order (number, status, source, dealer_id, branch_id, warehouse_id, sales_rep_id, business_date, remark, total, shipped_total, submitted_at, approved_at, created_at)
    SELECT 'SOA' || lpad(d.n::text, 7, '0'), 'COMPLETED', (ARRAY['CONSOLE', 'MALL', 'VISIT', 'REPLENISHMENT'])[1 + d.n % 4], d.id, d.branch_id, $1, ($3::uuid[])[1 + d.n % cardinality($3::uuid[])],
           $2::date, 'bench analysis', 0, 0, now(), now(), $2::date
      FROM ab_dealer d
    RETURNING id, dealer_id
  )
  UPDATE ab_dealer d SET order_id = o.id FROM o WHERE o.dealer_id = d.id`;

const INSERT_ORDER_LINES = `
  INSERT INTO sales_order_line (order_id, line_no, product_id, qty, unit_price, list_price, price_source, tax_rate, amount, tax_amount)
  SELECT d.order_id, p.n + 1, p.id, 1000000, p.base_price, p.base_price, 'BASE', p.tax_rate, 0, 0 FROM ab_dealer d CROSS JOIN ab_product p`;

/** $1 shipments, $2 dealers, $3 today, $4 days back */
const STAGE_SHIPMENTS = `
  CREATE TEMP TABLE ab_ship AS
  SELECT gen_random_uuid() AS id, i, d.id AS dealer_id, d.order_id, ($3::date - g.age) AS d
    FROM (SELECT i, floor(random() * $2)::int AS dn, floor(random() * $4)::int AS age FROM generate_series(1, $1::int) i) g
    JOIN ab_dealer d ON d.n = g.dn`;

/** $1 lines per shipment, $2 products */
const STAGE_LINES = `
  CREATE TEMP TABLE ab_line AS
  SELECT gen_random_uuid() AS id, s.id AS shipment_id, s.dealer_id, s.order_id, s.d, p.id AS product_id, p.n AS pn, g.qty, p.base_price AS price,
         round(g.qty * p.base_price, 2) AS amount, round(round(g.qty * p.base_price, 2) * p.tax_rate / (1 + p.tax_rate), 2) AS tax_amount,
         round(p.base_price * 0.7, 6) AS unit_cost, round(g.qty * round(p.base_price * 0.7, 6), 2) AS cost_amount, g.ret
    FROM (SELECT s.id, floor(random() * $2)::int AS pn, (1 + floor(random() * 20))::numeric AS qty, random() < 0.01 AS ret FROM ab_ship s CROSS JOIN generate_series(1, $1::int) k) g
    JOIN ab_ship s ON s.id = g.id
    JOIN ab_product p ON p.n = g.pn`;

const INSERT_SHIPMENTS = `
  INSERT INTO shipment (id, number, order_id, dealer_id, warehouse_id, business_date, due_date, amount, remark, created_at, updated_at)
  SELECT s.id, 'FHA' || lpad(s.i::text, 8, '0'), s.order_id, s.dealer_id, $1, s.d, s.d + 30, t.amount, 'bench analysis', s.d::timestamptz, s.d::timestamptz
    FROM ab_ship s JOIN (SELECT shipment_id, sum(amount) AS amount FROM ab_line GROUP BY shipment_id) t ON t.shipment_id = s.id`;

const INSERT_SHIPMENT_LINES = `
  INSERT INTO shipment_line (id, shipment_id, order_line_id, product_id, qty, unit_price, amount, tax_amount, unit_cost, cost_amount)
  SELECT l.id, l.shipment_id, ol.id, l.product_id, l.qty, l.price, l.amount, l.tax_amount, l.unit_cost, l.cost_amount
    FROM ab_line l JOIN sales_order_line ol ON ol.order_id = l.order_id AND ol.line_no = l.pn + 1`;

/** one unit back, a few days after the shipment (never after today: $2); $1 warehouse */
const INSERT_RETURNS = `
  WITH r AS (
    SELECT gen_random_uuid() AS return_id, row_number() OVER (ORDER BY l.id) AS i, l.* FROM ab_line l WHERE l.ret
  ), h AS (
    INSERT INTO sales_return (id, number, shipment_id, order_id, dealer_id, warehouse_id, business_date, reason, amount)
    SELECT r.return_id, 'THA' || lpad(r.i::text, 8, '0'), r.shipment_id, r.order_id, r.dealer_id, $1, least(r.d + 3, $2::date), 'bench analysis', round(r.price, 2) FROM r
    RETURNING id
  )
  INSERT INTO sales_return_line (return_id, shipment_line_id, product_id, qty, unit_price, amount, tax_amount, unit_cost, cost_amount)
  SELECT h.id, r.id, r.product_id, 1, r.price, round(r.price, 2), round(round(r.price, 2) * p.tax_rate / (1 + p.tax_rate), 2), r.unit_cost, round(r.unit_cost, 2)
    FROM h JOIN r ON r.return_id = h.id JOIN ab_product p ON p.id = r.product_id`;

async function timed(ctx: SuiteContext, label: string, work: () => Promise<unknown>): Promise<void> {
  const t0 = Date.now();
  await work();
  ctx.log(`  ${label} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

async function insertFacts(ctx: SuiteContext, lines: number): Promise<void> {
  const client: PoolClient = await ctx.pool.connect();
  try {
    const [{ id: warehouseId } = { id: '' }] = (await client.query<{ id: string }>("SELECT id FROM warehouse WHERE code = 'WH-HQ'")).rows;
    if (!warehouseId) throw new Error('the demo warehouse WH-HQ is missing: is DEMO_DATA on?');
    const reps = (await client.query<{ id: string }>("SELECT id FROM app_user WHERE username IN ('bj.sales', 'sh.sales') ORDER BY username")).rows.map((r) => r.id);
    const day = today();
    await client.query("SET work_mem = '256MB'");
    await client.query('SELECT setseed($1)', [SEED]);
    for (const s of STAGE) await client.query(s);
    const { rows: dl } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM ab_dealer');
    const { rows: pl } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM ab_product');
    if (!dl[0].n) throw new Error('no generated dealers found');
    await client.query('BEGIN');
    await timed(ctx, `orders for ${dl[0].n} dealers`, () => client.query(INSERT_ORDERS, [warehouseId, addDays(day, -DAYS), reps]));
    await timed(ctx, `order lines (${pl[0].n} products each)`, () => client.query(INSERT_ORDER_LINES));
    const shipments = Math.ceil(lines / LINES_PER_SHIPMENT);
    await timed(ctx, `staged ${shipments} shipments`, () => client.query(STAGE_SHIPMENTS, [shipments, dl[0].n, day, DAYS]));
    await timed(ctx, `staged ${shipments * LINES_PER_SHIPMENT} lines`, () => client.query(STAGE_LINES, [LINES_PER_SHIPMENT, pl[0].n]));
    await client.query('ANALYZE ab_ship');
    await client.query('ANALYZE ab_line');
    await timed(ctx, 'shipments', () => client.query(INSERT_SHIPMENTS, [warehouseId]));
    await timed(ctx, 'shipment lines', () => client.query(INSERT_SHIPMENT_LINES));
    await timed(ctx, 'returns (1% of the lines)', () => client.query(INSERT_RETURNS, [warehouseId, day]));
    await client.query('COMMIT');
    await client.query('DROP TABLE ab_line, ab_ship, ab_dealer, ab_product');
    await timed(ctx, 'VACUUM (ANALYZE)', () => client.query('VACUUM (ANALYZE) shipment, shipment_line, sales_return, sales_return_line, sales_order, sales_order_line'));
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

// ---------------------------------------------------------------------------------------------
// the raw aggregate: the same facts (shipment lines +, return lines −), keys and sums, by hand

/** $1 from, $2 to, $3 the organisation path the dealers must be under ('' = all) */
const RAW_PIVOT = `
  WITH br AS (
    SELECT d.id, (CASE WHEN d.depth >= 2 THEN split_part(d.path, '/', 3) ELSE split_part(d.path, '/', 2) END)::uuid AS branch_id
      FROM organization d WHERE d.type = 'DEALER' AND d.path LIKE $3 || '%'
  ), pc AS (
    SELECT p.id, split_part(c.path, '/', 2)::uuid AS category_id FROM product p JOIN category c ON c.id = p.category_id
  ), f AS (
    SELECT s.business_date AS d, s.dealer_id, sl.product_id, sl.amount AS sales, NULL::numeric AS returns, sl.tax_amount AS tax, sl.cost_amount AS cost
      FROM shipment s JOIN shipment_line sl ON sl.shipment_id = s.id WHERE s.business_date BETWEEN $1::date AND $2::date
    UNION ALL
    SELECT r.business_date, r.dealer_id, rl.product_id, NULL, rl.amount, -rl.tax_amount, -rl.cost_amount
      FROM sales_return r JOIN sales_return_line rl ON rl.return_id = r.id WHERE r.business_date BETWEEN $1::date AND $2::date
  ), a AS (
    SELECT date_trunc('month', f.d::timestamp)::date AS month, br.branch_id, pc.category_id,
           sum(f.sales) AS sales, sum(f.returns) AS returns, sum(f.tax) AS tax, sum(f.cost) AS cost
      FROM f JOIN br ON br.id = f.dealer_id LEFT JOIN pc ON pc.id = f.product_id
     GROUP BY 1, 2, 3
  )
  SELECT to_char(a.month, 'YYYY-MM') AS month, a.branch_id::text AS branch_id, b.name AS branch_name, a.category_id::text AS category_id, c.name AS category_name,
         a.sales, a.returns, a.tax, a.cost
    FROM a LEFT JOIN organization b ON b.id = a.branch_id LEFT JOIN category c ON c.id = a.category_id
   ORDER BY a.month, b.code, c.sort_order, c.code`;

interface RawRow {
  month: string;
  branch_id: string;
  category_id: string | null;
  sales: string | null;
  returns: string | null;
  tax: string | null;
  cost: string | null;
}

const MEASURES = 'sales,netSales,grossMargin,marginRate';
const n = (v: string | null) => new Dec(v ?? 0);

/** The raw rows in the API's terms: net sales = sales − returns − tax; margin = net − cost. */
function rawCanon(r: RawRow): string {
  const net = n(r.sales).minus(n(r.returns)).minus(n(r.tax));
  const margin = net.minus(n(r.cost));
  return [r.month, r.branch_id, r.category_id, fmt(n(r.sales)), fmt(net), fmt(margin), net.isZero() ? null : margin.div(net).toFixed(4, Dec.ROUND_HALF_UP)].join('|');
}
const apiCanon = (r: Record<string, string | null>) => [r.month, r.branchId, r.categoryId, r.sales, r.netSales, r.grossMargin, r.marginRate].join('|');

function compareAnswers(api: AnalysisResult, raw: RawRow[]) {
  const warnings: string[] = [];
  const a = api.rows.map(apiCanon);
  const b = raw.map(rawCanon);
  const differing = b.findIndex((c, i) => c !== a[i]);
  if (a.length !== b.length) warnings.push(`the API answered ${a.length} rows, the SQL side ${b.length}`);
  if (differing >= 0) warnings.push(`row ${differing} differs: API ${a[differing] ?? 'none'} vs SQL ${b[differing]}`);
  const sqlSales = raw.reduce((s, r) => s.plus(n(r.sales)), new Dec(0));
  const sqlNet = raw.reduce((s, r) => s.plus(n(r.sales)).minus(n(r.returns)).minus(n(r.tax)), new Dec(0));
  const sqlMargin = raw.reduce((s, r) => s.plus(n(r.sales)).minus(n(r.returns)).minus(n(r.tax)).minus(n(r.cost)), new Dec(0));
  if (api.totals.sales !== fmt(sqlSales) || api.totals.netSales !== fmt(sqlNet) || api.totals.grossMargin !== fmt(sqlMargin)) {
    warnings.push(`totals differ: API ${JSON.stringify(api.totals)} vs SQL sales ${fmt(sqlSales)} net ${fmt(sqlNet)} margin ${fmt(sqlMargin)}`);
  }
  if (!api.rows.length) warnings.push('the pivot is empty');
  return {
    apiTotal: api.rows.length,
    sqlTotal: raw.length,
    sameFirstPage: warnings.length === 0,
    warnings,
    notes: { rows: api.rows.length, apiSales: api.totals.sales, sqlSales: fmt(sqlSales), apiNetSales: api.totals.netSales, sqlNetSales: fmt(sqlNet), apiGrossMargin: api.totals.grossMargin, sqlGrossMargin: fmt(sqlMargin), marginRate: api.totals.marginRate },
  };
}

export const analysisSuite: BenchSuite = {
  name: 'analysis',
  sizesFromEnv: () => [intEnv('BENCH_ANALYSIS_LINES', 2_000_000, 10)],

  async prepare(ctx: SuiteContext) {
    const t0 = Date.now();
    await insertDealers(ctx.pool, DEALERS, 20261206);
    ctx.log(`inserted ${DEALERS} dealers in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    const t1 = Date.now();
    await insertFacts(ctx, ctx.size);
    const { rows } = await ctx.pool.query<{ lines: number; returns: number }>('SELECT (SELECT count(*) FROM shipment_line)::int AS lines, (SELECT count(*) FROM sales_return_line)::int AS returns');
    ctx.log(`inserted the facts in ${((Date.now() - t1) / 1000).toFixed(1)}s: ${rows[0].lines} shipment lines, ${rows[0].returns} return lines in all`);
  },

  async oneShots(ctx: SuiteContext): Promise<OneShotScenario[]> {
    const to = today();
    const from = addDays(to, -DAYS);
    const auth = await login(ctx.baseUrl, 'admin', 'Demo#2026');
    // BENCH_ANALYSIS_EXPORT_DIMS: dealer,day,product makes about one row per shipped line, so the
    // export's row count follows BENCH_ANALYSIS_LINES (the memory check at 100,000 and 200,000 rows)
    const exportDims = process.env.BENCH_ANALYSIS_EXPORT_DIMS || 'dealer,month,category';
    // BENCH_ANALYSIS_EXPORT_SORT (e.g. -netSales): the export in the page's sort (groups by their subtotal: window sums in the statement)
    const exportSort = process.env.BENCH_ANALYSIS_EXPORT_SORT || '';
    if (exportSort && !['quantity', 'sales', 'netSales', 'grossMargin'].includes(exportSort.replace(/^-/, ''))) throw new Error('BENCH_ANALYSIS_EXPORT_SORT: one of quantity, sales, netSales, grossMargin, - for highest first');
    const qs = new URLSearchParams({ measures: 'quantity,sales,netSales,grossMargin', dimensions: exportDims, from, to, ...(exportSort ? { sort: exportSort } : {}) }).toString();
    const byLine = exportDims === 'dealer,day,product';
    if (!byLine && exportDims !== 'dealer,month,category') throw new Error('BENCH_ANALYSIS_EXPORT_DIMS: dealer,month,category or dealer,day,product');
    // the SQL side groups the same way: (dealer, month, top category) or (dealer, day, product)
    const [period, item] = byLine ? ['day', 'f.product_id'] : ['month', "split_part(c.path, '/', 2)::uuid"];
    const flat = `
      WITH f AS (
        SELECT s.business_date AS d, s.dealer_id, sl.product_id, sl.qty, sl.amount AS sales, NULL::numeric AS returns, sl.tax_amount AS tax, sl.cost_amount AS cost
          FROM shipment s JOIN shipment_line sl ON sl.shipment_id = s.id WHERE s.business_date BETWEEN $1::date AND $2::date
        UNION ALL
        SELECT r.business_date, r.dealer_id, rl.product_id, -rl.qty, NULL, rl.amount, -rl.tax_amount, -rl.cost_amount
          FROM sales_return r JOIN sales_return_line rl ON rl.return_id = r.id WHERE r.business_date BETWEEN $1::date AND $2::date
      ), a AS (
        SELECT f.dealer_id, date_trunc('${period}', f.d::timestamp)::date AS month, ${item} AS category_id, sum(f.qty) AS qty, sum(f.sales) AS sales, sum(f.returns) AS returns, sum(f.tax) AS tax, sum(f.cost) AS cost
          FROM f LEFT JOIN product p ON p.id = f.product_id LEFT JOIN category c ON c.id = p.category_id GROUP BY 1, 2, 3
      )
      SELECT d.code, d.name, to_char(a.month, 'YYYY-MM') AS month, c.name AS category, a.qty, a.sales, a.returns, a.tax, a.cost
        FROM a LEFT JOIN organization d ON d.id = a.dealer_id LEFT JOIN ${byLine ? 'product' : 'category'} c ON c.id = a.category_id ORDER BY d.code, a.month, c.${byLine ? 'code' : 'sort_order'}`;
    let apiRows: number | undefined;
    let sqlRows: number | undefined;
    const runs = intEnv('BENCH_ANALYSIS_RUNS', 3, 1);
    /**
     * The pivot as a one-shot, `runs` times on each side: one aggregate over millions of lines takes
     * seconds on a small machine, longer than a throughput window would hold.
     */
    const pivot = async (name: string, username: string, orgCode: string | null): Promise<OneShotScenario> => {
      const path = `/api/reports/analysis?${new URLSearchParams({ measures: MEASURES, dimensions: 'month,branch,category', from, to }).toString()}`;
      const a = await login(ctx.baseUrl, username, 'Demo#2026');
      const principal = await capturePrincipalQueries(a.userId, a.sessionId);
      const prefix = orgCode ? (await ctx.pool.query<{ path: string }>('SELECT path FROM organization WHERE code = $1', [orgCode])).rows[0].path : '';
      let answer: AnalysisResult | undefined;
      let raw: RawRow[] = [];
      const times = { api: [] as number[], sql: [] as number[] };
      const median = (xs: number[]) => round([...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)], 3);
      return {
        name,
        description: `${username}: month x branch x category of ${MEASURES} over ${ctx.size} shipped lines (${from}..${to})${orgCode ? `, scope ${orgCode}` : ''}, ${runs} run(s) a side`,
        rows: ctx.size,
        apiUnit: `GET ${path} as ${username}, ${runs} time(s) one after the other`,
        sqlUnit: "principal lookup (the server's own SQL) + one hand-written aggregate (shipment lines UNION ALL return lines, joined to the dealer's branch and the product's top category, GROUP BY month, branch, category, the names joined), the same number of times",
        api: async () => {
          for (let i = 0; i < runs; i++) {
            const t0 = process.hrtime.bigint();
            answer = await getJson<AnalysisResult>(ctx.baseUrl, path, a.accessToken);
            times.api.push(Number(process.hrtime.bigint() - t0) / 1e9);
          }
          return { medianSeconds: median(times.api) };
        },
        sql: async () => {
          for (let i = 0; i < runs; i++) {
            const t0 = process.hrtime.bigint();
            for (const p of principal) await ctx.pool.query(p.sql, p.params);
            raw = (await ctx.pool.query<RawRow>(RAW_PIVOT, [from, to, prefix])).rows;
            times.sql.push(Number(process.hrtime.bigint() - t0) / 1e9);
          }
          return { medianSeconds: median(times.sql) };
        },
        check: async () => {
          if (!answer) return { warnings: ['the API side did not answer'] };
          const c = compareAnswers(answer, raw);
          return { warnings: c.warnings, notes: { ...c.notes, sameAnswer: c.sameFirstPage, apiMedianSeconds: median(times.api), sqlMedianSeconds: median(times.sql) } };
        },
      };
    };
    return [
      await pivot('pivot-hq', 'admin', null),
      await pivot('pivot-branch', 'bj.manager', 'BJ'),
      {
        name: 'export',
        description: `xlsx export of ${exportDims.replace(/,/g, ' x ')} (${from}..${to})${exportSort ? ` sorted ${exportSort}` : ''} over ${ctx.size} shipped lines, streamed, with a subtotal line per outer group`,
        rows: ctx.size,
        apiUnit: 'GET /api/reports/analysis/export as admin, the whole workbook read off the socket (not kept), wall time; the server\'s peak RSS',
        sqlUnit: 'the same flat aggregate as raw SQL, every row fetched into this process (no workbook)',
        api: async () => {
          const before = readRssKb(ctx.serverPid);
          const fromHere = resetPeakRss(ctx.serverPid);
          const res = await fetch(`${ctx.baseUrl}/api/reports/analysis/export?${qs}`, { headers: { authorization: `Bearer ${auth.accessToken}` } });
          if (res.status !== 200 || !res.body) throw new Error(`export answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
          let bytes = 0;
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
          const peak = readPeakRssKb(ctx.serverPid);
          const audit = await ctx.pool.query<{ rows: number }>("SELECT (after->>'rows')::int AS rows FROM audit_log WHERE entity = 'analysis' AND action = 'export' ORDER BY created_at DESC LIMIT 1");
          apiRows = audit.rows[0]?.rows;
          return {
            rowsExported: apiRows,
            megabytes: round(bytes / 1048576, 1),
            serverRssBeforeMb: before === undefined ? undefined : round(before / 1024, 1),
            serverPeakRssMb: peak === undefined ? undefined : round(peak / 1024, 1),
            peakCountsFromStart: !fromHere || undefined,
          };
        },
        sql: async () => {
          const res = await ctx.pool.query(flat, [from, to]);
          sqlRows = res.rowCount ?? 0;
          return { rows: sqlRows };
        },
        check: async () => {
          const warnings: string[] = [];
          if (apiRows !== sqlRows) warnings.push(`the export wrote ${apiRows} rows, the SQL side read ${sqlRows}`);
          if ((apiRows ?? 0) < 100_000) warnings.push(`only ${apiRows} rows exported (the requirement speaks of 100,000): raise BENCH_ANALYSIS_LINES`);
          return { warnings, notes: { apiRows, sqlRows } };
        },
      },
    ];
  },
};
