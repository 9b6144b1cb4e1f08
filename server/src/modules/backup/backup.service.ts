import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { BackupRunDto, BackupSettingsDto, BackupStatus, BackupTrigger, ErrorCode, Paged } from '@drp/shared';
import { sql } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { DATABASE_URL } from '../../database/database.module';
import { DbService } from '../../database/db.service';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { resolvePage, PageQueryDto } from '../../common/http/pagination';
import { AuditService } from '../audit/audit.service';
import { JobsService } from '../jobs/jobs.service';
import { uploadsDir } from '../storage/storage.service';
import { BackupBusyError, startBackupRun } from './runner';

export const BACKUP_JOB = 'backup.daily';

/**
 * Scheduled backups on pg-boss (daily by BACKUP_CRON in the company time zone, the newest
 * BACKUP_KEEP files kept in BACKUP_DIR), an admin's "backup now", and the list of runs. The file
 * itself is written by runner.ts, the same code as `npm run backup`.
 */
@Injectable()
export class BackupService {
  private readonly logger = new Logger('Backup');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    private readonly db: DbService,
    private readonly audit: AuditService,
    jobs: JobsService,
  ) {
    jobs.register(BACKUP_JOB, async () => void (await this.runScheduled()), config.backup.cron);
  }

  /** The job's handler: one backup, the newest files kept; a run already going on is left alone. */
  async runScheduled(): Promise<void> {
    try {
      const run = await this.start('JOB', null);
      const r = await run.done;
      this.logger.log({ file: r.file, size: r.size, deleted: r.deleted }, 'backup written');
    } catch (e) {
      if (e instanceof BackupBusyError) return void this.logger.warn('backup skipped: another backup is running');
      // recorded on the run as FAILED; pg-boss need not retry a daily backup
      this.logger.error({ err: e }, 'backup failed');
    }
  }

  /** "Backup now": answers the RUNNING run at once; the file is written in the background (poll the run). */
  async backupNow(ctx: RequestContext): Promise<BackupRunDto> {
    let run;
    try {
      run = await this.start('MANUAL', ctx.user?.id ?? null);
    } catch (e) {
      if (e instanceof BackupBusyError) throw new DomainError(ErrorCode.BACKUP_RUNNING, e.message);
      throw e;
    }
    run.done.then(
      (r) => this.logger.log({ file: r.file, size: r.size, deleted: r.deleted }, 'backup written'),
      (e: unknown) => this.logger.error({ err: e }, 'backup failed'),
    );
    await this.audit.record(ctx, { action: 'backup', entity: 'backup_run', entityId: run.runId, summary: 'started a backup (backup now)' });
    return this.get(ctx, run.runId!);
  }

  private start(trigger: BackupTrigger, requestedBy: string | null) {
    return startBackupRun({
      url: this.databaseUrl,
      uploadsDir: uploadsDir(this.config),
      dir: this.config.backup.dir,
      keep: this.config.backup.keep,
      trigger,
      requestedBy,
      appVersion: this.config.version,
    });
  }

  settings(): BackupSettingsDto {
    const { dir, keep, cron } = this.config.backup;
    return {
      dir,
      keep,
      cron,
      timeZone: this.config.companyTz,
      scheduled: this.config.jobsEnabled,
      backupCommand: 'npm run backup',
      restoreCommand: `npm run restore -- ${path.join(dir, '<file>')}`,
    };
  }

  private query() {
    return this.db.k
      .selectFrom('backup_run as b')
      .leftJoin('app_user as u', 'u.id', 'b.requested_by')
      .selectAll('b')
      .select('u.display_name as requested_by_name');
  }

  async list(ctx: RequestContext, q: PageQueryDto): Promise<Paged<BackupRunDto>> {
    const { page, pageSize, column, direction, offset } = resolvePage(q, { startedAt: 'b.started_at', size: 'b.size_bytes', status: 'b.status' }, '-startedAt');
    const [{ n }, rows] = await Promise.all([
      this.db.one(ctx, this.db.k.selectFrom('backup_run').select(sql<number>`count(*)::int`.as('n'))),
      this.db.rows(
        ctx,
        this.query()
          // column and direction come from resolvePage's map of sortable fields, never from the request
          .orderBy(sql`${sql.raw(column)} ${sql.raw(direction)} NULLS LAST`)
          .orderBy('b.id')
          .offset(offset)
          .limit(pageSize),
      ),
    ]);
    return { items: rows.map(toDto), total: n, page, pageSize };
  }

  async get(ctx: RequestContext, id: string): Promise<BackupRunDto> {
    const row = await this.db.first(ctx, this.query().where('b.id', '=', id));
    if (!row) throw notFound('backup run', id);
    return toDto(row);
  }
}

interface RunRow {
  id: string;
  trigger: string;
  requested_by: string | null;
  requested_by_name: string | null;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  file: string | null;
  size_bytes: string | null;
  table_count: number | null;
  row_count: string | null;
  upload_count: number | null;
  error: string | null;
}

function toDto(r: RunRow): BackupRunDto {
  const started = new Date(r.started_at);
  const finished = r.finished_at ? new Date(r.finished_at) : null;
  return {
    id: r.id,
    trigger: r.trigger as BackupTrigger,
    requestedById: r.requested_by,
    requestedByName: r.requested_by_name,
    status: r.status as BackupStatus,
    startedAt: started.toISOString(),
    finishedAt: finished?.toISOString() ?? null,
    durationSeconds: finished ? Math.max(0, Math.round((finished.getTime() - started.getTime()) / 100) / 10) : null,
    file: r.file,
    fileName: r.file ? path.basename(r.file) : null,
    fileExists: !!r.file && fs.existsSync(r.file),
    sizeBytes: r.size_bytes === null ? null : Number(r.size_bytes),
    tableCount: r.table_count,
    rowCount: r.row_count === null ? null : Number(r.row_count),
    uploadCount: r.upload_count,
    error: r.error,
  };
}
