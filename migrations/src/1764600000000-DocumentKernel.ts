import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The document kernel (issue #10): the outbox of work that must survive a crash, drained by a
 * pg-boss job; an order is numbered as the last statement of its transaction, so its number is
 * empty until then, and a deferred constraint trigger refuses a commit that leaves it empty.
 */
export class DocumentKernel1764600000000 implements MigrationInterface {
  name = 'DocumentKernel1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        topic text NOT NULL CHECK (topic <> ''),
        payload jsonb NOT NULL,
        attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        available_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        done_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX outbox_due ON outbox (available_at) WHERE done_at IS NULL;

      ALTER TABLE sales_order ALTER COLUMN number DROP NOT NULL;
      CREATE FUNCTION sales_order_numbered() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM sales_order WHERE id = NEW.id AND number IS NULL) THEN
          RAISE EXCEPTION 'sales order % has no number at commit', NEW.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$;
      CREATE CONSTRAINT TRIGGER sales_order_numbered AFTER INSERT OR UPDATE OF number ON sales_order
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION sales_order_numbered();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER sales_order_numbered ON sales_order;
      DROP FUNCTION sales_order_numbered();
      ALTER TABLE sales_order ALTER COLUMN number SET NOT NULL;
      DROP TABLE outbox;
    `);
  }
}
