import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../server/src/database/embedded-postgres';

/**
 * The PostgreSQL server the tests use: the one at DATABASE_URL when given, else an embedded one
 * started for this run in a temporary folder (CI without a database server).
 */
export interface PgServer {
  /** connection URL of a database on that server, with the database name replaced */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

/**
 * The embedded test server trades durability for speed: its data is thrown away after the run,
 * so nothing needs to survive a crash. (A server at DATABASE_URL keeps its own configuration;
 * test databases on it still commit asynchronously: createTestDatabase.)
 */
const TEST_SERVER_SETTINGS = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };

export async function startPgServer(port: number): Promise<PgServer> {
  // DATABASE_URL from the developer or CI; E2E_PG_URL from a jest globalSetup that started one
  const given = process.env.DATABASE_URL ?? process.env.E2E_PG_URL;
  if (given) {
    return { urlFor: (db) => withDatabase(given, db), stop: async () => undefined };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drp-test-pg-'));
  fs.chmodSync(dataDir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir, port, database: 'postgres', persistent: false, settings: TEST_SERVER_SETTINGS });
  return {
    urlFor: (db) => withDatabase(pg.url, db),
    stop: async () => {
      await pg.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs statements on the server's maintenance database (CREATE/DROP DATABASE). */
export async function admin(url: string, ...statements: string[]): Promise<void> {
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    for (const s of statements) await client.query(s);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string, database: string): Promise<void> {
  await admin(url, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
}

/**
 * CREATE DATABASE (a clone when `template` is given) for a test run, set to commit without
 * waiting for the WAL flush. CREATE DATABASE ... TEMPLATE does not copy a database's settings,
 * so every clone is set, before anything connects to it.
 */
export async function createTestDatabase(url: string, database: string, template?: string): Promise<void> {
  await admin(
    url,
    template ? `CREATE DATABASE "${database}" TEMPLATE "${template}"` : `CREATE DATABASE "${database}"`,
    `ALTER DATABASE "${database}" SET synchronous_commit = off`,
  );
}
