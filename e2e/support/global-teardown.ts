import { dropDatabase } from './pg-server';
import type { PgServer } from './pg-server';
import { templateDbName } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __pgServer?: PgServer }).__pgServer;
  if (process.env.E2E_TEMPLATE_URL) await dropDatabase(process.env.E2E_TEMPLATE_URL, templateDbName());
  await server?.stop();
}
