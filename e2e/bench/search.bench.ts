/**
 * Search (issue #17): the `q` searches of the product list (GET /api/products?q=) over
 * BENCH_SEARCH_PRODUCTS products (default 100,000) and of the sales order list (GET
 * /api/sales-orders?q=) over N orders (BENCH_SEARCH_ORDERS, default 1,000,000), as an HQ admin,
 * each against the raw SQL the server runs for it (principal check + count + page of ids + the
 * page's rows; the order list also sums its totals) in the same run.
 *
 * The services send `col ILIKE '%term%'` OR-ed over several columns; migration SearchIndexes puts
 * a pg_trgm GIN index on each. BENCH_SEARCH_INDEXES=off drops those indexes after the data is
 * in, for the "before" figures on the same data.
 *
 * Test data, set-based (INSERT .. SELECT generate_series, as aging does): products with Chinese
 * names (brand + goods + pack), codes PB0000001.., barcodes 68.., one category; 1000 extra dealers
 * (the org-list generator: Chinese names) and orders SO<date><7 digits> spread over them.
 */
import type { Pool } from 'pg';
import { BenchSuite, capturePrincipalQueries, getJson, intEnv, login, Scenario, SuiteContext } from './harness';
import { insertDealers } from './org-list.bench';

const PAGE_SIZE = 20;
const DEALERS = 1000;
const SEED = 0.20261206;

const TRGM_INDEXES = [
  'ix_organization_code_trgm',
  'ix_organization_name_trgm',
  'ix_organization_contact_trgm',
  'ix_organization_phone_trgm',
  'ix_organization_region_trgm',
  'ix_product_code_trgm',
  'ix_product_name_trgm',
  'ix_product_barcode_trgm',
  'ix_product_brand_trgm',
  'ix_product_spec_trgm',
  'ix_sales_order_number_trgm',
];

// ---------------------------------------------------------------------------------------------
// test data

const BRANDS = '康师傅 统一 今麦郎 白象 农夫山泉 怡宝 娃哈哈 伊利 蒙牛 光明 旺旺 达利园 好丽友 盼盼 三只松鼠 良品铺子 洽洽 海天 李锦记 金龙鱼 福临门 鲁花 中粮 雀巢 立白 蓝月亮 心相印 维达 清风 舒肤佳';
const GOODS = '红烧牛肉面 老坛酸菜面 矿泉水 纯净水 纯牛奶 酸奶 早餐奶 雪饼 仙贝 小面包 蛋黄派 薯片 夏威夷果 每日坚果 瓜子 生抽 老抽 蚝油 调和油 花生油 大米 面粉 咖啡 洗衣液 洗洁精 抽纸 卷纸 香皂 沐浴露 洗发水';
const PACKS = '5连包 12袋/箱 24瓶/箱 1L*12 250ml*24 500g 1kg 5kg 10包/提 整箱 家庭装 特惠装';

const INSERT_PRODUCTS = `
  WITH b AS (SELECT string_to_array($2, ' ') AS brands, string_to_array($3, ' ') AS goods, string_to_array($4, ' ') AS packs),
  g AS (SELECT i, random() AS r1, random() AS r2, random() AS r3, random() AS r4 FROM generate_series(1, $1::int) i)
  INSERT INTO product (code, name, spec, brand, category_id, base_unit, barcode, base_price, status)
  SELECT 'PB' || lpad(g.i::text, 7, '0'),
         b.brands[1 + floor(g.r1 * array_length(b.brands, 1))::int] || b.goods[1 + floor(g.r2 * array_length(b.goods, 1))::int] || ' ' || g.i,
         b.packs[1 + floor(g.r3 * array_length(b.packs, 1))::int],
         b.brands[1 + floor(g.r1 * array_length(b.brands, 1))::int],
         $5, '件', '68' || lpad(g.i::text, 11, '0'), round((1 + g.r4 * 199)::numeric, 2),
         CASE WHEN g.r4 < 0.05 THEN 'DISCONTINUED' ELSE 'ON_SALE' END
    FROM g CROSS JOIN b`;

/** $1 orders, $2 warehouse; the generated dealers (org-list's codes) with their parent as the branch. */
const INSERT_ORDERS = `
  WITH d AS (
    SELECT (row_number() OVER (ORDER BY code) - 1)::int AS n, id, parent_id FROM organization WHERE type = 'DEALER' AND code ~ '^D-[A-Z]+[0-9]{6}$'
  ), dn AS (SELECT count(*)::int AS n FROM d),
  g AS (SELECT i, floor(random() * (SELECT n FROM dn))::int AS dn, floor(random() * 720)::int AS age, round((50 + random() * 20000)::numeric, 2) AS total, random() AS st FROM generate_series(1, $1::int) i)
  INSERT INTO sales_order (number, status, source, dealer_id, branch_id, warehouse_id, business_date, total, shipped_total, submitted_at, approved_at, created_at, updated_at)
  SELECT 'SO' || to_char(current_date - g.age, 'YYYYMMDD') || lpad(g.i::text, 7, '0'),
         CASE WHEN g.st < 0.8 THEN 'COMPLETED' ELSE 'CANCELLED' END, 'CONSOLE', d.id, d.parent_id, $2, current_date - g.age,
         g.total, CASE WHEN g.st < 0.8 THEN g.total ELSE 0 END, now(), now(),
         (current_date - g.age)::timestamptz + make_interval(secs => g.i % 86400), (current_date - g.age)::timestamptz
    FROM g JOIN d ON d.n = g.dn`;

async function timed(ctx: SuiteContext, label: string, work: () => Promise<unknown>): Promise<void> {
  const t0 = Date.now();
  await work();
  ctx.log(`  ${label} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

// ---------------------------------------------------------------------------------------------
// the lists as the server runs them for an HQ admin (scope ALL: no scope filter)

const like = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function productQueries(q: string) {
  const where = `(p.code ILIKE $1 OR p.name ILIKE $1 OR p.barcode ILIKE $1 OR p.brand ILIKE $1 OR p.spec ILIKE $1)`;
  return {
    count: { sql: `SELECT count(*)::int AS n FROM product p WHERE ${where}`, params: [like(q)] },
    page: { sql: `SELECT p.id FROM product p WHERE ${where} ORDER BY p.code ASC NULLS LAST, p.id LIMIT ${PAGE_SIZE} OFFSET 0`, params: [like(q)] },
    rows: 'SELECT * FROM product WHERE id = ANY($1)',
  };
}

function orderQueries(q: string) {
  const from = 'FROM sales_order o JOIN organization d ON d.id = o.dealer_id WHERE (o.number ILIKE $1 OR d.code ILIKE $1 OR d.name ILIKE $1)';
  return {
    count: { sql: `SELECT count(*)::int AS n ${from}`, params: [like(q)] },
    sums: { sql: `SELECT COALESCE(sum(o.total), 0) AS total, COALESCE(sum(o.shipped_total), 0) AS shipped ${from}`, params: [like(q)] },
    page: { sql: `SELECT o.id ${from} ORDER BY o.created_at DESC NULLS LAST, o.id LIMIT ${PAGE_SIZE} OFFSET 0`, params: [like(q)] },
    rows: 'SELECT o.*, d.code AS dealer_code, d.name AS dealer_name FROM sales_order o JOIN organization d ON d.id = o.dealer_id WHERE o.id = ANY($1)',
    // not what the server sends: the same rows with the dealer match taken first (an array of
    // dealer ids), so the planner can OR the number's trigram index with ix_sales_order_dealer
    proposed: {
      sql: `SELECT count(*)::int AS n FROM sales_order o JOIN organization d ON d.id = o.dealer_id
             WHERE (o.number ILIKE $1 OR o.dealer_id = ANY (ARRAY(SELECT x.id FROM organization x WHERE x.code ILIKE $1 OR x.name ILIKE $1)))`,
      params: [like(q)],
    },
  };
}

interface Page {
  items: { id: string; code?: string; number?: string }[];
  total: number;
}

export const searchSuite: BenchSuite = {
  name: 'search',
  sizesFromEnv: () => [intEnv('BENCH_SEARCH_ORDERS', 1_000_000, 1)],

  async prepare(ctx: SuiteContext) {
    const products = intEnv('BENCH_SEARCH_PRODUCTS', 100_000, 1);
    const client = await ctx.pool.connect();
    try {
      const [{ id: warehouseId } = { id: '' }] = (await client.query<{ id: string }>("SELECT id FROM warehouse WHERE code = 'WH-HQ'")).rows;
      const [{ id: categoryId } = { id: '' }] = (await client.query<{ id: string }>('SELECT id FROM category ORDER BY code LIMIT 1')).rows;
      if (!warehouseId || !categoryId) throw new Error('the demo warehouse WH-HQ or a category is missing: is DEMO_DATA on?');
      await timed(ctx, `${DEALERS} dealers`, () => insertDealers(ctx.pool, DEALERS, 20261206));
      await client.query("SET work_mem = '256MB'");
      await client.query('SELECT setseed($1)', [SEED]);
      await timed(ctx, `${products} products`, () => client.query(INSERT_PRODUCTS, [products, BRANDS, GOODS, PACKS, categoryId]));
      await timed(ctx, `${ctx.size} sales orders`, () => client.query(INSERT_ORDERS, [ctx.size, warehouseId]));
      if (process.env.BENCH_SEARCH_INDEXES === 'off') {
        await client.query(`DROP INDEX IF EXISTS ${TRGM_INDEXES.join(', ')}`);
        ctx.log('  BENCH_SEARCH_INDEXES=off: the trigram indexes are dropped (the "before" figures)');
      }
      await timed(ctx, 'VACUUM (ANALYZE)', () => client.query('VACUUM (ANALYZE) product, sales_order, organization'));
    } finally {
      client.release();
    }
  },

  async scenarios(ctx: SuiteContext): Promise<Scenario[]> {
    const auth = await login(ctx.baseUrl, 'admin', 'Demo#2026');
    const headers = { authorization: `Bearer ${auth.accessToken}` };
    const principal = await capturePrincipalQueries(auth.userId, auth.sessionId);
    // an order number fragment that matches a handful of orders (a day and the start of a serial)
    const [{ number: someNumber }] = (await ctx.pool.query<{ number: string }>("SELECT number FROM sales_order WHERE number LIKE 'SO%' ORDER BY number OFFSET 1000 LIMIT 1")).rows;
    const [{ name: someDealer }] = (await ctx.pool.query<{ name: string }>("SELECT name FROM organization WHERE type = 'DEALER' AND code ~ '^D-[A-Z]+[0-9]{6}$' ORDER BY code OFFSET 17 LIMIT 1")).rows;

    const product = (name: string, q: string, what: string): Scenario => {
      const s = productQueries(q);
      const path = `/api/products?${new URLSearchParams({ q, page: '1', pageSize: String(PAGE_SIZE) }).toString()}`;
      return {
        name,
        description: `products matching q=${q} (${what}), page 1`,
        path,
        headers,
        sqlUnit: "principal check (the server's own SQL) + count(*) + page of ids + the page's rows, one after the other",
        sql: async (pool: Pool) => {
          for (const p of principal) await pool.query(p.sql, p.params);
          await pool.query(s.count.sql, s.count.params);
          const ids = (await pool.query<{ id: string }>(s.page.sql, s.page.params)).rows.map((r) => r.id);
          await pool.query(s.rows, [ids]);
        },
        check: async () => {
          const api = await getJson<Page>(ctx.baseUrl, path, auth.accessToken);
          const sqlTotal = (await ctx.pool.query<{ n: number }>(s.count.sql, s.count.params)).rows[0].n;
          const sqlIds = (await ctx.pool.query<{ id: string }>(s.page.sql, s.page.params)).rows.map((r) => r.id);
          const same = api.items.length === sqlIds.length && api.items.every((i, k) => i.id === sqlIds[k]);
          const warnings: string[] = [];
          if (api.total !== sqlTotal) warnings.push(`API total ${api.total} != SQL total ${sqlTotal}`);
          if (!same) warnings.push('the API page differs from the SQL page');
          if (!api.items.length) warnings.push('no match');
          return { apiTotal: api.total, sqlTotal, sameFirstPage: same, warnings };
        },
        explain: { count: s.count, page: s.page },
      };
    };

    const order = (name: string, q: string, what: string): Scenario => {
      const s = orderQueries(q);
      const path = `/api/sales-orders?${new URLSearchParams({ q, page: '1', pageSize: String(PAGE_SIZE) }).toString()}`;
      return {
        name,
        description: `sales orders matching q=${q} (${what}), page 1`,
        path,
        headers,
        sqlUnit: "principal check (the server's own SQL) + count(*) + sums + page of ids + the page's rows with the dealer, one after the other",
        sql: async (pool: Pool) => {
          for (const p of principal) await pool.query(p.sql, p.params);
          await pool.query(s.count.sql, s.count.params);
          await pool.query(s.sums.sql, s.sums.params);
          const ids = (await pool.query<{ id: string }>(s.page.sql, s.page.params)).rows.map((r) => r.id);
          await pool.query(s.rows, [ids]);
        },
        check: async () => {
          const api = await getJson<Page>(ctx.baseUrl, path, auth.accessToken);
          const sqlTotal = (await ctx.pool.query<{ n: number }>(s.count.sql, s.count.params)).rows[0].n;
          const sqlIds = (await ctx.pool.query<{ id: string }>(s.page.sql, s.page.params)).rows.map((r) => r.id);
          const same = api.items.length === sqlIds.length && api.items.every((i, k) => i.id === sqlIds[k]);
          const warnings: string[] = [];
          if (api.total !== sqlTotal) warnings.push(`API total ${api.total} != SQL total ${sqlTotal}`);
          if (!same) warnings.push('the API page differs from the SQL page');
          if (!api.items.length) warnings.push('no match');
          const proposedTotal = (await ctx.pool.query<{ n: number }>(s.proposed.sql, s.proposed.params)).rows[0].n;
          if (proposedTotal !== sqlTotal) warnings.push(`the proposed plan counts ${proposedTotal}, the server's query ${sqlTotal}`);
          return { apiTotal: api.total, sqlTotal, sameFirstPage: same, warnings };
        },
        explain: { count: s.count, page: s.page, 'count-proposed': s.proposed },
      };
    };

    return [
      product('products-code', 'PB000123', 'a code fragment'),
      product('products-name', '牛肉面', 'a Chinese name fragment, 3 characters'),
      product('products-name-2', '牛奶', 'a Chinese name fragment, 2 characters: no trigram'),
      order('orders-number', someNumber.slice(2, 14), 'an order number fragment'),
      order('orders-dealer', someDealer.slice(-5), 'a dealer name fragment'),
    ];
  },
};
