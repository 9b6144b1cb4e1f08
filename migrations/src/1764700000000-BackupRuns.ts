import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Backup and restore (issue #11): every backup run (the daily pg-boss job, an admin's "backup now",
 * `npm run backup`) is recorded with when it started and finished, how it ended, the file it wrote
 * and its size. The permission `system:backup` reaches HQ_ADMIN through the built-in role sync
 * (shared/src/permissions.ts: HQ_ADMIN holds every permission), like every other permission.
 */
export class BackupRuns1764700000000 implements MigrationInterface {
  name = 'BackupRuns1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE backup_run (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        trigger text NOT NULL CHECK (trigger IN ('JOB', 'MANUAL', 'CLI')),
        requested_by uuid REFERENCES app_user(id) ON DELETE SET NULL,
        status text NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        file text,
        size_bytes bigint CHECK (size_bytes IS NULL OR size_bytes >= 0),
        table_count integer,
        row_count bigint,
        upload_count integer,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'RUNNING') = (finished_at IS NULL))
      );
      CREATE INDEX backup_run_started_idx ON backup_run (started_at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE backup_run');
  }
}
