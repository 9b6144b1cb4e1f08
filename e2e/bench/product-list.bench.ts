/**
 * The product list (GET /api/products, page 1 of 20 by code) as an HQ admin sees it, at N extra
 * products (issue #17, "Pages": every document list pages through `pageIdsOf`). The SQL side
 * replays the statements the built server's ProductService.list sends (captured): the bounded count
 * and the page's ids in one statement, the planner's estimate (EXPLAIN) beyond EXACT_TOTAL_LIMIT
 * rows, the page's rows, prices, units, images and categories. `list-plain` is the baseline before
 * 2026-12-07: an exact count(*) of the whole filter, the ids of the page, then the same loads.
 */
import type { Pool } from 'pg';
import { EXACT_TOTAL_LIMIT } from '@drp/shared';
import { BenchSuite, CapturedQuery, capturePrincipalQueries, getJson, login, openServerQueryCapture, Scenario, SuiteContext } from './harness';

const PAGE_SIZE = 20;

type Ctor<T> = new (...args: unknown[]) => T;
type ListQuery = { page: number; pageSize: number; q?: string };

/** `count` products over the demo's categories, three level prices each, set-based. */
async function insertProducts(pool: Pool, count: number): Promise<void> {
  await pool.query(
    `INSERT INTO product (code, name, category_id, base_unit, base_price, brand, spec, status, created_at)
     SELECT 'B-' || lpad(n::text, 7, '0'),
            (ARRAY['康师傅','统一','娃哈哈','农夫山泉','伊利','蒙牛','旺旺','达利园'])[1 + n % 8] || (ARRAY['矿泉水','方便面','饼干','牛奶','果汁','茶饮料','薯片','面包'])[1 + (n / 8) % 8] || ' ' || n,
            c.ids[1 + n % cardinality(c.ids)], (ARRAY['瓶','箱','袋','盒'])[1 + n % 4], (5 + n % 200)::numeric(18,4),
            (ARRAY['康师傅','统一','娃哈哈','农夫山泉','伊利','蒙牛','旺旺','达利园'])[1 + n % 8], (250 + n % 5 * 250) || 'ml',
            CASE WHEN n % 20 = 0 THEN 'DISCONTINUED' ELSE 'ON_SALE' END, now() - make_interval(secs => n)
       FROM (SELECT array_agg(id ORDER BY path) AS ids FROM category) c CROSS JOIN generate_series(1, $1::int) n`,
    [count],
  );
  await pool.query(
    `INSERT INTO product_price (product_id, level, price)
     SELECT p.id, l, round(p.base_price * (1 - l * 0.02), 4) FROM product p CROSS JOIN generate_series(1, 3) l WHERE p.code LIKE 'B-%'
     ON CONFLICT DO NOTHING`,
  );
  // VACUUM sets hint bits and the visibility map now, and the planner's statistics the estimate reads
  await pool.query('VACUUM (ANALYZE) product');
  await pool.query('VACUUM (ANALYZE) product_price');
}

/** The statements the built server sends for each list request (besides the principal check). */
async function captureListQueries(databaseUrl: string, userId: string, sessionId: string, requests: ListQuery[]): Promise<CapturedQuery[][]> {
  const cap = await openServerQueryCapture(databaseUrl);
  try {
    const { loadPrincipal } = cap.serverModule<{ loadPrincipal(db: unknown, ctx: unknown, userId: string, sessionId: string): Promise<unknown> }>('modules/auth/jwt.strategy');
    const { RequestContext } = cap.serverModule<{ RequestContext: Ctor<unknown> & { system(): unknown } }>('common/context/request-context');
    const { ProductService } = cap.serverModule<{ ProductService: Ctor<{ list(ctx: unknown, q: ListQuery): Promise<unknown> }> }>('modules/catalog/product.service');
    const user = await loadPrincipal(cap.db, RequestContext.system(), userId, sessionId);
    if (!user) throw new Error('the admin principal did not load');
    const rc = new RequestContext('bench', '127.0.0.1', user);
    const out: CapturedQuery[][] = [];
    for (const r of requests) {
      // the list reads only: audit, storage and events are not used (no images in the bench data)
      const { queries } = await cap.record(() => new ProductService(cap.db, undefined, undefined, undefined).list(rc, r));
      if (!queries.length) throw new Error('ProductService.list ran no query: update captureListQueries in e2e/bench/product-list.bench.ts');
      out.push(queries);
    }
    return out;
  } finally {
    await cap.close();
  }
}

interface ProductPage {
  items: { code: string }[];
  total: number;
  totalIsEstimate?: boolean;
}

export const productListSuite: BenchSuite = {
  name: 'product-list',
  defaultSizes: [10000],

  async prepare(ctx: SuiteContext) {
    const t0 = Date.now();
    await insertProducts(ctx.pool, ctx.size);
    const { rows } = await ctx.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM product');
    ctx.log(`inserted ${ctx.size} products in ${((Date.now() - t0) / 1000).toFixed(1)}s (${rows[0].n} in all)`);
  },

  async scenarios(ctx: SuiteContext): Promise<Scenario[]> {
    const auth = await login(ctx.baseUrl, 'admin', 'Demo#2026');
    const headers = { authorization: `Bearer ${auth.accessToken}` };
    const principal = await capturePrincipalQueries(auth.userId, auth.sessionId);
    const [server] = await captureListQueries(ctx.databaseUrl, auth.userId, auth.sessionId, [{ page: 1, pageSize: PAGE_SIZE }]);
    const path = `/api/products?page=1&pageSize=${PAGE_SIZE}`;
    // the baseline: the exact count and the page's ids as two statements, then the loads the server sends after its page statement
    const count = { sql: 'SELECT count(*)::int AS n FROM product p', params: [] };
    const ids = { sql: `SELECT p.id FROM product p ORDER BY p.code ASC NULLS LAST, p.id LIMIT ${PAGE_SIZE} OFFSET 0`, params: [] };
    const loads = server.slice(1).filter((s) => !/^\s*EXPLAIN/i.test(s.sql));
    const check = async () => {
      const api = await getJson<ProductPage>(ctx.baseUrl, path, auth.accessToken);
      const exact = (await ctx.pool.query<{ n: number }>(count.sql)).rows[0].n;
      const sqlCodes = (await ctx.pool.query<{ code: string }>(`SELECT p.code FROM product p ORDER BY p.code, p.id LIMIT ${PAGE_SIZE}`)).rows.map((r) => r.code);
      const apiCodes = api.items.map((i) => i.code);
      const warnings: string[] = [];
      if (!api.totalIsEstimate && api.total !== exact) warnings.push(`API total ${api.total} != exact count ${exact}`);
      if (api.totalIsEstimate && (api.total <= EXACT_TOTAL_LIMIT || Math.abs(api.total - exact) / exact > 0.5)) warnings.push(`API estimate ${api.total} is far from the exact count ${exact}`);
      const same = apiCodes.length === sqlCodes.length && apiCodes.every((c, i) => c === sqlCodes[i]);
      if (!same) warnings.push('API page differs from the SQL page');
      return { apiTotal: api.total, sqlTotal: exact, sameFirstPage: same, warnings, notes: { totalIsEstimate: !!api.totalIsEstimate, serverStatements: server.length } };
    };
    return [
      {
        name: 'list',
        description: 'products, page 1 by code',
        path,
        headers,
        sqlUnit: "principal check + the statements the server's ProductService.list sends for this request (captured from the built server), one after the other",
        sql: async (pool: Pool) => {
          for (const p of principal) await pool.query(p.sql, p.params);
          for (const s of server) await pool.query(s.sql, s.params);
        },
        check,
        explain: { page: server[0] },
      },
      {
        name: 'list-plain',
        description: 'products, page 1 by code; SQL side: exact count + page ids + the same loads (the baseline before 2026-12-07)',
        path,
        headers,
        sqlUnit: 'principal check + count(*) of the filter + the page ids + the loads the server sends after its page statement, one after the other',
        sql: async (pool: Pool) => {
          for (const p of principal) await pool.query(p.sql, p.params);
          await pool.query(count.sql);
          await pool.query(ids.sql);
          for (const s of loads) await pool.query(s.sql, s.params);
        },
        check,
        explain: { count, ids },
      },
    ];
  },
};
