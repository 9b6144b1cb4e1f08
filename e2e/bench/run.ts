/**
 * `npm run bench` (from the repo root: builds, then runs this with ts-node).
 *
 * For every suite and size: a fresh database, the built server as a child process on it, the
 * suite's test data, then each throughput scenario measured over HTTP (autocannon) and as the
 * equivalent raw SQL (pg.Pool, same concurrency and duration), then each one-shot scenario (e.g.
 * an import) timed once over HTTP and once as raw SQL. Prints tables, writes
 * e2e/bench/results/bench-<timestamp>.json and latest.json. A report, not a test: it fails only
 * when something errors (including any non-2xx answer or a failed import), never on timings.
 *
 * Environment: BENCH_SUITES (comma-separated, default all: org-list,price-resolve,product-import,
 * order-submit,aging,mall-catalog,invoices,replenishment,search,analysis,product-list), BENCH_SIZES (default per suite: 1000,10000; given, it applies to every
 * suite except product-import, order-submit and aging, whose sizes are BENCH_IMPORT_ROWS (10000),
 * BENCH_ORDERS (2000) and BENCH_AGING_ROWS (1000000); invoices: BENCH_INVOICES (1000000) with
 * BENCH_RECON_ROWS (100000) reconciled; search: BENCH_SEARCH_ORDERS (1000000) orders and
 * BENCH_SEARCH_PRODUCTS (100000) products, BENCH_SEARCH_INDEXES=off for the figures without the trigram indexes; analysis:
 * BENCH_ANALYSIS_LINES (2000000) shipped lines, BENCH_ANALYSIS_RUNS (3) runs a side), BENCH_DURATION seconds per
 * measurement (10), BENCH_WARMUP seconds before each (2), BENCH_CONNECTIONS (10), BENCH_PG_PORT
 * embedded port (54340), BENCH_KEEP_DB=true keeps the databases, BENCH_VERBOSE=true shows the
 * server's output, DATABASE_URL a PostgreSQL server to use (else an embedded one is started and
 * removed).
 */
import * as os from 'node:os';
import {
  benchPool,
  BenchSettings,
  BenchSuite,
  createFreshDatabase,
  dropDatabase,
  explain,
  formatOneShotTable,
  formatTable,
  machineInfo,
  measureHttp,
  measureSql,
  Measurement,
  Notes,
  OneShotRow,
  OneShotSide,
  PgServer,
  readSettings,
  ResultRow,
  round,
  Scenario,
  ServerProcess,
  startPgServer,
  startServer,
  SuiteContext,
  writeResults,
} from './harness';
import { agingSuite } from './aging.bench';
import { analysisSuite } from './analysis.bench';
import { mallCatalogSuite } from './mall-catalog.bench';
import { orgListSuite } from './org-list.bench';
import { orderSubmitSuite } from './order-submit.bench';
import { priceResolveSuite } from './price-resolve.bench';
import { productImportSuite } from './product-import.bench';
import { productListSuite } from './product-list.bench';
import { invoicesSuite } from './invoices.bench';
import { replenishmentSuite } from './replenishment.bench';
import { searchSuite } from './search.bench';

const SUITES: BenchSuite[] = [orgListSuite, priceResolveSuite, productImportSuite, orderSubmitSuite, agingSuite, mallCatalogSuite, invoicesSuite, replenishmentSuite, searchSuite, analysisSuite, productListSuite];
const DEFAULT_SIZES = [1000, 10000];

function log(line: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

function rounded(m: Measurement): Measurement {
  return { ...m, seconds: round(m.seconds, 3), perSecond: round(m.perSecond, 1), p50: round(m.p50, 3), p90: round(m.p90, 3), p99: round(m.p99, 3), max: round(m.max, 3), mean: round(m.mean, 3) };
}

function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

/** BENCH_SUITES, in the order given (default: all, in SUITES order). */
function selectSuites(): BenchSuite[] {
  const raw = process.env.BENCH_SUITES;
  if (!raw || !raw.trim()) return SUITES;
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !SUITES.some((s) => s.name === n));
  if (unknown.length) throw new Error(`BENCH_SUITES: unknown suite(s) ${unknown.join(', ')} (known: ${SUITES.map((s) => s.name).join(', ')})`);
  return [...new Set(names)].map((n) => SUITES.find((s) => s.name === n)!);
}

function sizesOf(suite: BenchSuite, settings: BenchSettings): number[] {
  if (suite.sizesFromEnv) return suite.sizesFromEnv();
  if (settings.sizesFromEnv) return settings.sizes;
  return suite.defaultSizes ?? DEFAULT_SIZES;
}

/**
 * What one suite size opened (servers, pools, databases): closed last first, also on errors and
 * signals. A second run() while one is under way (Ctrl-C during the normal cleanup) joins it.
 */
class Cleanup {
  private readonly closers: { label: string; close: () => Promise<unknown> }[] = [];
  private running: Promise<string[]> | undefined;

  add(label: string, close: () => Promise<unknown>): void {
    this.closers.push({ label, close });
  }

  /** Runs every closer (each once), answering the errors. */
  run(): Promise<string[]> {
    if (this.running) return this.running;
    this.running = (async () => {
      const errors: string[] = [];
      while (this.closers.length) {
        const c = this.closers.pop()!;
        try {
          await c.close();
        } catch (e) {
          errors.push(`${c.label}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      return errors;
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const settings = readSettings(DEFAULT_SIZES);
  const suites = selectSuites();
  const plan = suites.map((s) => ({ suite: s, sizes: sizesOf(s, settings) }));
  const rows: ResultRow[] = [];
  const oneShotRows: OneShotRow[] = [];
  const failures: string[] = [];
  const databases: string[] = [];
  let pgServer: PgServer | undefined;
  let cleanup: Cleanup | undefined;
  let pgVersion = '';
  let pgStopping: Promise<void> | undefined;
  const stopPg = () => (pgStopping ??= pgServer ? pgServer.stop() : Promise.resolve());

  // Ctrl-C / kill: stop the child servers, pools and the embedded PostgreSQL before leaving.
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping`);
    void (async () => {
      await cleanup?.run().catch(() => undefined);
      await stopPg().catch(() => undefined);
      process.exit(130);
    })();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  log(`suites ${plan.map((p) => `${p.suite.name} (sizes ${p.sizes.join(', ')})`).join('; ')}`);
  log(`${settings.durationSeconds}s per measurement (each side, in ${settings.rounds} alternating rounds) after ${settings.warmupSeconds}s warm-up; ${settings.connections} connections`);
  const loadBefore = os.loadavg()[0];
  if (loadBefore > os.cpus().length * 0.5) log(`note: the machine is already busy (load ${loadBefore.toFixed(2)} on ${os.cpus().length} CPUs); expect noisy numbers`);
  try {
    pgServer = await startPgServer(settings, log);
    const pg = pgServer;
    for (const { suite, sizes } of plan) {
      for (const size of sizes) {
        if (interrupted) break;
        const here = new Cleanup();
        cleanup = here;
        let server: ServerProcess | undefined;
        const dbName = `drp_bench_${suite.name.replace(/[^a-z0-9]/gi, '_')}_${size}`;
        const dropLater = (name: string) => {
          databases.push(name);
          if (!settings.keepDatabases) here.add(`dropping database ${name}`, () => dropDatabase(pg, name));
        };
        try {
          const url = await createFreshDatabase(pg, dbName);
          dropLater(dbName);
          log(`${suite.name} @ ${size}: database ${dbName} (${pg.kind}); starting the server`);
          const t0 = Date.now();
          // BENCH_WEB_CONCURRENCY: the suites' server as a cluster of that many workers (default one process)
          const serverEnv: Record<string, string> = { JWT_ACCESS_TTL_SECONDS: '86400', ...(process.env.BENCH_WEB_CONCURRENCY ? { WEB_CONCURRENCY: process.env.BENCH_WEB_CONCURRENCY } : {}) };
          const started = await startServer({ databaseUrl: url, verbose: settings.verbose, env: serverEnv });
          server = started;
          here.add('stopping the server', () => started.stop());
          log(`server ${started.baseUrl} (pid ${started.pid}) ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
          const pool = benchPool(url, settings.connections, 'drp-bench', log);
          here.add('closing the pool', () => pool.end());
          if (!pgVersion) pgVersion = (await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
          const ctx: SuiteContext = {
            size,
            baseUrl: started.baseUrl,
            databaseUrl: url,
            serverPid: started.pid,
            pool,
            settings,
            log,
            createDatabase: async (suffix) => {
              const name = `${dbName}_${suffix.replace(/[^a-z0-9]/gi, '_')}`;
              const extraUrl = await createFreshDatabase(pg, name);
              dropLater(name);
              return extraUrl;
            },
            startServer: async (databaseUrl, env) => {
              const extra = await startServer({ databaseUrl, verbose: settings.verbose, env: { ...serverEnv, ...env } });
              here.add(`stopping the server ${extra.baseUrl}`, () => extra.stop());
              return extra;
            },
            onCleanup: (close) => here.add('suite cleanup', close),
          };
          await suite.prepare(ctx);
          const scenarios = (await suite.scenarios?.(ctx)) ?? [];
          // A just-started server runs its first requests unoptimised (V8 has not compiled the hot paths yet,
          // the pool's connections have prepared nothing): one warm-up pass over every scenario first, so the
          // first scenario is not measured colder than the ones after it (it read ~30 % slower before).
          // what each side of a scenario runs (its duration aside)
          const sides = (sc: Scenario) => ({
            http: { baseUrl: started.baseUrl, path: sc.path, headers: sc.headers, connections: settings.connections },
            sqlRun: { pool, connections: settings.connections, unit: sc.sql },
          });
          if (settings.warmupSeconds > 0) {
            for (const sc of scenarios) {
              const { http, sqlRun } = sides(sc);
              await measureHttp({ ...http, durationSeconds: settings.warmupSeconds });
              await measureSql({ ...sqlRun, durationSeconds: settings.warmupSeconds });
            }
          }
          for (const sc of scenarios) {
            log(`${suite.name}/${sc.name} @ ${size}: ${sc.description}`);
            const checks = sc.check ? await sc.check() : { warnings: [] };
            for (const w of checks.warnings) log(`  WARNING: ${w}`);
            if (checks.notes) log(`  check: ${formatNotes(checks.notes)}`);
            const plans: ResultRow['plans'] = {};
            for (const [label, q] of Object.entries(sc.explain ?? {})) {
              plans[label] = await explain(pool, q.sql, q.params);
              log(`  plan ${label} (${plans[label].executionMs} ms): ${plans[label].shape}`);
            }
            const { http, sqlRun } = sides(sc);
            if (settings.warmupSeconds > 0) await measureHttp({ ...http, durationSeconds: settings.warmupSeconds });
            if (settings.warmupSeconds > 0) await measureSql({ ...sqlRun, durationSeconds: settings.warmupSeconds });
            // The sides alternate in BENCH_ROUNDS rounds, so a transient (autovacuum after the setup's inserts, a
            // checkpoint, another process) hits one round, not one side: the same request measured twice in one run
            // read 433 and 725 req/s when each side ran once. The row is the round of the median ratio.
            const slice = Math.max(1, Math.round(settings.durationSeconds / settings.rounds));
            const pairs: { api: Measurement; sql: Measurement; ratio: number }[] = [];
            for (let r = 0; r < settings.rounds; r++) {
              const a = await measureHttp({ ...http, durationSeconds: slice });
              const q = await measureSql({ ...sqlRun, durationSeconds: slice });
              pairs.push({ api: a, sql: q, ratio: q.perSecond > 0 ? a.perSecond / q.perSecond : 0 });
            }
            const { api, sql } = [...pairs].sort((x, y) => x.ratio - y.ratio)[Math.floor((pairs.length - 1) / 2)];
            const apiErrors = pairs.reduce((n, p) => n + p.api.errors, 0);
            const sqlErrors = pairs.reduce((n, p) => n + p.sql.errors, 0);
            const row: ResultRow = {
              suite: suite.name,
              scenario: sc.name,
              size,
              description: sc.description,
              path: sc.displayPath ?? sc.path,
              sqlUnit: sc.sqlUnit,
              api: rounded(api),
              sql: rounded(sql),
              ratio: sql.perSecond > 0 ? round(api.perSecond / sql.perSecond, 3) : 0,
              roundRatios: pairs.map((p) => round(p.ratio, 3)),
              checks,
              plans,
            };
            rows.push(row);
            log(
              `  API ${api.perSecond.toFixed(1)} req/s p50 ${api.p50.toFixed(2)} ms p99 ${api.p99.toFixed(2)} ms | SQL ${sql.perSecond.toFixed(1)} op/s p50 ${sql.p50.toFixed(2)} ms p99 ${sql.p99.toFixed(2)} ms | API/SQL ${row.ratio.toFixed(3)} (rounds: ${row.roundRatios.map((r) => r.toFixed(3)).join(', ')})`,
            );
            if (apiErrors) failures.push(`${suite.name}/${sc.name} @ ${size}: ${apiErrors} failed HTTP requests (${JSON.stringify(pairs.map((p) => p.api.errorDetail))})`);
            if (sqlErrors) failures.push(`${suite.name}/${sc.name} @ ${size}: ${sqlErrors} failed SQL operations (${JSON.stringify(pairs.map((p) => p.sql.errorDetail))})`);
          }
          for (const sc of (await suite.oneShots?.(ctx)) ?? []) {
            log(`${suite.name}/${sc.name} @ ${size}: ${sc.description}`);
            const side = async (label: 'API' | 'SQL', work: () => Promise<Notes | void>): Promise<OneShotSide> => {
              const t = process.hrtime.bigint();
              try {
                const notes = (await work()) ?? {};
                const seconds = Number(process.hrtime.bigint() - t) / 1e9;
                log(`  ${label} ${seconds.toFixed(2)} s (${(sc.rows / seconds).toFixed(0)} rows/s)${Object.keys(notes).length ? `: ${formatNotes(notes)}` : ''}`);
                return { seconds: round(seconds, 3), rowsPerSecond: round(sc.rows / seconds, 1), notes };
              } catch (e) {
                failures.push(`${suite.name}/${sc.name} @ ${size}: the ${label} side failed: ${e instanceof Error ? e.message : String(e)}`);
                log(`  ${label} FAILED: ${e instanceof Error ? e.message : String(e)}`);
                return { seconds: null, rowsPerSecond: null, notes: {}, error: e instanceof Error ? e.message : String(e) };
              }
            };
            const settle = async () => {
              if (sc.settle) await sc.settle();
            };
            await settle();
            const api = await side('API', sc.api);
            await settle();
            const sql = await side('SQL', sc.sql);
            const checks = sc.check ? await sc.check() : { warnings: [] };
            for (const w of checks.warnings) log(`  WARNING: ${w}`);
            if (checks.notes) log(`  check: ${formatNotes(checks.notes)}`);
            const timeRatio = api.seconds !== null && sql.seconds !== null && sql.seconds > 0 ? round(api.seconds / sql.seconds, 3) : null;
            if (timeRatio !== null) log(`  API/SQL time ${timeRatio.toFixed(2)}x`);
            oneShotRows.push({ suite: suite.name, scenario: sc.name, size, description: sc.description, rows: sc.rows, apiUnit: sc.apiUnit, sqlUnit: sc.sqlUnit, api, sql, timeRatio, checks });
          }
        } catch (e) {
          failures.push(`${suite.name} @ ${size}: ${errorText(e)}`);
          log(`${suite.name} @ ${size} FAILED: ${e instanceof Error ? e.message : String(e)}`);
          if (server) console.error(`--- last server output ---\n${server.output()}\n---`);
        } finally {
          for (const err of await here.run()) failures.push(`${suite.name} @ ${size}: ${err}`);
          cleanup = undefined;
        }
      }
    }
  } catch (e) {
    failures.push(`error: ${errorText(e)}`);
  } finally {
    await cleanup?.run().catch(() => undefined);
    if (pgServer && !settings.keepDatabases && pgServer.kind === 'external') {
      for (const db of databases) await dropDatabase(pgServer, db).catch(() => undefined);
    }
    await stopPg().catch((e) => failures.push(`stopping the embedded PostgreSQL: ${String(e)}`));
  }

  const finishedAt = new Date();
  const suitesWithRows = [...new Set(rows.map((r) => r.suite))];
  if (rows.length) {
    console.log('');
    console.log('Throughput and latency: API over HTTP (autocannon) vs the same work as raw SQL (pg.Pool), same concurrency');
    for (const name of suitesWithRows) {
      const mine = rows.filter((r) => r.suite === name);
      if (suitesWithRows.length > 1) console.log(`\n== ${name}`);
      const units = [...new Set(mine.map((r) => r.sqlUnit))];
      for (const u of units) console.log(`SQL side, one operation (SQL op/s, p50, p99) = ${u}`);
      for (const sc of [...new Map(mine.map((r) => [r.scenario, r])).values()]) console.log(`  ${sc.scenario.padEnd(10)} ${sc.path}`);
      console.log('');
      console.log(formatTable(mine));
      const noted = mine.filter((r) => r.checks.notes && Object.keys(r.checks.notes).length);
      if (noted.length) {
        console.log('checks (the API\'s answer against the SQL side\'s, once per scenario and size):');
        for (const r of noted) console.log(`  ${`${r.scenario} @ ${r.size}`.padEnd(20)} same answer: ${r.checks.sameFirstPage ? 'yes' : 'NO'}; ${formatNotes(r.checks.notes!)}`);
      }
    }
    console.log('');
    const planned = rows.filter((r) => Object.keys(r.plans).length);
    if (planned.length) {
      console.log('Query plans (EXPLAIN ANALYZE, once per scenario and size): execution ms (of which JIT compilation), table rows read by scans');
      for (const r of planned) {
        for (const [label, p] of Object.entries(r.plans)) {
          const jit = p.jitMs ? `(JIT ${p.jitMs.toFixed(1)} ms)` : '';
          console.log(`  ${`${r.suite}/${r.scenario} @ ${r.size}`.padEnd(34)} ${label.padEnd(10)} ${p.executionMs.toFixed(3).padStart(10)} ms ${jit.padEnd(16)} ${String(p.rowsRead).padStart(10)} rows`);
        }
      }
      console.log('');
    }
  }
  if (oneShotRows.length) {
    console.log('One-shot scenarios: wall time of one API call vs the same writes as raw set-based SQL (API/SQL time > 1: the API took longer)');
    for (const sc of [...new Map(oneShotRows.map((r) => [r.scenario, r])).values()]) {
      console.log(`  ${sc.scenario}: API = ${sc.apiUnit}`);
      console.log(`  ${' '.repeat(sc.scenario.length)}  SQL = ${sc.sqlUnit}`);
    }
    console.log('');
    console.log(formatOneShotTable(oneShotRows));
    for (const r of oneShotRows) {
      const n = r.api.notes;
      if (n.dbBusySeconds === undefined) continue;
      const top = Object.keys(n)
        .filter((k) => /^db\d+$/.test(k))
        .map((k) => `    ${String(n[k])}`);
      console.log(`  ${r.scenario} @ ${r.rows}: API ${r.api.seconds}s = ${n.dbBusySeconds}s with a server statement running + ${n.outsideDbSeconds}s without (upload, reading the workbook, row checks); longest statements:`);
      top.forEach((t) => console.log(t));
    }
    console.log('');
  }
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    settings: {
      ...settings,
      suites: plan.map((p) => ({ name: p.suite.name, sizes: p.sizes })),
      database: pgServer?.kind ?? 'none',
      postgres: pgVersion,
      serverDbPoolSize: process.env.DB_POOL_SIZE ?? '10 (server default)',
    },
    machine: { ...machineInfo(), loadAverageAtStart: round(loadBefore, 2) },
    ok: failures.length === 0,
    failures,
    results: rows,
    oneShots: oneShotRows,
  };
  const file = writeResults(report, startedAt);
  log(`results written to ${file} (and latest.json)`);
  if (failures.length) {
    console.error(`\nbench FAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    return 1;
  }
  return 0;
}

function formatNotes(notes: Notes): string {
  return Object.entries(notes)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? round(v, 3) : String(v)}`)
    .join(', ');
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
