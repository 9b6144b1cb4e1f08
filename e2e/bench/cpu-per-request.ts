/**
 * The server's own CPU per request (user + system time of its process, from /proc/<pid>/stat)
 * for GET paths, for two builds of the server alternated on the same database: a figure that a
 * busy machine disturbs far less than throughput. Not part of `npm run bench`.
 *
 *   DATABASE_URL=postgres://.../drp_bench_org_list_1000 CPU_BUILDS=before=/tmp/before/server/dist,after=server/dist \
 *     CPU_PATHS='/api/orgs?type=DEALER&page=1&pageSize=20' npx ts-node --transpile-only bench/cpu-per-request.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
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
    env: { ...process.env, NODE_ENV: 'production', JWT_SECRET: randomBytes(32).toString('hex'), DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', JOBS_ENABLED: 'false', LOG_LEVEL: 'warn', DEMO_DATA: 'true', WEB_CONCURRENCY: '1' },
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
    const auth = await login(base, 'admin', 'Demo#2026');
    const out: { path: string; reqs: number; rps: number; cpuMsPerReq: number; sysMsPerReq: number }[] = [];
    for (const p of paths) {
      const opts = { url: base + p, connections: 10, headers: { authorization: `Bearer ${auth.accessToken}` } };
      await autocannon({ ...opts, duration: 2 }); // warm-up
      const c0 = cpuMs(child.pid!);
      const r = await autocannon({ ...opts, duration: seconds });
      const c1 = cpuMs(child.pid!);
      if (r.non2xx || r.errors) throw new Error(`${p}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      const n = r.requests.total;
      out.push({ path: p, reqs: n, rps: r.requests.average, cpuMsPerReq: (c1.user + c1.sys - c0.user - c0.sys) / n, sysMsPerReq: (c1.sys - c0.sys) / n });
    }
    return out;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function main() {
  const databaseUrl = process.env.DATABASE_URL as string;
  const builds = (process.env.CPU_BUILDS ?? '').split(',').map((b) => b.split('='));
  const paths = (process.env.CPU_PATHS ?? '').split(/\s+/).filter(Boolean);
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
