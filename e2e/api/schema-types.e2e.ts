import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { bootTestApp, TestApp } from '../support/test-app';

/**
 * The row types in server/src/database/schema.ts follow the migrations: kysely-codegen reads a
 * database migrated by the app and compares with the committed file (`--verify`). When it fails,
 * run `npm run db:types` and commit the result.
 */
describe('generated row types', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  }, 120_000);
  afterAll(() => t?.close());

  it('server/src/database/schema.ts is what the migrations make', () => {
    const root = path.join(__dirname, '..', '..');
    const r = spawnSync('npx', ['kysely-codegen', '--url', t.databaseUrl, '--verify'], { cwd: root, encoding: 'utf8' });
    expect({ status: r.status, out: `${r.stdout}${r.stderr}`.includes('up-to-date') || r.status === 0 ? 'up to date' : `${r.stdout}${r.stderr}` }).toEqual({ status: 0, out: 'up to date' });
  });
});
