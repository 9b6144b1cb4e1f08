/**
 * 智能补货 (POST /api/replenishment/runs) for every dealer as an HQ admin over BENCH_REPLENISH_DEALERS
 * (500) dealers x BENCH_REPLENISH_PRODUCTS (1,000) products x 30 days of reports (15,000,000
 * dealer_report rows), against ONE raw SQL aggregate computing the same figures (usable and stock-out
 * days, the 4-decimal average, current stock, window sales, open supply, the rounded quantity) without
 * writing the lines. The server's memory is read from /proc before and at its peak.
 *
 * Test data, set-based: the generated dealers (org-list's generator), products added up to the count,
 * reports INSERT .. SELECT generate_series with a weekly rhythm and ~5% stock-out days.
 */
import type { Pool } from 'pg';
import { BenchSuite, intEnv, login, readPeakRssKb, readRssKb, requireServerDist, resetPeakRss, round, SuiteContext } from './harness';
import type { OneShotScenario } from './harness';
import { insertDealers } from './org-list.bench';

const PASSWORD = 'Demo#2026';
const today = (): string =>
  requireServerDist<{ businessDate(at: Date, tz: string): string }>('database/business-date').businessDate(new Date(), process.env.COMPANY_TZ || 'Asia/Shanghai');

/** The same figures the run computes, for the company default (TURNOVER, 30 / 15 / 3 / 0) — read, not written. */
const RAW_SQL = `
WITH agg AS (
  SELECT r.dealer_id, r.product_id,
         count(*) FILTER (WHERE r.business_date >= $1::date - 30 AND r.business_date < $1::date AND r.stock > 0) AS usable_days,
         coalesce(sum(r.sold) FILTER (WHERE r.business_date >= $1::date - 30 AND r.business_date < $1::date AND r.stock > 0), 0) AS usable_sold,
         max(r.business_date) AS latest_day,
         (array_agg(r.stock ORDER BY r.business_date DESC))[1] AS current_stock
    FROM dealer_report r WHERE r.business_date <= $1::date
   GROUP BY r.dealer_id, r.product_id
), open AS (
  SELECT so.dealer_id, l.product_id, sum(l.qty - l.shipped_qty) AS q FROM sales_order so JOIN sales_order_line l ON l.order_id = so.id
   WHERE so.status IN ('APPROVED', 'PARTIALLY_SHIPPED') GROUP BY 1, 2
), calc AS (
  SELECT a.*, CASE WHEN a.usable_days > 0 THEN round(a.usable_sold / a.usable_days, 4) ELSE 0 END * 18 - a.current_stock - coalesce(o.q, 0) AS raw_qty,
         CASE WHEN p.order_multiple > 0 THEN p.order_multiple ELSE 1 END AS m, p.min_order_qty
    FROM agg a JOIN product p ON p.id = a.product_id AND p.status = 'ON_SALE'
    LEFT JOIN open o ON o.dealer_id = a.dealer_id AND o.product_id = a.product_id
)
SELECT count(*) FILTER (WHERE usable_days < 7 OR raw_qty > 0)::int AS lines,
       count(*) FILTER (WHERE usable_days >= 7 AND raw_qty > 0)::int AS suggested,
       sum(greatest(ceil(raw_qty / m) * m, min_order_qty)) FILTER (WHERE usable_days >= 7 AND raw_qty > 0) AS qty
  FROM calc`;

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
    await client.query('VACUUM (ANALYZE) dealer_report, product, organization');
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
    let api: { lineCount: number; suggestedCount: number } | undefined;
    let raw: { lines: number; suggested: number } | undefined;
    return [
      {
        name: 'run',
        description: `replenishment for every dealer over ${p.rows} report rows`,
        rows: p.rows,
        apiUnit: 'POST /api/replenishment/runs {} as admin: one set-based statement computes and writes every line, wall time',
        sqlUnit: 'one raw aggregate computing the same figures for the company default, read only',
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
          api = JSON.parse(text);
          const peak = readPeakRssKb(ctx.serverPid);
          return { seconds: round(seconds, 2), lines: api!.lineCount, suggested: api!.suggestedCount, serverRssBeforeMb: before === undefined ? undefined : round(before / 1024, 1), serverPeakRssMb: peak === undefined ? undefined : round(peak / 1024, 1), peakCountsFromStart: !fromHere || undefined };
        },
        sql: async () => {
          const { rows } = await ctx.pool.query<{ lines: number; suggested: number; qty: string }>(RAW_SQL, [today()]);
          raw = rows[0];
          return { lines: raw.lines, suggested: raw.suggested };
        },
        check: async () => {
          const warnings: string[] = [];
          // the demo dealers' own settings or orders may differ from the raw default; the generated ones dominate
          if (api && raw && Math.abs(api.suggestedCount - raw.suggested) > raw.suggested * 0.01) warnings.push(`suggested lines: API ${api.suggestedCount} vs SQL ${raw.suggested}`);
          return { warnings };
        },
      },
    ];
  },
};
