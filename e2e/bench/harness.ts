/**
 * Reusable pieces for benchmarks (ARCHITECTURE §8): a PostgreSQL server (DATABASE_URL or an
 * embedded one), fresh databases, the built server as a child process, HTTP measurements with
 * autocannon and raw-SQL baselines through a pg.Pool, percentiles, the result table and JSON.
 *
 * Benchmarks are reports, not tests: nothing here asserts timings. Errors (a failed request, a
 * non-2xx answer, a failed query) are counted and make the run fail at the end.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { Client, Pool } from 'pg';
import { PreparingClient } from '../../server/src/database/prepared-statements';

/** The monorepo root (e2e/bench -> ../..). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const RESULTS_DIR = path.join(__dirname, 'results');

// ---------------------------------------------------------------------------------------------
// settings

export interface BenchSettings {
  /** row counts to run every suite at (a suite may have its own defaults: see BenchSuite.defaultSizes) */
  sizes: number[];
  /** whether BENCH_SIZES was given (it then applies to every suite that takes sizes from it) */
  sizesFromEnv: boolean;
  /** seconds per measurement (each side of each scenario) */
  durationSeconds: number;
  /** seconds of unmeasured load before each measurement */
  warmupSeconds: number;
  /** a throughput scenario's sides alternate in this many rounds of durationSeconds / rounds each */
  rounds: number;
  /** concurrent HTTP connections, and concurrent pg.Pool clients on the SQL side */
  connections: number;
  /** port for the embedded PostgreSQL (only when DATABASE_URL is unset) */
  embeddedPgPort: number;
  /** keep the bench databases after the run (default: drop them) */
  keepDatabases: boolean;
  /** print the server's output as it comes */
  verbose: boolean;
}

export function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number >= ${min} (got "${raw}")`);
  return n;
}

function boolEnv(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return ['1', 'true', 'yes'].includes(raw.toLowerCase());
}

export function readSettings(defaultSizes: number[]): BenchSettings {
  const sizesRaw = process.env.BENCH_SIZES;
  const sizes = sizesRaw
    ? sizesRaw.split(',').map((s) => {
        const n = Number(s.trim());
        if (!Number.isInteger(n) || n < 0) throw new Error(`BENCH_SIZES must be a comma-separated list of whole numbers (got "${sizesRaw}")`);
        return n;
      })
    : defaultSizes;
  const durationSeconds = intEnv('BENCH_DURATION', 10, 1);
  return {
    sizes,
    sizesFromEnv: !!sizesRaw,
    durationSeconds,
    warmupSeconds: intEnv('BENCH_WARMUP', Math.min(2, durationSeconds), 0),
    rounds: Math.floor(intEnv('BENCH_ROUNDS', 3, 1)),
    connections: Math.floor(intEnv('BENCH_CONNECTIONS', 10, 1)),
    embeddedPgPort: Math.floor(intEnv('BENCH_PG_PORT', 54340, 1)),
    keepDatabases: boolEnv('BENCH_KEEP_DB', false),
    verbose: boolEnv('BENCH_VERBOSE', false),
  };
}

// ---------------------------------------------------------------------------------------------
// the built server's modules (loaded at run time so type-checking does not need server/dist)

/** require() of a module under server/dist, with a clear message when the server is not built. */
export function requireServerDist<T>(relative: string): T {
  const file = path.join(REPO_ROOT, 'server', 'dist', relative);
  if (!fs.existsSync(`${file}.js`)) {
    throw new Error(`${path.relative(REPO_ROOT, file)}.js is missing: build the server first (npm run build, or npm run bench from the repo root)`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as T;
}

interface EmbeddedPgModule {
  startEmbeddedPostgres(opts: { dataDir: string; port: number; database: string; persistent?: boolean; log?: (line: string) => void }): Promise<{
    url: string;
    stop(): Promise<void>;
  }>;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

export interface PgServer {
  kind: 'external' | 'embedded';
  /** a connection URL on this server with the database name replaced */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** DATABASE_URL when set (its database is only used to connect for CREATE/DROP DATABASE), else an embedded PostgreSQL in a temporary folder. */
export async function startPgServer(settings: BenchSettings, log: (line: string) => void): Promise<PgServer> {
  const given = process.env.DATABASE_URL;
  if (given) {
    return { kind: 'external', urlFor: (db) => withDatabase(given, db), stop: async () => undefined };
  }
  const { startEmbeddedPostgres } = requireServerDist<EmbeddedPgModule>('database/embedded-postgres');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drp-bench-pg-'));
  fs.chmodSync(dataDir, 0o755);
  log(`DATABASE_URL is not set: starting an embedded PostgreSQL on port ${settings.embeddedPgPort} (data in ${dataDir})`);
  let pg;
  try {
    pg = await startEmbeddedPostgres({ dataDir, port: settings.embeddedPgPort, database: 'postgres', persistent: false });
  } catch (e) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const started = pg;
  // embedded-postgres stops its clusters itself on SIGINT/SIGTERM and then exits the process (async-exit-hook),
  // possibly before stop() below finished: remove the folder on the way out too
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  process.on('exit', removeDir);
  return {
    kind: 'embedded',
    urlFor: (db) => withDatabase(started.url, db),
    stop: async () => {
      try {
        await started.stop();
      } finally {
        removeDir();
        process.off('exit', removeDir);
      }
    },
  };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Runs statements on the server's maintenance database (the one DATABASE_URL names, or `postgres`). */
async function admin(server: PgServer, ...statements: string[]): Promise<void> {
  const adminDb = server.kind === 'external' ? new URL(process.env.DATABASE_URL as string).pathname.slice(1) || 'postgres' : 'postgres';
  const client = new Client({ connectionString: server.urlFor(decodeURIComponent(adminDb)) });
  await client.connect();
  try {
    for (const s of statements) await client.query(s);
  } finally {
    await client.end();
  }
}

/**
 * A pg.Pool that logs (instead of crashing the process on) errors of idle clients, e.g. when its
 * database is dropped or stopped under it. BENCH_SQL_PREPARED=true gives it the server's preparing
 * client (server/src/database/prepared-statements.ts), so the raw-SQL side's repeated statements are
 * parsed and planned once per connection as the server's are: the baseline as a client that
 * prepares its statements would run it (off by default: the figures of earlier runs were without).
 */
export function benchPool(connectionString: string, max: number, applicationName: string, log: (line: string) => void = console.error): Pool {
  const prepared = process.env.BENCH_SQL_PREPARED === 'true';
  const pool = new Pool({ connectionString, max, application_name: applicationName, ...(prepared ? { Client: PreparingClient } : {}) });
  pool.on('error', (e) => log(`pool ${applicationName}: idle client error: ${e.message}`));
  return pool;
}

/** Drops (if it exists) and creates a database; returns its URL. */
export async function createFreshDatabase(server: PgServer, name: string): Promise<string> {
  await admin(server, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`, `CREATE DATABASE ${quoteIdent(name)} ENCODING 'UTF8' TEMPLATE template0`);
  return server.urlFor(name);
}

export async function dropDatabase(server: PgServer, name: string): Promise<void> {
  await admin(server, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}

// ---------------------------------------------------------------------------------------------
// the server as a child process

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  baseUrl: string;
  pid: number | undefined;
  /** the last lines the server printed */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node server/dist/main.js` against `databaseUrl` on a free port and waits for
 * /api/health. Runs with NODE_ENV=production (a random JWT secret), jobs off, warn-level logs,
 * demo data on, one process (WEB_CONCURRENCY=1); `env` adds or overrides variables.
 */
export async function startServer(opts: {
  databaseUrl: string;
  env?: Record<string, string>;
  verbose?: boolean;
  startTimeoutMs?: number;
}): Promise<ServerProcess> {
  const main = path.join(REPO_ROOT, 'server', 'dist', 'main.js');
  if (!fs.existsSync(main)) throw new Error('server/dist/main.js is missing: build the server first (npm run build)');
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (opts.verbose) process.stderr.write(text.replace(/^(?=.)/gm, '  [server] '));
    tail.push(...text.split('\n').filter((l) => l.trim() !== ''));
    if (tail.length > 200) tail.splice(0, tail.length - 200);
  };
  // BENCH_SERVER_NODE_ARGS: flags for the server's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it (not allowed in NODE_OPTIONS)
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, main], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      JWT_SECRET: randomBytes(32).toString('hex'),
      DATABASE_URL: opts.databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      JOBS_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      DEMO_DATA: 'true',
      // one process unless a suite asks for the cluster (order-submit benches 1 vs N workers)
      WEB_CONCURRENCY: '1',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  const output = () => tail.join('\n');
  // if this process ends without stop() (a crash, process.exit), the server must not live on
  const onExit = () => {
    if (!exited && child.exitCode === null) child.kill('SIGTERM');
  };
  process.on('exit', onExit);
  void exitPromise.then(() => process.off('exit', onExit));
  const stop = async () => {
    if (exited || child.exitCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!exited) child.kill('SIGKILL');
    }, 10_000);
    await exitPromise;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 180_000);
  try {
    for (;;) {
      if (exited) throw new Error(`the server exited while starting (code ${exited.code}, signal ${exited.signal}):\n${output()}`);
      try {
        const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`the server did not answer /api/health within ${(opts.startTimeoutMs ?? 180_000) / 1000}s:\n${output()}`);
      await sleep(250);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { baseUrl, pid: child.pid, output, stop };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

export interface LoginResult {
  accessToken: string;
  refreshToken: string;
  /** `sub` (user id) and `sid` (session id) from the access token's payload */
  userId: string;
  sessionId: string;
}

export async function login(baseUrl: string, username: string, password: string): Promise<LoginResult> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`login as ${username} answered ${res.status}: ${text}`);
  const body = JSON.parse(text) as { accessToken: string; refreshToken: string };
  const payload = JSON.parse(Buffer.from(body.accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: string; sid?: string };
  return { accessToken: body.accessToken, refreshToken: body.refreshToken, userId: payload.sub ?? '', sessionId: payload.sid ?? '' };
}

/** One GET with a bearer token; throws on a non-2xx answer. */
export async function getJson<T>(baseUrl: string, urlPath: string, token: string): Promise<T> {
  const res = await fetch(`${baseUrl}${urlPath}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${urlPath} answered ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** The peak resident set size (VmHWM, kB) of a process from /proc, or undefined where /proc is not readable. */
export function readPeakRssKb(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The current resident set size (VmRSS, kB) of a process, or undefined. */
export function readRssKb(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Resets a process's peak RSS (VmHWM) to its current RSS (Linux: `echo 5 > /proc/<pid>/clear_refs`),
 * so a later readPeakRssKb tells the peak of what ran in between. Answers false when not possible
 * (the peak then counts from the process's start).
 */
export function resetPeakRss(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// measurements

export interface Measurement {
  /** operations completed (HTTP answers of any status, or SQL units of work that finished) */
  count: number;
  seconds: number;
  perSecond: number;
  /** latency in milliseconds */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** failed operations: non-2xx answers, connection errors and timeouts, or failed queries */
  errors: number;
  errorDetail: Record<string, number>;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

function summarise(latencies: number[], seconds: number, errors: number, errorDetail: Record<string, number>): Measurement {
  const sorted = Float64Array.from(latencies).sort();
  const arr = Array.from(sorted);
  const sum = arr.reduce((a, b) => a + b, 0);
  return {
    count: arr.length,
    seconds,
    perSecond: seconds > 0 ? arr.length / seconds : 0,
    p50: percentile(arr, 50),
    p90: percentile(arr, 90),
    p99: percentile(arr, 99),
    max: arr.length ? arr[arr.length - 1] : 0,
    mean: arr.length ? sum / arr.length : 0,
    errors,
    errorDetail,
  };
}

/**
 * Loads one GET path with autocannon for `durationSeconds` over `connections` keep-alive
 * connections. Latencies are taken from every answer (the same percentile method as the SQL side).
 */
export async function measureHttp(opts: {
  baseUrl: string;
  path: string;
  headers?: Record<string, string>;
  connections: number;
  durationSeconds: number;
}): Promise<Measurement> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${opts.baseUrl}${opts.path}`,
        method: 'GET',
        headers: opts.headers,
        connections: opts.connections,
        duration: opts.durationSeconds,
        timeout: 30,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
    });
  });
  const detail: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    if (!code.startsWith('2')) detail[`HTTP ${code}`] = stat.count ?? 0;
  }
  if (result.errors) detail['connection errors'] = result.errors;
  if (result.timeouts) detail.timeouts = result.timeouts;
  const failures = result.non2xx + result.errors;
  return summarise(latencies, result.duration, failures, detail);
}

/**
 * The SQL baseline: `connections` workers share a pg.Pool of that size and run `unit` back to
 * back for `durationSeconds`; one unit is one operation (its latency is the whole unit).
 */
export async function measureSql(opts: { pool: Pool; connections: number; durationSeconds: number; unit: (pool: Pool) => Promise<void> }): Promise<Measurement> {
  const latencies: number[] = [];
  const detail: Record<string, number> = {};
  let errors = 0;
  const started = process.hrtime.bigint();
  const end = started + BigInt(Math.round(opts.durationSeconds * 1e9));
  const worker = async () => {
    while (process.hrtime.bigint() < end) {
      const t0 = process.hrtime.bigint();
      try {
        await opts.unit(opts.pool);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      } catch (e) {
        errors++;
        const key = e instanceof Error ? e.message.slice(0, 120) : String(e);
        detail[key] = (detail[key] ?? 0) + 1;
        if (errors > 1000) throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return summarise(latencies, seconds, errors, detail);
}

// ---------------------------------------------------------------------------------------------
// suites

/** What a benchmark suite gets once the server runs on a fresh database of one size. */
export interface SuiteContext {
  size: number;
  baseUrl: string;
  /** the suite's database (the server's) */
  databaseUrl: string;
  /** the server child's process id (for its memory in /proc) */
  serverPid: number | undefined;
  /** a pool on the same database, `connections` clients: the SQL side uses it */
  pool: Pool;
  settings: BenchSettings;
  log: (line: string) => void;
  /**
   * Another fresh, empty database on the same PostgreSQL server (e.g. for a baseline that writes
   * into its own copy of the tables); dropped with the suite's own unless BENCH_KEEP_DB.
   */
  createDatabase(suffix: string): Promise<string>;
  /** Starts another server child on a database (it migrates and seeds it); stopped when the suite's size ends, or earlier with stop(). */
  startServer(databaseUrl: string, env?: Record<string, string>): Promise<ServerProcess>;
  /** Runs `close` when the suite's size ends (also on errors and Ctrl-C), last registered first. */
  onCleanup(close: () => Promise<unknown>): void;
}

export interface Scenario {
  name: string;
  description: string;
  /** GET path (with query string) measured over HTTP */
  path: string;
  /** the path as printed in the report when `path` is long (e.g. 200 ids elided) */
  displayPath?: string;
  headers: Record<string, string>;
  /** what one SQL-side operation runs, in words (printed and stored with the results) */
  sqlUnit: string;
  /** one SQL-side operation: the raw queries equivalent to one API request */
  sql: (pool: Pool) => Promise<void>;
  /** optional one-off comparison of the API's answer with the SQL's (warnings, not failures) */
  check?: () => Promise<ResultRow['checks']>;
  /** queries to EXPLAIN ANALYZE once, by label */
  explain?: Record<string, { sql: string; params: unknown[] }>;
}

/** Facts a one-shot side or check reports besides its time (stored in the JSON, some printed). */
export type Notes = Record<string, string | number | boolean | null | undefined>;

/**
 * A measurement that runs once (e.g. an import of N rows) instead of under autocannon load: the
 * runner times `api()` and then `sql()` (wall clock, in that order) and reports both with their
 * ratio. Everything a side needs (files, connections) is built before, in `oneShots()`, so the
 * timed functions do only the work.
 */
export interface OneShotScenario {
  name: string;
  description: string;
  /** rows the work writes or reads (for rows/s) */
  rows: number;
  /** what the API side does, in words */
  apiUnit: string;
  /** what the SQL side does, in words */
  sqlUnit: string;
  /** the timed API work; throws on a failed request (which fails the run) */
  api: () => Promise<Notes | void>;
  /** the timed raw-SQL work; throws on failure */
  sql: () => Promise<Notes | void>;
  /** untimed work before each side (e.g. a CHECKPOINT, so one side's writes are not flushed during the other's) */
  settle?: () => Promise<void>;
  /** optional comparison of what the two sides did (warnings, not failures), after both ran */
  check?: () => Promise<{ warnings: string[]; notes?: Notes }>;
}

export interface BenchSuite {
  name: string;
  /** sizes when BENCH_SIZES is not given (default: the runner's 1000,10000) */
  defaultSizes?: number[];
  /** sizes from the suite's own setting; when given, BENCH_SIZES does not apply to the suite */
  sizesFromEnv?: () => number[];
  /** adds `size` rows of test data through `pool` (after the server migrated and seeded the database) */
  prepare(ctx: SuiteContext): Promise<void>;
  /** throughput scenarios (autocannon vs pg.Pool) */
  scenarios?(ctx: SuiteContext): Promise<Scenario[]>;
  /** one-shot scenarios, run after the throughput ones, in order */
  oneShots?(ctx: SuiteContext): Promise<OneShotScenario[]>;
}

/** A query as the server would send it. */
export interface CapturedQuery {
  sql: string;
  params: unknown[];
}

/**
 * The principal lookup the server runs on every authenticated request, captured from the built
 * server's own `loadPrincipalVersion` (the cached principal's per-request check; `loadPrincipal`
 * on an older build) so the SQL baseline stays in step with the server: it is called once with a
 * recording stand-in for the database service.
 */
export async function capturePrincipalQueries(userId: string, sessionId: string): Promise<CapturedQuery[]> {
  type LoadPrincipal = (db: unknown, ctx: unknown, userId: string, sessionId: string) => Promise<unknown>;
  // the server caches the principal per process and sends, per request, only the version check
  // (loadPrincipalVersion); the full principal query (loadPrincipal) runs once, then again only
  // after a change: the steady-state per-request SQL is the version check
  const mod = requireServerDist<{ loadPrincipal?: LoadPrincipal; loadPrincipalVersion?: LoadPrincipal }>('modules/auth/jwt.strategy');
  const perRequest = mod.loadPrincipalVersion ?? mod.loadPrincipal;
  if (typeof perRequest !== 'function') {
    throw new Error('server/dist/modules/auth/jwt.strategy no longer exports loadPrincipalVersion / loadPrincipal: update capturePrincipalQueries in e2e/bench/harness.ts');
  }
  const captured: CapturedQuery[] = [];
  const recorder = {
    query: async (_ctx: unknown, sql: string, params: unknown[] = []) => {
      captured.push({ sql, params });
      return [];
    },
  };
  await perRequest(recorder, undefined, userId, sessionId);
  if (!captured.length) throw new Error('the per-request principal check ran no query: update capturePrincipalQueries in e2e/bench/harness.ts');
  return captured;
}

/**
 * The built server's own services on a TypeORM connection in this process, with every query they
 * send recorded (a TypeORM logger): so the SQL baseline of a scenario can replay exactly the SQL
 * the server's query builders produce (e.g. OrgService.assertVisible, ProductService.assertUsable)
 * instead of a hand-written copy that drifts. The recorded queries really run (read-only use).
 */
export interface ServerQueryCapture {
  /** the server's DbService on this connection (to construct server services with) */
  db: unknown;
  /** require() of a module under server/dist (the same module instances the DbService uses) */
  serverModule<T>(relative: string): T;
  /** runs `work` and answers the queries it sent, in order, with the value it answered */
  record<T>(work: () => Promise<T>): Promise<{ value: T; queries: CapturedQuery[] }>;
  close(): Promise<void>;
}

export async function openServerQueryCapture(databaseUrl: string): Promise<ServerQueryCapture> {
  type DataSourceLike = { initialize(): Promise<unknown>; destroy(): Promise<void> };
  type TypeOrmModule = { DataSource: new (options: Record<string, unknown>) => DataSourceLike };
  // typeorm as the server resolves it: entity metadata lives in that module instance
  const typeormPath = require.resolve('typeorm', { paths: [path.join(REPO_ROOT, 'server')] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DataSource } = require(typeormPath) as TypeOrmModule;
  const { ENTITIES } = requireServerDist<{ ENTITIES: unknown[] }>('database/entities');
  const { DbService } = requireServerDist<{ DbService: new (ds: DataSourceLike) => unknown }>('database/db.service');
  let sink: CapturedQuery[] | undefined;
  // every statement the pool's connections are sent, as the server sends them: DbService calls pg's
  // client directly (not through TypeORM's query runner and its logger)
  class CapturingClient extends Client {
    override query(...args: unknown[]): never {
      const [text, values] = args;
      if (sink && typeof text === 'string') sink.push({ sql: text, params: Array.isArray(values) ? values : [] });
      return (super.query as (...a: unknown[]) => never)(...args);
    }
  }
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: 2, application_name: 'drp-bench-capture', Client: CapturingClient },
  });
  await dataSource.initialize();
  const db = new DbService(dataSource);
  return {
    db,
    serverModule: <T>(relative: string) => requireServerDist<T>(relative),
    async record<T>(work: () => Promise<T>) {
      const queries: CapturedQuery[] = [];
      sink = queries;
      try {
        const value = await work();
        return { value, queries };
      } finally {
        sink = undefined;
      }
    },
    close: () => dataSource.destroy(),
  };
}

/** Where a database session spent a one-shot operation's time, from sampling pg_stat_activity. */
export interface ActivityProfile {
  /** seconds sampled, and of those the seconds in which the watched sessions were running a statement */
  seconds: number;
  busySeconds: number;
  samples: number;
  /** statements (first 100 characters, whitespace collapsed) by estimated seconds, longest first */
  statements: { sql: string; seconds: number }[];
}

/**
 * A poor man's profiler for one long operation: samples pg_stat_activity about every
 * `intervalMs` for sessions of `applicationName` on the database of `databaseUrl` and adds up, per
 * statement, the time it was seen running (each sample stands for the time since the previous
 * one). Time with no running statement is spent outside the database (in the server process, or
 * between statements). Call stop() to get the profile.
 */
export function sampleActivity(databaseUrl: string, applicationName: string, intervalMs = 20): { stop(): Promise<ActivityProfile> } {
  const client = new Client({ connectionString: databaseUrl, application_name: 'drp-bench-sampler' });
  client.on('error', () => undefined); // a lost connection ends the loop through its failing query
  const seen = new Map<string, number>();
  let samples = 0;
  let busyMs = 0;
  let totalMs = 0;
  let running = true;
  const loop = (async () => {
    await client.connect();
    let last = Date.now();
    while (running) {
      const { rows } = await client.query<{ query: string }>(
        "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND state = 'active' AND pid <> pg_backend_pid()",
        [applicationName],
      );
      const now = Date.now();
      const dt = now - last;
      last = now;
      samples++;
      totalMs += dt;
      if (rows.length) busyMs += dt;
      for (const r of rows) {
        const key = r.query.replace(/\s+/g, ' ').trim().slice(0, 100);
        seen.set(key, (seen.get(key) ?? 0) + dt);
      }
      await sleep(Math.max(0, intervalMs - (Date.now() - now)));
    }
  })();
  return {
    async stop() {
      running = false;
      try {
        await loop;
      } finally {
        await client.end().catch(() => undefined);
      }
      const statements = [...seen.entries()].map(([sql, ms]) => ({ sql, seconds: round(ms / 1000, 2) })).sort((a, b) => b.seconds - a.seconds);
      return { seconds: round(totalMs / 1000, 2), busySeconds: round(busyMs / 1000, 2), samples, statements };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// query plans (to spot a missing index in the report)

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Loops'?: number;
  'Actual Rows'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  'Subplan Name'?: string;
  Plans?: PlanNode[];
}

export interface PlanSummary {
  /** the plan's nodes, outermost first, e.g. "Limit > Incremental Sort > Index Scan (uq_organization_code)" */
  shape: string;
  executionMs: number;
  planningMs: number;
  /** time PostgreSQL spent JIT-compiling the query (part of executionMs; 0 when it did not), e.g. once the plan's cost passes jit_above_cost */
  jitMs: number;
  /** table rows the scans (seq, index, bitmap heap) returned or filtered out, summed over all their loops: the plan's work, to see it grow (or not) with the data */
  rowsRead: number;
}

/** EXPLAIN ANALYZE of one query, condensed to its node types and timings. */
export async function explain(pool: Pool, sql: string, params: unknown[]): Promise<PlanSummary> {
  const { rows } = await pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number; 'Planning Time': number; JIT?: { Timing?: { Total?: number } } }] }>(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`,
    params,
  );
  const top = rows[0]['QUERY PLAN'][0];
  const describe = (n: PlanNode): string => {
    const target = n['Index Name'] ?? n['Relation Name'];
    const loops = (n['Actual Loops'] ?? 1) > 1 ? ` x${n['Actual Loops']}` : '';
    const self = `${n['Subplan Name'] ? `[${n['Subplan Name']}] ` : ''}${n['Node Type']}${target ? ` (${target})` : ''}${loops}`;
    const kids = n.Plans ?? [];
    if (!kids.length) return self;
    if (kids.length === 1) return `${self} > ${describe(kids[0])}`;
    return `${self} > { ${kids.map(describe).join(' ; ')} }`;
  };
  const read = (n: PlanNode): number =>
    (/^(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan)$/.test(n['Node Type']) ? ((n['Actual Rows'] ?? 0) + (n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0)) * (n['Actual Loops'] ?? 1) : 0) +
    (n.Plans ?? []).reduce((sum, k) => sum + read(k), 0);
  return { shape: describe(top.Plan), executionMs: round(top['Execution Time'], 3), planningMs: round(top['Planning Time'], 3), jitMs: round(top.JIT?.Timing?.Total ?? 0, 3), rowsRead: Math.round(read(top.Plan)) };
}

// ---------------------------------------------------------------------------------------------
// report

export interface ResultRow {
  suite: string;
  scenario: string;
  size: number;
  /** what the scenario asks, in words */
  description: string;
  /** the HTTP path measured */
  path: string;
  /** what one SQL-side operation runs */
  sqlUnit: string;
  api: Measurement;
  sql: Measurement;
  /** API throughput / SQL throughput, of the round with the median ratio (api, sql: that round's measurements) */
  ratio: number;
  /** every round's ratio, in the order run (BENCH_ROUNDS) */
  roundRatios: number[];
  /** notes: equivalence checks, plans */
  checks: { apiTotal?: number; sqlTotal?: number; sameFirstPage?: boolean; warnings: string[]; notes?: Notes };
  plans: Record<string, PlanSummary>;
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function formatTable(rows: ResultRow[]): string {
  const header = ['scenario', 'size', 'API req/s', 'API p50 ms', 'API p99 ms', 'SQL op/s', 'SQL p50 ms', 'SQL p99 ms', 'API/SQL'];
  const body = rows.map((r) => [
    r.scenario,
    String(r.size),
    r.api.perSecond.toFixed(1),
    r.api.p50.toFixed(2),
    r.api.p99.toFixed(2),
    r.sql.perSecond.toFixed(1),
    r.sql.p50.toFixed(2),
    r.sql.p99.toFixed(2),
    r.ratio.toFixed(3),
  ]);
  return textTable(header, body);
}

/** A plain text table: the first column left-aligned, the others right-aligned. */
export function textTable(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** One side of a one-shot scenario: its wall time, or the error that stopped it. */
export interface OneShotSide {
  seconds: number | null;
  rowsPerSecond: number | null;
  notes: Notes;
  error?: string;
}

export interface OneShotRow {
  suite: string;
  scenario: string;
  size: number;
  description: string;
  rows: number;
  apiUnit: string;
  sqlUnit: string;
  api: OneShotSide;
  sql: OneShotSide;
  /** API wall time / SQL wall time: how many times longer the API took (null when a side failed) */
  timeRatio: number | null;
  checks: { warnings: string[]; notes?: Notes };
}

const num = (n: number | null | undefined, digits: number) => (n === null || n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits));

/** The one-shot table: scenario, rows, seconds each side, their ratio, rows/s each side, the server's peak RSS. */
export function formatOneShotTable(rows: OneShotRow[]): string {
  const header = ['scenario', 'rows', 'API s', 'SQL s', 'API/SQL time', 'API rows/s', 'SQL rows/s', 'server peak RSS MB'];
  const body = rows.map((r) => [
    r.scenario,
    String(r.rows),
    num(r.api.seconds, 2),
    num(r.sql.seconds, 2),
    r.timeRatio === null ? '-' : `${r.timeRatio.toFixed(2)}x`,
    num(r.api.rowsPerSecond, 0),
    num(r.sql.rowsPerSecond, 0),
    typeof r.api.notes.serverPeakRssMb === 'number' ? r.api.notes.serverPeakRssMb.toFixed(0) : '-',
  ]);
  return textTable(header, body);
}

/** Writes results/bench-<timestamp>.json and results/latest.json; returns the first path. */
export function writeResults(report: unknown, startedAt: Date): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const file = path.join(RESULTS_DIR, `bench-${stamp}.json`);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  fs.writeFileSync(file, json);
  fs.writeFileSync(path.join(RESULTS_DIR, 'latest.json'), json);
  return file;
}

/** The machine, for the JSON report. */
export function machineInfo(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    memoryGb: round(os.totalmem() / 2 ** 30, 1),
    /** 1/5/15-minute load averages when the report was written: other work on the machine skews the numbers */
    loadAverage: os.loadavg().map((l) => round(l, 2)),
  };
}
