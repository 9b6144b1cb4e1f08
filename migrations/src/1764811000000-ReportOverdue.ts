import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dealers that have not reported (未上报, issue #14).
 * - company_settings.report_overdue_days: a dealer whose latest stock and sales report is more than this
 *   many days old (or that never reported) is on the missing-reports list and gets reminded.
 * - dealer_report_reminder: one row per dealer and business date a reminder went out (the daily job or a
 *   person's button); the UNIQUE key is what keeps a dealer from being reminded twice the same day, even
 *   when the job and the button race.
 */
export class ReportOverdue1764811000000 implements MigrationInterface {
  name = 'ReportOverdue1764811000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE company_settings ADD COLUMN report_overdue_days int NOT NULL DEFAULT 7 CHECK (report_overdue_days BETWEEN 1 AND 365);

      CREATE TABLE dealer_report_reminder (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dealer_id uuid NOT NULL REFERENCES organization(id),
        business_date date NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('JOB', 'MANUAL')),
        last_report_date date,
        notified int NOT NULL DEFAULT 0 CHECK (notified >= 0),
        sent_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_dealer_report_reminder UNIQUE (dealer_id, business_date)
      );
      CREATE TRIGGER trg_dealer_report_reminder_updated BEFORE UPDATE ON dealer_report_reminder FOR EACH ROW EXECUTE FUNCTION set_updated_at();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dealer_report_reminder; ALTER TABLE company_settings DROP COLUMN report_overdue_days;`);
  }
}
