import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invoice lookup over a million rows (issue #13, measured): the register pages by
 * `issue_date DESC NULLS LAST, id` (the paging helper's order); the date indexes now match that
 * order exactly, so a first page is an index-only scan of 20 entries instead of a sort of the table.
 */
export class InvoiceLookup1764731000000 implements MigrationInterface {
  name = 'InvoiceLookup1764731000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX ix_invoice_issue_date;
      DROP INDEX ix_invoice_scope;
      DROP INDEX ix_invoice_dealer;
      CREATE INDEX ix_invoice_issue_date ON invoice (issue_date DESC NULLS LAST, id);
      CREATE INDEX ix_invoice_scope ON invoice (scope_org_id, issue_date DESC NULLS LAST, id);
      CREATE INDEX ix_invoice_dealer ON invoice (dealer_id, issue_date DESC NULLS LAST, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX ix_invoice_issue_date;
      DROP INDEX ix_invoice_scope;
      DROP INDEX ix_invoice_dealer;
      CREATE INDEX ix_invoice_issue_date ON invoice (issue_date DESC, id);
      CREATE INDEX ix_invoice_scope ON invoice (scope_org_id, issue_date DESC);
      CREATE INDEX ix_invoice_dealer ON invoice (dealer_id, issue_date DESC);
    `);
  }
}
