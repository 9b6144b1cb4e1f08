import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { StorageService } from '../../server/src/modules/storage/storage.service';
import { filesUnder, writeBackup } from '../../server/src/modules/backup/archive';
import { restoreBackup, RestoreRefused } from '../../server/src/modules/backup/restore';
import { BackupFileError, isBackupFileName } from '../../server/src/modules/backup/manifest';
import { LOCK_KEY } from '../../server/src/modules/backup/runner';
import { BACKUP_JOB } from '../../server/src/modules/backup/backup.service';
import { JobsService } from '../../server/src/modules/jobs/jobs.service';
import { bearer, bootTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, dropDatabase, withDatabase } from '../support/pg-server';

/** tar-stream as the server resolves it (the archive code's own version) */
interface TarStream {
  pack(): NodeJS.ReadableStream & { entry(h: { name: string }, body: string): void; finalize(): void };
  extract(): NodeJS.WritableStream & { on(ev: 'entry', cb: (h: { name: string }, s: NodeJS.ReadableStream, next: () => void) => void): void; on(ev: 'error', cb: (e: Error) => void): void };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tar: TarStream = require(require.resolve('tar-stream', { paths: [path.join(__dirname, '../../server')] }));

/** Every table of the public schema: row count and an md5 over all columns of every row, ordered by the primary key. */
async function fingerprint(url: string): Promise<Map<string, { rows: number; md5: string }>> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows: tables } = await c.query<{ name: string; pk: string[] | null }>(`
      SELECT c.relname AS name,
             (SELECT array_agg(a.attname::text ORDER BY k.ord)
                FROM pg_index i
                CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
               WHERE i.indrelid = c.oid AND i.indisprimary) AS pk
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`);
    const out = new Map<string, { rows: number; md5: string }>();
    for (const t of tables) {
      const order = t.pk?.length ? t.pk.map((k) => `t."${k}"`).join(', ') : 't::text';
      const { rows } = await c.query<{ n: number; md5: string }>(`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY ${order}), '')) AS md5 FROM "${t.name}" t`);
      out.set(t.name, { rows: rows[0].n, md5: rows[0].md5 });
    }
    return out;
  } finally {
    await c.end();
  }
}

async function tableCount(url: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows[0].n;
  } finally {
    await c.end();
  }
}

/** A gzip tar with the given entries (to forge foreign and newer backup files). */
async function forge(file: string, entries: { name: string; body: string }[]): Promise<void> {
  const pack = tar.pack();
  const out = fs.createWriteStream(file);
  pack.pipe(zlib.createGzip()).pipe(out);
  for (const e of entries) pack.entry({ name: e.name }, e.body);
  pack.finalize();
  await new Promise<void>((r) => out.on('close', () => r()));
}

describe('backup and restore', () => {
  let t: TestApp;
  let admin: string;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'drp-backup-e2e-'));
  const dataDir = path.join(tmp, 'data');
  const templateUrl = process.env.E2E_TEMPLATE_URL!;
  const made: string[] = [];
  /** a new empty database on the test server */
  const emptyDatabase = async () => {
    const name = `drp_e2e_restore_${randomBytes(4).toString('hex')}`;
    await createTestDatabase(templateUrl, name);
    made.push(name);
    return withDatabase(templateUrl, name);
  };
  let backupFile: string;

  beforeAll(async () => {
    t = await bootTestApp({ DATA_DIR: dataDir, BACKUP_KEEP: '2' });
    admin = await t.token('admin');
    // uploaded files as the app stores them, one in a sub-folder
    const storage = t.app.get(StorageService);
    await storage.put(Buffer.from('\x89PNG fake image one'), '.png');
    await storage.put(randomBytes(70_000), '.jpg');
    fs.mkdirSync(path.join(dataDir, 'uploads', 'nested'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'uploads', 'nested', 'note.webp'), 'nested file');
  });
  afterAll(async () => {
    await t.close();
    for (const name of made) await dropDatabase(templateUrl, name);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const waitFor = async (id: string) => {
    for (let i = 0; i < 600; i++) {
      const run = (await t.http.get(`/api/backups/${id}`).set(bearer(admin)).expect(200)).body;
      if (run.status !== 'RUNNING') return run;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the backup run did not finish');
  };

  it('"backup now" answers the RUNNING run, which ends SUCCEEDED with its file, size and counts, listed with the settings', async () => {
    const res = await t.http.post('/api/backups').set(bearer(admin)).expect(201);
    expect(res.body).toMatchObject({ status: 'RUNNING', trigger: 'MANUAL', requestedByName: expect.any(String), finishedAt: null });
    const run = await waitFor(res.body.id);
    // the demo seed's product images and the three files above
    const uploadCount = filesUnder(path.join(dataDir, 'uploads')).length;
    expect(uploadCount).toBeGreaterThanOrEqual(3);
    expect(run).toMatchObject({ status: 'SUCCEEDED', fileExists: true, uploadCount, error: null });
    expect(run.file.startsWith(path.join(dataDir, 'backups'))).toBe(true);
    expect(isBackupFileName(run.fileName)).toBe(true);
    expect(run.sizeBytes).toBe(fs.statSync(run.file).size);
    expect(run.tableCount).toBeGreaterThan(30);
    expect(run.rowCount).toBeGreaterThan(1000);
    expect(run.durationSeconds).toBeGreaterThanOrEqual(0);

    const list = (await t.http.get('/api/backups').set(bearer(admin)).expect(200)).body;
    expect(list.items[0].id).toBe(run.id);
    expect(list.total).toBe(1);
    const settings = (await t.http.get('/api/backups/settings').set(bearer(admin)).expect(200)).body;
    expect(settings).toMatchObject({ dir: path.join(dataDir, 'backups'), keep: 2, cron: '30 2 * * *', restoreCommand: `npm run restore -- ${path.join(dataDir, 'backups', '<file>')}` });
    const audit = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'backup_run' AND entity_id = $1`, [run.id]);
    expect(audit[0].n).toBe(1);
  });

  it('is for the HQ admin only: a branch manager and a dealer get 403, nothing is written', async () => {
    for (const user of ['bj.manager', 'bj.dealer1']) {
      const token = await t.token(user);
      expect((await t.http.get('/api/backups').set(bearer(token))).status).toBe(403);
      expect((await t.http.post('/api/backups').set(bearer(token))).status).toBe(403);
    }
    expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM backup_run'))[0].n).toBe(1);
    expect((await t.http.get('/api/backups/00000000-0000-4000-8000-000000000000').set(bearer(admin))).status).toBe(404);
  });

  it('a backup while another is written answers 409 BACKUP_RUNNING and records nothing', async () => {
    const holder = new Client({ connectionString: t.databaseUrl });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
      const res = await t.http.post('/api/backups').set(bearer(admin)).expect(409);
      expect(res.body.code).toBe('BACKUP_RUNNING');
    } finally {
      await holder.end();
    }
    expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM backup_run'))[0].n).toBe(1);
  });

  it('the daily job writes a backup too; the newest BACKUP_KEEP files are kept, other files never touched', async () => {
    const dir = path.join(dataDir, 'backups');
    fs.writeFileSync(path.join(dir, 'keep-me.txt'), 'not a backup');
    const first = (await t.http.get('/api/backups').set(bearer(admin)).expect(200)).body.items[0];
    await waitFor((await t.http.post('/api/backups').set(bearer(admin)).expect(201)).body.id);
    // the daily job's handler (as pg-boss runs it on BACKUP_CRON)
    await t.app.get(JobsService).runNow(BACKUP_JOB);
    const files = fs.readdirSync(dir).sort();
    expect(files.filter(isBackupFileName)).toHaveLength(2);
    expect(files).toContain('keep-me.txt');
    const list = (await t.http.get('/api/backups').set(bearer(admin)).expect(200)).body;
    expect(list.total).toBe(3);
    expect(list.items[0]).toMatchObject({ trigger: 'JOB', status: 'SUCCEEDED', requestedById: null, fileExists: true });
    expect(list.items.find((r: { id: string }) => r.id === first.id).fileExists).toBe(false);
    expect(list.items.filter((r: { fileExists: boolean }) => r.fileExists)).toHaveLength(2);
  });

  it('round trip: a backup restored into a fresh empty database equals the original, every table and every upload', async () => {
    // the app is idle; the snapshot is written straight by the archive code (the run records of the tests above are in it)
    const client = new Client({ connectionString: t.databaseUrl });
    await client.connect();
    backupFile = path.join(tmp, 'roundtrip.tar.gz');
    try {
      const written = await writeBackup({ client, uploadsDir: path.join(dataDir, 'uploads'), out: backupFile, appVersion: 'test' });
      expect(written.manifest.uploads.map((u) => u.name)).toEqual(filesUnder(path.join(dataDir, 'uploads')));
      expect(written.manifest.tables.find((tb) => tb.name === 'backup_run')!.rows).toBe(3);
    } finally {
      await client.end();
    }
    const before = await fingerprint(t.databaseUrl);

    const target = await emptyDatabase();
    const restoredUploads = path.join(tmp, 'restored', 'uploads');
    const summary = await restoreBackup({ url: target, uploadsDir: restoredUploads, file: backupFile, force: false });
    const after = await fingerprint(target);

    expect([...after.keys()]).toEqual([...before.keys()]);
    const differing = [...before].filter(([name, fp]) => JSON.stringify(after.get(name)) !== JSON.stringify(fp)).map(([name]) => name);
    expect(differing).toEqual([]);
    const rows = [...before.values()].reduce((n, fp) => n + fp.rows, 0);
    const uploads = filesUnder(path.join(dataDir, 'uploads'));
    expect(summary).toMatchObject({ tables: before.size, rows, uploads: uploads.length, replaced: false });
    console.log(`round trip: ${before.size} tables, ${rows} rows compared (count + md5 over all columns by primary key): all equal; ${uploads.length} uploads byte-equal`);
    expect(filesUnder(restoredUploads)).toEqual(uploads);
    for (const rel of uploads) {
      expect(fs.readFileSync(path.join(restoredUploads, rel))).toEqual(fs.readFileSync(path.join(dataDir, 'uploads', rel)));
    }
    // sequences continue where the original's were
    const seq = async (url: string) => {
      const c = new Client({ connectionString: url });
      await c.connect();
      const { rows: r } = await c.query(`SELECT last_value::text FROM typeorm_migrations_id_seq`);
      await c.end();
      return r[0].last_value;
    };
    expect(await seq(target)).toBe(await seq(t.databaseUrl));

    // a non-empty target is refused without --force, and left as it was
    await expect(restoreBackup({ url: target, uploadsDir: path.join(tmp, 'other-uploads'), file: backupFile, force: false })).rejects.toThrow(RestoreRefused);
    await expect(restoreBackup({ url: target, uploadsDir: path.join(tmp, 'other-uploads'), file: backupFile, force: false })).rejects.toThrow(/Refused: the database holds \d+ table\(s\).*--force/);
    expect(await fingerprint(target)).toEqual(after);
    // files in the uploads folder alone also make the target non-empty
    const empty2 = await emptyDatabase();
    await expect(restoreBackup({ url: empty2, uploadsDir: restoredUploads, file: backupFile, force: false })).rejects.toThrow(new RegExp(`holds ${uploads.length} file\\(s\\)`));
    expect(await tableCount(empty2)).toBe(0);

    // --force replaces what is there: a changed target comes back equal to the backup
    const c = new Client({ connectionString: target });
    await c.connect();
    await c.query(`INSERT INTO audit_log (action, entity) VALUES ('after-backup', 'probe')`);
    await c.query(`CREATE SCHEMA pgboss; CREATE TABLE pgboss.leftover (x int)`);
    await c.end();
    fs.writeFileSync(path.join(restoredUploads, 'extra.png'), 'extra');
    const forced = await restoreBackup({ url: target, uploadsDir: restoredUploads, file: backupFile, force: true });
    expect(forced.replaced).toBe(true);
    expect(await fingerprint(target)).toEqual(before);
    expect(fs.existsSync(path.join(restoredUploads, 'extra.png'))).toBe(false);
    expect(fs.existsSync(path.join(forced.previousUploads!, 'extra.png'))).toBe(true);
  }, 180_000);

  it('restores as a plain database owner too (no superuser: the owner turns table triggers off and defers foreign keys, then puts both back): equal again', async () => {
    const role = `drp_e2e_owner_${randomBytes(4).toString('hex')}`;
    const name = `drp_e2e_restore_${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: withDatabase(templateUrl, 'postgres') });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER PASSWORD 'restore-owner'`);
      await admin.query(`CREATE DATABASE ${name} OWNER ${role}`);
      const url = new URL(withDatabase(templateUrl, name));
      url.username = role;
      url.password = 'restore-owner';
      const summary = await restoreBackup({ url: url.toString(), uploadsDir: path.join(tmp, 'owner-uploads'), file: backupFile, force: false });
      const before = await fingerprint(withDatabase(templateUrl, name));
      // the same as the database the backup was taken from, at the time it was taken (the round trip above restored it as a superuser)
      expect(summary.tables).toBe(before.size);
      const superRestored = await fingerprint(withDatabase(templateUrl, made[0]));
      expect(before).toEqual(superRestored);
      // the keys and triggers are as the migrations made them again
      const shape = async (db: string) => {
        const c = new Client({ connectionString: withDatabase(templateUrl, db) });
        await c.connect();
        const { rows } = await c.query(`SELECT count(*) FILTER (WHERE k.contype = 'f' AND k.condeferrable)::int AS deferrable,
          (SELECT count(*)::int FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D') AS disabled FROM pg_constraint k`);
        await c.end();
        return rows[0];
      };
      expect(await shape(name)).toEqual(await shape(made[0]));
      expect(await shape(name)).toEqual({ deferrable: expect.any(Number), disabled: 0 });
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    }
  }, 180_000);

  it('refuses a damaged, cut-short, foreign or newer file with a clear error, before touching the target', async () => {
    const target = await emptyDatabase();
    const uploads = path.join(tmp, 'refused-uploads');
    const bytes = fs.readFileSync(backupFile);
    const cases: { name: string; write: (f: string) => Promise<void> | void; message: RegExp }[] = [
      { name: 'cut.tar.gz', write: (f) => fs.writeFileSync(f, bytes.subarray(0, Math.floor(bytes.length / 2))), message: /is incomplete|is damaged/ },
      {
        name: 'flipped.tar.gz',
        write: (f) => {
          const copy = Buffer.from(bytes);
          copy[Math.floor(copy.length / 2)] ^= 0xff;
          fs.writeFileSync(f, copy);
        },
        message: /is damaged|is incomplete/,
      },
      { name: 'text.tar.gz', write: (f) => fs.writeFileSync(f, 'hello, this is not a backup\n'), message: /is not a DRP backup \(it is not a gzip-compressed file\)/ },
      { name: 'other.tar.gz', write: (f) => forge(f, [{ name: 'readme.txt', body: 'some other archive' }]), message: /is not a DRP backup \(it does not start with manifest.json\)/ },
      { name: 'alien.tar.gz', write: (f) => forge(f, [{ name: 'manifest.json', body: JSON.stringify({ format: 'something-else' }) }]), message: /is not a DRP backup \(its manifest does not name/ },
      {
        name: 'newer.tar.gz',
        write: async (f) => {
          // the real manifest with one migration this code does not know
          const manifest = await new Promise<string>((resolve, reject) => {
            const ex = tar.extract();
            ex.on('entry', (h: { name: string }, s: NodeJS.ReadableStream, next: () => void) => {
              const chunks: Buffer[] = [];
              s.on('data', (d: Buffer) => chunks.push(d));
              s.on('end', () => (h.name === 'manifest.json' ? resolve(Buffer.concat(chunks).toString()) : next()));
            });
            ex.on('error', (e: Error) => reject(e));
            fs.createReadStream(backupFile).pipe(zlib.createGunzip()).pipe(ex);
          });
          const m = JSON.parse(manifest);
          m.migrations.push({ timestamp: '1999999999999', name: 'FromTheFuture1999999999999' });
          m.tables = [];
          m.uploads = [];
          await forge(f, [{ name: 'manifest.json', body: JSON.stringify(m) }]);
        },
        message: /comes from a newer version of the application: its schema has migration\(s\) FromTheFuture1999999999999/,
      },
      { name: 'missing.tar.gz', write: () => undefined, message: /does not exist/ },
    ];
    for (const c of cases) {
      const file = path.join(tmp, c.name);
      await c.write(file);
      const err = await restoreBackup({ url: target, uploadsDir: uploads, file, force: true }).catch((e: unknown) => e);
      expect([c.name, err instanceof BackupFileError, String(err)]).toEqual([c.name, true, String(err)]);
      expect([c.name, (err as Error).message]).toEqual([c.name, expect.stringMatching(c.message)]);
    }
    expect(await tableCount(target)).toBe(0);
    expect(fs.existsSync(uploads)).toBe(false);
  });
});
