import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, loadConfig, AppConfig } from '../../config/config';
import { embeddedUrl, runningOn, startEmbeddedPostgres, EmbeddedPg } from '../../database/embedded-postgres';
import { uploadsDir } from '../storage/storage.service';
import { BackupFileError } from './manifest';
import { RestoreRefused, restoreBackup } from './restore';
import { BackupBusyError, startBackupRun } from './runner';

/**
 * `npm run backup [--out <file>]` and `npm run restore <file> [--force]` (scripts/backup.mjs and
 * scripts/restore.mjs build the server when needed and run this file). The database is the one
 * the server uses: DATABASE_URL, else the embedded PostgreSQL on DATA_DIR — the one running now
 * when the server is up, else started for the command (the server's own code) and stopped after.
 */

const USAGE = `Usage:
  npm run backup [-- --out <file>]      write a backup (database + uploads) to <file>, default BACKUP_DIR/drp-backup-<time>.tar.gz
  npm run restore -- <file> [--force]   restore a backup into an empty database and data folder (--force: replace what is there)`;

interface Target {
  url: string;
  say: string;
  embedded?: EmbeddedPg;
  /** the embedded server belongs to a running app (or one left over by a killed one) */
  inUse?: { pid: number; port: number };
}

async function target(config: AppConfig): Promise<Target> {
  if (config.databaseUrl) {
    const u = new URL(config.databaseUrl);
    return { url: config.databaseUrl, say: `database ${u.pathname.slice(1)} at ${u.hostname}:${u.port || 5432} (DATABASE_URL)` };
  }
  const databaseDir = path.join(config.dataDir, 'pg');
  const running = runningOn(databaseDir);
  if (running) return { url: embeddedUrl(running.port, 'drp'), say: `the embedded PostgreSQL already running on ${databaseDir} (pid ${running.pid}, port ${running.port})`, inUse: running };
  console.log(`DATABASE_URL is not set: starting the embedded PostgreSQL (data in ${databaseDir}, port ${config.embeddedPgPort})`);
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, database: 'drp' });
  return { url: embedded.url, say: `the embedded PostgreSQL on ${databaseDir}`, embedded };
}

function parse(argv: string[]): { command: string; file?: string; out?: string; force: boolean } {
  const [command, ...rest] = argv;
  let file: string | undefined;
  let out: string | undefined;
  let force = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--force') force = true;
    else if (a === '--out') out = rest[++i];
    else if (a.startsWith('--out=')) out = a.slice('--out='.length);
    else if (a === '--help' || a === '-h') throw new UsageError('');
    else if (a.startsWith('-')) throw new UsageError(`Unknown option ${a}.`);
    else if (!file) file = a;
    else throw new UsageError(`One file only (got ${file} and ${a}).`);
  }
  if (command === 'backup' && (file || force)) throw new UsageError('backup takes --out <file> only.');
  if (command === 'backup' && rest.includes('--out') && !out) throw new UsageError('--out needs a file name.');
  if (command === 'restore' && !file) throw new UsageError('Name the backup file to restore.');
  if (command !== 'backup' && command !== 'restore') throw new UsageError(`Unknown command ${command ?? '(none)'}.`);
  return { command, file, out, force };
}

class UsageError extends Error {}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  const config = loadConfig(process.env);
  const uploads = uploadsDir(config);
  if (args.command === 'restore') {
    // a wrong path is said before any database is started
    const file = path.resolve(args.file!);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new BackupFileError(`${file} does not exist (or is not a file).`);
    const t = await target(config);
    try {
      if (t.inUse) {
        throw new RestoreRefused(`The embedded PostgreSQL on ${path.join(config.dataDir, 'pg')} is running (pid ${t.inUse.pid}): stop the server (npm start) first, then run the restore again.`);
      }
      console.log(`Restoring ${file} into ${t.say}, uploads into ${uploads}`);
      const r = await restoreBackup({ url: t.url, uploadsDir: uploads, file, force: args.force, log: (l) => console.log(l) });
      console.log(
        [
          '',
          `Restored: ${r.tables} tables, ${r.rows} rows, ${r.uploads} uploaded file(s); the schema from ${r.migrations} migration(s) of the backup.`,
          `Verified: every table's row count and SHA-256 checksum equal the backup's manifest.`,
          ...(r.previousUploads ? [`The uploads folder that was there is kept as ${r.previousUploads} (delete it when you no longer need it).`] : []),
          'Next: npm start (it applies any newer migrations of this code to the restored data).',
          '',
        ].join('\n'),
      );
    } finally {
      await t.embedded?.stop();
    }
    return 0;
  }
  const t = await target(config);
  try {
    const out = args.out ? path.resolve(args.out) : undefined;
    console.log(`Backing up ${t.say} and ${uploads}`);
    const run = await startBackupRun({ url: t.url, uploadsDir: uploads, out, dir: config.backup.dir, trigger: 'CLI', appVersion: config.version, log: (l) => console.log(l) });
    const r = await run.done;
    console.log(`\nBackup written: ${r.file} (${formatSize(r.size)}): ${r.tables} tables, ${r.rows} rows, ${r.uploads} uploaded file(s).\nRestore it with: npm run restore -- ${r.file}\n`);
  } finally {
    await t.embedded?.stop();
  }
  return 0;
}

function formatSize(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 ** 2).toFixed(1)} MB`;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) {
      if (e.message) console.error(e.message);
      console.error(USAGE);
      process.exit(e.message ? 2 : 0);
    }
    const known = e instanceof ConfigError || e instanceof BackupFileError || e instanceof RestoreRefused || e instanceof BackupBusyError;
    console.error(known ? (e as Error).message : `Failed: ${e instanceof Error ? e.message : String(e ?? 'unknown error')}`);
    if (!known && e instanceof Error && process.env.LOG_LEVEL === 'debug') console.error(e.stack);
    process.exit(1);
  },
);
