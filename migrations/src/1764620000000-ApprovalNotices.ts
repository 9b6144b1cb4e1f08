import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Approvals and notices under the document kernel (issue #10): an order is inserted without a
 * number and numbered as the last statement of its transaction, so the approval started in that
 * transaction has no document number until then (the DocumentNumbered event fills it in); the
 * SMS / e-mail delivery of a notice goes through the outbox, which records when it was delivered
 * so a repeated outbox run does not send it twice.
 */
export class ApprovalNotices1764620000000 implements MigrationInterface {
  name = 'ApprovalNotices1764620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE approval_instance ALTER COLUMN doc_number DROP NOT NULL;
      ALTER TABLE notification ADD COLUMN delivered_at timestamptz;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE notification DROP COLUMN delivered_at;
      ALTER TABLE approval_instance ALTER COLUMN doc_number SET NOT NULL;
    `);
  }
}
