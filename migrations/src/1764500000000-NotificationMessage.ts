import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A notification's wording as a message key and its values (jsonb), so each client shows it in
 * its user's language; `title` / `body` keep the Chinese text for SMS / e-mail and older rows.
 */
export class NotificationMessage1764500000000 implements MigrationInterface {
  name = 'NotificationMessage1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification ADD COLUMN message jsonb CHECK (message IS NULL OR jsonb_typeof(message) = 'object')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE notification DROP COLUMN message');
  }
}
