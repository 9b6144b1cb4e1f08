import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Store visits (跑店, issue #14).
 * - company_settings.visit_radius_m: how far from the dealer's stored position a check-in still counts as on site.
 * - visit_plan: a rep's planned visit of a dealer on a date, or weekly on a weekday (occurrences are computed, not stored).
 * - visit: one check-in .. check-out at a dealer; client_id (made on the phone) is unique per rep so a resend never
 *   duplicates; the phone's time is kept beside the server's; at most one open visit per rep.
 * - visit_photo: photos taken during a visit (storage module keys).
 * - visit_sync_item: every offline action applied (rep, client id) with its answer, so a resent batch writes once.
 */
export class Visits1764760000000 implements MigrationInterface {
  name = 'Visits1764760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE company_settings ADD COLUMN visit_radius_m int NOT NULL DEFAULT 500 CHECK (visit_radius_m BETWEEN 10 AND 100000);

      CREATE TABLE visit_plan (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        rep_id uuid NOT NULL REFERENCES app_user(id),
        dealer_id uuid NOT NULL REFERENCES organization(id),
        plan_date date NOT NULL,
        recurrence text NOT NULL DEFAULT 'NONE' CHECK (recurrence IN ('NONE', 'WEEKLY')),
        weekday int CHECK (weekday BETWEEN 1 AND 7),
        until_date date,
        purpose text,
        tasks text[] NOT NULL DEFAULT '{}',
        route_order int NOT NULL DEFAULT 0,
        status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'CANCELLED')),
        created_by uuid REFERENCES app_user(id),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (recurrence = 'NONE' OR weekday IS NOT NULL),
        CHECK (tasks <@ ARRAY['STOCK_COUNT', 'DISPLAY_CHECK', 'COLLECT_PAYMENT', 'NEW_PRODUCTS']::text[])
      );
      CREATE INDEX ix_visit_plan_rep ON visit_plan (rep_id, plan_date);
      CREATE INDEX ix_visit_plan_dealer ON visit_plan (dealer_id);
      CREATE TRIGGER trg_visit_plan_updated BEFORE UPDATE ON visit_plan FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      CREATE TABLE visit (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        rep_id uuid NOT NULL REFERENCES app_user(id),
        dealer_id uuid NOT NULL REFERENCES organization(id),
        plan_id uuid REFERENCES visit_plan(id),
        client_id text NOT NULL,
        business_date date NOT NULL,
        check_in_at timestamptz NOT NULL DEFAULT now(),
        check_in_device_at timestamptz,
        lat numeric(9,6) NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lng numeric(9,6) NOT NULL CHECK (lng BETWEEN -180 AND 180),
        accuracy_m numeric(10,1),
        distance_m int,
        radius_m int NOT NULL,
        off_site boolean NOT NULL DEFAULT false,
        check_out_at timestamptz,
        check_out_device_at timestamptz,
        duration_s int CHECK (duration_s >= 0),
        notes text,
        competitor_notes text,
        display_notes text,
        order_id uuid REFERENCES sales_order(id),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_visit_client UNIQUE (rep_id, client_id)
      );
      CREATE UNIQUE INDEX ux_visit_open ON visit (rep_id) WHERE check_out_at IS NULL;
      CREATE INDEX ix_visit_rep_date ON visit (rep_id, business_date);
      CREATE INDEX ix_visit_dealer_date ON visit (dealer_id, business_date);
      CREATE TRIGGER trg_visit_updated BEFORE UPDATE ON visit FOR EACH ROW EXECUTE FUNCTION set_updated_at();
      ALTER TABLE dealer_report ADD CONSTRAINT fk_dealer_report_visit FOREIGN KEY (visit_id) REFERENCES visit(id);

      CREATE TABLE visit_photo (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        visit_id uuid NOT NULL REFERENCES visit(id),
        storage_key text NOT NULL,
        file_name text NOT NULL,
        content_type text NOT NULL,
        size_bytes int NOT NULL,
        caption text,
        created_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_visit_photo_visit ON visit_photo (visit_id);

      CREATE TABLE visit_sync_item (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        rep_id uuid NOT NULL REFERENCES app_user(id),
        client_id text NOT NULL,
        kind text NOT NULL,
        visit_id uuid REFERENCES visit(id),
        device_at timestamptz,
        result jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_visit_sync_item UNIQUE (rep_id, client_id)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE visit_sync_item; DROP TABLE visit_photo; ALTER TABLE dealer_report DROP CONSTRAINT fk_dealer_report_visit; DROP TABLE visit; DROP TABLE visit_plan; ALTER TABLE company_settings DROP COLUMN visit_radius_m;`);
  }
}
