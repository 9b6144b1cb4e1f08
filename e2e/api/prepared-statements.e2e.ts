import { Pool, PoolClient } from 'pg';
import { PREPARED_PER_CONNECTION, PreparingClient } from '../../server/src/database/prepared-statements';
import { DataSource } from 'typeorm';
import { withDatabase } from '../support/pg-server';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/**
 * The pool's preparing client (server/src/database/prepared-statements.ts) against a real
 * PostgreSQL: which statements become named ones, that answers and errors are the same as
 * unnamed, and that the per-connection bound holds without ever aborting a transaction.
 * Runs on the server's maintenance database (never the template, which must stay unconnected).
 */
describe('prepared statements on the pool', () => {
  let pool: Pool;
  let c: PoolClient;
  const prepared = async () =>
    (await c.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements ORDER BY prepare_time')).rows.filter((r) => r.name.startsWith('drp_'));
  // each test its own texts: `seen` is per process
  let tag = 0;
  const text = (n: number) => `SELECT $1::int + ${n} AS v /* t${tag} */`;

  beforeAll(async () => {
    pool = new Pool({ connectionString: withDatabase(process.env.E2E_TEMPLATE_URL!, 'postgres'), max: 1, Client: PreparingClient });
    c = await pool.connect();
  });
  afterAll(async () => {
    PreparingClient.limit = PREPARED_PER_CONNECTION;
    c?.release();
    await pool?.end();
  });
  beforeEach(() => {
    tag++;
  });

  it('names a parameterised text from its second run on, with the same answers', async () => {
    expect((await c.query(text(1), [41])).rows).toEqual([{ v: 42 }]);
    expect(await prepared()).toEqual([]); // seen once: unnamed
    expect((await c.query(text(1), [1])).rows).toEqual([{ v: 2 }]);
    const [p] = await prepared();
    expect(p.statement).toBe(text(1));
    expect((await c.query(text(1), [2])).rows).toEqual([{ v: 3 }]);
    expect(await prepared()).toHaveLength(1); // the same statement, not prepared again
    // no parameters: the simple protocol, never named
    await c.query(`SELECT 1 /* t${tag} */`);
    await c.query(`SELECT 1 /* t${tag} */`);
    expect(await prepared()).toHaveLength(1);
  });

  it('a search (its pattern a parameter) is never named: its plan depends on the pattern', async () => {
    const search = `SELECT count(*)::int AS n FROM (VALUES ('北京 1'), ('上海')) v(name) WHERE name ILIKE $1 /* t${tag} */`;
    const anyOf = `SELECT $1::text LIKE ANY($2::text[]) AS hit /* t${tag} */`;
    const built = `SELECT count(*)::int AS n FROM (VALUES ('北京 1'), ('上海')) v(name) WHERE name LIKE '%' || $1 || '%' /* t${tag} */`;
    for (let i = 0; i < 3; i++) {
      expect((await c.query(search, ['%北京%'])).rows).toEqual([{ n: 1 }]);
      expect((await c.query(anyOf, ['/hq/bj/d1/', ['/hq/sh/%', '/hq/bj/%']])).rows).toEqual([{ hit: true }]);
      expect((await c.query(built, ['上'])).rows).toEqual([{ n: 1 }]);
    }
    expect((await prepared()).filter((p) => p.statement.includes(`/* t${tag} */`))).toEqual([]);
  });

  it('a pattern taken from a column or a literal (the organisation and category trees) is named like any statement', async () => {
    const tree = `SELECT count(*)::int AS n FROM (VALUES ('/hq/'), ('/hq/bj/'), ('/hq/sh/')) a(path) JOIN (VALUES ($1::text)) k(path) ON k.path LIKE a.path || '%' /* t${tag} */`;
    const literal = `SELECT $1::text LIKE '%a%' AS hit /* t${tag} */`;
    for (let i = 0; i < 3; i++) {
      expect((await c.query(tree, ['/hq/bj/d1/'])).rows).toEqual([{ n: 2 }]);
      expect((await c.query(literal, [i % 2 ? 'bab' : 'bbb'])).rows).toEqual([{ hit: i % 2 === 1 }]);
    }
    expect((await prepared()).filter((p) => p.statement.includes(`/* t${tag} */`)).map((p) => p.statement).sort()).toEqual([literal, tree].sort());
  });

  it('raises the same errors, and a statement that fails to parse is not kept', async () => {
    const bad = `SELECT $1::int / 0 AS v /* t${tag} */`;
    for (let i = 0; i < 3; i++) await expect(c.query(bad, [1])).rejects.toMatchObject({ code: '22012' });
    const broken = `SELEC $1::int /* t${tag} */`;
    for (let i = 0; i < 3; i++) await expect(c.query(broken, [1])).rejects.toMatchObject({ code: '42601' });
    expect((await prepared()).map((p) => p.statement)).toContain(bad); // parsed, failed when run
    expect((await prepared()).map((p) => p.statement)).not.toContain(broken);
  });

  it('keeps at most the limit per connection, evicting inside a transaction without aborting it', async () => {
    PreparingClient.limit = 3;
    try {
      await c.query('BEGIN');
      await c.query('CREATE TEMP TABLE prep_probe (n int) ON COMMIT DROP');
      for (let round = 0; round < 3; round++) {
        for (let n = 0; n < 6; n++) expect((await c.query(text(n), [round])).rows).toEqual([{ v: round + n }]);
      }
      // the transaction is still good: its work is there
      await c.query('INSERT INTO prep_probe VALUES ($1)', [7]);
      expect((await c.query('SELECT n FROM prep_probe')).rows).toEqual([{ n: 7 }]);
      await c.query('COMMIT');
      const mine = (await prepared()).filter((p) => p.statement.includes(`/* t${tag} */`));
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.length).toBeLessThanOrEqual(3);
      // an evicted text comes back (under a new name) and answers as before
      expect((await c.query(text(0), [10])).rows).toEqual([{ v: 10 }]);
      expect((await c.query(text(0), [11])).rows).toEqual([{ v: 11 }]);
    } finally {
      PreparingClient.limit = PREPARED_PER_CONNECTION;
    }
  });

  it('a failed statement inside a transaction leaves the named ones usable after the rollback', async () => {
    const ok = text(100);
    await c.query(ok, [1]);
    await c.query('BEGIN');
    await expect(c.query(`SELECT $1::int / 0 /* t${tag} */`, [1])).rejects.toMatchObject({ code: '22012' });
    // the transaction is aborted: this (first named) run fails as PostgreSQL refuses everything now
    await expect(c.query(ok, [2])).rejects.toMatchObject({ code: '25P02' });
    await c.query('ROLLBACK');
    expect((await c.query(ok, [3])).rows).toEqual([{ v: 103 }]);
    expect((await c.query(ok, [4])).rows).toEqual([{ v: 104 }]);
  });
});

/**
 * The server's own pool, on and off (DB_PREPARED_STATEMENTS): after the same orders, its
 * connections hold named statements only when it is on; the answers are the same either way.
 */
describe('the server pool with prepared statements on and off', () => {
  const namedOnPool = async (t: TestApp): Promise<number> => {
    // every connection of the pool at once: prepared statements are per connection
    const pool = (t.app.get(DataSource).driver as unknown as { master: Pool }).master;
    const clients = await Promise.all(Array.from({ length: pool.totalCount }, () => pool.connect()));
    try {
      let n = 0;
      for (const c of clients) n += (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'drp\\_%'`)).rows[0].n;
      return n;
    } finally {
      clients.forEach((c) => c.release());
    }
  };
  const orders = async (t: TestApp): Promise<string[]> => {
    const admin = await t.token('admin');
    const [wh] = await t.sql<{ id: string }>(`SELECT id FROM warehouse WHERE code = 'WH-BJ'`);
    const dealer = await t.orgId('D-BJ001');
    const products = await t.sql<{ id: string }>(`SELECT id FROM product WHERE status = 'ON_SALE' AND min_order_qty = 1 AND order_multiple = 1 ORDER BY code LIMIT 3`);
    const totals: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await t.http.post('/api/sales-orders').set(bearer(admin)).send({ dealerId: dealer, warehouseId: wh.id, lines: products.map((p) => ({ productId: p.id, qty: '2' })) }).expect(201);
      totals.push(res.body.total);
    }
    return totals;
  };

  it('on (the default): the pool names the statements it sends again', async () => {
    const t = await bootTestApp();
    try {
      const totals = await orders(t);
      expect(new Set(totals).size).toBe(1);
      expect(await namedOnPool(t)).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });

  it('off: pg\'s own client, nothing named, the same answers', async () => {
    const on = await bootTestApp();
    let expected: string[];
    try {
      expected = await orders(on);
    } finally {
      await on.close();
    }
    const t = await bootTestApp({ DB_PREPARED_STATEMENTS: 'false' });
    try {
      expect(await orders(t)).toEqual(expected);
      expect(await namedOnPool(t)).toBe(0);
    } finally {
      await t.close();
    }
  });
});
