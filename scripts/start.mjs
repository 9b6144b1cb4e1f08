#!/usr/bin/env node
// `npm start`: build what is missing, then run the server (which runs migrations, seeds demo data
// into an empty database, and serves the API and the web app on one port).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const built = ['shared/dist/index.js', 'migrations/dist/index.js', 'server/dist/main.js', 'web/dist/index.html'].every((f) => existsSync(path.join(root, f)));
if (!built || process.env.REBUILD === 'true') {
  console.log('Building shared, migrations, server and web (first start only)...');
  const r = spawnSync('npx', ['turbo', 'run', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const child = spawn(process.execPath, ['--enable-source-maps', path.join(root, 'server/dist/main.js')], { cwd: root, stdio: 'inherit', env: process.env });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
