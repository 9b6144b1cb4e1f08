#!/usr/bin/env node
// `npm run db:types`: regenerates server/src/database/schema.ts, the row types of every table,
// from the migrations: a scratch database on the PostgreSQL at DATABASE_URL (or the local one)
// gets every migration, kysely-codegen reads it, the scratch database is dropped.
// The API suite (e2e/api/schema-types.e2e.ts) fails when the committed file is behind the migrations.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import pg from 'pg';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const scratch = `drp_schema_types_${process.pid}`;
const urlOf = (db) => Object.assign(new URL(base), { pathname: `/${db}` }).toString();

async function admin(sql) {
  const c = new pg.Client({ connectionString: urlOf('postgres') });
  await c.connect();
  try { await c.query(sql); } finally { await c.end(); }
}

const run = (cmd, args, env = {}) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
};

await admin(`CREATE DATABASE "${scratch}"`);
try {
  run('npx', ['tsc', '-p', 'migrations/tsconfig.json']);
  run('npx', ['typeorm', 'migration:run', '-d', 'migrations/dist/data-source.js'], { DATABASE_URL: urlOf(scratch) });
  // flags in .kysely-codegenrc.json (the API suite's freshness check reads the same file)
  run('npx', ['kysely-codegen', '--url', urlOf(scratch)]);
} finally {
  await admin(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`);
}

