import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys that survive a crash (issue #11). A claim names the server process holding it
 * (`owner_lock`: the advisory lock that process holds for its whole life, so a claim whose lock is
 * free belongs to a dead process) and carries a token the business transaction must still match at
 * its end; the created resource is recorded IN that transaction, so after a crash a retry either
 * finds the committed document and answers from it, or takes the claim over and runs again.
 */
export class IdempotencyRecovery1764740000000 implements MigrationInterface {
  name = 'IdempotencyRecovery1764740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE idempotency_key
        ADD COLUMN claim_token uuid,
        ADD COLUMN owner_lock bigint,
        ADD COLUMN resource_id uuid;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_key DROP COLUMN claim_token, DROP COLUMN owner_lock, DROP COLUMN resource_id`);
  }
}
