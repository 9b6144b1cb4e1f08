/**
 * 智能补货 (POST /api/replenishment/runs) for every dealer as an HQ admin over BENCH_REPLENISH_DEALERS
 * (500) dealers x BENCH_REPLENISH_PRODUCTS (1,000) products x 30 days of reports (15,000,000
 * dealer_report rows), against ONE raw SQL statement doing the same work: computing exactly the same
 * lines (every active dealer, per-organisation and per-product settings, the branch product range,
 * open supply, the rounded quantity) and writing them into replenishment_line under a run of its own,
 * in one transaction with the run's session settings (the API's RUN_SESSION). The check compares the
 * two runs line by line (count, suggested, sum of qty, and a digest of every line's figures). The
 * server's memory is read from /proc before and at its peak.
 *
 * Test data, set-based: the generated dealers (org-list's generator), products added up to the count,
 * reports INSERT .. SELECT generate_series with a weekly rhythm and ~5% stock-out days, and settings
 * at every level: SH branch-wide 销存差 over 14 days, every 10th generated dealer 销一补一 over 21 days,
 * 50 products with their own row on the BJ branch, 20 products with their own row on every 20th dealer.
 */
import type { Pool } from 'pg';
import { BenchSuite, intEnv, login, readPeakRssKb, readRssKb, requireServerDist, resetPeakRss, round, SuiteContext } from './harness';
import type { OneShotScenario } from './harness';
import { insertDealers } from './org-list.bench';

const PASSWORD = 'Demo#2026';
const today = (): string =>
  requireServerDist<{ businessDate(at: Date, tz: string): string }>('database/business-date').businessDate(new Date(), process.env.COMPANY_TZ || 'Asia/Shanghai');

/**
 * The same lines as the run, written by hand as one INSERT .. SELECT (the way one would in psql):
 * settings and range resolved with DISTINCT ON per dealer and per (dealer, product), one GROUP BY
 * over the reports with the newest stock by an ordered array_agg, open supply by joins. $1 the
 * business date, $2 the run id; the built-in default (TURNOVER 30 / 15 / 3 / 0) inline.
 */
const RAW_SQL = `
WITH dealer AS (
  SELECT o.id, o.path FROM organization o WHERE o.type = 'DEALER' AND o.status = 'ACTIVE'
), org_prm AS (
  SELECT DISTINCT ON (d.id) d.id AS dealer_id, s.method, s.window_days, s.turnover_days, s.lead_days, s.safety_stock
    FROM dealer d LEFT JOIN (replenishment_setting s JOIN organization so ON so.id = s.org_id AND s.product_id IS NULL) ON d.path LIKE so.path || '%'
   ORDER BY d.id, so.depth DESC NULLS LAST
), product_prm AS (
  SELECT DISTINCT ON (d.id, s.product_id) d.id AS dealer_id, s.product_id, s.method, s.window_days, s.turnover_days, s.lead_days, s.safety_stock
    FROM dealer d JOIN organization so ON d.path LIKE so.path || '%' JOIN replenishment_setting s ON s.org_id = so.id AND s.product_id IS NOT NULL
   ORDER BY d.id, s.product_id, so.depth DESC
), range_org AS (
  SELECT DISTINCT ON (d.id) d.id AS dealer_id, ro.id AS org_id
    FROM dealer d JOIN organization ro ON d.path LIKE ro.path || '%' AND ro.id IN (SELECT branch_id FROM branch_product_scope)
   ORDER BY d.id, ro.depth DESC
), in_range AS (
  SELECT DISTINCT bs.branch_id, p.id AS product_id
    FROM branch_product_scope bs JOIN product p ON p.id = bs.product_id
      OR p.category_id IN (SELECT pc.id FROM category pc JOIN category rc ON rc.id = bs.category_id AND pc.path LIKE rc.path || '%')
), last_rep AS (
  SELECT dealer_id, max(business_date) AS day FROM sales_order
   WHERE source = 'REPLENISHMENT' AND status NOT IN ('CANCELLED', 'REJECTED') GROUP BY dealer_id
), prm AS (
  SELECT d.id AS dealer_id, lr.day AS last_day, rg.org_id AS range_org,
         coalesce(o.method, 'TURNOVER') AS method, coalesce(o.window_days, 30) AS window_days, coalesce(o.turnover_days, 15) AS turnover_days,
         coalesce(o.lead_days, 3) AS lead_days, coalesce(o.safety_stock, 0) AS safety_stock
    FROM dealer d JOIN org_prm o ON o.dealer_id = d.id LEFT JOIN last_rep lr ON lr.dealer_id = d.id LEFT JOIN range_org rg ON rg.dealer_id = d.id
), agg AS (
  SELECT r.dealer_id, r.product_id, m.last_day, m.range_org,
         coalesce(pp.method, m.method) AS method, coalesce(pp.window_days, m.window_days) AS window_days, coalesce(pp.turnover_days, m.turnover_days) AS turnover_days,
         coalesce(pp.lead_days, m.lead_days) AS lead_days, coalesce(pp.safety_stock, m.safety_stock) AS safety_stock,
         count(*) FILTER (WHERE r.business_date >= $1::date - coalesce(pp.window_days, m.window_days) AND r.business_date < $1::date AND r.stock > 0) AS usable_days,
         count(*) FILTER (WHERE r.business_date >= $1::date - coalesce(pp.window_days, m.window_days) AND r.business_date < $1::date AND r.stock = 0) AS stockout_days,
         coalesce(sum(r.sold) FILTER (WHERE r.business_date >= $1::date - coalesce(pp.window_days, m.window_days) AND r.business_date < $1::date AND r.stock > 0), 0) AS usable_sold,
         coalesce(sum(r.sold) FILTER (WHERE r.business_date >= $1::date - coalesce(pp.window_days, m.window_days) AND r.business_date < $1::date), 0) AS window_sold,
         coalesce(sum(r.sold) FILTER (WHERE r.business_date > m.last_day), 0) AS since_sold,
         max(r.business_date) AS latest_day,
         (array_agg(r.stock ORDER BY r.business_date DESC))[1] AS current_stock
    FROM dealer_report r JOIN prm m ON m.dealer_id = r.dealer_id
    LEFT JOIN product_prm pp ON pp.dealer_id = r.dealer_id AND pp.product_id = r.product_id
   WHERE r.business_date <= $1::date
   GROUP BY r.dealer_id, r.product_id, m.last_day, m.range_org, pp.method, m.method, pp.window_days, m.window_days, pp.turnover_days, m.turnover_days,
            pp.lead_days, m.lead_days, pp.safety_stock, m.safety_stock
), approved AS (
  SELECT so.dealer_id, l.product_id, sum(l.qty - l.shipped_qty) AS q FROM sales_order so JOIN sales_order_line l ON l.order_id = so.id
   WHERE so.status IN ('APPROVED', 'PARTIALLY_SHIPPED') GROUP BY 1, 2
), ordered AS (
  SELECT so.dealer_id, l.product_id, sum(l.qty) AS q FROM sales_order so JOIN sales_order_line l ON l.order_id = so.id
   WHERE so.source = 'REPLENISHMENT' AND so.status IN ('DRAFT', 'PENDING_REVIEW', 'PENDING_APPROVAL') GROUP BY 1, 2
), shipped AS (
  SELECT a.dealer_id, a.product_id, sum(sl.qty) AS q FROM agg a
    JOIN shipment s ON s.dealer_id = a.dealer_id AND s.business_date > a.latest_day AND s.business_date <= $1::date
    JOIN shipment_line sl ON sl.shipment_id = s.id AND sl.product_id = a.product_id
   GROUP BY 1, 2
), calc AS (
  SELECT a.*, x.avg_daily, x.open_supply, x.avg_daily * (a.turnover_days + a.lead_days) + a.safety_stock AS target,
         CASE WHEN a.last_day IS NULL THEN a.window_sold ELSE a.since_sold END AS sold_since_last,
         CASE a.method
           WHEN 'SELL_ONE_REPLACE_ONE' THEN (CASE WHEN a.last_day IS NULL THEN a.window_sold ELSE a.since_sold END) - x.open_supply
           WHEN 'SALES_STOCK_DIFF' THEN a.window_sold - a.current_stock - x.open_supply
           ELSE x.avg_daily * (a.turnover_days + a.lead_days) + a.safety_stock - a.current_stock - x.open_supply
         END AS raw_qty,
         CASE WHEN p.order_multiple > 0 THEN p.order_multiple ELSE 1 END AS multiple, p.min_order_qty
    FROM agg a
    JOIN product p ON p.id = a.product_id AND p.status = 'ON_SALE'
    LEFT JOIN approved ap ON ap.dealer_id = a.dealer_id AND ap.product_id = a.product_id
    LEFT JOIN ordered od ON od.dealer_id = a.dealer_id AND od.product_id = a.product_id
    LEFT JOIN shipped sh ON sh.dealer_id = a.dealer_id AND sh.product_id = a.product_id
   CROSS JOIN LATERAL (SELECT CASE WHEN a.usable_days > 0 THEN round(a.usable_sold / a.usable_days, 4) ELSE 0 END AS avg_daily,
                              coalesce(ap.q, 0) + coalesce(od.q, 0) + coalesce(sh.q, 0) AS open_supply) x
   WHERE a.range_org IS NULL OR EXISTS (SELECT 1 FROM in_range ir WHERE ir.branch_id = a.range_org AND ir.product_id = a.product_id)
)
INSERT INTO replenishment_line (run_id, dealer_id, product_id, method, window_days, turnover_days, lead_days, safety_stock,
                                usable_days, stockout_days, usable_sold, avg_daily, window_sold, sold_since_last, last_replenishment_date,
                                latest_report_date, current_stock, open_supply, target, raw_qty, suggested_qty, qty, status)
SELECT $2::uuid, c.dealer_id, c.product_id, c.method, c.window_days, c.turnover_days, c.lead_days, c.safety_stock,
       c.usable_days, c.stockout_days, c.usable_sold, c.avg_daily, c.window_sold, c.sold_since_last, c.last_day,
       c.latest_day, c.current_stock, c.open_supply, c.target, c.raw_qty, q.qty, q.qty,
       CASE WHEN c.usable_days < 7 THEN 'INSUFFICIENT_DATA' ELSE 'SUGGESTED' END
  FROM calc c
 CROSS JOIN LATERAL (SELECT CASE WHEN c.usable_days < 7 THEN 0 ELSE greatest(ceil(c.raw_qty / c.multiple) * c.multiple, c.min_order_qty) END AS qty) q
 WHERE c.usable_days < 7 OR c.raw_qty > 0`;

/** A run's lines in figures: counts, the sum of qty, and a digest of every line (dealer, product, parameters, figures, qty, status). */
const LINES_DIGEST = `
SELECT count(*)::int AS lines, count(*) FILTER (WHERE status = 'SUGGESTED')::int AS suggested, coalesce(sum(qty), 0)::text AS qty,
       md5(string_agg(concat_ws('|', dealer_id, product_id, method, window_days, turnover_days, lead_days, safety_stock, usable_days, stockout_days,
                                usable_sold, avg_daily, window_sold, sold_since_last, last_replenishment_date, latest_report_date, current_stock,
                                open_supply, target, raw_qty, suggested_qty, qty, status), ',' ORDER BY dealer_id, product_id)) AS digest
  FROM replenishment_line WHERE run_id = $1`;

/** Settings at every level (see the header); the generated dealers are D-<letters><6 digits>. */
const SETTINGS_SQL = `
WITH gen AS (
  SELECT id, row_number() OVER (ORDER BY code) AS n FROM organization WHERE type = 'DEALER' AND code ~ '^D-[A-Z]+[0-9]{6}$'
), prod AS (
  SELECT id, row_number() OVER (ORDER BY code) AS n FROM product WHERE status = 'ON_SALE'
)
INSERT INTO replenishment_setting (org_id, product_id, method, window_days, turnover_days, lead_days, safety_stock)
SELECT id, NULL::uuid, 'SALES_STOCK_DIFF', 14, 0, 0, 0 FROM organization WHERE code = 'SH'
UNION ALL SELECT id, NULL, 'SELL_ONE_REPLACE_ONE', 21, 0, 0, 0 FROM gen WHERE n % 10 = 0
UNION ALL SELECT o.id, p.id, 'TURNOVER', 7, 10, 2, 5 FROM organization o JOIN prod p ON p.n % 20 = 7 WHERE o.code = 'BJ'
UNION ALL SELECT g.id, p.id, 'TURNOVER', 14, 20, 5, 3 FROM gen g JOIN prod p ON p.n % 50 = 3 WHERE g.n % 20 = 0
ON CONFLICT DO NOTHING`;

type Digest = { lines: number; suggested: number; qty: string; digest: string | null };

const prepared = new Map<number, { rows: number }>();

async function prepare(ctx: SuiteContext): Promise<void> {
  const dealers = intEnv('BENCH_REPLENISH_DEALERS', 500, 1);
  const products = intEnv('BENCH_REPLENISH_PRODUCTS', 1000, 10);
  const days = 30;
  const t0 = Date.now();
  await insertDealers(ctx.pool, dealers);
  const pool: Pool = ctx.pool;
  const { rows: have } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM product WHERE status = 'ON_SALE'`);
  const extra = Math.max(0, products - have[0].n);
  if (extra) {
    await pool.query(
      `INSERT INTO product (code, name, category_id, base_unit, base_price, min_order_qty, order_multiple, status)
       SELECT 'RB' || lpad(g::text, 6, '0'), '补货压测商品 ' || g, c.id, '瓶', 10, 1, CASE WHEN g % 3 = 0 THEN 6 ELSE 1 END, 'ON_SALE'
         FROM generate_series(1, $1::int) g
         JOIN LATERAL (SELECT id FROM category WHERE parent_id IS NOT NULL ORDER BY code OFFSET (g % 10) LIMIT 1) c ON true`,
      [extra],
    );
  }
  const client = await pool.connect();
  try {
    await client.query(`SET work_mem = '256MB'`);
    await client.query('SELECT setseed(0.2026)');
    // the generated dealers (D-<prefix><6 digits>) x the first products, 30 days up to yesterday
    await client.query(
      `INSERT INTO dealer_report (dealer_id, product_id, business_date, stock, sold, source)
       SELECT d.id, p.id, $1::date - g, CASE WHEN random() < 0.05 THEN 0 ELSE floor(random() * 80) END, floor(random() * (CASE WHEN g % 7 = 0 THEN 12 ELSE 6 END)), 'IMPORT'
         FROM (SELECT id FROM organization WHERE type = 'DEALER' AND code ~ '^D-[A-Z]+[0-9]{6}$' ORDER BY code LIMIT $2) d
        CROSS JOIN (SELECT id FROM product WHERE status = 'ON_SALE' ORDER BY code LIMIT $3) p
        CROSS JOIN generate_series(1, $4::int) g`,
      [today(), dealers, products, days],
    );
    await client.query(SETTINGS_SQL);
    await client.query('VACUUM (ANALYZE) dealer_report, product, organization, replenishment_setting');
  } finally {
    client.release();
  }
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dealer_report');
  prepared.set(ctx.size, { rows: rows[0].n });
  ctx.log(`inserted ${rows[0].n} dealer reports (${dealers} dealers x ${products} products x ${days} days) in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

export const replenishmentSuite: BenchSuite = {
  name: 'replenishment',
  sizesFromEnv: () => [intEnv('BENCH_REPLENISH_DEALERS', 500, 1)],
  prepare,
  async oneShots(ctx: SuiteContext): Promise<OneShotScenario[]> {
    const p = prepared.get(ctx.size)!;
    const auth = await login(ctx.baseUrl, 'admin', PASSWORD);
    // the run's own session settings, so both sides plan under the same work_mem and JIT
    const session = requireServerDist<{ RUN_SESSION: string[] }>('modules/replenishment/replenishment.sql').RUN_SESSION;
    let apiRun: string | undefined;
    let rawRun: string | undefined;
    const digest = async (runId: string): Promise<Digest> => (await ctx.pool.query<Digest>(LINES_DIGEST, [runId])).rows[0];
    return [
      {
        name: 'run',
        description: `replenishment for every dealer over ${p.rows} report rows`,
        rows: p.rows,
        apiUnit: 'POST /api/replenishment/runs {} as admin: computes and writes every line (an aggregate into a temporary table, then one INSERT), wall time',
        sqlUnit: 'one raw INSERT .. SELECT computing and writing the same lines under a run of its own, in a transaction with the same session settings',
        settle: async () => {
          await ctx.pool.query('CHECKPOINT');
        },
        api: async () => {
          const before = readRssKb(ctx.serverPid);
          const fromHere = resetPeakRss(ctx.serverPid);
          const t0 = process.hrtime.bigint();
          const res = await fetch(`${ctx.baseUrl}/api/replenishment/runs`, { method: 'POST', headers: { authorization: `Bearer ${auth.accessToken}`, 'content-type': 'application/json' }, body: '{}' });
          const text = await res.text();
          if (res.status !== 201) throw new Error(`POST /api/replenishment/runs answered ${res.status}: ${text.slice(0, 500)}`);
          const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
          const run = JSON.parse(text) as { id: string; lineCount: number; suggestedCount: number };
          apiRun = run.id;
          const peak = readPeakRssKb(ctx.serverPid);
          return { seconds: round(seconds, 2), lines: run.lineCount, suggested: run.suggestedCount, serverRssBeforeMb: before === undefined ? undefined : round(before / 1024, 1), serverPeakRssMb: peak === undefined ? undefined : round(peak / 1024, 1), peakCountsFromStart: !fromHere || undefined };
        },
        sql: async () => {
          const client = await ctx.pool.connect();
          try {
            await client.query('BEGIN');
            for (const setting of session) await client.query(setting);
            const { rows } = await client.query<{ id: string }>(`INSERT INTO replenishment_run (business_date, trigger) VALUES ($1::date, 'MANUAL') RETURNING id`, [today()]);
            rawRun = rows[0].id;
            const res = await client.query(RAW_SQL, [today(), rawRun]);
            await client.query('COMMIT');
            return { lines: res.rowCount ?? 0 };
          } catch (e) {
            await client.query('ROLLBACK');
            throw e;
          } finally {
            client.release();
          }
        },
        check: async () => {
          const warnings: string[] = [];
          if (!apiRun || !rawRun) return { warnings: ['a side did not run'] };
          const [a, r] = [await digest(apiRun), await digest(rawRun)];
          ctx.log(`  lines API ${a.lines} / SQL ${r.lines}; suggested ${a.suggested} / ${r.suggested}; sum of qty ${a.qty} / ${r.qty}; digest ${a.digest} / ${r.digest}`);
          if (a.lines !== r.lines || a.suggested !== r.suggested || a.qty !== r.qty || a.digest !== r.digest) warnings.push(`the two sides wrote different lines: API ${JSON.stringify(a)} vs SQL ${JSON.stringify(r)}`);
          return { warnings, notes: { apiLines: a.lines, sqlLines: r.lines, apiSuggested: a.suggested, sqlSuggested: r.suggested, apiQty: a.qty, sqlQty: r.qty, sameLines: a.digest === r.digest } };
        },
      },
    ];
  },
};
