import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { sql } from 'kysely';
import { sqlBuilder } from '../../database/db.service';
import { beginSnapshot, Log, writeBackup } from './archive';
import { backupFileName, filesToDelete } from './manifest';

export type BackupTrigger = 'JOB' | 'MANUAL' | 'CLI';

/** Another backup holds the lock (one backup at a time, across every app instance and the CLI). */
export class BackupBusyError extends Error {
  constructor() {
    super('A backup is being written right now: wait for it to finish.');
  }
}

/** pg_advisory_lock key of "a backup is being written" (session-level, on the snapshot's connection). */
export const LOCK_KEY = 0x0d_b0_ac_c0;

export interface BackupRunOptions {
  url: string;
  uploadsDir: string;
  /** the file to write; default: a timestamped name in `dir` */
  out?: string;
  dir: string;
  /** keep the newest N backup files in `dir` (files with another name are never touched); undefined: delete nothing */
  keep?: number;
  trigger: BackupTrigger;
  requestedBy?: string | null;
  appVersion: string;
  log?: Log;
}

export interface BackupRunResult {
  file: string;
  size: number;
  tables: number;
  rows: number;
  uploads: number;
  deleted: string[];
}

export interface StartedRun {
  /** the backup_run row, or null when the table does not exist yet (a database from before the migration) */
  runId: string | null;
  done: Promise<BackupRunResult>;
}

/**
 * One backup run, as the job, an admin's "backup now" and `npm run backup` all do it: take the
 * lock (else BackupBusyError, before anything is written), record the run, write the file, keep
 * the newest `keep`, record how it ended. `start` answers once the run is recorded; `done`
 * settles when the file is written (or the run failed, recorded as FAILED with its error).
 */
export async function startBackupRun(opts: BackupRunOptions): Promise<StartedRun> {
  // two sessions: the snapshot (holding the lock), and the run's record, written after the snapshot
  // began so the backup does not hold its own run as RUNNING
  const client = new Client({ connectionString: opts.url, application_name: 'drp-backup' });
  const recorder = new Client({ connectionString: opts.url, application_name: 'drp-backup-record' });
  // a connection the server ends (shutdown, a dropped database) fails the run through its queries, never as an unhandled event
  client.on('error', () => undefined);
  recorder.on('error', () => undefined);
  const end = async () => {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    await Promise.all([client.end().catch(() => undefined), recorder.end().catch(() => undefined)]);
  };
  const exec = async <R>(q: { compile(): { sql: string; parameters: readonly unknown[] } }) => {
    const c = q.compile();
    return (await recorder.query(c.sql, c.parameters as unknown[])).rows as R[];
  };
  let runId: string | null = null;
  try {
    await client.connect();
    await recorder.connect();
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LOCK_KEY]);
    if (!rows[0].ok) throw new BackupBusyError();
    await beginSnapshot(client);
    const { rows: has } = await recorder.query<{ t: string | null }>("SELECT to_regclass('public.backup_run')::text AS t");
    if (has[0].t) {
      // holding the lock, no other run can be going on: a RUNNING row is one a crash left behind
      await exec(
        sqlBuilder
          .updateTable('backup_run')
          .set({ status: 'FAILED', finished_at: sql<Date>`now()`, error: 'did not finish (the process writing it stopped)', updated_at: sql<Date>`now()` })
          .where('status', '=', 'RUNNING'),
      );
      const [row] = await exec<{ id: string }>(
        sqlBuilder
          .insertInto('backup_run')
          .values({ trigger: opts.trigger, requested_by: opts.requestedBy ?? null, status: 'RUNNING' })
          .returning('id'),
      );
      runId = row.id;
    }
  } catch (e) {
    await end();
    throw e;
  }

  const done = (async (): Promise<BackupRunResult> => {
    try {
      const out = path.resolve(opts.out ?? path.join(opts.dir, backupFileName(new Date())));
      const result = await writeBackup({ client, uploadsDir: opts.uploadsDir, out, appVersion: opts.appVersion, log: opts.log, snapshotBegun: true });
      const tables = result.manifest.tables.length;
      const rows = result.manifest.tables.reduce((n, t) => n + t.rows, 0);
      const deleted = opts.keep !== undefined ? prune(opts.dir, opts.keep) : [];
      if (runId) {
        await exec(
          sqlBuilder
            .updateTable('backup_run')
            .set({
              status: 'SUCCEEDED',
              finished_at: sql<Date>`now()`,
              file: result.file,
              size_bytes: String(result.size),
              table_count: tables,
              row_count: String(rows),
              upload_count: result.manifest.uploads.length,
              updated_at: sql<Date>`now()`,
            })
            .where('id', '=', runId),
        );
      }
      return { file: result.file, size: result.size, tables, rows, uploads: result.manifest.uploads.length, deleted };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (runId) {
        await exec(
          sqlBuilder
            .updateTable('backup_run')
            .set({ status: 'FAILED', finished_at: sql<Date>`now()`, error: message.slice(0, 2000), updated_at: sql<Date>`now()` })
            .where('id', '=', runId),
        ).catch(() => undefined);
      }
      throw e;
    } finally {
      await end();
    }
  })();
  return { runId, done };
}

/** Deletes the backup files of `dir` beyond the newest `keep`; answers their names. */
export function prune(dir: string, keep: number): string[] {
  if (!fs.existsSync(dir)) return [];
  const doomed = filesToDelete(fs.readdirSync(dir), keep);
  for (const name of doomed) fs.rmSync(path.join(dir, name), { force: true });
  return doomed;
}
