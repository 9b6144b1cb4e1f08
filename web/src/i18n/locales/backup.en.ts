import type backupZh from './backup.zh-CN';

/** The backup page (HQ admin), English. Same keys as `backup.zh-CN.ts`. */
const backup: typeof backupZh = {
  menu: 'Backups',
  intro: 'Each backup is one compressed file holding all the data of the database and the uploaded files (images and the like); it restores everything on a new machine.',
  backupNow: 'Back up now',
  started: 'The backup has started; the list updates when it is done',
  where: {
    title: 'Backup files and restoring',
    dir: 'Backup folder',
    keep: 'Kept',
    keepValue: 'the newest {n}; older ones are deleted',
    schedule: 'Automatic backup',
    scheduleValue: 'daily, on the schedule {cron} (time zone {tz})',
    scheduleOff: 'Background jobs are off on this server (JOBS_ENABLED=false): no automatic backups',
    manual: 'From the command line',
    restore: 'Restore command',
    restoreHint: 'On a new machine: clone the code and run npm install, then the restore command, then npm start. A restore writes only into an empty database and data folder; add --force to replace what is there. With an external database, set DATABASE_URL first.',
    copy: 'Copy',
    copied: 'Copied to the clipboard',
  },
  fields: {
    startedAt: 'Started',
    trigger: 'How',
    by: 'By',
    status: 'Status',
    size: 'Size',
    duration: 'Took',
    file: 'File',
    content: 'Content',
  },
  trigger: {
    JOB: 'Daily job',
    MANUAL: 'Manual',
    CLI: 'Command line',
  },
  status: {
    RUNNING: 'Running',
    SUCCEEDED: 'Succeeded',
    FAILED: 'Failed',
  },
  content: '{tables} tables · {rows} rows · {uploads} files',
  fileDeleted: 'deleted by the retention rule',
  system: 'System',
  failedReason: 'Why it failed: {reason}',
  copyRestore: 'Copy the restore command',
  empty: {
    title: 'No backups yet',
    description: 'Click “Back up now” for the first backup; after that one is made every day on the schedule.',
  },
};

export default backup;
