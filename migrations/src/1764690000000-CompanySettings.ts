import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Company-wide settings (one row): how stock is checked when an order is entered (T+'s 可用量控制:
 * NONE lets an order exceed stock as a backorder, WARN shows the shortage to the form and every
 * approver, BLOCK refuses it at submit) and the scale unit prices are made to (T+'s 单价小数位数).
 */
export class CompanySettings1764690000000 implements MigrationInterface {
  name = 'CompanySettings1764690000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE company_settings (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        stock_control text NOT NULL DEFAULT 'WARN' CHECK (stock_control IN ('NONE', 'WARN', 'BLOCK')),
        price_scale smallint NOT NULL DEFAULT 2 CHECK (price_scale BETWEEN 0 AND 4),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO company_settings (id) VALUES (1);
      CREATE TRIGGER trg_company_settings_updated BEFORE UPDATE ON company_settings FOR EACH ROW EXECUTE FUNCTION set_updated_at();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE company_settings`);
  }
}
