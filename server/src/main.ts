import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config';
import { startEmbeddedPostgres, EmbeddedPg } from './database/embedded-postgres';
import { createApp } from './bootstrap';
import { DEMO_PASSWORD, DEMO_USERS } from './modules/seed/demo-data';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  let embedded: EmbeddedPg | undefined;
  const running: { app?: Awaited<ReturnType<typeof createApp>> } = {};
  // Orderly shutdown: stop taking requests and jobs, close the pool, then stop the embedded Postgres.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    try {
      await running.app?.close();
    } finally {
      await embedded?.stop();
      process.exit(0);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  let url = config.databaseUrl;
  if (!url) {
    console.log(`DATABASE_URL is not set: starting the embedded PostgreSQL (data in ${config.dataDir}/pg, port ${config.embeddedPgPort})`);
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, database: 'drp' });
    url = embedded.url;
  }
  const app = await createApp(config, url);
  running.app = app;
  await app.listen(config.port, config.host);
  const base = `http://localhost:${config.port}`;
  const lines = [
    '',
    `  DRP platform ${config.version} is running`,
    `  Web app:  ${base}/`,
    `  API:      ${base}/api   (OpenAPI: ${base}/api/docs)`,
  ];
  if (config.demoData) {
    lines.push(`  Demo accounts (password ${DEMO_PASSWORD}):`);
    for (const u of DEMO_USERS) lines.push(`    ${u.username.padEnd(12)} ${u.displayName} (${u.roles.join(', ')})`);
  }
  console.log(lines.join('\n') + '\n');
}

main().catch((e: unknown) => {
  // a sentence, never `undefined`: what failed and what to do
  console.error(`The server could not start: ${e instanceof Error ? e.message : String(e ?? 'unknown error')}`);
  if (e instanceof Error && e.stack && process.env.LOG_LEVEL === 'debug') console.error(e.stack);
  process.exit(1);
});
