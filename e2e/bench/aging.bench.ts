/**
 * 账龄 (GET /api/finance/aging) as an HQ admin over N open receivables (default 1,000,000), grouped
 * by dealer and by branch, against the raw aggregate SQL computing the same buckets (plus the
 * principal lookup the server runs on every request).
 *
 * Test data, set-based (INSERT .. SELECT generate_series): 1000 extra dealers under the demo
 * branches (the org-list generator), one SHIPPED sales order per dealer, one shipment per
 * receivable (receivable.shipment_id is a unique FK), shipment dates spread over the last 200 days
 * with due dates 0-60 days later (the dealer's credit days), so most are overdue by up to ~200
 * days and a share is not yet due; every receivable open (70% in full, the rest partly paid), and
 * the dealers' credit accounts carry the open total. Sizes from BENCH_AGING_ROWS.
 */
import type { Pool, PoolClient } from 'pg';
import { agingBuckets, AgingReport, DEFAULT_AGING_BOUNDS, fmt } from '@drp/shared';
import { BenchSuite, capturePrincipalQueries, CapturedQuery, getJson, intEnv, login, openServerQueryCapture, requireServerDist, Scenario, SuiteContext } from './harness';
import { insertDealers } from './org-list.bench';

const DEALERS = 1000;
const SEED = 0.20261123;
const REMARK = 'bench aging';

const today = (): string =>
  requireServerDist<{ businessDate(at: Date, tz: string): string }>('database/business-date').businessDate(new Date(), process.env.COMPANY_TZ || 'Asia/Shanghai');

// ---------------------------------------------------------------------------------------------
// test data

/** The generated dealers (org-list's codes: D-<prefix><6 digits>) with their selling branch and credit days. */
const STAGE_DEALERS = `
  CREATE TEMP TABLE bench_dealer AS
  SELECT (row_number() OVER (ORDER BY d.code) - 1)::int AS n, d.id, br.id AS branch_id, (ARRAY[0, 15, 30, 45, 60])[1 + (row_number() OVER (ORDER BY d.code) % 5)::int] AS credit_days,
         NULL::uuid AS order_id
    FROM organization d
   CROSS JOIN LATERAL (SELECT b.id FROM organization b WHERE d.path LIKE b.path || '%' AND b.type IN ('BRANCH', 'HQ') ORDER BY (b.type = 'BRANCH') DESC, b.depth DESC LIMIT 1) br
   WHERE d.type = 'DEALER' AND d.code ~ '^D-[A-Z]+[0-9]{6}$'`;

/** $1 rows, $2 dealers, $3 today. */
const STAGE_RECEIVABLES = `
  CREATE TEMP TABLE bench_rcv AS
  WITH g AS (
    SELECT i, floor(random() * $2)::int AS dn, floor(random() * 200)::int AS age, round((50 + random() * 9950)::numeric, 2) AS amount, random() AS paid
      FROM generate_series(1, $1::int) i
  )
  SELECT gen_random_uuid() AS shipment_id, g.i, d.id AS dealer_id, d.branch_id, $3::date - g.age AS business_date, $3::date - g.age + d.credit_days AS due_date, g.amount,
         CASE WHEN g.paid < 0.7 THEN g.amount ELSE greatest(0.01, round(g.amount * (1 - g.paid::numeric), 2)) END AS open_amount
    FROM g JOIN bench_dealer d ON d.n = g.dn`;

/** One SHIPPED order per dealer that has receivables ($1 warehouse, $2 today). */
const INSERT_ORDERS = `
  WITH t AS (SELECT dealer_id, sum(amount) AS total FROM bench_rcv GROUP BY dealer_id),
  o AS (
    INSERT INTO sales_order (number, status, source, dealer_id, branch_id, warehouse_id, business_date, remark, total, shipped_total, submitted_at, approved_at, created_at)
    SELECT 'SOB' || lpad(d.n::text, 7, '0'), 'SHIPPED', 'CONSOLE', d.id, d.branch_id, $1, $2::date - 200, '${REMARK}', t.total, t.total, now(), now(), ($2::date - 200)::timestamptz
      FROM bench_dealer d JOIN t ON t.dealer_id = d.id
    RETURNING id, dealer_id
  )
  UPDATE bench_dealer d SET order_id = o.id FROM o WHERE o.dealer_id = d.id`;

const INSERT_SHIPMENTS = `
  INSERT INTO shipment (id, number, order_id, dealer_id, warehouse_id, business_date, due_date, amount, remark, created_at, updated_at)
  SELECT r.shipment_id, 'FHB' || lpad(r.i::text, 8, '0'), d.order_id, r.dealer_id, $1, r.business_date, r.due_date, r.amount, '${REMARK}', r.business_date::timestamptz, r.business_date::timestamptz
    FROM bench_rcv r JOIN bench_dealer d ON d.id = r.dealer_id`;

const INSERT_RECEIVABLES = `
  INSERT INTO receivable (shipment_id, order_id, dealer_id, branch_id, number, business_date, due_date, amount, open_amount, created_at, updated_at)
  SELECT r.shipment_id, d.order_id, r.dealer_id, r.branch_id, 'FHB' || lpad(r.i::text, 8, '0'), r.business_date, r.due_date, r.amount, r.open_amount, r.business_date::timestamptz, r.business_date::timestamptz
    FROM bench_rcv r JOIN bench_dealer d ON d.id = r.dealer_id`;

/** The paid part is booked as prepayment money already allocated: the account carries what is open. */
const UPSERT_CREDIT = `
  INSERT INTO credit_account (dealer_id, credit_days, open_receivables)
  SELECT d.id, d.credit_days, COALESCE(sum(r.open_amount), 0) FROM bench_dealer d LEFT JOIN bench_rcv r ON r.dealer_id = d.id GROUP BY d.id, d.credit_days
  ON CONFLICT (dealer_id) DO UPDATE SET credit_days = EXCLUDED.credit_days, open_receivables = credit_account.open_receivables + EXCLUDED.open_receivables`;

async function timed(ctx: SuiteContext, label: string, work: () => Promise<unknown>): Promise<void> {
  const t0 = Date.now();
  await work();
  ctx.log(`  ${label} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

async function insertReceivables(ctx: SuiteContext, rows: number): Promise<void> {
  const client: PoolClient = await ctx.pool.connect();
  try {
    const [{ id: warehouseId } = { id: '' }] = (await client.query<{ id: string }>("SELECT id FROM warehouse WHERE code = 'WH-HQ'")).rows;
    if (!warehouseId) throw new Error('the demo warehouse WH-HQ is missing: is DEMO_DATA on?');
    const day = today();
    await client.query('SET work_mem = \'256MB\'');
    await client.query('SELECT setseed($1)', [SEED]);
    await timed(ctx, 'staged dealers', () => client.query(STAGE_DEALERS));
    const { rows: dl } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_dealer');
    if (!dl[0].n) throw new Error('no generated dealers found');
    await timed(ctx, `staged ${rows} receivables over ${dl[0].n} dealers`, () => client.query(STAGE_RECEIVABLES, [rows, dl[0].n, day]));
    await client.query('ANALYZE bench_rcv');
    await client.query('ANALYZE bench_dealer');
    await client.query('BEGIN');
    await timed(ctx, 'sales orders', () => client.query(INSERT_ORDERS, [warehouseId, day]));
    await timed(ctx, 'shipments', () => client.query(INSERT_SHIPMENTS, [warehouseId]));
    await timed(ctx, 'receivables', () => client.query(INSERT_RECEIVABLES));
    await timed(ctx, 'credit accounts', () => client.query(UPSERT_CREDIT));
    await client.query('COMMIT');
    await client.query('DROP TABLE bench_rcv, bench_dealer');
    // hint bits, visibility map and statistics now, not during a measurement
    await timed(ctx, 'VACUUM (ANALYZE)', () => client.query('VACUUM (ANALYZE) receivable, shipment, sales_order, credit_account'));
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

// ---------------------------------------------------------------------------------------------
// the raw aggregate: the same buckets (shared agingBuckets), the same filters, labels joined after

type GroupBy = 'dealer' | 'branch';

function rawAgingSql(groupBy: GroupBy, bounds: readonly number[]): string {
  const key = groupBy === 'dealer' ? 'r.dealer_id' : 'r.branch_id';
  const sums = agingBuckets(bounds)
    .map((b, i) => `COALESCE(sum(r.open_amount) FILTER (WHERE r.due_date <= $1::date - ${b.from}${b.to === null ? '' : ` AND r.due_date >= $1::date - ${b.to}`}), 0) AS b${i}`)
    .join(',\n           ');
  return `
    SELECT a.*, g.code, g.name
      FROM (SELECT ${key} AS key,
                   COALESCE(sum(r.open_amount) FILTER (WHERE r.due_date >= $1::date), 0) AS current,
                   ${sums},
                   sum(r.open_amount) AS total
              FROM receivable r
             WHERE r.open_amount > 0 AND r.business_date <= $1::date
             GROUP BY ${key}) a
      LEFT JOIN organization g ON g.id = a.key
     ORDER BY a.total DESC, g.code`;
}

interface RawRow {
  key: string | null;
  code: string | null;
  total: string;
  current: string;
  [bucket: string]: string | null;
}

/** The aging query as the built server's ReceivableService sends it (captured, for its plan). */
async function captureServerQuery(databaseUrl: string, groupBy: GroupBy, asOf: string): Promise<CapturedQuery> {
  const cap = await openServerQueryCapture(databaseUrl);
  try {
    type Ctor<T> = new (...args: unknown[]) => T;
    const { RequestContext } = cap.serverModule<{ RequestContext: { system(): unknown } }>('common/context/request-context');
    const { ReceivableService } = cap.serverModule<{ ReceivableService: Ctor<{ aging(ctx: unknown, q: { groupBy: GroupBy; asOf: string }): Promise<unknown> }> }>('modules/finance/receivable.service');
    // system context: no scope filter, as for an HQ admin (scope ALL)
    const { queries } = await cap.record(() => new ReceivableService(cap.db, { today: () => asOf }, undefined, undefined, { onFinal: () => undefined }).aging(RequestContext.system(), { groupBy, asOf }));
    const q = queries.find((x) => /FROM\s+"?receivable"?/i.test(x.sql));
    if (!q) throw new Error('aging: the server service ran no receivable query; update e2e/bench/aging.bench.ts');
    return q;
  } finally {
    await cap.close();
  }
}

export const agingSuite: BenchSuite = {
  name: 'aging',
  sizesFromEnv: () => [intEnv('BENCH_AGING_ROWS', 1_000_000, 1)],

  async prepare(ctx: SuiteContext) {
    const t0 = Date.now();
    await insertDealers(ctx.pool, DEALERS, 20261123);
    ctx.log(`inserted ${DEALERS} dealers in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    const t1 = Date.now();
    await insertReceivables(ctx, ctx.size);
    const { rows } = await ctx.pool.query<{ n: number; open: number }>('SELECT count(*)::int AS n, count(*) FILTER (WHERE open_amount > 0)::int AS open FROM receivable');
    ctx.log(`inserted ${ctx.size} receivables (with their shipments) in ${((Date.now() - t1) / 1000).toFixed(1)}s; ${rows[0].n} receivables in all, ${rows[0].open} open`);
  },

  async scenarios(ctx: SuiteContext): Promise<Scenario[]> {
    const auth = await login(ctx.baseUrl, 'admin', 'Demo#2026');
    const headers = { authorization: `Bearer ${auth.accessToken}` };
    const principal = await capturePrincipalQueries(auth.userId, auth.sessionId);
    const asOf = today();
    const bounds = DEFAULT_AGING_BOUNDS;

    const make = async (groupBy: GroupBy): Promise<Scenario> => {
      const path = `/api/finance/aging?${new URLSearchParams({ groupBy, asOf }).toString()}`;
      const sql = rawAgingSql(groupBy, bounds);
      const server = await captureServerQuery(ctx.databaseUrl, groupBy, asOf);
      return {
        name: `by-${groupBy}`,
        description: `aging of ${ctx.size} receivables grouped by ${groupBy}, buckets ${bounds.join(',')}, asOf ${asOf}`,
        path,
        headers,
        sqlUnit: 'principal lookup (the server\'s own SQL) + one aggregate over receivable (sum FILTER per bucket, GROUP BY the key) with the group\'s code and name joined, one after the other',
        sql: async (pool: Pool) => {
          for (const p of principal) await pool.query(p.sql, p.params);
          await pool.query(sql, [asOf]);
        },
        check: async () => {
          const api = await getJson<AgingReport>(ctx.baseUrl, path, auth.accessToken);
          const raw = (await ctx.pool.query<RawRow>(sql, [asOf])).rows;
          const warnings: string[] = [];
          const canonApi = api.rows.map((r) => [r.key, r.current, ...r.buckets, r.total].join('|'));
          const canonRaw = raw.map((r) => [r.key, fmt(r.current), ...agingBuckets(bounds).map((_, i) => fmt(r[`b${i}`] ?? '0')), fmt(r.total)].join('|'));
          const differing = canonRaw.findIndex((c, i) => c !== canonApi[i]);
          const same = api.rows.length === raw.length && differing < 0;
          if (api.rows.length !== raw.length) warnings.push(`the API answered ${api.rows.length} groups, the SQL side ${raw.length}`);
          if (differing >= 0) warnings.push(`group ${differing} differs: API ${canonApi[differing] ?? 'none'} vs SQL ${canonRaw[differing]}`);
          if (!api.rows.length) warnings.push('the report is empty');
          return {
            apiTotal: api.rows.length,
            sqlTotal: raw.length,
            sameFirstPage: same,
            warnings,
            notes: { groups: api.rows.length, openTotal: api.totals.total, current: api.totals.current, overdue: api.totals.overdue, buckets: api.totals.buckets.join(' / ') },
          };
        },
        explain: { server: server, raw: { sql, params: [asOf] } },
      };
    };
    return [await make('dealer'), await make('branch')];
  },
};
