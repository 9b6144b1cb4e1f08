import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable, Transform, TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import type { Client, ClientBase } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import * as tar from 'tar-stream';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  BackupFileError,
  BackupManifest,
  foreignKeyOrder,
  MANIFEST_ENTRY,
  parseManifest,
  TableEntry,
  tableEntryName,
  uploadEntryName,
  uploadPathOf,
} from './manifest';

/**
 * Writing and reading backup files (the layout is described in manifest.ts). The database part is a
 * logical snapshot taken by the application itself through the `pg` driver, in ONE
 * `REPEATABLE READ READ ONLY` transaction: the embedded PostgreSQL ships no pg_dump, and the
 * system's pg_dump may be older than the server. Table data streams (COPY) through a spool file
 * on disk, never whole in memory.
 */

export type Log = (line: string) => void;

/** Session settings under which COPY text is the same on every server: the checksums compare bytes. */
const STABLE_TEXT = [
  "SET TimeZone = 'UTC'",
  "SET DateStyle = 'ISO, YMD'",
  "SET IntervalStyle = 'postgres'",
  'SET extra_float_digits = 1',
  "SET bytea_output = 'hex'",
  "SET client_encoding = 'UTF8'",
];

const PGBOSS_NOTE = 'pgboss schema (job queue state): not backed up; the server recreates its queues and schedules on start';

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Counts rows (COPY text ends every row with a newline; newlines inside values are escaped) and hashes the bytes. */
class Tally extends Transform {
  rows = 0;
  bytes = 0;
  private readonly hash = createHash('sha256');

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.rows++;
    this.hash.update(chunk);
    done(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Hashes and counts what is piped in, keeping nothing. */
async function tallyOf(source: Readable): Promise<Tally> {
  const tally = new Tally();
  await pipeline(source, tally, new Writable({ write: (_c, _e, done) => done() }));
  return tally;
}

export interface PublicTable {
  name: string;
  columns: string[];
}

/** The tables of the public schema with their stored (non-generated) columns, parents before children. */
export async function publicTables(client: ClientBase): Promise<PublicTable[]> {
  const { rows } = await client.query<{ name: string; columns: string[] }>(`
    SELECT c.relname AS name, array_agg(a.attname::text ORDER BY a.attnum) AS columns
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    GROUP BY c.relname`);
  const { rows: refs } = await client.query<{ from: string; to: string }>(`
    SELECT c.relname AS "from", p.relname AS "to"
    FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_class p ON p.oid = k.confrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE k.contype = 'f' AND n.nspname = 'public'`);
  const byName = new Map(rows.map((r) => [r.name, r]));
  return foreignKeyOrder(
    rows.map((r) => r.name),
    refs,
  ).map((name) => byName.get(name)!);
}

/** Every regular file under a folder, as forward-slash paths relative to it (none when it does not exist). */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const walk = (rel: string): string[] =>
    fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) return walk(r);
      return e.isFile() ? [r] : [];
    });
  return walk('').sort();
}

/**
 * Starts the snapshot on `client`: one REPEATABLE READ READ ONLY transaction whose snapshot is
 * taken here (by its first query), so what other sessions commit afterwards (such as the backup
 * run's own record) is not in the backup.
 */
export async function beginSnapshot(client: ClientBase): Promise<void> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    for (const s of STABLE_TEXT) await client.query(s.replace(/^SET /, 'SET LOCAL '));
    await client.query('SELECT 1');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

export interface BackupResult {
  file: string;
  size: number;
  manifest: BackupManifest;
}

/**
 * Writes one backup file: the snapshot (on `client`: begun by beginSnapshot, or begun here) and
 * the uploads folder. The file appears under its name only when complete (written as `.partial`,
 * then renamed); a failure leaves nothing behind.
 */
export async function writeBackup(opts: { client: Client; uploadsDir: string; out: string; appVersion: string; log?: Log; snapshotBegun?: boolean }): Promise<BackupResult> {
  const log = opts.log ?? (() => undefined);
  const out = path.resolve(opts.out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const spool = fs.mkdtempSync(path.join(path.dirname(out), '.drp-backup-spool-'));
  const partial = `${out}.partial`;
  try {
    const { client } = opts;
    const tables: TableEntry[] = [];
    let migrations: { timestamp: string; name: string }[] = [];
    let sequences: BackupManifest['sequences'] = [];
    let serverVersion = '';
    let database = '';
    if (!opts.snapshotBegun) await beginSnapshot(client);
    try {
      ({
        rows: [{ serverVersion, database }],
      } = await client.query<{ serverVersion: string; database: string }>('SELECT version() AS "serverVersion", current_database() AS database'));
      const list = await publicTables(client);
      if (!list.some((t) => t.name === 'typeorm_migrations')) throw new Error('The database has no applied migrations (typeorm_migrations is missing): start the server once, or check DATABASE_URL.');
      migrations = (await client.query<{ timestamp: string; name: string }>('SELECT "timestamp"::text AS "timestamp", name FROM typeorm_migrations ORDER BY id')).rows;
      for (const [i, t] of list.entries()) {
        const entry = tableEntryName(i, t.name);
        const tally = new Tally();
        const cols = t.columns.map(quoteIdent).join(', ');
        await pipeline(client.query(copyTo(`COPY ${quoteIdent(t.name)} (${cols}) TO STDOUT`)), tally, zlib.createGzip({ level: 1 }), fs.createWriteStream(path.join(spool, `${i}.gz`)));
        tables.push({ name: t.name, columns: t.columns, rows: tally.rows, bytes: tally.bytes, sha256: tally.digest(), entry });
      }
      const { rows: seqs } = await client.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND n.nspname = 'public' ORDER BY 1`,
      );
      sequences = [];
      for (const s of seqs) {
        const { rows } = await client.query<{ last_value: string; is_called: boolean }>(`SELECT last_value::text, is_called FROM ${quoteIdent(s.name)}`);
        sequences.push({ name: s.name, lastValue: rows[0].last_value, isCalled: rows[0].is_called });
      }
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
    const rowTotal = tables.reduce((n, t) => n + t.rows, 0);
    log(`Database: ${tables.length} tables, ${rowTotal} rows (one consistent snapshot)`);

    // uploads: listed and hashed first (the manifest leads the archive), then packed
    const uploads: BackupManifest['uploads'] = [];
    for (const rel of filesUnder(opts.uploadsDir)) {
      const file = path.join(opts.uploadsDir, rel);
      const tally = await tallyOf(fs.createReadStream(file));
      uploads.push({ name: rel, size: tally.bytes, sha256: tally.digest() });
    }
    log(`Uploads: ${uploads.length} file(s) from ${opts.uploadsDir}`);

    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      appVersion: opts.appVersion,
      serverVersion,
      database,
      migrations,
      tables,
      sequences,
      uploads,
      skipped: [PGBOSS_NOTE],
    };
    const pack = tar.pack();
    const written = pipeline(pack, zlib.createGzip({ level: 6 }), fs.createWriteStream(partial));
    written.catch(() => undefined);
    const mtime = new Date(manifest.createdAt);
    await addEntry(pack, { name: MANIFEST_ENTRY, size: 0, mtime }, Buffer.from(JSON.stringify(manifest, null, 2)));
    for (const [i, t] of tables.entries()) {
      await addEntry(pack, { name: t.entry, size: t.bytes, mtime }, fs.createReadStream(path.join(spool, `${i}.gz`)).pipe(zlib.createGunzip()));
    }
    for (const u of uploads) {
      await addEntry(pack, { name: uploadEntryName(u.name), size: u.size, mtime }, fs.createReadStream(path.join(opts.uploadsDir, u.name)));
    }
    pack.finalize();
    await written;
    fs.renameSync(partial, out);
    return { file: out, size: fs.statSync(out).size, manifest };
  } catch (e) {
    fs.rmSync(partial, { force: true });
    throw e;
  } finally {
    fs.rmSync(spool, { recursive: true, force: true });
  }
}

function addEntry(pack: tar.Pack, header: Partial<tar.Header> & { name: string }, body: Buffer | Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve());
    if (Buffer.isBuffer(body)) {
      pack.entry({ ...header, size: body.length }, body, done);
      return;
    }
    const entry = pack.entry(header, done);
    body.on('error', reject);
    body.pipe(entry);
  });
}

/** One entry of a backup file being read: its name and its bytes (to be consumed before the next). */
export interface ArchiveEntry {
  name: string;
  stream: Readable;
}

/**
 * Reads a backup file entry by entry: the manifest first (checked), then `onEntry` for every other
 * entry, in order. Damage (not gzip, cut short, a broken tar) answers a BackupFileError.
 */
export async function readBackup(file: string, onManifest: (m: BackupManifest) => Promise<void> | void, onEntry: (e: ArchiveEntry, m: BackupManifest) => Promise<void>): Promise<BackupManifest> {
  const shown = path.basename(file);
  if (!fs.existsSync(file)) throw new BackupFileError(`${file} does not exist.`);
  const source = fs.createReadStream(file);
  const gunzip = zlib.createGunzip();
  const extract = tar.extract();
  // the first error of the gzip layer, else of the tar layer, says best what is wrong with the file
  let zipError: unknown;
  let tarError: unknown;
  gunzip.on('error', (e) => (zipError ??= e));
  extract.on('error', (e: unknown) => (tarError ??= e));
  const flowing = pipeline(source, gunzip, extract);
  flowing.catch(() => undefined);
  let manifest: BackupManifest | undefined;
  try {
    for await (const entry of extract) {
      const name = entry.header.name;
      if (!manifest) {
        if (name !== MANIFEST_ENTRY) throw new BackupFileError(`${shown} is not a DRP backup (it does not start with ${MANIFEST_ENTRY}).`);
        const chunks: Buffer[] = [];
        for await (const c of entry as AsyncIterable<Buffer>) chunks.push(c);
        manifest = parseManifest(Buffer.concat(chunks).toString('utf8'), shown);
        await onManifest(manifest);
        continue;
      }
      await onEntry({ name, stream: entry as unknown as Readable }, manifest);
    }
    await flowing;
  } catch (e) {
    source.destroy();
    await flowing.catch(() => undefined);
    // closing the streams early makes the layers report "premature close": a consequence, not the cause
    const cause = (x: unknown) => (x && (x as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE' ? x : undefined);
    throw damaged(shown, e instanceof BackupFileError ? e : (cause(zipError) ?? cause(tarError) ?? e));
  }
  if (!manifest) throw new BackupFileError(`${shown} is not a DRP backup (it holds no ${MANIFEST_ENTRY}).`);
  return manifest;
}

function damaged(shown: string, e: unknown): Error {
  if (e instanceof BackupFileError) return e;
  const err = e as NodeJS.ErrnoException;
  const code = err?.code ?? '';
  const msg = err instanceof Error ? err.message : String(e);
  if (code === 'Z_DATA_ERROR' && /header/i.test(msg)) return new BackupFileError(`${shown} is not a DRP backup (it is not a gzip-compressed file).`);
  if (code === 'Z_BUF_ERROR' || /unexpected end/i.test(msg)) return new BackupFileError(`${shown} is incomplete (it ends too early: was the copy cut short?). It cannot be restored.`);
  if (code.startsWith('Z_') || code === 'ERR_STREAM_PREMATURE_CLOSE' || /tar|header|checksum/i.test(msg)) return new BackupFileError(`${shown} is damaged (${msg}). It cannot be restored.`);
  return err instanceof Error ? err : new Error(msg);
}

/**
 * Reads a whole backup file and checks every table and upload against the manifest (count, size,
 * SHA-256) without touching any database: a damaged or foreign file is refused before anything changes.
 */
export async function verifyBackupFile(file: string): Promise<BackupManifest> {
  const shown = path.basename(file);
  const seen = new Set<string>();
  const manifest = await readBackup(
    file,
    () => undefined,
    async (e, m) => {
      const tally = await tallyOf(e.stream);
      const table = m.tables.find((t) => t.entry === e.name);
      if (table) {
        if (tally.rows !== table.rows || tally.bytes !== table.bytes || tally.digest() !== table.sha256) {
          throw new BackupFileError(`${shown} is damaged: the data of table ${table.name} does not match its manifest (rows ${tally.rows}, expected ${table.rows}).`);
        }
      } else if (e.name.startsWith('uploads/')) {
        const rel = uploadPathOf(e.name);
        const u = m.uploads.find((x) => x.name === rel);
        if (!u) throw new BackupFileError(`${shown} holds an uploaded file its manifest does not list (${rel}).`);
        if (tally.bytes !== u.size || tally.digest() !== u.sha256) throw new BackupFileError(`${shown} is damaged: the uploaded file ${rel} does not match its manifest.`);
      } else {
        throw new BackupFileError(`${shown} holds an entry its manifest does not list (${e.name}).`);
      }
      seen.add(e.name);
    },
  );
  const missing = [...manifest.tables.map((t) => t.entry), ...manifest.uploads.map((u) => uploadEntryName(u.name))].filter((n) => !seen.has(n));
  if (missing.length) throw new BackupFileError(`${shown} is incomplete: ${missing.length} entr${missing.length === 1 ? 'y' : 'ies'} of its manifest are missing (first: ${missing[0]}).`);
  return manifest;
}

/** COPY FROM a table entry into the table (the caller's transaction). */
export async function copyInto(client: ClientBase, table: TableEntry, stream: Readable): Promise<void> {
  const cols = table.columns.map(quoteIdent).join(', ');
  await pipeline(stream, client.query(copyFrom(`COPY ${quoteIdent(table.name)} (${cols}) FROM STDIN`)));
}

/** A table's rows as COPY text, counted and hashed (the same shape as the manifest's). */
export async function tallyTable(client: ClientBase, name: string, columns: string[]): Promise<{ rows: number; bytes: number; sha256: string }> {
  const cols = columns.map(quoteIdent).join(', ');
  const tally = await tallyOf(client.query(copyTo(`COPY ${quoteIdent(name)} (${cols}) TO STDOUT`)));
  return { rows: tally.rows, bytes: tally.bytes, sha256: tally.digest() };
}

export { STABLE_TEXT };
