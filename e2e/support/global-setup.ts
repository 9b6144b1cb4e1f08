import { loadConfig } from '../../server/src/config/config';
import { createApp } from '../../server/src/bootstrap';
import { admin, dropDatabase, startPgServer } from './pg-server';

/** One template per run, so parallel runs against one server (two developers, CI) cannot collide. */
export const templateDbName = () => process.env.E2E_TEMPLATE_DB ?? `drp_e2e_template_${process.pid}`;

/**
 * Once per run: a PostgreSQL server, and a template database with every migration applied and the
 * demo company seeded. Test files clone the template (CREATE DATABASE ... TEMPLATE), which takes
 * a fraction of a second.
 */
export default async function globalSetup(): Promise<void> {
  const server = await startPgServer(Number(process.env.E2E_PG_PORT ?? 54350));
  (globalThis as { __pgServer?: unknown }).__pgServer = server;
  const template = templateDbName();
  process.env.E2E_TEMPLATE_DB = template;
  const url = server.urlFor(template);
  await dropDatabase(url, template);
  await admin(url, `CREATE DATABASE "${template}"`);
  const app = await createApp(loadConfig({ NODE_ENV: 'test', JOBS_ENABLED: 'false', LOG_LEVEL: 'silent', DEMO_DATA: 'true' }), url);
  await app.close();
  process.env.E2E_TEMPLATE_URL = url;
}
