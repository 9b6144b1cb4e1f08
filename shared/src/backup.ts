/** Backups (issue #11): one row per backup run, as the admin page lists them. */
export type BackupTrigger = 'JOB' | 'MANUAL' | 'CLI';
export type BackupStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface BackupRunDto {
  id: string;
  /** JOB: the daily schedule; MANUAL: "backup now" on the admin page; CLI: `npm run backup` */
  trigger: BackupTrigger;
  requestedById: string | null;
  requestedByName: string | null;
  status: BackupStatus;
  startedAt: string;
  finishedAt: string | null;
  /** seconds from start to finish (null while running) */
  durationSeconds: number | null;
  /** the file's absolute path on the server */
  file: string | null;
  /** the file's name (the part after the last slash) */
  fileName: string | null;
  /** whether the file is still there (the retention deletes old ones) */
  fileExists: boolean;
  sizeBytes: number | null;
  tableCount: number | null;
  rowCount: number | null;
  uploadCount: number | null;
  error: string | null;
}

/** Where backups go and how they are kept, and the restore command (GET /api/backups/settings). */
export interface BackupSettingsDto {
  dir: string;
  keep: number;
  /** cron expression, in the company time zone */
  cron: string;
  timeZone: string;
  /** the jobs runner is on in this server (else the schedule does not run) */
  scheduled: boolean;
  backupCommand: string;
  restoreCommand: string;
}
