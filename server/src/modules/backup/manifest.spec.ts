import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  BackupFileError,
  backupFileName,
  filesToDelete,
  foreignKeyOrder,
  isBackupFileName,
  migrationsToRun,
  parseManifest,
  tableEntryName,
  uploadPathOf,
} from './manifest';

const sha = 'a'.repeat(64);
const manifest = () => ({
  format: BACKUP_FORMAT,
  formatVersion: BACKUP_FORMAT_VERSION,
  createdAt: '2026-12-06T19:30:00.000Z',
  appVersion: '0.1.0',
  serverVersion: 'PostgreSQL 18.4',
  database: 'drp',
  migrations: [{ timestamp: '1763900000000', name: 'Foundation1763900000000' }],
  tables: [{ name: 'organization', columns: ['id', 'name'], rows: 2, bytes: 40, sha256: sha, entry: tableEntryName(0, 'organization') }],
  sequences: [{ name: 'typeorm_migrations_id_seq', lastValue: '16', isCalled: true }],
  uploads: [{ name: 'x.png', size: 3, sha256: sha }],
  skipped: [],
});

describe('backup manifest', () => {
  it('reads a well-formed manifest', () => {
    const m = parseManifest(JSON.stringify(manifest()));
    expect(m.tables[0]).toMatchObject({ name: 'organization', rows: 2, entry: 'db/001-organization.copy' });
  });

  it.each([
    ['not JSON', '{nope', /is not a DRP backup: its manifest is not readable JSON/],
    ['another format', JSON.stringify({ format: 'tarball' }), /is not a DRP backup \(its manifest does not name the format "drp-backup"\)/],
    ['a newer format', JSON.stringify({ ...manifest(), formatVersion: BACKUP_FORMAT_VERSION + 1 }), /backup format 2, newer than this version of the application reads \(1\)/],
    ['a bad checksum', JSON.stringify({ ...manifest(), tables: [{ ...manifest().tables[0], sha256: 'xyz' }] }), /damaged manifest \(tables\.0\.sha256\)/],
    ['a negative count', JSON.stringify({ ...manifest(), tables: [{ ...manifest().tables[0], rows: -1 }] }), /damaged manifest \(tables\.0\.rows\)/],
    ['a table twice', JSON.stringify({ ...manifest(), tables: [manifest().tables[0], manifest().tables[0]] }), /table organization twice/],
    ['an unsafe table name', JSON.stringify({ ...manifest(), tables: [{ ...manifest().tables[0], name: 'x"; DROP' }] }), /damaged manifest \(tables\.0\.name\)/],
  ])('refuses %s with a sentence naming the file', (_what, text, message) => {
    expect(() => parseManifest(text, 'b.tar.gz')).toThrow(BackupFileError);
    expect(() => parseManifest(text, 'b.tar.gz')).toThrow(message);
  });

  it('runs the recorded migrations in the code order; a migration the code does not know means a newer backup', () => {
    const code = ['A1', 'B2', 'C3', 'D4'];
    expect(migrationsToRun([{ name: 'A1' }, { name: 'C3' }, { name: 'B2' }], code)).toEqual(['A1', 'B2', 'C3']);
    expect(() => migrationsToRun([{ name: 'A1' }, { name: 'Z9' }], code, 'x.tar.gz')).toThrow(
      /x\.tar\.gz comes from a newer version of the application: its schema has migration\(s\) Z9, which this code does not know\. Update the code/,
    );
  });

  it('orders tables parents first (self references and cycles do not loop)', () => {
    const refs = [
      { from: 'sales_order_line', to: 'sales_order' },
      { from: 'sales_order', to: 'organization' },
      { from: 'organization', to: 'organization' },
      { from: 'sales_order_line', to: 'product' },
      { from: 'a_cycle', to: 'b_cycle' },
      { from: 'b_cycle', to: 'a_cycle' },
      { from: 'product', to: 'not_listed' },
    ];
    const order = foreignKeyOrder(['sales_order_line', 'a_cycle', 'product', 'sales_order', 'organization', 'b_cycle'], refs);
    expect(order).toEqual(['organization', 'product', 'sales_order', 'sales_order_line', 'a_cycle', 'b_cycle']);
  });

  it('keeps upload paths inside the uploads folder', () => {
    expect(uploadPathOf('uploads/a.png')).toBe('a.png');
    expect(uploadPathOf('uploads/nested/b.jpg')).toBe('nested/b.jpg');
    for (const bad of ['uploads/../etc/passwd', 'uploads/', 'other/a.png', 'uploads//a', 'uploads/a\\..\\b', 'uploads/./a']) {
      expect(() => uploadPathOf(bad)).toThrow(/unsafe path/);
    }
  });
});

describe('backup files and retention', () => {
  it('names files by UTC time so that names sort by time', () => {
    expect(backupFileName(new Date('2026-12-06T19:30:05.042Z'))).toBe('drp-backup-20261206-193005-042.tar.gz');
    expect(isBackupFileName('drp-backup-20261206-193005-042.tar.gz')).toBe(true);
    expect(isBackupFileName('drp-backup-20261206-193005-042.tar.gz.partial')).toBe(false);
    expect(isBackupFileName('notes.txt')).toBe(false);
    const a = backupFileName(new Date('2026-01-09T23:59:59.999Z'));
    const b = backupFileName(new Date('2026-01-10T00:00:00.000Z'));
    expect([b, a].sort()).toEqual([a, b]);
  });

  it('deletes the backups beyond the newest N, never another file', () => {
    const names = ['drp-backup-20261201-023000-000.tar.gz', 'drp-backup-20261203-023000-000.tar.gz', 'readme.txt', 'drp-backup-20261202-023000-000.tar.gz', 'drp-backup-20261204-023000-000.tar.gz.partial', 'drp-backup-20261204-023000-000.tar.gz'];
    expect(filesToDelete(names, 2)).toEqual(['drp-backup-20261202-023000-000.tar.gz', 'drp-backup-20261201-023000-000.tar.gz']);
    expect(filesToDelete(names, 7)).toEqual([]);
    expect(filesToDelete(names, 1)).toHaveLength(3);
  });
});
