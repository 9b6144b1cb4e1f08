import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as path from 'node:path';
import { createTestDatabase, dropDatabase, withDatabase } from './pg-server';
import { templateDbName } from './global-setup';

const ROOT = path.resolve(__dirname, '../..');

export interface AppServer {
  baseUrl: string;
  /** the server process (the cluster's primary when WEB_CONCURRENCY > 1) */
  pid?: number;
  /** its database (a clone of the template), for a test to seed what no API writes; unset against E2E_BASE_URL */
  databaseUrl?: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Boots the built server (server/dist, serving web/dist) as a real process, exactly as `npm start`
 * does, on a fresh clone of the run's migrated, demo-seeded template (browser-global-setup.ts).
 * For browser tests (one process), and for the cluster-mode test (`env: { WEB_CONCURRENCY: '2' }`).
 */
export async function startAppServer(env: Record<string, string> = {}): Promise<AppServer> {
  const templateUrl = process.env.E2E_TEMPLATE_URL;
  if (!templateUrl) throw new Error('E2E_TEMPLATE_URL is not set: run through jest.browser.config.js');
  const dbName = `drp_browser_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(templateUrl, dbName);
  await createTestDatabase(url, dbName, templateDbName());
  const port = await freePort();
  const output: string[] = [];
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'server/dist/main.js')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1', JOBS_ENABLED: 'false', LOG_LEVEL: 'warn', DEMO_DATA: 'true', NODE_ENV: 'test', WEB_CONCURRENCY: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => output.push(String(d)));
  child.stderr?.on('data', (d) => output.push(String(d)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output.join('')}`);
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become healthy:\n${output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseUrl,
    pid: child.pid,
    databaseUrl: url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
      await dropDatabase(url, dbName);
    },
  };
}

/** The server a browser spec drives: the one at E2E_BASE_URL when given (left running), else a fresh one. */
export async function appServerForSpec(): Promise<AppServer> {
  return process.env.E2E_BASE_URL ? { baseUrl: process.env.E2E_BASE_URL, stop: async () => undefined } : startAppServer();
}
