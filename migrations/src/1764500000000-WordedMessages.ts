import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Words each client puts in its user's language: a notification's message key and values, and an
 * approval's summary values (party, amount, lines). `notification.title` / `body` and
 * `approval_instance.doc_summary` keep the Chinese text for SMS / e-mail and older rows.
 */
export class WordedMessages1764500000000 implements MigrationInterface {
  name = 'WordedMessages1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE notification ADD COLUMN message jsonb CHECK (message IS NULL OR jsonb_typeof(message) = 'object');
      ALTER TABLE approval_instance ADD COLUMN summary jsonb CHECK (summary IS NULL OR jsonb_typeof(summary) = 'object');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE approval_instance DROP COLUMN summary; ALTER TABLE notification DROP COLUMN message');
  }
}
