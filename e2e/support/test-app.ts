import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { Client } from 'pg';
import { DEMO_PASSWORD } from '../../server/src/modules/seed/demo-data';
import { loadConfig } from '../../server/src/config/config';
import { createApp } from '../../server/src/bootstrap';
import { createTestDatabase, dropDatabase, withDatabase } from './pg-server';
import { templateDbName } from './global-setup';

export { DEMO_PASSWORD };

export interface TestApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  databaseUrl: string;
  /** signs in a demo (or any) user and returns the access token */
  token(username: string, password?: string): Promise<string>;
  /** the demo organisation id for a code (HQ, BJ, D-BJ001, ...) */
  orgId(code: string): Promise<string>;
  userId(username: string): Promise<string>;
  sql<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/**
 * Boots the real app on a fresh database cloned from the migrated, demo-seeded template.
 * `env` overrides configuration (e.g. a short login lock for the throttle tests).
 */
export async function bootTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const templateUrl = process.env.E2E_TEMPLATE_URL;
  if (!templateUrl) throw new Error('E2E_TEMPLATE_URL is not set: run through jest.api.config.js');
  const dbName = `drp_e2e_${randomBytes(5).toString('hex')}`;
  await createTestDatabase(templateUrl, dbName, templateDbName());
  const databaseUrl = withDatabase(templateUrl, dbName);
  const app = await createApp(loadConfig({ NODE_ENV: 'test', JOBS_ENABLED: 'false', LOG_LEVEL: 'silent', ...env }), databaseUrl);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const http = request(app.getHttpServer());
  const tokens = new Map<string, string>();
  // one client: queries started together (Promise.all of t.orgId ...) run one after another, never two at once on it
  // (pg 8 warns "client is already executing a query", pg 9 refuses it)
  let queue: Promise<unknown> = Promise.resolve();
  const sql = <R>(text: string, params: unknown[] = []): Promise<R[]> => {
    const run = queue.catch(() => undefined).then(async () => (await client.query(text, params)).rows as R[]);
    queue = run;
    return run;
  };
  return {
    app,
    http,
    databaseUrl,
    sql,
    async token(username, password = DEMO_PASSWORD) {
      const key = `${username}\n${password}`;
      if (!tokens.has(key)) {
        const res = await request(app.getHttpServer()).post('/api/auth/login').send({ username, password });
        if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
        tokens.set(key, res.body.accessToken);
      }
      return tokens.get(key)!;
    },
    async orgId(code) {
      const [row] = await sql<{ id: string }>('SELECT id FROM organization WHERE code = $1', [code]);
      if (!row) throw new Error(`no org ${code}`);
      return row.id;
    },
    async userId(username) {
      const [row] = await sql<{ id: string }>('SELECT id FROM app_user WHERE username = $1', [username]);
      if (!row) throw new Error(`no user ${username}`);
      return row.id;
    },
    async close() {
      await client.end();
      await app.close();
      await dropDatabase(templateUrl, dbName);
    },
  };
}

/** `Authorization: Bearer ...` */
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
