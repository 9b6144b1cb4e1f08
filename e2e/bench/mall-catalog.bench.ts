/**
 * A dealer's mall catalog page (GET /api/mall/catalog, 40 products with the dealer's resolved
 * prices and availability) as bj.dealer1 of the demo data, with N extra published products (with
 * level prices, pack units and stock in WH-BJ), on the first page and on a search. Against the
 * same answer as raw SQL: the principal lookup (captured from the server), one query for the
 * count, one for the page with category, pack unit, image, stock of the supplying warehouses and
 * favourite, RESOLVE_SQL (the server's candidate query) and `resolvePrice` for the 40 products.
 *
 * What it shows: the overhead of the mall's composition (dealer lookup, branch product scope,
 * settings, the price-validity lookup) over the minimum SQL, and p50/p99 under load.
 */
import type { Pool } from 'pg';
import { Dec, fmt, PriceBookCandidate, PromotionCandidate, resolvePrice } from '@drp/shared';
import { BenchSuite, capturePrincipalQueries, getJson, login, requireServerDist, Scenario, SuiteContext } from './harness';

const PAGE = 40;
const DEALER_USER = 'bj.dealer1';
const PASSWORD = 'Demo#2026';

interface CandidateRow {
  id: string;
  /** company_settings.price_scale (RESOLVE_SQL reads it with the candidates) */
  price_scale: number | null;
  base_price: string;
  level_price: string | null;
  level: number | null;
  level_name: string | null;
  books: PriceBookCandidate[];
  promos: PromotionCandidate[];
}

interface Card {
  id: string;
  code: string;
  unitPrice: string;
  priceSource: string;
  availability: string;
}

const resolveSql = (): string => {
  const mod = requireServerDist<{ RESOLVE_SQL?: string }>('modules/pricing/price-resolver.service');
  if (typeof mod.RESOLVE_SQL !== 'string') throw new Error('server/dist/modules/pricing/price-resolver.service no longer exports RESOLVE_SQL: update e2e/bench/mall-catalog.bench.ts');
  return mod.RESOLVE_SQL;
};

const businessDate = (at: Date): string =>
  requireServerDist<{ businessDate(at: Date, tz: string): string }>('database/business-date').businessDate(at, process.env.COMPANY_TZ || 'Asia/Shanghai');

/** The page as one raw query: the dealer's published, on-sale products (no product-range rules apply to 北京), 40 by code, with everything a card shows. */
const PAGE_SQL = `
  SELECT p.id, p.code, p.name, p.spec, p.brand, p.category_id, c.name AS category_name, p.base_unit, p.min_order_qty, p.order_multiple, p.low_stock_threshold,
         u.unit AS pack_unit, u.factor AS pack_factor,
         (SELECT i.storage_key FROM product_image i WHERE i.product_id = p.id ORDER BY i.sort_order LIMIT 1) AS image_key,
         COALESCE((SELECT sum(s.on_hand - s.reserved) FROM stock s WHERE s.product_id = p.id AND s.warehouse_id = ANY($2::uuid[])), 0) AS available,
         EXISTS (SELECT 1 FROM mall_favourite f WHERE f.dealer_id = $1 AND f.product_id = p.id) AS favourite
    FROM product p JOIN category c ON c.id = p.category_id
    LEFT JOIN LATERAL (SELECT pu.unit, pu.factor FROM product_unit pu WHERE pu.product_id = p.id ORDER BY pu.factor DESC LIMIT 1) u ON true
   WHERE p.mall_published AND p.status = 'ON_SALE' AND ($3::text IS NULL OR p.code ILIKE $3 OR p.name ILIKE $3 OR p.barcode ILIKE $3 OR p.brand ILIKE $3)
   ORDER BY p.code, p.id LIMIT ${PAGE}`;
const COUNT_SQL = `SELECT count(*)::int AS n FROM product p WHERE p.mall_published AND p.status = 'ON_SALE' AND ($1::text IS NULL OR p.code ILIKE $1 OR p.name ILIKE $1 OR p.barcode ILIKE $1 OR p.brand ILIKE $1)`;

async function sqlPage(pool: Pool, dealer: { id: string; warehouses: string[] }, q: string | null, resolve: string): Promise<Card[]> {
  const like = q ? `%${q}%` : null;
  await pool.query(COUNT_SQL, [like]);
  const { rows } = await pool.query<{ id: string; code: string; min_order_qty: string; low_stock_threshold: string; available: string }>(PAGE_SQL, [dealer.id, dealer.warehouses, like]);
  const at = new Date();
  const cands = (await pool.query<CandidateRow>(resolve, [dealer.id, rows.map((r) => r.id), at.toISOString()])).rows;
  const byId = new Map(cands.map((c) => [c.id, c]));
  const day = businessDate(at);
  return rows.map((r) => {
    const c = byId.get(r.id)!;
    const out = resolvePrice({ qty: fmt(r.min_order_qty, 'qty'), at: at.toISOString(), businessDate: day, basePrice: c.base_price, level: c.level, levelName: c.level_name, levelPrice: c.level_price, promotions: c.promos, priceBookItems: c.books, priceScale: c.price_scale ?? 2 });
    const a = new Dec(r.available);
    return { id: r.id, code: r.code, unitPrice: fmt(out.unitPrice, 'unitPrice'), priceSource: out.source, availability: a.lessThanOrEqualTo(0) ? 'OUT' : a.lessThanOrEqualTo(r.low_stock_threshold) ? 'LOW' : 'IN_STOCK' };
  });
}

export const mallCatalogSuite: BenchSuite = {
  name: 'mall-catalog',
  defaultSizes: [1000, 10000],

  async prepare(ctx: SuiteContext) {
    const t0 = Date.now();
    // N more published products over the demo's leaf categories, with ten level prices, a pack unit and stock in WH-BJ
    await ctx.pool.query(
      `INSERT INTO product (code, name, spec, brand, category_id, base_unit, barcode, base_price, min_order_qty, order_multiple, status, mall_published, low_stock_threshold)
       SELECT 'MB' || lpad(g::text, 6, '0'), '商城压测商品 ' || g, (g % 5 + 1) || '00ml', (ARRAY['清泉','好味','立白','雪花'])[g % 4 + 1], c.id, '瓶',
              '695' || lpad(g::text, 10, '0'), round((3 + (g % 97))::numeric, 1), CASE WHEN g % 4 = 0 THEN 12 ELSE 1 END, CASE WHEN g % 4 = 0 THEN 12 ELSE 1 END,
              CASE WHEN g % 50 = 0 THEN 'DISCONTINUED' ELSE 'ON_SALE' END, g % 5 <> 0, 24
         FROM generate_series(1, $1::int) g
         JOIN LATERAL (SELECT id FROM category WHERE parent_id IS NOT NULL ORDER BY code OFFSET (g % 10) LIMIT 1) c ON true`,
      [ctx.size],
    );
    await ctx.pool.query(`INSERT INTO product_price (product_id, level, price) SELECT p.id, l, round(p.base_price * (0.85 - 0.015 * (l - 1)), 2) FROM product p CROSS JOIN generate_series(1, 10) l WHERE p.code LIKE 'MB%'`);
    await ctx.pool.query(`INSERT INTO product_unit (product_id, unit, factor) SELECT id, '箱', 12 FROM product WHERE code LIKE 'MB%'`);
    await ctx.pool.query(`INSERT INTO stock (warehouse_id, product_id, on_hand) SELECT w.id, p.id, (p.base_price * 7)::int % 300 FROM product p CROSS JOIN warehouse w WHERE p.code LIKE 'MB%' AND w.code IN ('WH-BJ', 'WH-HQ')`);
    await ctx.pool.query('VACUUM (ANALYZE) product, product_price, product_unit, stock, category, mall_favourite');
    const { rows } = await ctx.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM product WHERE mall_published AND status = 'ON_SALE'`);
    ctx.log(`inserted ${ctx.size} products in ${((Date.now() - t0) / 1000).toFixed(1)}s: ${rows[0].n} published on sale`);
  },

  async scenarios(ctx: SuiteContext): Promise<Scenario[]> {
    const auth = await login(ctx.baseUrl, DEALER_USER, PASSWORD);
    const headers = { authorization: `Bearer ${auth.accessToken}` };
    const principal = await capturePrincipalQueries(auth.userId, auth.sessionId);
    const RESOLVE = resolveSql();
    const [d] = (await ctx.pool.query<{ id: string; warehouses: string[] }>(
      `SELECT u.org_id AS id, (SELECT array_agg(w.id ORDER BY w.code) FROM warehouse w JOIN organization b ON b.id = w.org_id WHERE b.code = 'BJ' AND w.status = 'ACTIVE') AS warehouses
         FROM app_user u WHERE u.username = $1`,
      [DEALER_USER],
    )).rows;
    const scenario = (name: string, q: string | null): Scenario => {
      const path = `/api/mall/catalog?pageSize=${PAGE}${q ? `&q=${encodeURIComponent(q)}` : ''}`;
      const side = async (pool: Pool) => {
        for (const p of principal) await pool.query(p.sql, p.params);
        return sqlPage(pool, d, q, RESOLVE);
      };
      return {
        name,
        description: `${DEALER_USER}'s catalog page of ${PAGE} cards${q ? ` searching "${q}"` : ''} (prices resolved, availability from WH-BJ)`,
        path,
        headers,
        sqlUnit: 'principal lookup + count + one page query (category, pack unit, image, stock, favourite) + RESOLVE_SQL + resolvePrice for the 40 products',
        sql: async (pool: Pool) => {
          await side(pool);
        },
        check: async () => {
          const api = await getJson<{ items: Card[]; total: number }>(ctx.baseUrl, path, auth.accessToken);
          const sql = await side(ctx.pool);
          const canon = (c: Card) => JSON.stringify([c.id, c.unitPrice, c.priceSource, c.availability]);
          const warnings: string[] = [];
          const differing = sql.filter((s, i) => !api.items[i] || canon(api.items[i]) !== canon(s));
          if (differing.length) warnings.push(`${differing.length} of ${sql.length} cards differ (first SQL ${canon(differing[0])})`);
          return { apiTotal: api.items.length, sqlTotal: sql.length, sameFirstPage: !differing.length && api.items.length === sql.length, warnings, notes: { total: api.total } };
        },
        explain: { page: { sql: PAGE_SQL, params: [d.id, d.warehouses, q ? `%${q}%` : null] } },
      };
    };
    return [scenario('catalog-40', null), scenario('catalog-search-40', '清泉')];
  },
};
