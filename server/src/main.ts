import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config';
import { startEmbeddedPostgres, EmbeddedPg } from './database/embedded-postgres';
import { createApp } from './bootstrap';
import { isWorker, runPrimary } from './cluster';
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
    // a cluster worker is always given the primary's URL: only a primary or a lone process starts it
    console.log(`DATABASE_URL is not set: starting the embedded PostgreSQL (data in ${config.dataDir}/pg, port ${config.embeddedPgPort})`);
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, database: 'drp' });
    url = embedded.url;
  }
  if (config.webConcurrency > 1 && !isWorker()) {
    stopping = true; // the primary's own shutdown is the cluster's (below), not the handlers above
    runPrimary({
      workers: config.webConcurrency,
      // every worker signs and checks tokens with the same secret, on the same database
      env: { DATABASE_URL: url, JWT_SECRET: config.jwtSecret },
      jobsEnabled: config.jobsEnabled,
      onReady: () => console.log(banner(config, `${config.webConcurrency} workers (WEB_CONCURRENCY), jobs in worker 1`)),
      onStopped: async (code) => {
        await embedded?.stop();
        process.exit(code);
      },
    });
    return;
  }
  const app = await createApp(config, url);
  running.app = app;
  await app.listen(config.port, config.host);
  // a cluster worker listens quietly: the primary prints the banner once all of them are up
  if (!isWorker()) console.log(banner(config, '1 process (WEB_CONCURRENCY=1)'));
}

/** What `npm start` prints once the server answers: where to open it and the demo accounts. */
function banner(config: ReturnType<typeof loadConfig>, mode: string): string {
  const base = `http://localhost:${config.port}`;
  const lines = [
    '',
    `  DRP platform ${config.version} is running (${mode})`,
    `  Web app:  ${base}/`,
    `  API:      ${base}/api   (OpenAPI: ${base}/api/docs)`,
  ];
  if (config.demoData) {
    lines.push(`  Demo accounts (password ${DEMO_PASSWORD}):`);
    for (const u of DEMO_USERS) lines.push(`    ${u.username.padEnd(12)} ${u.displayName} (${u.roles.join(', ')})`);
  }
  return lines.join('\n') + '\n';
}

main().catch((e: unknown) => {
  // a sentence, never `undefined`: what failed and what to do
  console.error(`The server could not start: ${e instanceof Error ? e.message : String(e ?? 'unknown error')}`);
  if (e instanceof Error && e.stack && process.env.LOG_LEVEL === 'debug') console.error(e.stack);
  process.exit(1);
});
