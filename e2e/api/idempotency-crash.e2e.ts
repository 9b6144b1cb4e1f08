import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { ErrorCode } from '@drp/shared';
import { DbService } from '../../server/src/database/db.service';
import { RequestContext } from '../../server/src/common/context/request-context';
import { embeddedUrl } from '../../server/src/database/embedded-postgres';
import { bearer, bootTestApp, DEMO_PASSWORD, TestApp } from '../support/test-app';

/**
 * Issue #11: an Idempotency-Key survives a crash. A claim records the server process holding it (an
 * advisory lock that process holds for life) and the business transaction records, atomically with
 * the document, what it created; so a retry after a crash gets the one true answer: from the
 * committed document, or by running again when nothing committed — never 409 for a day, never a
 * duplicate. The last test kills the real server (`kill -9`, embedded PostgreSQL) under load, three
 * times, and checks it restarts by itself with every key answered and every document there once.
 */
const ROOT = path.resolve(__dirname, '../..');
const freeLock = () => BigInt('0x' + randomBytes(7).toString('hex')).toString();
const hashOf = (path: string, body: unknown) => createHash('sha256').update(`POST ${path}\n${JSON.stringify(body)}`).digest('hex');

describe('idempotency keys across a crash', () => {
  let t: TestApp;
  let admin: string;
  let adminId: string;
  let dealerId: string;
  let warehouseId: string;
  let productId: string;
  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
    adminId = await t.userId('admin');
    dealerId = await t.orgId('D-BJ001');
    [{ id: warehouseId }] = await t.sql<{ id: string }>(`SELECT w.id FROM warehouse w JOIN organization o ON o.id = w.org_id WHERE o.code = 'BJ' ORDER BY w.code LIMIT 1`);
    [{ id: productId }] = await t.sql<{ id: string }>(`SELECT p.id FROM product p WHERE p.status = 'ON_SALE' ORDER BY p.code LIMIT 1`);
  });
  afterAll(() => t.close());

  const orderBody = (remark: string) => ({ dealerId, warehouseId, remark, lines: [{ productId, qty: '2' }] });
  const ordersWith = async (remark: string) => (await t.sql<{ id: string }>(`SELECT id FROM sales_order WHERE remark = $1`, [remark])).map((r) => r.id);
  const claim = (key: string, body: unknown, ownerLock: string, resourceId: string | null = null) =>
    t.sql(
      `INSERT INTO idempotency_key (user_id, key, method, path, request_hash, claim_token, owner_lock, resource_id) VALUES ($1, $2, 'POST', '/api/sales-orders', $3, $4, $5, $6)`,
      [adminId, key, hashOf('/api/sales-orders', body), randomUUID(), ownerLock, resourceId],
    );

  it('the key points at the created document in the same transaction', async () => {
    const body = orderBody('idem-crash-points');
    const first = await t.http.post('/api/sales-orders').set(bearer(admin)).set('Idempotency-Key', 'crash-points-1').send(body).expect(201);
    const [row] = await t.sql<{ resource_id: string; status_code: number; owner_lock: string | null }>(`SELECT resource_id, status_code, owner_lock FROM idempotency_key WHERE key = 'crash-points-1'`);
    expect(row).toMatchObject({ resource_id: first.body.id, status_code: 201 });
    expect(row.owner_lock).not.toBeNull();
  });

  it("a dead owner's claim whose document committed is answered from the document (201, the same order, nothing new)", async () => {
    const body = orderBody('idem-crash-committed');
    const first = await t.http.post('/api/sales-orders').set(bearer(admin)).set('Idempotency-Key', 'crash-committed-1').send(body).expect(201);
    // the process died after the commit, before it stored the answer
    await t.sql(`UPDATE idempotency_key SET status_code = NULL, response = NULL, completed_at = NULL, owner_lock = $1 WHERE key = 'crash-committed-1'`, [freeLock()]);
    const retry = await t.http.post('/api/sales-orders').set(bearer(admin)).set('Idempotency-Key', 'crash-committed-1').send(body).expect(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toMatchObject({ id: first.body.id, number: first.body.number, total: first.body.total });
    expect(retry.body.number).toMatch(/^SO\d{8}-\d{4}$/);
    expect(await ordersWith('idem-crash-committed')).toEqual([first.body.id]);
    // and from then on it is a plain replay
    const again = await t.http.post('/api/sales-orders').set(bearer(admin)).set('Idempotency-Key', 'crash-committed-1').send(body).expect(201);
    expect(again.body.id).toBe(first.body.id);
    const [row] = await t.sql<{ status_code: number }>(`SELECT status_code FROM idempotency_key WHERE key = 'crash-committed-1'`);
    expect(row.status_code).toBe(201);
  });

  it("a dead owner's claim with nothing committed is taken over and run once", async () => {
    const body = orderBody('idem-crash-lost');
    await claim('crash-lost-0001', body, freeLock());
    const run = await t.http.post('/api/sales-orders').set(bearer(admin)).set('Idempotency-Key', 'crash-lost-0001').send(body).expect(201);
    expect(run.headers['idempotent-replayed']).toBeUndefined();
    const replay = await t.http.post('/api/sales-orders').set(bearer(admin)).set('Idempotency-Key', 'crash-lost-0001').send(body).expect(201);
    expect(replay.body.id).toBe(run.body.id);
    expect(await ordersWith('idem-crash-lost')).toEqual([run.body.id]);
  });

  it("a live owner's claim answers 409 IDEMPOTENCY_IN_PROGRESS until that owner is gone; another body is still 409 KEY_REUSED", async () => {
    const body = orderBody('idem-crash-live');
    const holder = new Client({ connectionString: t.databaseUrl });
    await holder.connect();
    const lock = freeLock();
    await holder.query('SELECT pg_advisory_lock($1)', [lock]);
    await claim('crash-live-0001', body, lock);
    const busy = await t.http.post('/api/sales-orders').set(bearer(admin)).set('Idempotency-Key', 'crash-live-0001').send(body).expect(409);
    expect(busy.body.code).toBe(ErrorCode.IDEMPOTENCY_IN_PROGRESS);
    const reused = await t.http.post('/api/sales-orders').set(bearer(admin)).set('Idempotency-Key', 'crash-live-0001').send(orderBody('other')).expect(409);
    expect(reused.body.code).toBe(ErrorCode.IDEMPOTENCY_KEY_REUSED);
    expect(await ordersWith('idem-crash-live')).toEqual([]);
    await holder.end(); // the owner's connection drops, as when its process is killed
    const run = await t.http.post('/api/sales-orders').set(bearer(admin)).set('Idempotency-Key', 'crash-live-0001').send(body).expect(201);
    expect(await ordersWith('idem-crash-live')).toEqual([run.body.id]);
  });

  it('a transaction whose claim was taken over by a retry rolls back (no second document)', async () => {
    const db = t.app.get(DbService);
    const user = await t.userId('admin');
    await t.sql(`INSERT INTO idempotency_key (user_id, key, method, path, request_hash, claim_token, owner_lock) VALUES ($1, 'crash-stolen-01', 'POST', '/x', 'h', $2, $3)`, [user, randomUUID(), freeLock()]);
    const ctx = new RequestContext('test', undefined, undefined, undefined, true, { userId: user, key: 'crash-stolen-01', token: randomUUID() });
    await expect(db.tx(ctx, async (tx) => db.query(tx, `UPDATE company_settings SET price_scale = 3`))).rejects.toMatchObject({ code: ErrorCode.IDEMPOTENCY_IN_PROGRESS });
    expect((await t.sql<{ price_scale: number }>(`SELECT price_scale FROM company_settings`))[0].price_scale).toBe(2);
  });

  describe('kill -9 under load, embedded PostgreSQL, three times', () => {
    jest.setTimeout(600_000);
    let dataDir: string;
    let child: ChildProcess | undefined;
    let output: string[] = [];
    let port = 0;
    let pgPort = 0;
    const base = () => `http://127.0.0.1:${port}`;

    const freePort = () =>
      new Promise<number>((resolve, reject) => {
        const srv = net.createServer();
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => {
          const p = (srv.address() as net.AddressInfo).port;
          srv.close(() => resolve(p));
        });
      });

    async function start(): Promise<void> {
      output = [];
      const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), JOBS_ENABLED: 'false', LOG_LEVEL: 'warn', DEMO_DATA: 'true', NODE_ENV: 'test', WEB_CONCURRENCY: '1' };
      delete env.DATABASE_URL;
      child = spawn(process.execPath, [process.env.E2E_SERVER_MAIN ?? path.join(ROOT, 'server/dist/main.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.on('data', (d) => output.push(String(d)));
      child.stderr?.on('data', (d) => output.push(String(d)));
      const deadline = Date.now() + 240_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output.join('')}`);
        const ok = await fetch(`${base()}/api/health`).then((r) => r.ok, () => false);
        if (ok) return;
        if (Date.now() > deadline) throw new Error(`the server did not come back:\n${output.join('')}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }

    async function inDb<R>(text: string): Promise<R[]> {
      const c = new Client({ connectionString: embeddedUrl(pgPort, 'drp') });
      await c.connect();
      try {
        return (await c.query(text)).rows as R[];
      } finally {
        await c.end();
      }
    }

    async function login(): Promise<string> {
      const res = await fetch(`${base()}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }) });
      return ((await res.json()) as { accessToken: string }).accessToken;
    }

    beforeAll(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drp-crash-'));
      fs.chmodSync(dataDir, 0o777); // as root, the embedded PostgreSQL runs as the postgres user
      port = await freePort();
      pgPort = await freePort();
      await start();
    });
    afterAll(async () => {
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child!.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      }
      child?.stdout?.destroy();
      child?.stderr?.destroy();
      // a PostgreSQL left behind by a failed run
      const pid = Number((fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid')) ? fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8') : '').split('\n')[0]);
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGINT');
        } catch {
          /* gone */
        }
      }
      await new Promise((r) => setTimeout(r, 1000));
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('restarts by itself each time; every key then answers its one document; none lost, none duplicated, none stuck', async () => {
      const token0 = await login();
      const get = async (p: string, token: string) => (await (await fetch(`${base()}${p}`, { headers: bearer(token) })).json()) as { items: { id: string; code: string }[] };
      const dealer = (await get('/api/orgs?type=DEALER&q=D-BJ001', token0)).items[0].id;
      const wh = (await get('/api/warehouses?pageSize=100', token0)).items.find((w) => w.code.startsWith('WH-BJ'))?.id ?? (await get('/api/warehouses?pageSize=100', token0)).items[0].id;
      const product = (await get('/api/products?pageSize=1&sort=code', token0)).items[0].id;
      const post = (token: string, key: string, body: unknown) =>
        fetch(`${base()}/api/sales-orders`, { method: 'POST', headers: { ...bearer(token), 'content-type': 'application/json', 'Idempotency-Key': key }, body: JSON.stringify(body) });
      const answered = new Map<string, string>();

      for (let round = 1; round <= 3; round++) {
        const token = await login();
        const keys = Array.from({ length: 20 }, (_, i) => `crash-r${round}-k${String(i).padStart(2, '0')}`);
        const bodyOf = (key: string) => ({ dealerId: dealer, warehouseId: wh, remark: key, lines: [{ productId: product, qty: '1' }] });
        // 20 orders in flight, then the process is killed without warning
        const inflight = keys.map((k) =>
          post(token, k, bodyOf(k))
            .then(async (r) => ({ key: k, status: r.status, id: ((await r.json()) as { id?: string }).id }))
            .catch(() => ({ key: k, status: 0, id: undefined })), // the connection died with the server
        );
        // kill once a few have been answered: the rest are then in every state (committed and unanswered, mid-transaction, not started)
        let done = 0;
        for (const p of inflight) void p.then(() => done++);
        for (let waited = 0; done < 3 && waited < 20_000; waited += 5) await new Promise((r) => setTimeout(r, 5));
        const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
        const pgPidBefore = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
        child!.stdout?.destroy();
        child!.stderr?.destroy();
        child!.kill('SIGKILL');
        const first = await Promise.all(inflight);
        if (child!.exitCode === null && child!.signalCode === null) await new Promise((r) => child!.once('exit', r));
        // the embedded PostgreSQL outlived its server; the next start must deal with it by itself
        expect(pgPidBefore).toBeGreaterThan(0);
        await start();
        expect(output.join('')).toMatch(/earlier run that did not stop cleanly|stale/i);

        const states = (await inDb<{ state: string; n: number }>(
          `SELECT CASE WHEN status_code IS NOT NULL THEN 'answered' WHEN resource_id IS NOT NULL THEN 'committed' ELSE 'claimed' END AS state, count(*)::int AS n
             FROM idempotency_key WHERE key LIKE 'crash-r${round}-%' GROUP BY 1`,
        )).reduce<Record<string, number>>((m, r) => ({ ...m, [r.state]: r.n }), {});
        const token2 = await login();
        for (const k of keys) {
          const r = await post(token2, k, bodyOf(k));
          expect({ key: k, status: r.status }).toEqual({ key: k, status: 201 });
          const id = ((await r.json()) as { id: string }).id;
          const before = first.find((f) => f.key === k)!;
          if (before.status === 201) expect(id).toBe(before.id); // an acknowledged answer never changes
          answered.set(k, id);
        }
        // exactly one order per key, and no key left without its answer, read in the database itself
        const orders = await inDb<{ remark: string; id: string }>(`SELECT remark, id FROM sales_order WHERE remark LIKE 'crash-r${round}-%'`);
        expect(orders.map((o) => o.remark).sort()).toEqual([...keys].sort());
        for (const o of orders) expect(answered.get(o.remark)).toBe(o.id);
        expect(await inDb(`SELECT key FROM idempotency_key WHERE key LIKE 'crash-r${round}-%' AND status_code IS NULL`)).toEqual([]);
        const acknowledged = first.filter((f) => f.status === 201).length;
        console.log(
          `round ${round}: at the kill ${acknowledged} of 20 answered; keys in the database after the restart: ${JSON.stringify(states)}; ` +
            `after the retries 20 orders, 0 duplicates, 0 stuck keys`,
        );
      }
      expect(new Set(answered.values()).size).toBe(60);
    });
  });
});
