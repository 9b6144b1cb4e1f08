/**
 * The server's own CPU per request (user + system time of its process, from /proc/<pid>/stat)
 * for GET paths, for two builds of the server alternated on the same database: a figure that a
 * busy machine disturbs far less than throughput. Not part of `npm run bench`.
 *
 *   DATABASE_URL=postgres://.../drp_bench_org_list_1000 CPU_BUILDS=before=/tmp/before/server/dist,after=server/dist \
 *     CPU_PATHS='/api/orgs?type=DEALER&page=1&pageSize=20' npx ts-node --transpile-only bench/cpu-per-request.ts
 *
 * A path is requested as the demo admin; `user:/api/...` requests it as that demo user instead (password
 * Demo#2026), e.g. `bj.dealer1:/api/mall/catalog?pageSize=40`. A path may name `{product-ids:N}`: the first
 * N active products' ids, comma-separated (for /api/prices/resolve). CPU_ROUNDS (2), CPU_SECONDS (8);
 * CPU_LOG_LEVEL is the server's LOG_LEVEL (warn; `info`, the default in production, writes a line per request).
 * CPU_NODE_ARGS are flags for the server's node (`--cpu-prof --cpu-prof-dir=/tmp/prof` writes a profile
 * per server run when it exits).
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { Pool } from 'pg';
import { freePort, login, REPO_ROOT, sleep } from './harness';

const TICK_MS = 10; // USER_HZ = 100 on Linux

/** user and system CPU milliseconds of a process */
function cpuMs(pid: number): { user: number; sys: number } {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { user: Number(f[11]) * TICK_MS, sys: Number(f[12]) * TICK_MS };
}

async function run(main: string, databaseUrl: string, paths: string[], seconds: number) {
  const port = await freePort();
  const child = spawn(process.execPath, [...(process.env.CPU_NODE_ARGS ?? '').split(/\s+/).filter(Boolean), main], {
    env: { ...process.env, NODE_ENV: 'production', JWT_SECRET: randomBytes(32).toString('hex'), DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', JOBS_ENABLED: 'false', LOG_LEVEL: process.env.CPU_LOG_LEVEL ?? 'warn', DEMO_DATA: 'true', WEB_CONCURRENCY: '1' },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/api/health`)).ok) break;
      } catch {
        /* starting */
      }
      if (i > 400) throw new Error('server did not start');
      await sleep(250);
    }
    const tokens = new Map<string, string>();
    const out: { path: string; reqs: number; rps: number; cpuMsPerReq: number; sysMsPerReq: number }[] = [];
    for (const p of paths) {
      const [, username = 'admin', url] = /^(?:([\w.-]+):)?(\/.*)$/.exec(p) ?? [];
      if (!url) throw new Error(`not a path: ${p}`);
      if (!tokens.has(username)) tokens.set(username, (await login(base, username, 'Demo#2026')).accessToken);
      const opts = { url: base + url, connections: 10, headers: { authorization: `Bearer ${tokens.get(username)}` } };
      await autocannon({ ...opts, duration: 2 }); // warm-up
      const c0 = cpuMs(child.pid!);
      const r = await autocannon({ ...opts, duration: seconds });
      const c1 = cpuMs(child.pid!);
      if (r.non2xx || r.errors) throw new Error(`${p}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      const n = r.requests.total;
      out.push({ path: label(p), reqs: n, rps: r.requests.average, cpuMsPerReq: (c1.user + c1.sys - c0.user - c0.sys) / n, sysMsPerReq: (c1.sys - c0.sys) / n });
    }
    return out;
  } finally {
    // a server that never started has exited already: waiting for its exit would end the process silently
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
}

/** The path as printed: a long list of ids shortened to their count. */
function label(p: string): string {
  return p.replace(/(?:[0-9a-f-]{36}(?:,|%2C)){2,}[0-9a-f-]{36}/gi, (m) => `<${m.split(/,|%2C/i).length} ids>`);
}

/** Replaces `{product-ids:N}` in the paths by the ids of the first N products on sale (by code). */
async function withProductIds(databaseUrl: string, paths: string[]): Promise<string[]> {
  if (!paths.some((p) => p.includes('{product-ids:'))) return paths;
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const out: string[] = [];
    for (const p of paths) {
      const n = /\{product-ids:(\d+)\}/.exec(p)?.[1];
      if (!n) {
        out.push(p);
        continue;
      }
      const { rows } = await pool.query<{ id: string }>(`SELECT id FROM product WHERE status = 'ON_SALE' ORDER BY code LIMIT $1`, [Number(n)]);
      out.push(p.replace(`{product-ids:${n}}`, rows.map((r) => r.id).join(',')));
    }
    return out;
  } finally {
    await pool.end();
  }
}

async function main() {
  const databaseUrl = process.env.DATABASE_URL as string;
  const builds = (process.env.CPU_BUILDS ?? '').split(',').map((b) => b.split('='));
  const paths = await withProductIds(databaseUrl, (process.env.CPU_PATHS ?? '').split(/\s+/).filter(Boolean));
  const rounds = Number(process.env.CPU_ROUNDS ?? 2);
  const seconds = Number(process.env.CPU_SECONDS ?? 8);
  const all: Record<string, Record<string, { rps: number[]; cpu: number[] }>> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, dir] of builds) {
      const res = await run(path.resolve(REPO_ROOT, dir, 'main.js'), databaseUrl, paths, seconds);
      for (const x of res) {
        const e = ((all[x.path] ??= {})[name] ??= { rps: [], cpu: [] });
        e.rps.push(x.rps);
        e.cpu.push(x.cpuMsPerReq);
        console.log(`round ${r + 1} ${name.padEnd(8)} ${x.path}: ${x.rps.toFixed(1)} req/s, server CPU ${x.cpuMsPerReq.toFixed(2)} ms/request of which system ${x.sysMsPerReq.toFixed(2)} (${x.reqs} requests); load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
      }
    }
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  for (const [p, byBuild] of Object.entries(all)) {
    console.log(p);
    for (const [name, e] of Object.entries(byBuild)) console.log(`  ${name.padEnd(8)} median ${med(e.rps).toFixed(1)} req/s, server CPU median ${med(e.cpu).toFixed(2)} ms/request (min ${Math.min(...e.cpu).toFixed(2)})`);
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
