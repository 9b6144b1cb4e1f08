import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dealer stock and sales reports (库存销量上报, issue #14) and smart replenishment (智能补货, issue #15).
 * - dealer_report: one current figure per dealer, product and business date (end-of-day stock, units
 *   sold, optionally received); a correction supersedes it and the earlier figure goes to
 *   dealer_report_history (who, when, source, before/after).
 * - replenishment_setting: parameters per organisation (HQ = the company default, a branch, a dealer)
 *   and optionally per product; the most specific row wins, and without any row the built-in default
 *   applies (DEFAULT_REPLENISHMENT_PARAMS in @drp/shared; replenishment.sql.ts).
 * - replenishment_run / replenishment_line: each run kept with its parameters and every line's figures.
 */
export class DealerReportsReplenishment1764750000000 implements MigrationInterface {
  name = 'DealerReportsReplenishment1764750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dealer_report (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dealer_id uuid NOT NULL REFERENCES organization(id),
        product_id uuid NOT NULL REFERENCES product(id),
        business_date date NOT NULL,
        stock numeric(18,3) NOT NULL CHECK (stock >= 0),
        sold numeric(18,3) NOT NULL CHECK (sold >= 0),
        received numeric(18,3) CHECK (received >= 0),
        source text NOT NULL CHECK (source IN ('MALL', 'VISIT', 'IMPORT', 'CONSOLE')),
        visit_id uuid,
        reported_by uuid REFERENCES app_user(id),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_dealer_report UNIQUE (dealer_id, product_id, business_date)
      );
      CREATE INDEX ix_dealer_report_dealer_date ON dealer_report (dealer_id, business_date);
      CREATE TRIGGER trg_dealer_report_updated BEFORE UPDATE ON dealer_report FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      CREATE TABLE dealer_report_history (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        report_id uuid NOT NULL REFERENCES dealer_report(id),
        source text NOT NULL,
        before jsonb NOT NULL,
        after jsonb NOT NULL,
        changed_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_dealer_report_history_report ON dealer_report_history (report_id, created_at);

      CREATE TABLE replenishment_setting (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        org_id uuid NOT NULL REFERENCES organization(id),
        product_id uuid REFERENCES product(id),
        method text NOT NULL CHECK (method IN ('SELL_ONE_REPLACE_ONE', 'SALES_STOCK_DIFF', 'TURNOVER')),
        window_days int NOT NULL CHECK (window_days BETWEEN 7 AND 365),
        turnover_days int NOT NULL CHECK (turnover_days BETWEEN 0 AND 365),
        lead_days int NOT NULL CHECK (lead_days BETWEEN 0 AND 365),
        safety_stock numeric(18,3) NOT NULL DEFAULT 0 CHECK (safety_stock >= 0),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_replenishment_setting UNIQUE NULLS NOT DISTINCT (org_id, product_id)
      );
      CREATE TRIGGER trg_replenishment_setting_updated BEFORE UPDATE ON replenishment_setting FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      CREATE TABLE replenishment_run (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        business_date date NOT NULL,
        scope_org_id uuid REFERENCES organization(id),
        dealer_ids uuid[],
        trigger text NOT NULL CHECK (trigger IN ('MANUAL', 'NIGHTLY')),
        status text NOT NULL DEFAULT 'DONE' CHECK (status IN ('DONE', 'FAILED')),
        dealer_count int NOT NULL DEFAULT 0,
        line_count int NOT NULL DEFAULT 0,
        suggested_count int NOT NULL DEFAULT 0,
        requested_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_replenishment_run_created ON replenishment_run (created_at DESC);

      CREATE TABLE replenishment_line (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id uuid NOT NULL REFERENCES replenishment_run(id),
        dealer_id uuid NOT NULL REFERENCES organization(id),
        product_id uuid NOT NULL REFERENCES product(id),
        method text NOT NULL,
        window_days int NOT NULL,
        turnover_days int NOT NULL,
        lead_days int NOT NULL,
        safety_stock numeric(18,3) NOT NULL,
        usable_days int NOT NULL,
        stockout_days int NOT NULL,
        usable_sold numeric(18,3) NOT NULL,
        avg_daily numeric(18,4) NOT NULL,
        window_sold numeric(18,3) NOT NULL,
        sold_since_last numeric(18,3) NOT NULL,
        last_replenishment_date date,
        latest_report_date date,
        current_stock numeric(18,3) NOT NULL,
        open_supply numeric(18,3) NOT NULL,
        target numeric(18,4) NOT NULL,
        raw_qty numeric(18,4) NOT NULL,
        suggested_qty numeric(18,3) NOT NULL,
        qty numeric(18,3) NOT NULL CHECK (qty >= 0),
        status text NOT NULL CHECK (status IN ('SUGGESTED', 'INSUFFICIENT_DATA', 'DROPPED', 'ORDERED', 'SENT')),
        order_id uuid REFERENCES sales_order(id),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_replenishment_line UNIQUE (run_id, dealer_id, product_id)
      );
      CREATE INDEX ix_replenishment_line_dealer ON replenishment_line (dealer_id, status);
      CREATE TRIGGER trg_replenishment_line_updated BEFORE UPDATE ON replenishment_line FOR EACH ROW EXECUTE FUNCTION set_updated_at();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE replenishment_line; DROP TABLE replenishment_run; DROP TABLE replenishment_setting; DROP TABLE dealer_report_history; DROP TABLE dealer_report;`);
  }
}
