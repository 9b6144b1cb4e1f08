import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sales and collection targets (销售计划, issue #16): one row per month and organisation (a branch or
 * office), or per month and sales rep. `month` is the first day of the month. Exactly one of
 * org_id / rep_id is set; the partial unique indexes keep one target per month and key, so an import
 * or an edit updates the row rather than adding a second one. Owned by the reports module.
 */
export class SalesTargets1764801000000 implements MigrationInterface {
  name = 'SalesTargets1764801000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sales_target (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        month date NOT NULL CHECK (date_trunc('month', month)::date = month),
        org_id uuid REFERENCES organization(id),
        rep_id uuid REFERENCES app_user(id),
        sales_target numeric(18,2) NOT NULL CHECK (sales_target >= 0),
        collection_target numeric(18,2) NOT NULL CHECK (collection_target >= 0),
        created_by uuid REFERENCES app_user(id),
        updated_by uuid REFERENCES app_user(id),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_sales_target_key CHECK ((org_id IS NULL) <> (rep_id IS NULL))
      );
      CREATE UNIQUE INDEX ux_sales_target_org ON sales_target (month, org_id) WHERE org_id IS NOT NULL;
      CREATE UNIQUE INDEX ux_sales_target_rep ON sales_target (month, rep_id) WHERE rep_id IS NOT NULL;
      CREATE INDEX ix_sales_target_org ON sales_target (org_id);
      CREATE INDEX ix_sales_target_rep ON sales_target (rep_id);
      CREATE TRIGGER trg_sales_target_updated BEFORE UPDATE ON sales_target FOR EACH ROW EXECUTE FUNCTION set_updated_at();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sales_target;`);
  }
}
