/**
 * Order entry under load: N orders of ten lines each created and submitted in one call
 * (POST /api/sales-orders with submit: true; the server prices the lines, checks credit under the
 * dealer's row lock, approves at once and reserves the stock), sent by BENCH_CONNECTIONS
 * concurrent clients (autocannon, one Idempotency-Key per order as the web client sends), spread
 * over 20 new dealers of the Beijing and Shanghai branches (half credit mode NONE, half BLOCK with
 * a limit they never reach) and every product on sale, with plenty of stock (one INBOUND document
 * per warehouse in setup).
 *
 * Against: the same orders written by raw SQL through a pg.Pool of the same concurrency, one
 * transaction each: the credit check and open-orders update on the dealer's credit_account row
 * (one UPDATE .. WHERE <the limit holds> RETURNING), the stock rows locked in product order and
 * their reservation raised, the document number from doc_sequence, the sales_order row (APPROVED,
 * with its credit_check) and its ten sales_order_line rows, with the prices the server resolved
 * for that dealer in setup (POST /api/sales-orders/preview). Not written by that (minimal) SQL
 * side: the order's status events, the approvals, the audit rows and the idempotency record.
 * `submit-10-lines-same-work` measures the API again against a SQL side that does all of it
 * (order-same-work.ts: the reads, the price resolution and every row the API writes and answers).
 *
 * The harness's throughput scenarios are GET-only, so this is a one-shot scenario: each side is
 * timed over the same N orders (rows/s = orders/s); latency percentiles and how much of the
 * sessions' time went to waiting for row locks (sampled from pg_stat_activity) are in the notes
 * and in the check's table. Size: BENCH_ORDERS (orders per side, default 2000).
 *
 * Then the cluster mode (issue #17): a second server on the same database with BENCH_WORKERS
 * workers (default: the cores) takes the same kind of orders at the same concurrency (its speed-up
 * over one worker is in the check), and once more from BENCH_MANY_CLIENTS (default 100) clients,
 * for the latency under load, against the same work by raw SQL from as many clients.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import autocannon from 'autocannon';
import { Client, Pool } from 'pg';
import { Dec, fmt, orderLineMoney } from '@drp/shared';
import {
  BenchSuite,
  benchPool,
  capturePrincipalQueries,
  intEnv,
  login,
  LoginResult,
  Notes,
  OneShotScenario,
  percentile,
  readPeakRssKb,
  requireServerDist,
  resetPeakRss,
  round,
  sleep,
  SuiteContext,
  textTable,
} from './harness';
import { insertDealers, random } from './org-list.bench';
import { sameWorkOrder, SameWorkActor, serverTexts } from './order-same-work';

const DEALERS = 20;
const LINES = 10;
/** added to every product on sale in both warehouses: far more than any run reserves */
const INBOUND_QTY = '1000000';
const SEED = 20261125;
const BLOCK_LIMIT = '1000000000000.00';

const businessDay = (): string =>
  requireServerDist<{ businessDate(at: Date, tz: string): string }>('database/business-date').businessDate(new Date(), process.env.COMPANY_TZ || 'Asia/Shanghai');

// ---------------------------------------------------------------------------------------------
// the world: dealers, warehouses, products, and every dealer's prices as the server resolves them

export interface PricedLine {
  productId: string;
  qty: string;
  unitPrice: string;
  listPrice: string;
  priceSource: string;
  priceRefId: string | null;
  priceRefName: string | null;
  floorPrice: string | null;
  belowFloor: boolean;
  discountRate: string;
  taxRate: string;
  amount: string;
  taxAmount: string;
}

interface Dealer {
  id: string;
  code: string;
  branchId: string;
  warehouseId: string;
  mode: 'NONE' | 'BLOCK';
  /** product id -> the line as the server prices it for this dealer (at the product's fixed qty) */
  prices: Map<string, PricedLine>;
}

/** One order: everything both sides need, computed once. */
export interface OrderSpec {
  dealer: Dealer;
  lines: PricedLine[];
  total: string;
  taxTotal: string;
  discountTotal: string;
  belowFloor: boolean;
}

interface World {
  auth: LoginResult;
  dealers: Dealer[];
  products: { id: string; qty: string }[];
  day: string;
}

/** 20 ACTIVE generated dealers under BJ, BJ-CY or SH, with the branch the server sells through and that branch's warehouse. */
async function pickDealers(pool: Pool): Promise<{ id: string; code: string; branch_id: string; branch_code: string }[]> {
  await insertDealers(pool, DEALERS * 3, SEED);
  const { rows } = await pool.query<{ id: string; code: string; branch_id: string; branch_code: string }>(
    `SELECT d.id, d.code, br.id AS branch_id, br.code AS branch_code
       FROM organization d
      CROSS JOIN LATERAL (SELECT b.id, b.code FROM organization b WHERE d.path LIKE b.path || '%' AND b.type IN ('BRANCH', 'HQ') ORDER BY (b.type = 'BRANCH') DESC, b.depth DESC LIMIT 1) br
      WHERE d.type = 'DEALER' AND d.status = 'ACTIVE' AND d.code ~ '^D-(BJ|BJCY|SH)[0-9]{6}$' AND br.code IN ('BJ', 'BJ-CY', 'SH')
      ORDER BY d.code
      LIMIT $1`,
    [DEALERS],
  );
  if (rows.length < DEALERS) throw new Error(`only ${rows.length} generated dealers under BJ/SH, expected ${DEALERS}`);
  return rows;
}

async function post<T>(baseUrl: string, path: string, token: string, body: unknown): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

async function buildWorld(ctx: SuiteContext): Promise<World> {
  const { pool, baseUrl } = ctx;
  const auth = await login(baseUrl, 'admin', 'Demo#2026');
  const picked = await pickDealers(pool);
  const wh = new Map((await pool.query<{ id: string; code: string }>("SELECT id, code FROM warehouse WHERE code IN ('WH-BJ', 'WH-SH')")).rows.map((w) => [w.code, w.id]));
  if (wh.size !== 2) throw new Error('the demo warehouses WH-BJ and WH-SH are missing: is DEMO_DATA on?');
  // every product on sale, each at its smallest orderable quantity (>= minimum, a multiple of the order multiple)
  const products = (
    await pool.query<{ id: string; qty: string }>(
      `SELECT id, (order_multiple * ceil(min_order_qty / order_multiple))::text AS qty FROM product WHERE status = 'ON_SALE' ORDER BY code`,
    )
  ).rows;
  if (products.length < LINES) throw new Error(`only ${products.length} products on sale`);

  // credit: even dealers NONE (the defaults), odd ones BLOCK with a limit no run reaches (so the check and its overdue query run)
  const dealers: Dealer[] = picked.map((d, i) => ({
    id: d.id,
    code: d.code,
    branchId: d.branch_id,
    warehouseId: d.branch_code === 'SH' ? wh.get('WH-SH')! : wh.get('WH-BJ')!,
    mode: i % 2 ? 'BLOCK' : 'NONE',
    prices: new Map(),
  }));
  await pool.query(
    `INSERT INTO credit_account (dealer_id, credit_limit, mode, credit_days)
     SELECT d, CASE WHEN m = 'BLOCK' THEN $3::numeric ELSE 0 END, m, 30 FROM unnest($1::uuid[], $2::text[]) AS u(d, m)
     ON CONFLICT (dealer_id) DO UPDATE SET credit_limit = EXCLUDED.credit_limit, mode = EXCLUDED.mode, credit_days = EXCLUDED.credit_days`,
    [dealers.map((d) => d.id), dealers.map((d) => d.mode), BLOCK_LIMIT],
  );

  // approvals: the demo's flows send orders over ¥5,000 and orders with a price below the floor (a promotion can go
  // under it: about 4 in 10 bench orders) to a branch manager, while the SQL side writes every order APPROVED. The
  // flows of an order keep their steps (routed as always) with a threshold no bench order reaches, so every API
  // order is approved at once and reserves its stock, as the SQL side does.
  await pool.query(
    `UPDATE approval_flow_version v
        SET definition = jsonb_set(v.definition, '{steps}', (
          SELECT jsonb_agg(jsonb_set(s, '{condition}', jsonb_build_object('op', 'all', 'items', jsonb_build_array(jsonb_build_object(
                   'fact', CASE f.doc_type WHEN 'SALES_ORDER' THEN 'amount' WHEN 'BELOW_FLOOR_PRICE' THEN 'belowFloorGap' ELSE 'excess' END,
                   'operator', 'gt', 'value', '1000000000')))) ORDER BY i)
            FROM jsonb_array_elements(v.definition->'steps') WITH ORDINALITY AS x(s, i)))
       FROM approval_flow f
      WHERE f.id = v.flow_id AND f.version = v.version AND f.doc_type IN ('SALES_ORDER', 'BELOW_FLOOR_PRICE', 'CREDIT_OVERRIDE')`,
  );

  // stock: one INBOUND document per warehouse through the API (ledger and stock rows stay consistent)
  for (const [code, warehouseId] of wh) {
    await post(baseUrl, '/api/stock-docs', auth.accessToken, {
      type: 'INBOUND',
      warehouseId,
      remark: `bench order-submit: stock for ${code}`,
      lines: products.map((p) => ({ productId: p.id, qty: INBOUND_QTY, unitCost: '1' })),
    });
  }

  // prices: what the server resolves for each dealer and product at that quantity (the SQL side writes these)
  for (const d of dealers) {
    const preview = await post<{ lines: (PricedLine & { available: string | null })[] }>(baseUrl, '/api/sales-orders/preview', auth.accessToken, {
      dealerId: d.id,
      warehouseId: d.warehouseId,
      lines: products.map((p) => ({ productId: p.id, qty: p.qty })),
    });
    for (const l of preview.lines) {
      d.prices.set(l.productId, {
        productId: l.productId, qty: l.qty, unitPrice: l.unitPrice, listPrice: l.listPrice, priceSource: l.priceSource, priceRefId: l.priceRefId, priceRefName: l.priceRefName,
        floorPrice: l.floorPrice, belowFloor: l.belowFloor, discountRate: l.discountRate, taxRate: l.taxRate, amount: l.amount, taxAmount: l.taxAmount,
      });
    }
    if (d.prices.size !== products.length) throw new Error(`the preview for ${d.code} priced ${d.prices.size} of ${products.length} products`);
  }
  await pool.query('VACUUM (ANALYZE) stock, credit_account, organization');
  return { auth, dealers, products, day: businessDay() };
}

/** `count` orders: a random dealer each and ten distinct random products (seeded: every run the same). */
function makeSpecs(w: World, count: number, seed: number): OrderSpec[] {
  const rnd = random(seed);
  const specs: OrderSpec[] = [];
  for (let i = 0; i < count; i++) {
    const dealer = w.dealers[Math.floor(rnd() * w.dealers.length)];
    const chosen = new Set<number>();
    while (chosen.size < LINES) chosen.add(Math.floor(rnd() * w.products.length));
    const lines = [...chosen].map((k) => dealer.prices.get(w.products[k].id)!);
    let total = new Dec(0);
    let tax = new Dec(0);
    let discount = new Dec(0);
    for (const l of lines) {
      const m = orderLineMoney(l.qty, l.unitPrice, l.discountRate, l.taxRate);
      total = total.plus(m.amount);
      tax = tax.plus(m.tax);
      discount = discount.plus(m.discount);
    }
    specs.push({ dealer, lines, total: fmt(total), taxTotal: fmt(tax), discountTotal: fmt(discount), belowFloor: lines.some((l) => l.belowFloor) });
  }
  return specs;
}

const apiBody = (s: OrderSpec, remark: string): string =>
  JSON.stringify({ dealerId: s.dealer.id, warehouseId: s.dealer.warehouseId, submit: true, remark, lines: s.lines.map((l) => ({ productId: l.productId, qty: l.qty })) });

// ---------------------------------------------------------------------------------------------
// the raw-SQL side: one transaction per order

/** The credit check on the locked row: BLOCK refuses past the limit, block_on_overdue refuses with overdue receivables; open orders move by the total. */
const CREDIT_SQL = `
  UPDATE credit_account a SET open_orders = a.open_orders + $2::numeric
   WHERE a.dealer_id = $1
     AND (a.mode <> 'BLOCK' OR a.open_receivables + a.open_orders - a.prepayment + $2::numeric <= a.credit_limit)
     AND NOT (a.block_on_overdue AND EXISTS (SELECT 1 FROM receivable r WHERE r.dealer_id = a.dealer_id AND r.open_amount > 0 AND r.due_date < $3::date))
  RETURNING a.mode, a.credit_limit, a.open_receivables + a.open_orders - $2::numeric - a.prepayment AS exposure,
            (a.mode <> 'NONE' OR a.block_on_overdue) AND EXISTS (SELECT 1 FROM receivable r WHERE r.dealer_id = a.dealer_id AND r.open_amount > 0 AND r.due_date < $3::date) AS overdue`;

const LOCK_STOCK_SQL = 'SELECT 1 FROM stock WHERE warehouse_id = $1 AND product_id = ANY($2::uuid[]) ORDER BY product_id FOR UPDATE';

const RESERVE_SQL = `
  UPDATE stock s SET reserved = s.reserved + c.q, version = s.version + 1, updated_at = now()
    FROM unnest($2::uuid[], $3::numeric[]) AS c(p, q)
   WHERE s.warehouse_id = $1 AND s.product_id = c.p AND s.on_hand - s.reserved >= c.q`;

/** The number (doc_sequence, as DocNumberService), the order and its lines in one statement. */
const ORDER_SQL = `
  WITH n AS (
    INSERT INTO doc_sequence (doc_type, day, last_no) VALUES ('SO', $1::date, 1)
    ON CONFLICT (doc_type, day) DO UPDATE SET last_no = doc_sequence.last_no + 1, updated_at = now()
    RETURNING last_no
  ), o AS (
    INSERT INTO sales_order (number, status, source, dealer_id, branch_id, warehouse_id, business_date, remark, total, tax_total, discount_total, committed,
                             below_floor, credit_check, created_by, submitted_at, approved_at)
    SELECT 'SO' || to_char($1::date, 'YYYYMMDD') || '-' || lpad(n.last_no::text, greatest(4, length(n.last_no::text)), '0'), 'APPROVED', 'CONSOLE', $2, $3, $4, $1::date, $5,
           $6::numeric, $7::numeric, $8::numeric, $6::numeric, $9, $10::jsonb, $11, now(), now()
      FROM n
    RETURNING id
  )
  INSERT INTO sales_order_line (order_id, line_no, product_id, qty, unit_price, list_price, price_source, price_ref_id, price_ref_name, floor_price, below_floor,
                                discount_rate, tax_rate, amount, tax_amount)
  SELECT o.id, t.i, t.p, t.q, t.u, t.lp, t.s, t.ri, t.rn, t.f, t.b, t.d, t.tr, t.a, t.ta
    FROM o, unnest($12::uuid[], $13::numeric[], $14::numeric[], $15::numeric[], $16::text[], $17::text[], $18::text[], $19::numeric[], $20::boolean[],
                   $21::numeric[], $22::numeric[], $23::numeric[], $24::numeric[]) WITH ORDINALITY AS t(p, q, u, lp, s, ri, rn, f, b, d, tr, a, ta, i)`;

async function sqlOrder(pool: Pool, s: OrderSpec, remark: string, day: string, userId: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const credit = await client.query<{ mode: string; credit_limit: string; exposure: string; overdue: boolean }>(CREDIT_SQL, [s.dealer.id, s.total, day]);
    if (!credit.rowCount) throw new Error(`credit refused for ${s.dealer.code}`);
    const a = credit.rows[0];
    const byProduct = [...s.lines].sort((x, y) => (x.productId < y.productId ? -1 : 1));
    const ids = byProduct.map((l) => l.productId);
    await client.query(LOCK_STOCK_SQL, [s.dealer.warehouseId, ids]);
    const reserved = await client.query(RESERVE_SQL, [s.dealer.warehouseId, ids, byProduct.map((l) => l.qty)]);
    if (reserved.rowCount !== ids.length) throw new Error(`insufficient stock for ${ids.length - (reserved.rowCount ?? 0)} line(s)`);
    const excess = Dec.max(new Dec(a.exposure).plus(s.total).minus(a.credit_limit), 0);
    const check = { mode: a.mode, limit: fmt(a.credit_limit), exposure: fmt(a.exposure), orderTotal: s.total, excess: fmt(excess), overdue: a.overdue, warning: null, overridden: false };
    const col = <K extends keyof PricedLine>(k: K) => s.lines.map((l) => l[k]);
    await client.query(ORDER_SQL, [
      day, s.dealer.id, s.dealer.branchId, s.dealer.warehouseId, remark, s.total, s.taxTotal, s.discountTotal, s.belowFloor, JSON.stringify(check), userId,
      col('productId'), col('qty'), col('unitPrice'), col('listPrice'), col('priceSource'), col('priceRefId'), col('priceRefName'), col('floorPrice'), col('belowFloor'),
      col('discountRate'), col('taxRate'), col('amount'), col('taxAmount'),
    ]);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

// ---------------------------------------------------------------------------------------------
// the two drivers: a fixed number of orders (measured) or a fixed time (warm-up)

interface Run {
  count: number;
  seconds: number;
  latencies: number[];
  errors: number;
  errorDetail: Record<string, number>;
}

type Limit = { orders: number } | { seconds: number };

/** POSTs orders over `connections` keep-alive connections with autocannon; order i gets body(i) and its own Idempotency-Key. */
async function runHttp(baseUrl: string, token: string, connections: number, limit: Limit, body: (i: number) => string): Promise<Run> {
  const latencies: number[] = [];
  const errorDetail: Record<string, number> = {};
  const runId = randomBytes(6).toString('hex');
  let next = 0;
  const t0 = process.hrtime.bigint();
  let lastAt = 0n;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl,
        connections,
        ...('orders' in limit ? { amount: limit.orders } : { duration: limit.seconds }),
        timeout: 60,
        requests: [
          {
            method: 'POST',
            path: '/api/sales-orders',
            setupRequest: (req) => {
              const i = next++;
              return {
                ...req,
                headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `bench-${runId}-${i}` },
                body: body(i),
              };
            },
            onResponse: (status, resBody) => {
              if (status >= 300) {
                const key = `HTTP ${status} ${resBody.slice(0, 160)}`;
                errorDetail[key] = (errorDetail[key] ?? 0) + 1;
              }
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
      lastAt = process.hrtime.bigint();
    });
  });
  // to the last answer, not to autocannon's callback: with `amount` it ends the run on its once-a-second
  // tick, which added up to a second to every run (10 s runs read as 11.02, 12.02, 13.04 s)
  const seconds = Number((lastAt || process.hrtime.bigint()) - t0) / 1e9;
  if (result.errors) errorDetail['connection errors'] = result.errors;
  if (result.timeouts) errorDetail.timeouts = result.timeouts;
  return { count: latencies.length, seconds, latencies, errors: result.non2xx + result.errors, errorDetail };
}

/** The SQL side: `connections` workers take orders from one queue (or for a time), one transaction each. */
async function runSql(pool: Pool, connections: number, limit: Limit, unit: (i: number) => Promise<void>): Promise<Run> {
  const latencies: number[] = [];
  const errorDetail: Record<string, number> = {};
  let errors = 0;
  let next = 0;
  const t0 = process.hrtime.bigint();
  const end = 'seconds' in limit ? t0 + BigInt(Math.round(limit.seconds * 1e9)) : 0n;
  const more = () => ('orders' in limit ? next < limit.orders : process.hrtime.bigint() < end);
  const worker = async () => {
    while (more()) {
      const i = next++;
      const s = process.hrtime.bigint();
      try {
        await unit(i);
        latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
      } catch (e) {
        errors++;
        const key = e instanceof Error ? e.message.slice(0, 160) : String(e);
        errorDetail[key] = (errorDetail[key] ?? 0) + 1;
        if (errors > 100) throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return { count: latencies.length, seconds: Number(process.hrtime.bigint() - t0) / 1e9, latencies, errors, errorDetail };
}

/**
 * Waits until no session of `applicationName` is inside a transaction: autocannon ends a timed
 * run with requests still in flight on the server, and their transactions take the locks in
 * another order than the SQL side (number first), so the sides must not overlap.
 */
async function quiesce(pool: Pool, applicationName: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND xact_start IS NOT NULL AND pid <> pg_backend_pid()',
      [applicationName],
    );
    if (!rows[0].n) return;
    if (Date.now() > deadline) throw new Error(`${rows[0].n} ${applicationName} session(s) still in a transaction after ${timeoutMs / 1000}s`);
    await sleep(20);
  }
}

// ---------------------------------------------------------------------------------------------
// where the sessions waited: pg_stat_activity sampled during a side

interface WaitProfile {
  /** average sessions of the application running a statement */
  activeAvg: number;
  /** share of those session-samples spent waiting for a heavyweight lock (row locks: transactionid / tuple) */
  lockWaitShare: number;
  /** the statements most seen waiting for a lock, with their share of all active session-samples */
  top: { sql: string; share: number }[];
  /** CPU milliseconds (user + system) the application's database sessions used meanwhile (a local PostgreSQL only) */
  dbCpuMs?: number;
  /** CPU milliseconds the server's process and its workers used meanwhile, and of it in the kernel (system) */
  serverCpuMs?: number;
  serverSysMs?: number;
}

const TICK_MS = 10; // USER_HZ = 100 on Linux

/** user + system CPU ms of a process and its parent's pid, or undefined when /proc does not show it (another machine, gone) */
function procStat(pid: number): { cpuMs: number; sysMs: number; ppid: number } | undefined {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS, sysMs: Number(f[12]) * TICK_MS, ppid: Number(f[1]) };
  } catch {
    return undefined;
  }
}

/** CPU ms (and of it system ms) of a process and all its descendants (the cluster's workers) */
function treeCpuMs(root: number): { cpuMs: number; sysMs: number } | undefined {
  const all = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const stats = new Map(all.map((pid) => [pid, procStat(pid)] as const));
  if (!stats.get(root)) return undefined;
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p && p > 1; p = stats.get(p)?.ppid) if (p === root) return true;
    return false;
  };
  const total = { cpuMs: 0, sysMs: 0 };
  for (const [pid, st] of stats) {
    if (!st || !inTree(pid)) continue;
    total.cpuMs += st.cpuMs;
    total.sysMs += st.sysMs;
  }
  return total;
}

/**
 * Samples the application's sessions in pg_stat_activity while a side runs: how many are active
 * and how many of those wait for a row lock (and on which statement), and the CPU its database
 * sessions and (given its pid) the server used, from /proc: a figure a busy machine disturbs far
 * less than throughput.
 */
function sampleWaits(databaseUrl: string, applicationName: string, serverPid?: number, intervalMs = 10): { stop(): Promise<WaitProfile> } {
  const client = new Client({ connectionString: databaseUrl, application_name: 'drp-bench-waits' });
  client.on('error', () => undefined);
  let running = true;
  let samples = 0;
  let active = 0;
  let waiting = 0;
  const byStatement = new Map<string, number>();
  /** each database session's CPU when first seen */
  const backendsFrom = new Map<number, number | undefined>();
  const backendsLast = new Map<number, number | undefined>();
  const serverFrom = serverPid ? treeCpuMs(serverPid) : undefined;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const t = Date.now();
      const { rows } = await client.query<{ pid: number; state: string | null; wait_event_type: string | null; query: string }>(
        'SELECT pid, state, wait_event_type, query FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid()',
        [applicationName],
      );
      samples++;
      // a session's CPU now and then, so one that closes before the end still counts (to within 200 ms)
      const refresh = samples % 20 === 0;
      for (const r of rows) {
        if (!backendsFrom.has(r.pid)) backendsFrom.set(r.pid, procStat(r.pid)?.cpuMs);
        if (refresh) backendsLast.set(r.pid, procStat(r.pid)?.cpuMs ?? backendsLast.get(r.pid));
        if (r.state !== 'active') continue;
        active++;
        if (r.wait_event_type !== 'Lock') continue;
        waiting++;
        const key = r.query.replace(/\s+/g, ' ').trim().slice(0, 90);
        byStatement.set(key, (byStatement.get(key) ?? 0) + 1);
      }
      await sleep(Math.max(0, intervalMs - (Date.now() - t)));
    }
  })();
  return {
    async stop() {
      running = false;
      try {
        await loop;
      } finally {
        await client.end().catch(() => undefined);
      }
      const top = [...byStatement.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([sql, n]) => ({ sql, share: active ? round(n / active, 3) : 0 }));
      let dbCpuMs: number | undefined = 0;
      for (const [pid, from] of backendsFrom) {
        const to = procStat(pid)?.cpuMs ?? backendsLast.get(pid);
        if (from === undefined || to === undefined) dbCpuMs = undefined;
        else if (dbCpuMs !== undefined) dbCpuMs += to - from;
      }
      const serverTo = serverPid ? treeCpuMs(serverPid) : undefined;
      return {
        activeAvg: samples ? round(active / samples, 2) : 0,
        lockWaitShare: active ? round(waiting / active, 3) : 0,
        top,
        dbCpuMs: backendsFrom.size ? dbCpuMs : undefined,
        serverCpuMs: serverFrom && serverTo ? serverTo.cpuMs - serverFrom.cpuMs : undefined,
        serverSysMs: serverFrom && serverTo ? serverTo.sysMs - serverFrom.sysMs : undefined,
      };
    },
  };
}

function runNotes(r: Run, waits: WaitProfile | undefined): Notes {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  const notes: Notes = {
    orders: r.count,
    seconds: round(r.seconds, 2),
    ordersPerSecond: round(r.count / r.seconds, 1),
    p50Ms: round(percentile(sorted, 50), 2),
    p90Ms: round(percentile(sorted, 90), 2),
    p99Ms: round(percentile(sorted, 99), 2),
    maxMs: round(sorted[sorted.length - 1] ?? 0, 2),
  };
  if (waits) {
    notes.activeSessionsAvg = waits.activeAvg;
    notes.lockWaitShare = waits.lockWaitShare;
    if (waits.serverCpuMs !== undefined) notes.serverCpuMsPerOrder = round(waits.serverCpuMs / r.count, 2);
    if (waits.serverSysMs !== undefined) notes.serverSysMsPerOrder = round(waits.serverSysMs / r.count, 2);
    if (waits.dbCpuMs !== undefined) notes.dbCpuMsPerOrder = round(waits.dbCpuMs / r.count, 2);
    waits.top.forEach((t, i) => (notes[`lockWait${i + 1}`] = `${t.share} ${t.sql}`));
  }
  return notes;
}

// ---------------------------------------------------------------------------------------------

const worlds = new Map<number, World>();

export const orderSubmitSuite: BenchSuite = {
  name: 'order-submit',
  sizesFromEnv: () => [intEnv('BENCH_ORDERS', 2000, 1)],

  async prepare(ctx: SuiteContext) {
    const t0 = Date.now();
    const w = await buildWorld(ctx);
    worlds.set(ctx.size, w);
    const modes = w.dealers.filter((d) => d.mode === 'BLOCK').length;
    ctx.log(
      `${w.dealers.length} dealers (${w.dealers.length - modes} credit NONE, ${modes} BLOCK), ${w.products.length} products on sale with +${INBOUND_QTY} stock in WH-BJ and WH-SH, ` +
        `prices resolved for every dealer, in ${((Date.now() - t0) / 1000).toFixed(1)}s`,
    );
  },

  async oneShots(ctx: SuiteContext): Promise<OneShotScenario[]> {
    const w = worlds.get(ctx.size);
    if (!w) throw new Error('order-submit: prepare did not run');
    const n = ctx.size;
    const { connections, warmupSeconds } = ctx.settings;
    // autocannon may build a request or two per connection that it never sends: spares past n keep every body distinct
    const specs = makeSpecs(w, n + connections * 4, SEED);
    const warm = makeSpecs(w, 500, SEED + 1);
    const token = w.auth.accessToken;
    const sqlUnit = (list: OrderSpec[], tag: string) => (i: number) => sqlOrder(ctx.pool, list[i % list.length], `${tag}-${i}`, w.day, w.auth.userId);

    if (warmupSeconds > 0) {
      const a = await runHttp(ctx.baseUrl, token, connections, { seconds: warmupSeconds }, (i) => apiBody(warm[i % warm.length], `bench-warmup-api-${i}`));
      await quiesce(ctx.pool, 'drp-server');
      const s = await runSql(ctx.pool, connections, { seconds: warmupSeconds }, sqlUnit(warm, 'bench-warmup-sql'));
      if (a.errors || s.errors) throw new Error(`order-submit warm-up failed: ${JSON.stringify({ ...a.errorDetail, ...s.errorDetail })}`);
      ctx.log(`  warm-up: ${a.count} orders over HTTP, ${s.count} by SQL in ${warmupSeconds}s each`);
    }

    const sides: { api?: Notes; sql?: Notes } = {};
    const apiSide = async (list: OrderSpec[], tag: string): Promise<Notes> => {
      const peakFromHere = resetPeakRss(ctx.serverPid);
      const sampler = sampleWaits(ctx.databaseUrl, 'drp-server', ctx.serverPid);
      let run: Run;
      let waits: WaitProfile | undefined;
      try {
        run = await runHttp(ctx.baseUrl, token, connections, { orders: n }, (i) => apiBody(list[i], `${tag}-${i}`));
      } finally {
        waits = await sampler.stop().catch(() => undefined);
      }
      if (run.errors) throw new Error(`${run.errors} of ${n} orders failed: ${JSON.stringify(run.errorDetail)}`);
      const peak = readPeakRssKb(ctx.serverPid);
      return { ...runNotes(run, waits), serverPeakRssMb: peak === undefined ? undefined : round(peak / 1024, 1), peakCountsFromStart: !peakFromHere || undefined };
    };
    const sqlSide = async (unit: (i: number) => Promise<void>, clients = connections, pool = ctx.pool): Promise<Notes> => {
      const sampler = sampleWaits(ctx.databaseUrl, 'drp-bench');
      let run: Run;
      let waits: WaitProfile | undefined;
      try {
        run = await runSql(pool, clients, { orders: n }, unit);
      } finally {
        waits = await sampler.stop().catch(() => undefined);
      }
      if (run.errors) throw new Error(`${run.errors} of ${n} orders failed: ${JSON.stringify(run.errorDetail)}`);
      return runNotes(run, waits);
    };
    const api = async () => (sides.api = await apiSide(specs, 'bench-api'));
    const sql = async () => (sides.sql = await sqlSide(sqlUnit(specs, 'bench-sql')));

    // the same work by raw SQL (order-same-work.ts): what the API's order reads and writes, statement by statement
    const sameSpecs = makeSpecs(w, n + connections * 4, SEED + 4);
    const actor: SameWorkActor = {
      userId: w.auth.userId,
      displayName: (await ctx.pool.query<{ display_name: string }>('SELECT display_name FROM app_user WHERE id = $1', [w.auth.userId])).rows[0].display_name,
      principal: await capturePrincipalQueries(w.auth.userId, w.auth.sessionId),
    };
    const texts = serverTexts();
    const sameUnit = (list: OrderSpec[], tag: string, pool = ctx.pool) => (i: number) => sameWorkOrder(pool, actor, list[i % list.length], `${tag}-${i}`, apiBody(list[i % list.length], `${tag}-${i}`), w.day, texts);
    const same: { api?: Notes; sql?: Notes; warmed?: boolean } = {};

    /** the orders of two tagged sides (remarks `<tag>-<i>`): same spec, same order; running totals consistent */
    const compareSides = async (apiTag: string, sqlTag: string): Promise<{ warnings: string[]; by: Map<string, { n: number; total: string }>; drift: { credit: number; stock: number } }> => {
      const warnings: string[] = [];
      const pattern = `^(${apiTag}|${sqlTag})-`;
      // the same spec on both sides must have left the same order
      const { rows } = await ctx.pool.query<{ side: string; n: number; approved: number; total: string; tax: string; lines: number; qty: string; differing: number }>(
        `WITH o AS (
           SELECT substring(o.remark from $1) AS side, substring(o.remark from '([0-9]+)$')::int AS i, o.status, o.total, o.tax_total, o.committed,
                  (SELECT count(*) FROM sales_order_line l WHERE l.order_id = o.id) AS lines, (SELECT sum(l.qty) FROM sales_order_line l WHERE l.order_id = o.id) AS qty,
                  (SELECT string_agg(l.product_id || ':' || l.qty || ':' || l.unit_price || ':' || l.amount, ',' ORDER BY l.line_no) FROM sales_order_line l WHERE l.order_id = o.id) AS sig
             FROM sales_order o WHERE o.remark ~ ($1 || '[0-9]+$')
         )
         SELECT a.side, count(*)::int AS n, count(*) FILTER (WHERE a.status = 'APPROVED' AND a.committed = a.total)::int AS approved, sum(a.total)::text AS total,
                sum(a.tax_total)::text AS tax, sum(a.lines)::int AS lines, sum(a.qty)::text AS qty,
                count(*) FILTER (WHERE b.i IS NOT NULL AND (a.sig IS DISTINCT FROM b.sig OR a.total <> b.total OR a.tax_total <> b.tax_total))::int AS differing
           FROM o a LEFT JOIN o b ON b.i = a.i AND b.side <> a.side
          GROUP BY a.side ORDER BY a.side`,
        [pattern],
      );
      const by = new Map(rows.map((r) => [r.side, r]));
      for (const side of [apiTag, sqlTag]) {
        const r = by.get(side);
        if (!r) {
          warnings.push(`no ${side} orders found`);
          continue;
        }
        if (r.n !== n) warnings.push(`${r.n} ${side} orders, expected ${n}`);
        if (r.approved !== r.n) warnings.push(`${r.n - r.approved} ${side} orders are not APPROVED with their total committed`);
        if (r.lines !== r.n * LINES) warnings.push(`${side} orders have ${r.lines} lines, expected ${r.n * LINES}`);
        if (r.differing) warnings.push(`${r.differing} ${side} orders differ from the other side's order of the same spec (lines, prices or totals)`);
      }
      // running totals: every bench dealer's open orders = what its orders commit; every stock row's reservation = its approved orders' open quantities
      const drift = (
        await ctx.pool.query<{ credit: number; stock: number }>(
          `SELECT (SELECT count(*) FROM credit_account a
                     LEFT JOIN (SELECT dealer_id, sum(committed) AS c FROM sales_order WHERE dealer_id = ANY($1) GROUP BY dealer_id) o ON o.dealer_id = a.dealer_id
                    WHERE a.dealer_id = ANY($1) AND a.open_orders <> COALESCE(o.c, 0))::int AS credit,
                  (SELECT count(*) FROM stock s
                     LEFT JOIN (SELECT o.warehouse_id, l.product_id, sum(l.qty - l.shipped_qty) AS q FROM sales_order_line l JOIN sales_order o ON o.id = l.order_id
                                 WHERE o.status IN ('APPROVED', 'PARTIALLY_SHIPPED') GROUP BY o.warehouse_id, l.product_id) x ON x.warehouse_id = s.warehouse_id AND x.product_id = s.product_id
                    WHERE s.reserved <> COALESCE(x.q, 0))::int AS stock`,
          [w.dealers.map((d) => d.id)],
        )
      ).rows[0];
      if (drift.credit) warnings.push(`${drift.credit} credit accounts' open orders differ from their orders' committed totals`);
      if (drift.stock) warnings.push(`${drift.stock} stock rows' reservations differ from their approved orders' open quantities`);
      return { warnings, by, drift };
    };

    /** the table of one pair of sides, logged */
    const logPair = (title: string, a: Notes, s: Notes): number => {
      const ratio = Number(a.ordersPerSecond) / Number(s.ordersPerSecond);
      ctx.log(`  ${title} @ ${n} orders, ${connections} concurrent clients (API/SQL orders/s = ${ratio.toFixed(3)}):`);
      const table = textTable(
        ['side', 'orders', 'orders/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'active sessions', 'lock-wait share', 'server CPU ms/order', 'db CPU ms/order'],
        (
          [
            ['API', a],
            ['SQL', s],
          ] as const
        ).map(([label, x]) => [label, String(x.orders), String(x.ordersPerSecond), String(x.p50Ms), String(x.p90Ms), String(x.p99Ms), String(x.maxMs), String(x.activeSessionsAvg ?? '-'), String(x.lockWaitShare ?? '-'), String(x.serverCpuMsPerOrder ?? '-'), String(x.dbCpuMsPerOrder ?? '-')]),
      );
      table.split('\n').forEach((line) => ctx.log(`    ${line}`));
      return ratio;
    };

    const check = async () => {
      const { warnings, by, drift } = await compareSides('bench-api', 'bench-sql');
      const a = sides.api;
      const s = sides.sql;
      const notes: Notes = {
        apiOrders: by.get('bench-api')?.n,
        sqlOrders: by.get('bench-sql')?.n,
        apiTotal: by.get('bench-api')?.total,
        sqlTotal: by.get('bench-sql')?.total,
        creditDrift: drift.credit,
        stockDrift: drift.stock,
      };
      if (a && s) notes.throughputRatio = round(logPair('order-submit', a, s), 3);
      return { warnings, notes };
    };

    const settle = async () => {
      await quiesce(ctx.pool, 'drp-server');
      // flush the previous side's writes now, not during the next measurement (needs superuser; harmless if refused)
      await ctx.pool.query('CHECKPOINT').catch(() => undefined);
    };

    // cluster mode (issue #17): a second server on the same database with one worker per core
    const workers = intEnv('BENCH_WORKERS', os.availableParallelism(), 1);
    const many = intEnv('BENCH_MANY_CLIENTS', 100, 1);
    let cluster: { baseUrl: string; token: string; pid: number | undefined } | undefined;
    const clusterServer = async () => {
      if (!cluster) {
        const started = await ctx.startServer(ctx.databaseUrl, { WEB_CONCURRENCY: String(workers) });
        cluster = { baseUrl: started.baseUrl, token: (await login(started.baseUrl, 'admin', 'Demo#2026')).accessToken, pid: started.pid };
        if (warmupSeconds > 0) {
          const a = await runHttp(cluster.baseUrl, cluster.token, connections, { seconds: warmupSeconds }, (i) => apiBody(warm[i % warm.length], `bench-warmup-cluster-${i}`));
          if (a.errors) throw new Error(`order-submit cluster warm-up failed: ${JSON.stringify(a.errorDetail)}`);
          await quiesce(ctx.pool, 'drp-server');
        }
      }
      return cluster;
    };
    const clusterSpecs = makeSpecs(w, n + many * 4, SEED + 2);
    const manySpecs = makeSpecs(w, n + many * 4, SEED + 3);
    const later: { cluster?: Notes; many?: Notes; manySql?: Notes } = {};
    // the SQL side of the many clients: as many connections as the cluster's pools hold
    const manyPoolSize = workers * intEnv('DB_POOL_SIZE', 10, 1);
    let manyPoolMade: Pool | undefined;
    const manyPool = (): Pool => {
      if (!manyPoolMade) {
        const made = benchPool(ctx.databaseUrl, manyPoolSize, 'drp-bench', ctx.log);
        manyPoolMade = made;
        ctx.onCleanup(() => made.end());
      }
      return manyPoolMade;
    };
    const timedHttp = async (conns: number, list: OrderSpec[], tag: string): Promise<Notes> => {
      const c = await clusterServer();
      const sampler = sampleWaits(ctx.databaseUrl, 'drp-server', c.pid);
      let run: Run;
      let waits: WaitProfile | undefined;
      try {
        run = await runHttp(c.baseUrl, c.token, conns, { orders: n }, (i) => apiBody(list[i], `${tag}-${i}`));
      } finally {
        waits = await sampler.stop().catch(() => undefined);
      }
      if (run.errors) throw new Error(`${run.errors} of ${n} orders failed: ${JSON.stringify(run.errorDetail)}`);
      return runNotes(run, waits);
    };
    return [
      {
        name: 'submit-10-lines',
        description: `${n} orders of ${LINES} lines created and submitted (priced, credit-checked, approved, stock reserved) by ${connections} concurrent clients over ${w.dealers.length} dealers`,
        rows: n,
        apiUnit: `POST /api/sales-orders {submit: true, ${LINES} lines} with an Idempotency-Key, ${connections} connections (autocannon); wall time of all ${n}`,
        sqlUnit:
          `one transaction per order on ${connections} pool clients: UPDATE credit_account (limit check, open orders) RETURNING, SELECT stock FOR UPDATE in product order, ` +
          `UPDATE stock reserved, doc_sequence + sales_order + ${LINES} sales_order_line in one INSERT .. WITH (prices resolved by the server in setup)`,
        settle,
        api,
        sql,
        check,
      },
      {
        name: 'submit-10-lines-same-work',
        description: `${n} more orders each side as above; the SQL side does the same work as the API (order-same-work.ts): principal check, idempotency claim and answer, the reads, prices resolved, timeline, approval, audit, the order read back`,
        rows: n,
        apiUnit: `POST /api/sales-orders {submit: true, ${LINES} lines} with an Idempotency-Key, ${connections} connections (autocannon); wall time of all ${n}`,
        sqlUnit:
          `per order on ${connections} pool clients, one statement after another: the server's principal check, the idempotency claim, then in one transaction the dealer, warehouse, ` +
          `products (range check), RESOLVE_SQL + resolvePrice, the order and its lines, settings, approval facts and flows, credit, approval, timeline and approval rows, ` +
          `stock reserved, the number, reserved quantities and audit; after COMMIT the order read back and the idempotency answer`,
        settle: async () => {
          // once, before the first side: the same-work statements warmed up (untimed), as the other sides were
          if (warmupSeconds > 0 && !same.warmed) {
            same.warmed = true;
            const s = await runSql(ctx.pool, connections, { seconds: warmupSeconds }, sameUnit(warm, 'bench-warmup-ssql'));
            if (s.errors) throw new Error(`same-work warm-up failed: ${JSON.stringify(s.errorDetail)}`);
          }
          await settle();
        },
        api: async () => (same.api = await apiSide(sameSpecs, 'bench-sapi')),
        sql: async () => (same.sql = await sqlSide(sameUnit(sameSpecs, 'bench-ssql'))),
        check: async () => {
          const { warnings, by } = await compareSides('bench-sapi', 'bench-ssql');
          // the same footprint per order: timeline, approvals and their events, audit entries, an answered idempotency record
          const { rows } = await ctx.pool.query<{ side: string; orders: number; events: number; approvals: number; approval_events: number; audits: number; answered: number }>(
            `WITH o AS (SELECT id, substring(remark from '^(bench-sapi|bench-ssql)-') AS side FROM sales_order WHERE remark ~ '^(bench-sapi|bench-ssql)-[0-9]+$')
             SELECT o.side, count(DISTINCT o.id)::int AS orders,
                    (SELECT count(*) FROM sales_order_event e JOIN o x ON x.id = e.order_id WHERE x.side = o.side)::int AS events,
                    (SELECT count(*) FROM approval_instance a JOIN o x ON x.id = a.doc_id WHERE x.side = o.side AND a.status = 'APPROVED' AND a.doc_number IS NOT NULL)::int AS approvals,
                    (SELECT count(*) FROM approval_event ae JOIN approval_instance a ON a.id = ae.instance_id JOIN o x ON x.id = a.doc_id WHERE x.side = o.side)::int AS approval_events,
                    (SELECT count(*) FROM audit_log l JOIN o x ON x.id = l.entity_id WHERE x.side = o.side AND l.entity = 'sales_order')::int AS audits,
                    (SELECT count(*) FROM idempotency_key k JOIN o x ON x.id = k.resource_id WHERE x.side = o.side AND k.status_code = 201 AND k.response IS NOT NULL)::int AS answered
               FROM o GROUP BY o.side ORDER BY o.side`,
          );
          const [x, y] = rows;
          const footprint = (r: (typeof rows)[number]) => `${r.events} events, ${r.approvals} approvals, ${r.approval_events} approval events, ${r.audits} audit entries, ${r.answered} answered keys`;
          if (rows.length !== 2) warnings.push(`footprint: found the sides ${rows.map((r) => r.side).join(', ') || 'none'}`);
          else if (footprint(x) !== footprint(y)) warnings.push(`the sides wrote different rows: ${x.side} ${footprint(x)}; ${y.side} ${footprint(y)}`);
          const notes: Notes = { apiOrders: by.get('bench-sapi')?.n, sqlOrders: by.get('bench-ssql')?.n, footprint: x ? footprint(x) : undefined };
          if (same.api && same.sql) notes.throughputRatio = round(logPair('order-submit, the same work', same.api, same.sql), 3);
          return { warnings, notes };
        },
      },
      {
        name: `submit-10-lines-${workers}-workers`,
        description: `the same work through the cluster mode: WEB_CONCURRENCY=${workers}, ${connections} clients; compared with one worker (the scenario above)`,
        rows: n,
        apiUnit: `POST /api/sales-orders {submit: true, ${LINES} lines} to a server of ${workers} workers on one port, ${connections} connections`,
        sqlUnit: 'as above (measured again, so both sides see the same machine)',
        settle: async () => {
          await clusterServer(); // started and warmed up here, not inside the API side's time
          await settle();
        },
        api: async () => (later.cluster = await timedHttp(connections, clusterSpecs, 'bench-capi')),
        sql: () => sqlSide(sqlUnit(clusterSpecs, 'bench-csql')),
        check: async () => {
          const one = sides.api?.ordersPerSecond;
          const c = later.cluster?.ordersPerSecond;
          const speedup = one && c ? round(Number(c) / Number(one), 2) : undefined;
          if (speedup !== undefined) ctx.log(`  cluster: ${c} orders/s with ${workers} workers vs ${one} with one = ${speedup}x (goal >= 1.4x on 2 cores)`);
          return { warnings: [], notes: { workers, oneWorkerOrdersPerSecond: one, clusterOrdersPerSecond: c, clusterSpeedup: speedup } };
        },
      },
      {
        name: `submit-10-lines-${many}-clients`,
        description: `${n} orders from ${many} concurrent clients through the cluster mode (${workers} workers): latency under load, no errors`,
        rows: n,
        apiUnit: `POST /api/sales-orders {submit: true, ${LINES} lines}, ${many} connections, ${workers} workers; any non-2xx fails the run`,
        sqlUnit: `the same work by raw SQL (order-same-work.ts) from ${many} concurrent clients on a pool of ${manyPoolSize} connections (the ${workers} workers' pools: ${workers} x DB_POOL_SIZE)`,
        settle,
        api: async () => (later.many = await timedHttp(many, manySpecs, 'bench-mapi')),
        sql: async () => (later.manySql = await sqlSide(sameUnit(manySpecs, 'bench-msql', manyPool()), many, manyPool())),
        check: async () => {
          const p99 = later.many?.p99Ms;
          const sqlP99 = later.manySql?.p99Ms;
          if (p99 !== undefined) ctx.log(`  ${many} clients: p99 ${p99} ms (goal <= 250 ms), ${later.many?.ordersPerSecond} orders/s, no errors; the same work by raw SQL: p99 ${sqlP99} ms, ${later.manySql?.ordersPerSecond} orders/s`);
          return { warnings: [], notes: { clients: many, p99Ms: p99, ordersPerSecond: later.many?.ordersPerSecond, sqlP99Ms: sqlP99, sqlOrdersPerSecond: later.manySql?.ordersPerSecond } };
        },
      },
    ];
  },
};
