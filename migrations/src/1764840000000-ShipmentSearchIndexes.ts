import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The shipment and return lists' searches (`?q=`) read indexes (issue #17, speed). Their filters now
 * match the joined order's number and the dealer's code and name as sets of ids first
 * (`x.order_id = ANY(ARRAY(SELECT ...))`, as the order list does), so every branch of the OR can
 * use an index and the planner combines them (BitmapOr) instead of scanning every document:
 * - shipment.number, shipment.tracking_no, sales_return.number: trigram indexes (pg_trgm, migration
 *   SearchIndexes) for `ILIKE '%term%'`;
 * - sales_return.order_id: the return's order match (shipments had ix_shipment_order).
 * 156,584 shipments (scratch database, EXPLAIN ANALYZE of page 1's statement): a shipment number,
 * tracking number, order number or dealer name went from ~0.7-1.3 s (every shipment joined and
 * filtered) to 20-54 ms. Terms of 1-2 characters have no trigram and still scan.
 */
export class ShipmentSearchIndexes1764840000000 implements MigrationInterface {
  name = 'ShipmentSearchIndexes1764840000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX ix_shipment_number_trgm ON shipment USING gin (number gin_trgm_ops);
      CREATE INDEX ix_shipment_tracking_no_trgm ON shipment USING gin (tracking_no gin_trgm_ops);
      CREATE INDEX ix_sales_return_number_trgm ON sales_return USING gin (number gin_trgm_ops);
      CREATE INDEX ix_sales_return_order ON sales_return (order_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX ix_sales_return_order;
      DROP INDEX ix_sales_return_number_trgm;
      DROP INDEX ix_shipment_tracking_no_trgm;
      DROP INDEX ix_shipment_number_trgm;
    `);
  }
}
