import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DataSource, MigrationExecutor } from 'typeorm';
import type { PoolClient } from 'pg';
import { migrations } from '@drp/migrations';
import { copyInto, filesUnder, Log, publicTables, quoteIdent, readBackup, STABLE_TEXT, tallyTable, verifyBackupFile } from './archive';
import { BackupFileError, BackupManifest, migrationsToRun, uploadPathOf } from './manifest';

/** The target is not empty and --force was not given (or another refusal before anything changed). */
export class RestoreRefused extends Error {}

export interface RestoreSummary {
  tables: number;
  rows: number;
  uploads: number;
  migrations: number;
  replaced: boolean;
  /** where the uploads folder that was replaced now is (with --force), if there was one */
  previousUploads?: string;
  manifest: BackupManifest;
}

/**
 * Restores a backup file into the database at `url` and the uploads folder:
 * 1. the whole file is read and checked against its manifest first (nothing changes for a damaged file);
 * 2. a non-empty target (tables in the public schema, or files in the uploads folder) is refused
 *    unless `force`;
 * 3. ONE transaction: (with force) the public and pgboss schemas are dropped and the public schema
 *    made again; the migrations the backup records are run; every table is filled by COPY FROM
 *    (parents first; triggers off: session_replication_role = replica for a superuser, else
 *    the owner's DISABLE TRIGGER USER and foreign keys deferred to the end of the load);
 *    sequences are set; every table is read back and compared with the manifest (rows and
 *    SHA-256); only then it commits;
 * 4. the uploads, unpacked beside the folder and checked, take its place.
 */
export async function restoreBackup(opts: { url: string; uploadsDir: string; file: string; force: boolean; log?: Log }): Promise<RestoreSummary> {
  const log = opts.log ?? (() => undefined);
  const file = path.resolve(opts.file);
  log(`Checking ${file} ...`);
  const manifest = await verifyBackupFile(file);
  const rowTotal = manifest.tables.reduce((n, t) => n + t.rows, 0);
  log(`The file is intact: written ${manifest.createdAt} by version ${manifest.appVersion} (${manifest.serverVersion.split(' on ')[0]}), ${manifest.tables.length} tables, ${rowTotal} rows, ${manifest.uploads.length} uploaded file(s).`);
  const toRun = migrationsToRun(manifest.migrations, migrations.map((m) => m.name), path.basename(file));

  const uploadsDir = path.resolve(opts.uploadsDir);
  const existingUploads = filesUnder(uploadsDir).length;
  const ds = new DataSource({
    type: 'postgres',
    url: opts.url,
    migrations: migrations.filter((m) => toRun.includes(m.name)),
    migrationsTableName: 'typeorm_migrations',
    extra: { max: 1, application_name: 'drp-restore', options: '-c jit=off' },
    logging: false,
  });
  await ds.initialize();
  const qr = ds.createQueryRunner();
  const staging = `${uploadsDir}.restoring-${process.pid}`;
  let replaced = false;
  try {
    const client = (await qr.connect()) as PoolClient;
    const present = await publicTables(client);
    if ((present.length || existingUploads) && !opts.force) {
      const what = [present.length ? `the database holds ${present.length} table(s)` : '', existingUploads ? `${uploadsDir} holds ${existingUploads} file(s)` : ''].filter(Boolean).join(' and ');
      throw new RestoreRefused(`Refused: ${what}. Restore only into an empty database and data folder, or run again with --force to replace everything in them (the database's public schema is dropped and made again).`);
    }
    replaced = present.length > 0;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });

    await qr.startTransaction();
    for (const s of STABLE_TEXT) await client.query(s.replace(/^SET /, 'SET LOCAL '));
    if (replaced) {
      log(`--force: dropping the ${present.length} table(s) of the public schema (and the job queue schema)`);
      await client.query('DROP SCHEMA public CASCADE');
      await client.query('CREATE SCHEMA public AUTHORIZATION pg_database_owner');
      await client.query('GRANT USAGE ON SCHEMA public TO PUBLIC');
      await client.query('DROP SCHEMA IF EXISTS pgboss CASCADE');
    }
    log(`Making the schema: ${toRun.length} migration(s) as recorded in the backup`);
    const executor = new MigrationExecutor(ds, qr);
    executor.transaction = 'all';
    await executor.executePendingMigrations();

    const target = new Map((await publicTables(client)).map((t) => [t.name, t]));
    for (const t of manifest.tables) {
      const have = target.get(t.name);
      const lacking = have ? t.columns.filter((c) => !have.columns.includes(c)) : [];
      if (!have || lacking.length) throw new BackupFileError(`The schema made by the migrations has no ${have ? `column(s) ${lacking.join(', ')} in table ${t.name}` : `table ${t.name}`}: the backup does not match its own migrations list.`);
    }
    // triggers (and foreign-key checks) off for this transaction where allowed (a superuser): rows go in
    // exactly as they were; else the owner turns the tables' own triggers off (a BEFORE INSERT trigger
    // would rewrite a column) and the parents-first order satisfies the foreign keys
    let replica = true;
    await client.query('SAVEPOINT role');
    try {
      await client.query('SET LOCAL session_replication_role = replica');
      await client.query('RELEASE SAVEPOINT role');
    } catch {
      await client.query('ROLLBACK TO SAVEPOINT role');
      replica = false;
      for (const t of manifest.tables) await client.query(`ALTER TABLE ${quoteIdent(t.name)} DISABLE TRIGGER USER`);
    }
    // without replica: foreign keys in a cycle cannot be satisfied table by table, so every key is checked
    // at the end instead (deferred for this transaction, then put back as it was)
    const deferred = replica ? [] : await deferForeignKeys(client);
    // the migrations may have written rows (typeorm_migrations itself): the backup's rows replace them
    if (manifest.tables.length) await client.query(`TRUNCATE ${manifest.tables.map((t) => quoteIdent(t.name)).join(', ')}`);

    log('Loading the data ...');
    let uploads = 0;
    await readBackup(
      file,
      () => undefined,
      async (e, m) => {
        const table = m.tables.find((t) => t.entry === e.name);
        if (table) return copyInto(client, table, e.stream);
        const rel = uploadPathOf(e.name);
        const dest = path.join(staging, ...rel.split('/'));
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        await pipeline(e.stream, fs.createWriteStream(dest));
        uploads++;
      },
    );
    if (!replica) {
      await client.query('SET CONSTRAINTS ALL IMMEDIATE');
      for (const k of deferred) await client.query(`ALTER TABLE ${quoteIdent(k.table)} ALTER CONSTRAINT ${quoteIdent(k.name)} NOT DEFERRABLE`);
      for (const t of manifest.tables) await client.query(`ALTER TABLE ${quoteIdent(t.name)} ENABLE TRIGGER USER`);
    }
    for (const s of manifest.sequences) {
      await client.query('SELECT setval($1::regclass, $2::bigint, $3)', [quoteIdent(s.name), s.lastValue, s.isCalled]);
    }

    log('Verifying every table against the manifest ...');
    for (const t of manifest.tables) {
      const got = await tallyTable(client, t.name, t.columns);
      if (got.rows !== t.rows || got.sha256 !== t.sha256) {
        throw new Error(`Verification failed for table ${t.name}: ${got.rows} rows restored, the backup has ${t.rows}${got.rows === t.rows ? ' (same count, different content)' : ''}. Nothing was changed.`);
      }
    }
    const staged = filesUnder(staging);
    if (staged.length !== manifest.uploads.length) throw new Error(`Verification failed: ${staged.length} uploaded files unpacked, the backup lists ${manifest.uploads.length}. Nothing was changed.`);
    await qr.commitTransaction();
    await client.query('ANALYZE').catch(() => undefined);

    let previousUploads: string | undefined;
    if (fs.existsSync(uploadsDir)) {
      if (existingUploads) {
        previousUploads = `${uploadsDir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        fs.renameSync(uploadsDir, previousUploads);
      } else {
        fs.rmSync(uploadsDir, { recursive: true, force: true });
      }
    }
    fs.mkdirSync(path.dirname(uploadsDir), { recursive: true });
    fs.renameSync(staging, uploadsDir);
    return { tables: manifest.tables.length, rows: rowTotal, uploads, migrations: toRun.length, replaced, previousUploads, manifest };
  } catch (e) {
    if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  } finally {
    await qr.release();
    await ds.destroy();
  }
}

/** Makes every NOT DEFERRABLE foreign key of the public schema deferred (the caller puts them back); answers them. */
async function deferForeignKeys(client: PoolClient): Promise<{ table: string; name: string }[]> {
  const { rows } = await client.query<{ table: string; name: string }>(`
    SELECT c.relname AS "table", k.conname AS name
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE k.contype = 'f' AND n.nspname = 'public' AND NOT k.condeferrable`);
  for (const k of rows) await client.query(`ALTER TABLE ${quoteIdent(k.table)} ALTER CONSTRAINT ${quoteIdent(k.name)} DEFERRABLE INITIALLY DEFERRED`);
  return rows;
}
