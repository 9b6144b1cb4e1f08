import { z } from 'zod';

/**
 * The backup file (pure parts): a gzip-compressed tar holding, in this order,
 *   manifest.json           what is inside: format, when, which server, the schema's migrations,
 *                           per table its columns, row count and SHA-256, the sequences, the uploads
 *   db/NNN-<table>.copy     each table of the `public` schema as PostgreSQL COPY text, in an order
 *                           that satisfies the foreign keys (parents first)
 *   uploads/<key>           the uploaded files (DATA_DIR/uploads)
 * The pg-boss schema (job queue state) is not in it: the server rebuilds its queues and schedules on start.
 */
export const BACKUP_FORMAT = 'drp-backup';
export const BACKUP_FORMAT_VERSION = 1;
export const MANIFEST_ENTRY = 'manifest.json';

const tableSchema = z.object({
  name: z.string().regex(/^\w+$/),
  columns: z.array(z.string().min(1)).min(1),
  rows: z.number().int().min(0),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  entry: z.string(),
});
const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.number().int().min(1),
  createdAt: z.string(),
  appVersion: z.string(),
  serverVersion: z.string(),
  database: z.string(),
  migrations: z.array(z.object({ timestamp: z.string(), name: z.string() })).min(1),
  tables: z.array(tableSchema),
  sequences: z.array(z.object({ name: z.string().regex(/^\w+$/), lastValue: z.string().regex(/^-?\d+$/), isCalled: z.boolean() })),
  uploads: z.array(z.object({ name: z.string(), size: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
  skipped: z.array(z.string()),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type TableEntry = z.infer<typeof tableSchema>;

/** A backup file that cannot be used: not ours, damaged, from a newer version. The message says which and what to do. */
export class BackupFileError extends Error {}

/** The tar entry of a table's data: numbered so the archive keeps the foreign-key order. */
export function tableEntryName(index: number, table: string): string {
  return `db/${String(index + 1).padStart(3, '0')}-${table}.copy`;
}

/** The tar entry of an uploaded file (its path under the uploads folder, with forward slashes). */
export function uploadEntryName(relative: string): string {
  return `uploads/${relative}`;
}

/** The uploads-relative path of an entry, refusing anything that would land outside the folder. */
export function uploadPathOf(entry: string): string {
  const rel = entry.slice('uploads/'.length);
  const parts = rel.split('/');
  if (!entry.startsWith('uploads/') || !rel || parts.some((p) => p === '' || p === '.' || p === '..') || rel.includes('\\') || rel.includes('\0')) {
    throw new BackupFileError(`The backup holds a file with an unsafe path (${JSON.stringify(entry)}): refused.`);
  }
  return rel;
}

/** Reads and checks manifest.json; anything else answers a sentence naming the file's problem. */
export function parseManifest(text: string, file = 'the file'): BackupManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new BackupFileError(`${file} is not a DRP backup: its manifest is not readable JSON.`);
  }
  if (!raw || typeof raw !== 'object' || (raw as { format?: unknown }).format !== BACKUP_FORMAT) {
    throw new BackupFileError(`${file} is not a DRP backup (its manifest does not name the format "${BACKUP_FORMAT}").`);
  }
  const version = (raw as { formatVersion?: unknown }).formatVersion;
  if (typeof version === 'number' && version > BACKUP_FORMAT_VERSION) {
    throw new BackupFileError(`${file} was written in backup format ${version}, newer than this version of the application reads (${BACKUP_FORMAT_VERSION}): update the application (git pull, npm install) and restore again.`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues.slice(0, 3).map((i) => i.path.join('.') || '(top)').join(', ');
    throw new BackupFileError(`${file} has a damaged manifest (${where}): it cannot be restored.`);
  }
  const names = new Set<string>();
  for (const t of parsed.data.tables) {
    if (names.has(t.name)) throw new BackupFileError(`${file} has a damaged manifest (table ${t.name} twice): it cannot be restored.`);
    names.add(t.name);
  }
  return parsed.data;
}

/**
 * The code's migrations that rebuild the backup's schema, in the code's order: every migration the
 * backup records must be one this code knows, else the backup comes from a newer version. Migrations
 * the code has beyond the backup's are left to the server's next start (it migrates the restored data).
 */
export function migrationsToRun(recorded: readonly { name: string }[], code: readonly string[], file = 'The backup'): string[] {
  const known = new Set(code);
  const unknown = recorded.filter((m) => !known.has(m.name)).map((m) => m.name);
  if (unknown.length) {
    throw new BackupFileError(
      `${file} comes from a newer version of the application: its schema has migration(s) ${unknown.join(', ')}, which this code does not know. ` +
        'Update the code (git pull, npm install) and run the restore again.',
    );
  }
  const wanted = new Set(recorded.map((m) => m.name));
  return code.filter((name) => wanted.has(name));
}

/**
 * Tables ordered so that every table comes after the tables it references (foreign keys; a table
 * referencing itself is fine: COPY checks its keys at the end of the statement). Tables in a cycle
 * keep their alphabetical order at the end (the restore then relies on session_replication_role).
 */
export function foreignKeyOrder(tables: readonly string[], references: readonly { from: string; to: string }[]): string[] {
  const sorted = [...tables].sort();
  const parents = new Map(sorted.map((t) => [t, new Set<string>()]));
  for (const r of references) if (r.from !== r.to && parents.has(r.from) && parents.has(r.to)) parents.get(r.from)!.add(r.to);
  const out: string[] = [];
  const placed = new Set<string>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const t of sorted) {
      if (placed.has(t) || [...parents.get(t)!].some((p) => !placed.has(p))) continue;
      out.push(t);
      placed.add(t);
      progress = true;
    }
  }
  return [...out, ...sorted.filter((t) => !placed.has(t))];
}

const FILE_RE = /^drp-backup-(\d{8})-(\d{6})-(\d{3})\.tar\.gz$/;

/** The name of a backup file written at `at` (UTC): names sort by time. */
export function backupFileName(at: Date): string {
  const iso = at.toISOString(); // 2026-12-06T19:30:00.123Z
  return `drp-backup-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${iso.slice(20, 23)}.tar.gz`;
}

export function isBackupFileName(name: string): boolean {
  return FILE_RE.test(name);
}

/** Retention: the backup files (by name, i.e. by time) beyond the newest `keep`; other files are never touched. */
export function filesToDelete(names: readonly string[], keep: number): string[] {
  const ours = names.filter(isBackupFileName).sort().reverse();
  return ours.slice(Math.max(0, keep));
}
