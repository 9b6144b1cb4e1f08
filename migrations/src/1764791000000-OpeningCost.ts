import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Opening cost of the stock that existed before costing (issue #16). Nobody recorded what that
 * stock cost, so it is valued by one stated estimate: the product's level-10 (lowest wholesale)
 * price x 0.85, rounded to cents; a product with no level-10 price: base price x 0.60. The
 * demo seed of a new database values its opening stock by the same rule (OPENING_COST_FACTOR in
 * @drp/shared costing.ts; the numbers here are frozen with the migration on purpose).
 *
 * Only rows still at cost 0 are valued. Shipment lines written before costing get the cost of
 * their warehouse's row (the same estimate), so margins over old documents are not 100%; return
 * lines then take their shipment line's cost, as every return does.
 */
/** Per product: the estimated opening unit cost. */
const OPENING = `SELECT p.id AS product_id, COALESCE(round(pp.price * 0.85, 2), round(p.base_price * 0.60, 2)) AS cost
  FROM product p LEFT JOIN product_price pp ON pp.product_id = p.id AND pp.level = 10`;

export class OpeningCost1764791000000 implements MigrationInterface {
  name = 'OpeningCost1764791000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE stock s SET avg_cost = oc.cost
        FROM (${OPENING}) oc WHERE oc.product_id = s.product_id AND s.avg_cost = 0;

      UPDATE shipment_line sl SET unit_cost = c.cost, cost_amount = round(sl.qty * c.cost, 2)
        FROM (
          SELECT l.id, COALESCE(NULLIF(st.avg_cost, 0), oc.cost) AS cost
          FROM shipment_line l
          JOIN shipment sh ON sh.id = l.shipment_id
          JOIN (${OPENING}) oc ON oc.product_id = l.product_id
          LEFT JOIN stock st ON st.warehouse_id = sh.warehouse_id AND st.product_id = l.product_id
          WHERE l.unit_cost = 0
        ) c
        WHERE c.id = sl.id;

      UPDATE sales_return_line rl SET unit_cost = sl.unit_cost, cost_amount = round(rl.qty * sl.unit_cost, 2)
        FROM shipment_line sl WHERE sl.id = rl.shipment_line_id AND rl.unit_cost = 0;
    `);
  }

  async down(): Promise<void> {
    // the estimate cannot be told apart from costs recorded since: left as it is
  }
}
