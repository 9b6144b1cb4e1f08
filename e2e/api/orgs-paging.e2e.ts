import { EXACT_TOTAL_LIMIT } from '@drp/shared';
import { statementCounter } from '../support/statement-count';
import { bearer, bootTestApp, TestApp } from '../support/test-app';
// after test-app, which loads reflect-metadata that the DTOs' decorators in pagination.ts need
import { forgetEstimates } from '../../server/src/common/http/pagination';

/**
 * The organisation list's total (issue #17, "Pages"): counted exactly up to EXACT_TOTAL_LIMIT
 * matching rows, the planner's estimate beyond it (flagged `totalIsEstimate`), exact again on the
 * last page and past the end; scope, search, filters and sorting as before. The page is one
 * statement beside the auth check (one more, an EXPLAIN, when the total is estimated).
 */
describe('organisation list: exact and estimated totals', () => {
  let t: TestApp;
  let admin: string;
  const statements = statementCounter();

  const ADDED = 1500;
  /** the dealers BJ's subtree had before the test added its own */
  let bjDealersBefore: number;

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
    [{ n: bjDealersBefore }] = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM organization o WHERE o.type = 'DEALER' AND o.path LIKE (SELECT path FROM organization WHERE code = 'BJ') || '%'`,
    );
    // the test's own client (t.sql) never runs while counting
    statements.install();
  }, 120_000);
  afterAll(async () => {
    statements.uninstall();
    await t?.close();
  });

  type Page = { items: { id: string; code: string; name: string; childCount: number }[]; total: number; page: number; pageSize: number; totalIsEstimate?: boolean };
  const list = async (query: string, token = admin): Promise<Page> => (await t.http.get(`/api/orgs?${query}`).set(bearer(token)).expect(200)).body;
  const counted = async (query: string, token = admin): Promise<[Page, number]> => {
    await list(query, token); // the principal is cached after a first call: count the steady state
    forgetEstimates(); // the estimate too (for ESTIMATE_TTL_MS): count a fresh one; the test below counts the reuse
    return statements.counted(() => list(query, token));
  };
  const sqlCodes = async (where: string, order: string, limit: number, offset: number, params: unknown[] = []) =>
    (await t.sql<{ code: string }>(`SELECT o.code FROM organization o WHERE ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`, params)).map((r) => r.code);

  it('below the limit: the exact count, no estimate flag, one statement beside the auth check', async () => {
    const [{ n: dealers }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM organization WHERE type = 'DEALER'`);
    expect(dealers).toBeLessThanOrEqual(EXACT_TOTAL_LIMIT);
    const [page, n] = await counted('type=DEALER&pageSize=5');
    expect(page.total).toBe(dealers);
    expect(page).not.toHaveProperty('totalIsEstimate');
    expect(page.items.map((o) => o.code)).toEqual(await sqlCodes(`o.type = 'DEALER'`, 'o.code, o.id', 5, 0));
    expect(n).toBe(2);
    // child counts still come with the page
    const bj = (await list('type=BRANCH&q=BJ')).items.find((o) => o.code === 'BJ')!;
    const [{ n: children }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM organization WHERE parent_id = $1`, [bj.id]);
    expect(bj.childCount).toBe(children);
    // `within` reads its root's path in one statement (404 out of scope, as scope.e2e checks)
    const [within, w] = await counted(`within=${bj.id}&type=DEALER`);
    expect(within.total).toBe(bjDealersBefore);
    expect(w).toBe(3);
  });

  describe(`beyond ${EXACT_TOTAL_LIMIT} matching rows`, () => {
    let dealers: number;

    beforeAll(async () => {
      await t.sql(
        `INSERT INTO organization (id, code, name, type, parent_id, path, depth, status, price_level, settlement_method)
         SELECT g.id, 'D-PG' || lpad(g.n::text, 5, '0'), '分页测试经销商' || g.n, 'DEALER', p.id, p.path || g.id::text || '/', p.depth + 1, 'ACTIVE', 1, 'CASH'
           FROM organization p CROSS JOIN LATERAL (SELECT gen_random_uuid() AS id, n FROM generate_series(1, $1::int) n) g
          WHERE p.code = 'BJ'`,
        [ADDED],
      );
      // the planner's estimate reads the statistics, as autovacuum would keep them
      await t.sql('ANALYZE organization');
      [{ n: dealers }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM organization WHERE type = 'DEALER'`);
    });

    it('answers the planner estimate, flagged, close to the real count; the page itself is exact; one EXPLAIN more', async () => {
      const [page, n] = await counted('type=DEALER');
      expect(page.totalIsEstimate).toBe(true);
      expect(page.total).toBeGreaterThan(EXACT_TOTAL_LIMIT);
      expect(Math.abs(page.total - dealers) / dealers).toBeLessThan(0.1);
      expect(page.items.map((o) => o.code)).toEqual(await sqlCodes(`o.type = 'DEALER'`, 'o.code, o.id', 20, 0));
      expect(n).toBe(3);
    });

    it('asked again soon, page 1 reuses the estimate: the same total with no EXPLAIN; a different filter makes its own', async () => {
      const [first, n] = await counted('type=DEALER');
      const [again, m] = await statements.counted(() => list('type=DEALER'));
      expect(again.total).toBe(first.total);
      expect(again.totalIsEstimate).toBe(true);
      expect(m).toBe(n - 1);
      const [other, k] = await statements.counted(() => list('type=DEALER&status=ACTIVE'));
      expect(other.totalIsEstimate).toBe(true);
      expect(k).toBe(n);
    });

    it('an estimate is reused for 30 seconds only: past that, page 1 asks the planner again', async () => {
      const [, n] = await counted('type=DEALER&sort=-code');
      const [, reused] = await statements.counted(() => list('type=DEALER&sort=-code'));
      expect(reused).toBe(n - 1);
      const realNow = Date.now;
      const start = realNow();
      const clock = jest.spyOn(Date, 'now');
      try {
        clock.mockImplementation(() => start + 29_000);
        expect((await statements.counted(() => list('type=DEALER&sort=-code')))[1]).toBe(n - 1);
        clock.mockImplementation(() => start + 31_000);
        const [late, asked] = await statements.counted(() => list('type=DEALER&sort=-code'));
        expect(asked).toBe(n);
        expect(late.totalIsEstimate).toBe(true);
      } finally {
        clock.mockRestore();
      }
    });

    it('the last page and a page past the end answer the exact count', async () => {
      const last = Math.ceil(dealers / 20);
      const lastPage = await list(`type=DEALER&page=${last}`);
      expect(lastPage).toMatchObject({ total: dealers, page: last, pageSize: 20 });
      expect(lastPage).not.toHaveProperty('totalIsEstimate');
      expect(lastPage.items.map((o) => o.code)).toEqual(await sqlCodes(`o.type = 'DEALER'`, 'o.code, o.id', 20, (last - 1) * 20));
      const past = await list(`type=DEALER&page=${last + 3}`);
      expect(past.items).toEqual([]);
      expect(past.total).toBe(dealers);
      expect(past).not.toHaveProperty('totalIsEstimate');
    });

    it('a deep page in any sort is the same rows as SQL gives, and the total never falls below the rows shown', async () => {
      const page = await list('type=DEALER&page=40&sort=-code');
      expect(page.items.map((o) => o.code)).toEqual(await sqlCodes(`o.type = 'DEALER'`, 'o.code DESC, o.id', 20, 780));
      expect(page.total).toBeGreaterThan(800);
      const byName = await list('type=DEALER&page=30&pageSize=10&sort=name');
      expect(byName.items.map((o) => o.code)).toEqual(await sqlCodes(`o.type = 'DEALER'`, 'o.name, o.id', 10, 290));
    });

    it('a search matching fewer rows than the limit is counted exactly; one matching more is estimated', async () => {
      const few = await list(`q=${encodeURIComponent('分页测试经销商12')}`);
      // 12, 120-129, 1200-1299
      expect(few.total).toBe(111);
      expect(few).not.toHaveProperty('totalIsEstimate');
      expect(few.items.map((o) => o.code)).toEqual(await sqlCodes(`o.name LIKE '%分页测试经销商12%'`, 'o.code, o.id', 20, 0));
      const many = await list(`q=${encodeURIComponent('分页测试')}&pageSize=50`);
      expect(many.totalIsEstimate).toBe(true);
      expect(many.total).toBeGreaterThan(EXACT_TOTAL_LIMIT);
      expect(many.items).toHaveLength(50);
      expect(many.items.every((o) => o.name.includes('分页测试'))).toBe(true);
    });

    it('scope still holds: the BJ manager pages through its subtree only, SH sees none of it and counts exactly', async () => {
      const bj = await t.token('bj.manager');
      const page = await list('type=DEALER&page=3', bj);
      expect(page.totalIsEstimate).toBe(true);
      expect(page.total).toBeGreaterThan(EXACT_TOTAL_LIMIT);
      const bjWhere = `o.type = 'DEALER' AND o.path LIKE (SELECT path FROM organization WHERE code = 'BJ') || '%'`;
      expect(page.items.map((o) => o.code)).toEqual(await sqlCodes(bjWhere, 'o.code, o.id', 20, 40));
      const lastOfBj = Math.ceil((bjDealersBefore + ADDED) / 20);
      expect((await list(`type=DEALER&page=${lastOfBj}`, bj)).total).toBe(bjDealersBefore + ADDED);

      const sh = await t.token('sh.manager');
      const shPage = await list('type=DEALER&pageSize=200', sh);
      const [{ n: shDealers }] = await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM organization o WHERE o.type = 'DEALER' AND o.path LIKE (SELECT path FROM organization WHERE code = 'SH') || '%'`,
      );
      expect(shPage.total).toBe(shDealers);
      expect(shPage).not.toHaveProperty('totalIsEstimate');
      expect(shPage.items.some((o) => o.code.startsWith('D-PG'))).toBe(false);
    });

    it('filters narrow the count as before: a parent filter under the limit is exact', async () => {
      const hq = await t.orgId('HQ');
      const branches = await list(`parentId=${hq}&type=BRANCH`);
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM organization WHERE parent_id = $1 AND type = 'BRANCH'`, [hq]);
      expect(branches.total).toBe(n);
      expect(branches).not.toHaveProperty('totalIsEstimate');
      const bjId = await t.orgId('BJ');
      const bjChildren = await list(`parentId=${bjId}&status=ACTIVE&priceLevel=1`);
      expect(bjChildren.totalIsEstimate).toBe(true);
      expect(bjChildren.items.every((o) => o.code.startsWith('D-PG') || o.code.startsWith('D-BJ'))).toBe(true);
    });
  });
});
