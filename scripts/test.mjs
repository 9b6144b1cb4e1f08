#!/usr/bin/env node
// `npm test`: everything CI checks, in order, stopping at the first failure:
// build, typecheck, lint, unit tests, API e2e (real PostgreSQL), browser tests (real Chromium).
// Uses the PostgreSQL at DATABASE_URL when set, else starts an embedded one for the run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const steps = [
  ['build', 'npx', ['turbo', 'run', 'build']],
  ['typecheck', 'npx', ['turbo', 'run', 'typecheck']],
  ['lint', 'npx', ['eslint', '--max-warnings=0', '.']],
  ['unit tests', 'npx', ['turbo', 'run', 'test:unit']],
  ['API e2e tests', 'npm', ['run', 'test:api', '-w', '@drp/e2e']],
  ['browser tests', 'npm', ['run', 'test:browser', '-w', '@drp/e2e']],
];
const only = process.argv.slice(2);
if (!existsSync('/usr/bin/chromium') && (!only.length || only.includes('browser'))) {
  console.error('Chromium is missing: install it with `apt-get install -y chromium` (.ci/run does this).');
  process.exit(1);
}
for (const [name, cmd, args] of steps) {
  if (only.length && !only.some((o) => name.startsWith(o))) continue;
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', FORCE_COLOR: '0' } });
  if (r.status !== 0) {
    console.error(`\n${name} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
  console.log(`=== ${name}: ok (${Math.round((Date.now() - started) / 1000)}s) ===`);
}
console.log('\nAll checks passed.');
