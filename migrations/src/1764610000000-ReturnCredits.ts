import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A return's credit is money finance keeps (issue #10, table ownership): the part not yet set
 * against a receivable moves from sales_return.unallocated (a sales table finance wrote) to
 * return_credit, owned by finance, created when the return is posted (the ReturnPosted event).
 */
export class ReturnCredits1764610000000 implements MigrationInterface {
  name = 'ReturnCredits1764610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE return_credit (
        return_id uuid PRIMARY KEY REFERENCES sales_return(id),
        dealer_id uuid NOT NULL REFERENCES organization(id),
        number varchar(32) NOT NULL,
        business_date date NOT NULL,
        amount numeric(18,2) NOT NULL CHECK (amount >= 0),
        -- the part of the credit not yet set against a receivable
        unallocated numeric(18,2) NOT NULL CHECK (unallocated >= 0 AND unallocated <= amount),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_return_credit_open ON return_credit (dealer_id, business_date, created_at) WHERE unallocated > 0;
      CREATE TRIGGER trg_return_credit_updated BEFORE UPDATE ON return_credit FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      INSERT INTO return_credit (return_id, dealer_id, number, business_date, amount, unallocated, created_at, updated_at)
      SELECT id, dealer_id, number, business_date, amount, unallocated, created_at, updated_at FROM sales_return WHERE amount > 0;

      ALTER TABLE sales_return DROP COLUMN unallocated;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE sales_return ADD COLUMN unallocated numeric(18,2) NOT NULL DEFAULT 0;
      UPDATE sales_return r SET unallocated = c.unallocated FROM return_credit c WHERE c.return_id = r.id;
      ALTER TABLE sales_return ALTER COLUMN unallocated DROP DEFAULT;
      ALTER TABLE sales_return ADD CONSTRAINT sales_return_unallocated_check CHECK (unallocated >= 0 AND unallocated <= amount);
      DROP TABLE return_credit;
    `);
  }
}
