import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inventory cost (存货成本, issue #16): moving weighted average per warehouse and product.
 * - stock.avg_cost: the row's moving average unit cost (changed under the row's lock, with on_hand).
 * - stock_doc_line.unit_cost: required (>= 0) on INBOUND lines; TRANSFER and ADJUSTMENT lines get
 *   the cost they moved at when they post (null while an adjustment waits for approval).
 * - stock_movement.unit_cost / cost_delta: the unit cost a movement moved at and the signed value
 *   it moved (null on movements written before costing existed).
 * - shipment_line / sales_return_line: tax_amount (the tax inside the line's amount, at the order
 *   line's rate), and the cost frozen when the line was written: unit_cost and cost_amount =
 *   round(qty x unit_cost, 2). A return line's unit cost is its shipment line's.
 * Existing lines get their tax by the same formula; their cost stays 0 here (the opening-cost
 * migration values them).
 */
export class InventoryCost1764790000000 implements MigrationInterface {
  name = 'InventoryCost1764790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE stock ADD COLUMN avg_cost numeric(18,6) NOT NULL DEFAULT 0 CONSTRAINT ck_stock_avg_cost CHECK (avg_cost >= 0);
      ALTER TABLE stock_doc_line ADD COLUMN unit_cost numeric(18,6) CONSTRAINT ck_stock_doc_line_unit_cost CHECK (unit_cost >= 0);
      ALTER TABLE stock_movement
        ADD COLUMN unit_cost numeric(18,6) CONSTRAINT ck_stock_movement_unit_cost CHECK (unit_cost >= 0),
        ADD COLUMN cost_delta numeric(18,2);

      -- tax inside a gross amount: round half up (round() on a positive numeric) of amount x rate / (1 + rate)
      ALTER TABLE shipment_line
        ADD COLUMN tax_amount numeric(18,2),
        ADD COLUMN unit_cost numeric(18,6) NOT NULL DEFAULT 0 CONSTRAINT ck_shipment_line_unit_cost CHECK (unit_cost >= 0),
        ADD COLUMN cost_amount numeric(18,2) NOT NULL DEFAULT 0 CONSTRAINT ck_shipment_line_cost_amount CHECK (cost_amount >= 0);
      UPDATE shipment_line sl SET tax_amount = round(sl.amount * ol.tax_rate / (1 + ol.tax_rate), 2)
        FROM sales_order_line ol WHERE ol.id = sl.order_line_id;
      ALTER TABLE shipment_line ALTER COLUMN tax_amount SET NOT NULL;

      ALTER TABLE sales_return_line
        ADD COLUMN tax_amount numeric(18,2),
        ADD COLUMN unit_cost numeric(18,6) NOT NULL DEFAULT 0 CONSTRAINT ck_sales_return_line_unit_cost CHECK (unit_cost >= 0),
        ADD COLUMN cost_amount numeric(18,2) NOT NULL DEFAULT 0 CONSTRAINT ck_sales_return_line_cost_amount CHECK (cost_amount >= 0);
      UPDATE sales_return_line rl SET tax_amount = round(rl.amount * ol.tax_rate / (1 + ol.tax_rate), 2)
        FROM shipment_line sl JOIN sales_order_line ol ON ol.id = sl.order_line_id WHERE sl.id = rl.shipment_line_id;
      ALTER TABLE sales_return_line ALTER COLUMN tax_amount SET NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE sales_return_line DROP COLUMN cost_amount, DROP COLUMN unit_cost, DROP COLUMN tax_amount;
      ALTER TABLE shipment_line DROP COLUMN cost_amount, DROP COLUMN unit_cost, DROP COLUMN tax_amount;
      ALTER TABLE stock_movement DROP COLUMN cost_delta, DROP COLUMN unit_cost;
      ALTER TABLE stock_doc_line DROP COLUMN unit_cost;
      ALTER TABLE stock DROP COLUMN avg_cost;
    `);
  }
}
