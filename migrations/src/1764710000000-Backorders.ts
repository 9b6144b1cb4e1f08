import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Backorders (缺货/待补): an approved order reserves what is available and the rest of each line
 * waits. `reserved_qty` is what is reserved for the line and not yet shipped; qty − shipped_qty −
 * reserved_qty of an approved (or partly shipped) order is its backorder, reserved oldest approval
 * first when stock arrives. Orders approved before this migration had their whole open quantity
 * reserved: they get it here.
 */
export class Backorders1764710000000 implements MigrationInterface {
  name = 'Backorders1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE sales_order_line
        ADD COLUMN reserved_qty numeric(18,3) NOT NULL DEFAULT 0,
        ADD CONSTRAINT chk_sales_order_line_reserved CHECK (reserved_qty >= 0 AND shipped_qty + reserved_qty <= qty);
      UPDATE sales_order_line l SET reserved_qty = l.qty - l.shipped_qty
        FROM sales_order o
       WHERE o.id = l.order_id AND o.status IN ('APPROVED', 'PARTIALLY_SHIPPED') AND l.qty > l.shipped_qty;
      CREATE INDEX idx_sales_order_approved_wh ON sales_order (warehouse_id, approved_at) WHERE status IN ('APPROVED', 'PARTIALLY_SHIPPED');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX idx_sales_order_approved_wh;
      ALTER TABLE sales_order_line DROP CONSTRAINT chk_sales_order_line_reserved, DROP COLUMN reserved_qty;
    `);
  }
}
