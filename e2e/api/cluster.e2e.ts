import { execFileSync } from 'node:child_process';
import * as http from 'node:http';
import type { HealthDto } from '@drp/shared';
import { AppServer, startAppServer } from '../support/app-server';
import { DEMO_PASSWORD } from '../support/test-app';

/**
 * Cluster mode (WEB_CONCURRENCY=2, issue #17): the built server as `npm start` runs it, two workers
 * on one port. Each request goes on a fresh connection (no keep-alive), so Node's round-robin
 * hands them to both workers.
 */
function request(base: string, path: string, opts: { method?: string; body?: unknown; token?: string } = {}): Promise<{ status: number; body: unknown }> {
  const data = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, {
      method: opts.method ?? 'GET',
      agent: false, // a new connection per request
      headers: { 'content-type': 'application/json', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error(`no answer to ${path} within 20 s`)));
    if (data) req.write(data);
    req.end();
  });
}

const workersOf = (pid: number): number[] =>
  execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map((l) => Number(l.trim())).filter((n) => n > 0);

describe('cluster mode: two workers on one port', () => {
  jest.setTimeout(600_000);
  let server: AppServer;

  async function answeringWorkers(tries: number): Promise<Set<number>> {
    const seen = new Set<number>();
    for (let i = 0; i < tries; i++) {
      const res = await request(server.baseUrl, '/api/health');
      expect(res.status).toBe(200);
      seen.add((res.body as HealthDto).worker);
    }
    return seen;
  }

  /** Polls `check` until it holds; a refused connection or a failed expectation is "not yet" (workers start and restart), named if time runs out. */
  async function until(check: () => Promise<boolean>, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    let last: unknown = null;
    for (;;) {
      try {
        if (await check()) return;
      } catch (e) {
        last = e;
      }
      if (Date.now() > deadline) throw new Error(`timed out; last error: ${last instanceof Error ? last.message : String(last)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  beforeAll(async () => {
    server = await startAppServer({ WEB_CONCURRENCY: '2' });
    // the health check answers once worker 1 listens; worker 2 starts after it
    await until(async () => (await answeringWorkers(4)).size === 2, 300_000);
  });
  afterAll(async () => server?.stop());

  it('both workers answer, and a token issued by one is accepted by the other', async () => {
    expect([...(await answeringWorkers(8))].sort()).toEqual([1, 2]);
    const login = await request(server.baseUrl, '/api/auth/login', { method: 'POST', body: { username: 'admin', password: DEMO_PASSWORD } });
    expect(login.status).toBe(200);
    const token = (login.body as { accessToken: string }).accessToken;
    for (let i = 0; i < 6; i++) {
      const res = await request(server.baseUrl, '/api/orgs?pageSize=1', { token });
      expect(res.status).toBe(200);
      expect((res.body as { total: number }).total).toBeGreaterThan(10);
    }
  });

  it('a worker killed with -9 is started again, and requests keep being answered meanwhile', async () => {
    const before = workersOf(server.pid!);
    expect(before).toHaveLength(2);
    process.kill(before[1], 'SIGKILL');
    // once the primary has seen the death (the pid is gone from its children, a replacement forked),
    // the other worker answers everything while the replacement starts
    await until(async () => !workersOf(server.pid!).includes(before[1]), 60_000);
    for (let i = 0; i < 6; i++) expect((await request(server.baseUrl, '/api/health')).status).toBe(200);
    await until(async () => workersOf(server.pid!).length === 2, 300_000);
    await until(async () => (await answeringWorkers(4)).size === 2, 300_000);
  });

  it('SIGTERM to the primary stops every worker', async () => {
    const workers = workersOf(server.pid!);
    await server.stop();
    const alive = workers.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  });
});
