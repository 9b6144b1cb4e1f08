import { describe, expect, it } from 'vitest';
import { anyRunning, formatBytes, formatDuration, restoreCommand } from './format';

describe('backup page wording', () => {
  it('formats sizes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(181_871)).toBe('177.6 KB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GB');
    expect(formatBytes(null)).toBe('—');
    expect(formatBytes(-1)).toBe('—');
  });

  it('formats durations', () => {
    expect(formatDuration(0.4)).toBe('0.4 s');
    expect(formatDuration(59.94)).toBe('59.9 s');
    expect(formatDuration(61)).toBe('1:01');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(null)).toBe('—');
  });

  it('writes the restore command, quoting a path with spaces', () => {
    expect(restoreCommand('/srv/drp/.data/backups/drp-backup-20261206-023000-000.tar.gz')).toBe('npm run restore -- /srv/drp/.data/backups/drp-backup-20261206-023000-000.tar.gz');
    expect(restoreCommand('/home/li wei/backups/b.tar.gz')).toBe('npm run restore -- "/home/li wei/backups/b.tar.gz"');
  });

  it('knows when a run is still being written', () => {
    expect(anyRunning([{ status: 'SUCCEEDED' }, { status: 'RUNNING' }])).toBe(true);
    expect(anyRunning([{ status: 'FAILED' }])).toBe(false);
    expect(anyRunning([])).toBe(false);
  });
});
