// Shared by `npm run backup` and `npm run restore`: build what is missing (as `npm start` does),
// then run the backup CLI of the built server (server/src/modules/backup/cli.ts).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export function runBackupCli(command) {
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const cli = path.join(root, 'server/dist/modules/backup/cli.js');
  const built = ['shared/dist/index.js', 'migrations/dist/index.js', 'server/dist/main.js', cli].every((f) => existsSync(path.resolve(root, f)));
  if (!built || process.env.REBUILD === 'true') {
    console.log('Building shared, migrations and the server (first run only)...');
    const r = spawnSync('npx', ['turbo', 'run', 'build', '--filter=@drp/server'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  // `npm run restore <file> --force` (without `--`): npm keeps --force / --out for itself and says so in npm_config_*
  const args = process.argv.slice(2);
  if (process.env.npm_config_force === 'true' && !args.includes('--force')) args.push('--force');
  const out = process.env.npm_config_out;
  if (out && out !== 'true' && !args.some((a) => a.startsWith('--out'))) args.push('--out', out);
  else if (out === 'true' && command === 'backup' && args.length === 1 && !args[0].startsWith('-')) args.unshift('--out');
  const child = spawn(process.execPath, ['--enable-source-maps', cli, command, ...args], { cwd: root, stdio: 'inherit', env: process.env });
  // Ctrl+C reaches the child through the terminal; wait for it to stop its database and clean up
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => undefined);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
