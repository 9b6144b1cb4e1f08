import { loadConfig } from '../../server/src/config/config';
import { createApp } from '../../server/src/bootstrap';
import { createTestDatabase, dropDatabase, startPgServer } from './pg-server';

/** One template per run, so parallel runs against one server (two developers, CI) cannot collide. */
export const templateDbName = () => process.env.E2E_TEMPLATE_DB ?? `drp_e2e_template_${process.pid}`;

/**
 * Once per run (API and browser suites alike): a PostgreSQL server, and a template database with
 * every migration applied and the demo company seeded. Each test file clones the template
 * (CREATE DATABASE ... TEMPLATE, support/pg-server.ts createTestDatabase), which takes a fraction
 * of a second. The clones' URLs come from E2E_TEMPLATE_URL / E2E_TEMPLATE_DB, set here.
 */
export async function setUpTemplate(port: number): Promise<void> {
  const server = await startPgServer(port);
  (globalThis as { __pgServer?: unknown }).__pgServer = server;
  const template = templateDbName();
  process.env.E2E_TEMPLATE_DB = template;
  const url = server.urlFor(template);
  await dropDatabase(url, template);
  await createTestDatabase(url, template);
  const app = await createApp(loadConfig({ NODE_ENV: 'test', JOBS_ENABLED: 'false', LOG_LEVEL: 'silent', DEMO_DATA: 'true' }), url);
  await app.close();
  process.env.E2E_TEMPLATE_URL = url;
}

export default async function globalSetup(): Promise<void> {
  await setUpTemplate(Number(process.env.E2E_PG_PORT ?? 54350));
}
