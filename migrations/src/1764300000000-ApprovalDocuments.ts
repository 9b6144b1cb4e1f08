import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stock adjustments (盘点) and receipt reversals go through approval: a count adjustment waits as
 * PENDING_APPROVAL (no stock moves until it is approved; a rejected one stays as REJECTED), and a
 * receipt keeps its requested reversal beside it (reversal_status) while it stays in force.
 */
export class ApprovalDocuments1764300000000 implements MigrationInterface {
  name = 'ApprovalDocuments1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE stock_doc
        ADD COLUMN status varchar(16) NOT NULL DEFAULT 'POSTED' CHECK (status IN ('POSTED','PENDING_APPROVAL','REJECTED')),
        ADD COLUMN rejected_reason varchar(500),
        ADD COLUMN posted_at timestamptz;
      UPDATE stock_doc SET posted_at = created_at;
      -- documents written without a status (inbound, transfer) are posted when written
      ALTER TABLE stock_doc ALTER COLUMN posted_at SET DEFAULT now();
      ALTER TABLE stock_doc
        ADD CONSTRAINT ck_stock_doc_posted CHECK ((status = 'POSTED') = (posted_at IS NOT NULL)),
        ADD CONSTRAINT ck_stock_doc_approval_type CHECK (status = 'POSTED' OR type = 'ADJUSTMENT');
      CREATE INDEX ix_stock_doc_unposted ON stock_doc (status, created_at DESC) WHERE status <> 'POSTED';

      ALTER TABLE receipt
        ADD COLUMN reversal_status varchar(16) CHECK (reversal_status IN ('PENDING_APPROVAL','REJECTED')),
        ADD COLUMN reversal_requested_by uuid REFERENCES app_user(id),
        ADD COLUMN reversal_requested_at timestamptz;
      -- the reason of a requested reversal is kept while it waits (and after a rejection); the date is the day it took effect
      ALTER TABLE receipt DROP CONSTRAINT ck_receipt_reversal;
      ALTER TABLE receipt
        ADD CONSTRAINT ck_receipt_reversal CHECK ((status = 'REVERSED') = (reversal_date IS NOT NULL) AND (status = 'ACTIVE' OR reversal_reason IS NOT NULL)),
        ADD CONSTRAINT ck_receipt_reversal_request CHECK (
          (reversal_status IS NULL OR status = 'ACTIVE')
          AND (reversal_status IS DISTINCT FROM 'PENDING_APPROVAL' OR (reversal_reason IS NOT NULL AND reversal_requested_at IS NOT NULL)));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE receipt DROP CONSTRAINT ck_receipt_reversal_request, DROP CONSTRAINT ck_receipt_reversal;
      UPDATE receipt SET reversal_reason = NULL WHERE status = 'ACTIVE';
      ALTER TABLE receipt ADD CONSTRAINT ck_receipt_reversal CHECK ((status = 'REVERSED') = (reversal_reason IS NOT NULL AND reversal_date IS NOT NULL));
      ALTER TABLE receipt DROP COLUMN reversal_requested_at, DROP COLUMN reversal_requested_by, DROP COLUMN reversal_status;
      DROP INDEX ix_stock_doc_unposted;
      DELETE FROM stock_doc_line WHERE doc_id IN (SELECT id FROM stock_doc WHERE status <> 'POSTED');
      DELETE FROM stock_doc WHERE status <> 'POSTED';
      ALTER TABLE stock_doc DROP CONSTRAINT ck_stock_doc_approval_type, DROP CONSTRAINT ck_stock_doc_posted;
      ALTER TABLE stock_doc DROP COLUMN posted_at, DROP COLUMN rejected_reason, DROP COLUMN status;
    `);
  }
}
