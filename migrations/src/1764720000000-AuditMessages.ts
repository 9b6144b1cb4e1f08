import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit entries worded in the reader's language: a message key and its values (codes, numbers,
 * statuses), as notifications already do. `summary` stays as the stored fallback text. Older rows
 * get what their action, entity and before/after tell: sign-in events by action, a status move
 * from before.status / after.status, imports from their counts, the rest as "action entity label"
 * with the label (number, code, username, name) read from after/before.
 */
export class AuditMessages1764720000000 implements MigrationInterface {
  name = 'AuditMessages1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE audit_log
        ADD COLUMN message_key text,
        ADD COLUMN message_values jsonb CHECK (message_values IS NULL OR jsonb_typeof(message_values) = 'object');

      UPDATE audit_log SET message_key = 'auth.' || action, message_values = jsonb_build_object('name', actor_name)
       WHERE entity = 'auth' AND action IN ('login', 'logout', 'login_failed', 'throttle_lock', 'refresh_reuse');

      UPDATE audit_log SET message_key = 'transition',
             message_values = jsonb_build_object('action', action, 'entity', entity, 'from', before->>'status', 'to', after->>'status',
                                                 'note', COALESCE(after->>'note', after->>'reason'))
       WHERE message_key IS NULL AND jsonb_typeof(before) = 'object' AND jsonb_typeof(after) = 'object'
         AND before ? 'status' AND after ? 'status' AND before->>'status' IS DISTINCT FROM after->>'status';

      UPDATE audit_log SET message_key = 'import',
             message_values = jsonb_build_object('what', substr(action, 8), 'created', COALESCE((after->>'created')::int, 0), 'updated', COALESCE((after->>'updated')::int, 0))
       WHERE message_key IS NULL AND action LIKE 'import\\_%';

      UPDATE audit_log SET message_key = 'generic',
             message_values = jsonb_build_object('action', action, 'entity', entity, 'label',
               COALESCE(after->>'number', before->>'number', after->>'code', before->>'code', after->>'username', before->>'username', after->>'name', before->>'name'))
       WHERE message_key IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE audit_log DROP COLUMN message_values, DROP COLUMN message_key');
  }
}
