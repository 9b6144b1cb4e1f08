import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Principal per request (issue #17): the server caches the signed-in user's roles, permissions and
 * scope in the process and re-reads them only when a version moved. The versions are bumped by
 * triggers, in the same transaction as the change, so no writer can forget one:
 * - principal_version (one row per user, made on first bump): the user's own principal changed —
 *   status (disabling), organisation, name, password (reset), role links, dealer assignments.
 * - auth_epoch (one row): something many principals derive from changed — a role's code,
 *   permissions or data scope (a role edit), an organisation's path, parent, type or status
 *   (moves and disabling of organisations). Every cached principal is re-read after it moves.
 * The session's validity (logout, revoke, expiry) is read from auth_session on every request.
 */
export class PrincipalVersion1764780000000 implements MigrationInterface {
  name = 'PrincipalVersion1764780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE principal_version (
        user_id uuid PRIMARY KEY REFERENCES app_user(id) ON DELETE CASCADE,
        version bigint NOT NULL DEFAULT 1
      );
      CREATE TABLE auth_epoch (
        id int PRIMARY KEY CHECK (id = 1),
        version bigint NOT NULL DEFAULT 0
      );
      INSERT INTO auth_epoch (id, version) VALUES (1, 0);

      CREATE FUNCTION bump_principal_version(uid uuid) RETURNS void AS $$
        INSERT INTO principal_version AS v (user_id, version) VALUES (uid, 1)
        ON CONFLICT (user_id) DO UPDATE SET version = v.version + 1;
      $$ LANGUAGE sql;

      CREATE FUNCTION trg_principal_app_user() RETURNS trigger AS $$
      BEGIN
        IF NEW.status IS DISTINCT FROM OLD.status OR NEW.org_id IS DISTINCT FROM OLD.org_id
           OR NEW.username IS DISTINCT FROM OLD.username OR NEW.display_name IS DISTINCT FROM OLD.display_name
           OR NEW.password_hash IS DISTINCT FROM OLD.password_hash THEN
          PERFORM bump_principal_version(NEW.id);
        END IF;
        RETURN NULL;
      END $$ LANGUAGE plpgsql;
      CREATE TRIGGER trg_app_user_principal AFTER UPDATE ON app_user FOR EACH ROW EXECUTE FUNCTION trg_principal_app_user();

      CREATE FUNCTION trg_principal_user_link() RETURNS trigger AS $$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          -- a link deleted with its user (cascade) has no user left to bump
          IF EXISTS (SELECT 1 FROM app_user WHERE id = OLD.user_id) THEN PERFORM bump_principal_version(OLD.user_id); END IF;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
          PERFORM bump_principal_version(NEW.user_id);
        END IF;
        RETURN NULL;
      END $$ LANGUAGE plpgsql;
      CREATE TRIGGER trg_user_role_principal AFTER INSERT OR UPDATE OR DELETE ON user_role FOR EACH ROW EXECUTE FUNCTION trg_principal_user_link();
      CREATE TRIGGER trg_user_dealer_principal AFTER INSERT OR UPDATE OR DELETE ON user_dealer FOR EACH ROW EXECUTE FUNCTION trg_principal_user_link();

      CREATE FUNCTION bump_auth_epoch() RETURNS trigger AS $$
      BEGIN
        UPDATE auth_epoch SET version = version + 1 WHERE id = 1;
        RETURN NULL;
      END $$ LANGUAGE plpgsql;
      CREATE TRIGGER trg_role_principal AFTER UPDATE ON role FOR EACH ROW
        WHEN (NEW.code IS DISTINCT FROM OLD.code OR NEW.permissions IS DISTINCT FROM OLD.permissions OR NEW.data_scope IS DISTINCT FROM OLD.data_scope)
        EXECUTE FUNCTION bump_auth_epoch();
      CREATE TRIGGER trg_role_principal_delete AFTER DELETE ON role FOR EACH ROW EXECUTE FUNCTION bump_auth_epoch();
      -- per statement: a subtree move rewrites many paths and bumps the epoch once
      CREATE FUNCTION trg_principal_organization() RETURNS trigger AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                   WHERE n.path IS DISTINCT FROM o.path OR n.parent_id IS DISTINCT FROM o.parent_id
                      OR n.type IS DISTINCT FROM o.type OR n.status IS DISTINCT FROM o.status) THEN
          UPDATE auth_epoch SET version = version + 1 WHERE id = 1;
        END IF;
        RETURN NULL;
      END $$ LANGUAGE plpgsql;
      CREATE TRIGGER trg_organization_principal AFTER UPDATE ON organization REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION trg_principal_organization();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER trg_organization_principal ON organization;
      DROP FUNCTION trg_principal_organization();
      DROP TRIGGER trg_role_principal_delete ON role;
      DROP TRIGGER trg_role_principal ON role;
      DROP FUNCTION bump_auth_epoch();
      DROP TRIGGER trg_user_dealer_principal ON user_dealer;
      DROP TRIGGER trg_user_role_principal ON user_role;
      DROP FUNCTION trg_principal_user_link();
      DROP TRIGGER trg_app_user_principal ON app_user;
      DROP FUNCTION trg_principal_app_user();
      DROP FUNCTION bump_principal_version(uuid);
      DROP TABLE auth_epoch;
      DROP TABLE principal_version;
    `);
  }
}
