import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The analysis engine (issue #16): each user's saved views of the analysis page, and the indexes
 * its one statement per request scans by: the business date of every fact (shipments, returns,
 * receipts, orders), so a month of a three-year history reads a month.
 */
export class AnalysisViews1764800000000 implements MigrationInterface {
  name = 'AnalysisViews1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE analysis_view (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        name varchar(100) NOT NULL CHECK (btrim(name) <> ''),
        query jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      -- a user's view names are unique (saving under the same name replaces it)
      CREATE UNIQUE INDEX uq_analysis_view_user_name ON analysis_view (user_id, name);

      CREATE INDEX ix_shipment_business_date ON shipment (business_date);
      CREATE INDEX ix_sales_return_business_date ON sales_return (business_date);
      CREATE INDEX ix_receipt_business_date ON receipt (business_date);
      CREATE INDEX ix_sales_order_business_date ON sales_order (business_date);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX ix_sales_order_business_date;
      DROP INDEX ix_receipt_business_date;
      DROP INDEX ix_sales_return_business_date;
      DROP INDEX ix_shipment_business_date;
      DROP TABLE analysis_view;
    `);
  }
}
