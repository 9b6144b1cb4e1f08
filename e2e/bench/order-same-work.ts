/**
 * The raw-SQL side of order-submit that does the same work as the API's order (issue #17: "the API
 * against the same work done in raw SQL"): what POST /api/sales-orders {submit: true} reads and
 * writes for an order approved at once, as plain statements sent one after the other on one pool
 * client, the way an application written straight on pg would. The price candidates, the reservation and
 * the read-back are the server's own statements (exported by it: serverTexts), the rest plain SQL. Per order:
 *
 *   outside the transaction: the principal check (the server's own statement, captured), the
 *     idempotency claim;
 *   in it: the dealer with its selling branch, the warehouse (FOR SHARE), the products with their
 *     branch range check, the price candidates (the server's RESOLVE_SQL) resolved by
 *     `resolvePrice` and compared with the order's prices, the DRAFT order and its lines, the claim's
 *     resource, the company settings, the approval facts and flows, the credit account (locked by
 *     its UPDATE; BLOCK refuses past the limit), the order approved, its timeline (3 events), the
 *     approval instances with their events, the stock locked and reserved, the day's number, the
 *     lines' reserved quantities with the approval's copy of the number and 2 audit entries;
 *   after COMMIT: the order read back with its lines and timeline (as JSON), the idempotency record
 *     completed with that answer.
 *
 * The minimal side (`sqlOrder` in order-submit.bench.ts) writes only the order, its lines, the
 * credit and the reservation, with prices resolved in setup: the baseline of the runs before
 * 2026-12-07 (seventh session), kept for comparison.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { Dec, fmt } from '@drp/shared';
import { CapturedQuery, requireServerDist } from './harness';
import type { OrderSpec, PricedLine } from './order-submit.bench';
import { CandidateRow, pickPrices, resolveSql } from './price-resolve.bench';

export interface SameWorkActor {
  userId: string;
  displayName: string;
  /** the server's per-request principal check, captured (capturePrincipalQueries) */
  principal: CapturedQuery[];
}

const CLAIM_SQL = `INSERT INTO idempotency_key (user_id, key, method, path, request_hash, claim_token, owner_lock)
  VALUES ($1, $2, 'POST', '/api/sales-orders', $3, $4, $5) ON CONFLICT (user_id, key) DO NOTHING RETURNING key`;

const DEALER_SQL = `SELECT o.*, (SELECT sb.id FROM organization sb WHERE sb.id = ANY(array_remove(string_to_array(o.path, '/'), '')::uuid[])
    AND sb.type IN ('BRANCH','HQ') ORDER BY (sb.type = 'BRANCH') DESC, sb.depth DESC LIMIT 1) AS selling_branch_id
  FROM organization o WHERE o.id = $1`;

const WAREHOUSE_SQL = `SELECT w.id, w.code, w.name, w.org_id, w.status, wo.path AS org_path
  FROM warehouse w JOIN organization wo ON wo.id = w.org_id WHERE w.id = $1 FOR SHARE OF w`;

/** the products with the branch product-range decision of the dealer's nearest branch that has rules ($1: the dealer's ancestors) */
const PRODUCTS_SQL = `SELECT p.*, (SELECT dc.id IS NULL
      OR EXISTS (SELECT 1 FROM branch_product_scope r WHERE r.branch_id = dc.id AND r.product_id = p.id)
      OR EXISTS (SELECT 1 FROM branch_product_scope r JOIN category rc ON rc.id = r.category_id JOIN category pc ON pc.id = p.category_id
                  WHERE r.branch_id = dc.id AND pc.path LIKE rc.path || '%')
    FROM (SELECT (SELECT o.id FROM organization o WHERE o.id = ANY($1::uuid[]) AND EXISTS (SELECT 1 FROM branch_product_scope r WHERE r.branch_id = o.id)
                  ORDER BY o.depth DESC LIMIT 1) AS id) dc) AS in_range
  FROM product p WHERE p.id = ANY($2::uuid[])`;

const ORDER_SQL = `INSERT INTO sales_order (id, status, source, dealer_id, branch_id, warehouse_id, business_date, remark, total, tax_total, discount_total, below_floor, created_by)
  VALUES ($1, 'DRAFT', 'CONSOLE', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
  RETURNING id, number, status, source, dealer_id, branch_id, warehouse_id, sales_rep_id, created_by, total, shipped_total, committed, below_floor, version`;

const LINES_SQL = `INSERT INTO sales_order_line (order_id, line_no, product_id, qty, unit_price, list_price, price_source, price_ref_id, price_ref_name, floor_price, below_floor,
                                discount_rate, tax_rate, amount, tax_amount)
  SELECT $1, t.i, t.p, t.q, t.u, t.lp, t.s, t.ri, t.rn, t.f, t.b, t.d, t.tr, t.a, t.ta
    FROM unnest($2::uuid[], $3::numeric[], $4::numeric[], $5::numeric[], $6::text[], $7::text[], $8::text[], $9::numeric[], $10::boolean[],
                $11::numeric[], $12::numeric[], $13::numeric[], $14::numeric[]) WITH ORDINALITY AS t(p, q, u, lp, s, ri, rn, f, b, d, tr, a, ta, i)
  RETURNING id, product_id, qty, line_no`;

const CLAIM_RESOURCE_SQL = `UPDATE idempotency_key SET resource_id = coalesce(resource_id, $1), updated_at = now()
  WHERE user_id = $2 AND key = $3 AND claim_token = $4 RETURNING key`;

const SETTINGS_SQL = 'SELECT stock_control, price_scale, visit_radius_m, report_overdue_days, version FROM company_settings WHERE id = 1';

const FACTS_SQL = `SELECT o.number, o.total, o.discount_total, d.name AS dealer_name, d.price_level, b.code AS branch_code, o.credit_check,
    (SELECT round(sum((l.floor_price - l.unit_price * (1 - l.discount_rate)) * l.qty), 2) FROM sales_order_line l WHERE l.order_id = o.id AND l.below_floor) AS gap
  FROM sales_order o JOIN organization d ON d.id = o.dealer_id JOIN organization b ON b.id = o.branch_id WHERE o.id = $1`;

const FLOWS_SQL = `SELECT DISTINCT ON (f.doc_type) f.doc_type, f.id, f.name, f.version, v.definition
  FROM approval_flow f JOIN organization o ON o.id = f.org_id JOIN approval_flow_version v ON v.flow_id = f.id AND v.version = f.version
  WHERE f.doc_type = ANY($1::text[]) AND f.status = 'ACTIVE' AND (SELECT path FROM organization WHERE id = $2) LIKE o.path || '%'
  ORDER BY f.doc_type, o.depth DESC`;

const CREDIT_SQL = `UPDATE credit_account a SET open_orders = open_orders + $1::numeric WHERE a.dealer_id = $2
  RETURNING *, EXISTS (SELECT 1 FROM receivable r WHERE r.dealer_id = a.dealer_id AND r.open_amount > 0 AND r.due_date < $3::date) AS overdue`;

const APPROVE_SQL = `UPDATE sales_order SET submitted_at = now(), committed = total, credit_check = $1, approved_at = now(), status = 'APPROVED', updated_at = now(), version = version + 2
  WHERE id = $2 AND status = 'DRAFT' RETURNING id`;

/** the order's three timeline rows, its approval instances (approved at once) and their events, in order a microsecond apart */
const TIMELINE_SQL = `WITH e AS (
    INSERT INTO sales_order_event (order_id, action, from_status, to_status, note, actor_id, created_at)
    SELECT $1, x.a, x.f, x.t, x.n, $2, clock_timestamp() + x.i * interval '1 microsecond'
      FROM unnest(ARRAY['CREATE', 'SUBMIT', 'APPROVE'], ARRAY[NULL, 'DRAFT', 'PENDING_APPROVAL'], ARRAY['DRAFT', 'PENDING_APPROVAL', 'APPROVED'], ARRAY[NULL, NULL, 'auto'])
           WITH ORDINALITY AS x(a, f, t, n, i)
  ), ai AS (
    INSERT INTO approval_instance (id, doc_type, doc_id, doc_summary, summary, scope_org_id, branch_id, flow_id, flow_version, status, facts, routing, submitted_by)
    SELECT x.id, x.t, $1, $3, $4, $5, $6, x.f, x.v, 'APPROVED', x.facts, x.routing, $2
      FROM unnest($7::uuid[], $8::text[], $9::uuid[], $10::int[], $11::jsonb[], $12::jsonb[]) AS x(id, t, f, v, facts, routing)
  )
  INSERT INTO approval_event (instance_id, action, step_index, step_name, actor_id, note, created_at)
  SELECT x.id, x.a, x.s, x.n, $2, NULL, clock_timestamp() + x.i * interval '1 microsecond'
    FROM unnest($13::uuid[], $14::text[], $15::int[], $16::text[]) WITH ORDINALITY AS x(id, a, s, n, i)`;

const NUMBER_SQL = `WITH s AS (
    INSERT INTO doc_sequence (doc_type, day, last_no) VALUES ('SO', $1, 1)
    ON CONFLICT (doc_type, day) DO UPDATE SET last_no = doc_sequence.last_no + 1, updated_at = now()
    RETURNING last_no)
  UPDATE sales_order AS d SET number = $2 || lpad(s.last_no::text, greatest(4, length(s.last_no::text)), '0') FROM s WHERE d.id = $3 RETURNING d.number`;

const END_SQL = `WITH w0 AS (
    UPDATE sales_order_line l SET reserved_qty = l.reserved_qty + t.q, updated_at = now() FROM unnest($1::uuid[], $2::numeric[]) AS t(id, q) WHERE l.id = t.id
  ), w1 AS (
    UPDATE approval_instance SET doc_number = $3 WHERE doc_id = $4 AND (doc_number IS NULL OR doc_number = '')
  )
  INSERT INTO audit_log (actor_id, actor_name, org_id, action, entity, entity_id, summary, message_key, message_values, before, after, request_id, ip)
  SELECT $5, $6, $7, x.a, 'sales_order', $4, x.s, x.k, x.mv, x.b, x.af, $8, '127.0.0.1'
    FROM unnest($9::text[], $10::text[], $11::text[], $12::jsonb[], $13::jsonb[], $14::jsonb[]) AS x(a, s, k, mv, b, af)`;

/** the order read back as the server answers it: its lines and timeline as JSON, in the server's own words */
const readBackSql = (linesJson: string, eventsJson: string) => `SELECT o.*, to_char(o.business_date, 'YYYY-MM-DD') AS bdate, to_char(o.requested_date, 'YYYY-MM-DD') AS rdate,
    d.code AS dealer_code, d.name AS dealer_name, b.name AS branch_name, w.name AS warehouse_name, sr.display_name AS sales_rep_name, cu.display_name AS created_by_name,
    (SELECT count(*)::int FROM sales_order_line lc WHERE lc.order_id = o.id) AS line_count, ${linesJson} AS lines_json, ${eventsJson} AS events_json
  FROM sales_order o JOIN organization d ON d.id = o.dealer_id JOIN organization b ON b.id = o.branch_id JOIN warehouse w ON w.id = o.warehouse_id
  LEFT JOIN app_user sr ON sr.id = o.sales_rep_id LEFT JOIN app_user cu ON cu.id = o.created_by
  WHERE o.id = $1`;

/** The statements this side takes from the built server (so they stay the server's): prices, the reservation, the read-back. */
export interface ServerTexts {
  resolve: string;
  reserve: string;
  readBack: string;
}

export function serverTexts(): ServerTexts {
  const stock = requireServerDist<{ RESERVE_AVAILABLE_SQL?: string }>('modules/inventory/stock.service');
  const sales = requireServerDist<{ LINES_JSON_SQL?: string; EVENTS_JSON_SQL?: string }>('modules/sales/sales-order.service');
  if (typeof stock.RESERVE_AVAILABLE_SQL !== 'string' || typeof sales.LINES_JSON_SQL !== 'string' || typeof sales.EVENTS_JSON_SQL !== 'string') {
    throw new Error('server/dist no longer exports RESERVE_AVAILABLE_SQL, LINES_JSON_SQL or EVENTS_JSON_SQL: update e2e/bench/order-same-work.ts');
  }
  return { resolve: resolveSql(), reserve: stock.RESERVE_AVAILABLE_SQL, readBack: readBackSql(sales.LINES_JSON_SQL, sales.EVENTS_JSON_SQL) };
}

const COMPLETE_SQL = `UPDATE idempotency_key SET status_code = 201, response = $1, completed_at = now(), updated_at = now()
  WHERE user_id = $2 AND key = $3 AND claim_token = $4`;

const snake2camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const camelCase = (row: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(row).map(([k, v]) => [snake2camel(k), v]));

/** A statement on the order's client; a failure names the statement (a bench bug is found by its label). */
async function run<R extends object = Record<string, unknown>>(client: PoolClient, label: string, text: string, params?: unknown[]) {
  try {
    return await client.query<R>(text, params);
  } catch (e) {
    throw new Error(`${label}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * One order, the same work as the API's, by raw SQL on one pool client (`texts`: serverTexts(), once). `body`: the
 * API's request body for the same order (its idempotency hash), with `remark`.
 */
export async function sameWorkOrder(pool: Pool, actor: SameWorkActor, s: OrderSpec, remark: string, body: string, day: string, texts: ServerTexts): Promise<void> {
  const client: PoolClient = await pool.connect();
  try {
    for (const p of actor.principal) await run(client, 'principal', p.sql, p.params);
    const key = `bench-same-${randomUUID()}`;
    const claim = randomUUID();
    const claimed = await run(client, 'claim', CLAIM_SQL, [actor.userId, key, createHash('sha256').update(body).digest('hex'), claim, String(Math.floor(Math.random() * 2 ** 52))]);
    if (!claimed.rowCount) throw new Error('idempotency claim refused');
    const orderId = randomUUID();
    await client.query('BEGIN');
    try {
      const dealer = (await run<{ id: string; path: string; name: string; code: string; selling_branch_id: string; status: string }>(client, 'dealer', DEALER_SQL, [s.dealer.id])).rows[0];
      if (!dealer || dealer.status !== 'ACTIVE') throw new Error(`dealer ${s.dealer.code} is not usable`);
      const wh = (await run<{ status: string }>(client, 'warehouse', WAREHOUSE_SQL, [s.dealer.warehouseId])).rows[0];
      if (!wh || wh.status !== 'ACTIVE') throw new Error('the warehouse is not usable');
      const ids = s.lines.map((l) => l.productId);
      const ancestors = dealer.path.split('/').filter(Boolean);
      const products = (await run<{ status: string; in_range: boolean }>(client, 'products', PRODUCTS_SQL, [ancestors, ids])).rows;
      if (products.length !== ids.length || products.some((p) => p.status !== 'ON_SALE' || !p.in_range)) throw new Error('a product is not orderable');
      const at = new Date();
      const candidates = (await run<CandidateRow>(client, 'prices', texts.resolve, [s.dealer.id, ids, at.toISOString()])).rows;
      const prices = pickPrices(candidates, ids, s.lines.map((l) => l.qty), at);
      prices.forEach((p, i) => {
        if (!new Dec(p.unitPrice).eq(s.lines[i].unitPrice)) throw new Error(`price of ${p.productId}: resolved ${p.unitPrice}, the order has ${s.lines[i].unitPrice}`);
      });
      const col = <K extends keyof PricedLine>(k: K) => s.lines.map((l) => l[k]);
      await run(client, 'order', ORDER_SQL, [orderId, s.dealer.id, dealer.selling_branch_id, s.dealer.warehouseId, day, remark, s.total, s.taxTotal, s.discountTotal, s.belowFloor, actor.userId]);
      const lines = (
        await run<{ id: string; product_id: string; qty: string; line_no: number }>(client, 'lines', LINES_SQL, [
          orderId, col('productId'), col('qty'), col('unitPrice'), col('listPrice'), col('priceSource'), col('priceRefId'), col('priceRefName'), col('floorPrice'),
          col('belowFloor'), col('discountRate'), col('taxRate'), col('amount'), col('taxAmount'),
        ])
      ).rows;
      await run(client, 'claim resource', CLAIM_RESOURCE_SQL, [orderId, actor.userId, key, claim]);
      await run(client, 'settings', SETTINGS_SQL);
      const facts = (await run<{ dealer_name: string; price_level: number; branch_code: string; gap: string | null }>(client, 'facts', FACTS_SQL, [orderId])).rows[0];
      const docTypes = s.belowFloor ? ['BELOW_FLOOR_PRICE', 'SALES_ORDER'] : ['SALES_ORDER'];
      const flows = (await run<{ doc_type: string; id: string; name: string; version: number; definition: { steps?: { name: string }[] } }>(client, 'flows', FLOWS_SQL, [docTypes, s.dealer.id])).rows;
      const credit = (
        await run<{ mode: string; credit_limit: string; open_receivables: string; open_orders: string; prepayment: string; overdue: boolean }>(client, 'credit', CREDIT_SQL, [s.total, s.dealer.id, day])
      ).rows[0];
      if (!credit) throw new Error(`no credit account for ${s.dealer.code}`);
      const exposure = new Dec(credit.open_receivables).plus(credit.open_orders).minus(s.total).minus(credit.prepayment);
      const excess = Dec.max(exposure.plus(s.total).minus(credit.credit_limit), 0);
      if (credit.mode === 'BLOCK' && excess.gt(0)) throw new Error(`credit refused for ${s.dealer.code}`);
      const check = { mode: credit.mode, limit: fmt(credit.credit_limit), exposure: fmt(exposure), orderTotal: s.total, excess: fmt(excess), overdue: credit.overdue, warning: null, overridden: false };
      await run(client, 'approve', APPROVE_SQL, [JSON.stringify(check), orderId]);
      const factsJson = JSON.stringify({
        amount: s.total, source: 'CONSOLE', belowFloor: s.belowFloor, branchCode: facts.branch_code, overCredit: false, dealerLevel: facts.price_level, discountRate: '0.0000',
      });
      const instances = flows.map((f) => ({ id: randomUUID(), f, steps: f.definition.steps ?? [] }));
      const events = instances.flatMap((x) => [
        { id: x.id, a: 'SUBMIT', s: null, n: `${x.f.name} v${x.f.version}` },
        ...x.steps.map((st, i) => ({ id: x.id, a: 'STEP_SKIPPED', s: i, n: st.name })),
        { id: x.id, a: 'APPROVED', s: null, n: null },
        { id: x.id, a: 'AUTO_APPROVE', s: null, n: null },
      ]);
      await run(client, 'timeline', TIMELINE_SQL, [
        orderId, actor.userId, `${facts.dealer_name} ¥${s.total}`, JSON.stringify({ party: facts.dealer_name, amount: s.total }), s.dealer.id, dealer.selling_branch_id,
        instances.map((x) => x.id), instances.map((x) => x.f.doc_type), instances.map((x) => x.f.id), instances.map((x) => x.f.version),
        instances.map(() => factsJson), instances.map((x) => JSON.stringify(x.steps.map((st, i) => ({ holds: false, matched: [], stepName: st.name, stepIndex: i })))),
        events.map((e) => e.id), events.map((e) => e.a), events.map((e) => e.s), events.map((e) => e.n),
      ]);
      const byProduct = [...lines].sort((x, y) => (x.product_id < y.product_id ? -1 : 1));
      const reserved = await run(client, 'reserve', texts.reserve, [s.dealer.warehouseId, byProduct.map((l) => l.product_id), byProduct.map((l) => l.qty)]);
      if (reserved.rowCount !== lines.length) throw new Error(`stock reserved for ${reserved.rowCount} of ${lines.length} lines`);
      const number = (await run<{ number: string }>(client, 'number', NUMBER_SQL, [day, `SO${day.replace(/-/g, '')}-`, orderId])).rows[0].number;
      const created = { lines: s.lines.map((l) => ({ qty: l.qty, amount: l.amount, source: l.priceSource, productId: l.productId, unitPrice: l.unitPrice, discountRate: l.discountRate })), total: s.total, number, dealerId: s.dealer.id, submitted: true, warehouseId: s.dealer.warehouseId };
      await run(client, 'end', END_SQL, [
        byProduct.map((l) => l.id), byProduct.map((l) => l.qty), number, orderId, actor.userId, actor.displayName, s.dealer.id, randomUUID(),
        ['approve', 'create'],
        ['PENDING_APPROVAL -> APPROVED (auto)', `order ${number} for ${s.dealer.code}: ${lines.length} line(s), ${s.total}`],
        ['transition', 'generic'],
        [JSON.stringify({ to: 'APPROVED', from: 'PENDING_APPROVAL', note: 'auto', action: 'approve', entity: 'sales_order' }), JSON.stringify({ label: number, action: 'create', entity: 'sales_order' })],
        [JSON.stringify({ note: null, status: 'PENDING_APPROVAL' }), null],
        [JSON.stringify({ note: 'auto', status: 'APPROVED' }), JSON.stringify(created)],
      ]);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
    // the answer, as the server builds it: the order read back in one statement, its lines and timeline in camelCase
    const row = (await run<Record<string, unknown> & { lines_json: Record<string, unknown>[]; events_json: Record<string, unknown>[] }>(client, 'read back', texts.readBack, [orderId])).rows[0];
    if (!row) throw new Error('the order was not read back');
    const { lines_json, events_json, ...header } = row;
    const answer = { ...camelCase(header), lines: lines_json.map(camelCase), events: events_json.map(camelCase) };
    await run(client, 'complete', COMPLETE_SQL, [JSON.stringify(answer), actor.userId, key, claim]);
  } finally {
    client.release();
  }
}
