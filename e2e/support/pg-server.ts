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

export async function startPgServer(port: number): Promise<PgServer> {
  // DATABASE_URL from the developer or CI; E2E_PG_URL from a jest globalSetup that started one
  const given = process.env.DATABASE_URL ?? process.env.E2E_PG_URL;
  if (given) {
    return { urlFor: (db) => withDatabase(given, db), stop: async () => undefined };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drp-test-pg-'));
  fs.chmodSync(dataDir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir, port, database: 'postgres', persistent: false });
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
