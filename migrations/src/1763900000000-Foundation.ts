import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The foundation schema: organisations (materialised path), roles, users, sessions and refresh
 * tokens, login throttling, audit log, idempotency keys, document-number sequences.
 */
export class Foundation1763900000000 implements MigrationInterface {
  name = 'Foundation1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger AS $$
      BEGIN NEW.updated_at = now(); RETURN NEW; END $$ LANGUAGE plpgsql;

      CREATE TABLE organization (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code varchar(32) NOT NULL,
        name varchar(100) NOT NULL,
        type varchar(16) NOT NULL CHECK (type IN ('HQ','BRANCH','DEALER')),
        parent_id uuid REFERENCES organization(id),
        -- materialised path of ids: '/<root>/<child>/.../<self>/'; a subtree is path LIKE prefix || '%'
        path text NOT NULL,
        depth int NOT NULL CHECK (depth >= 0),
        status varchar(16) NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE','DISABLED')),
        contact varchar(50),
        phone varchar(20),
        address varchar(200),
        region varchar(100),
        longitude double precision CHECK (longitude BETWEEN -180 AND 180),
        latitude double precision CHECK (latitude BETWEEN -90 AND 90),
        price_level smallint CHECK (price_level BETWEEN 1 AND 10),
        settlement_method varchar(16) CHECK (settlement_method IN ('CASH','MONTHLY','CREDIT_DAYS')),
        remark varchar(500),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_organization_code UNIQUE (code),
        CONSTRAINT ck_organization_root CHECK ((type = 'HQ') = (parent_id IS NULL)),
        CONSTRAINT ck_organization_dealer_fields CHECK (type = 'DEALER' OR (price_level IS NULL AND settlement_method IS NULL))
      );
      CREATE UNIQUE INDEX uq_organization_single_hq ON organization ((true)) WHERE type = 'HQ';
      CREATE UNIQUE INDEX uq_organization_path ON organization (path text_pattern_ops);
      CREATE INDEX ix_organization_parent ON organization (parent_id);
      CREATE INDEX ix_organization_type_name ON organization (type, name);
      CREATE TRIGGER trg_organization_updated BEFORE UPDATE ON organization FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      CREATE TABLE role (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code varchar(32) NOT NULL,
        name varchar(50) NOT NULL,
        name_en varchar(50),
        description varchar(200),
        builtin boolean NOT NULL DEFAULT false,
        data_scope varchar(20) NOT NULL CHECK (data_scope IN ('ALL','ORG_SUBTREE','ASSIGNED_DEALERS')),
        permissions text[] NOT NULL DEFAULT '{}',
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_role_code UNIQUE (code)
      );
      CREATE TRIGGER trg_role_updated BEFORE UPDATE ON role FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      CREATE TABLE app_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username varchar(32) NOT NULL CHECK (username = lower(username)),
        display_name varchar(50) NOT NULL,
        password_hash varchar(200) NOT NULL,
        phone varchar(20),
        email varchar(100),
        status varchar(16) NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE','DISABLED')),
        org_id uuid NOT NULL REFERENCES organization(id),
        locale varchar(10) NOT NULL DEFAULT 'zh-CN',
        last_login_at timestamptz,
        password_changed_at timestamptz,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_app_user_username UNIQUE (username)
      );
      CREATE INDEX ix_app_user_org ON app_user (org_id);
      CREATE TRIGGER trg_app_user_updated BEFORE UPDATE ON app_user FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      CREATE TABLE user_role (
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        role_id uuid NOT NULL REFERENCES role(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, role_id)
      );
      CREATE INDEX ix_user_role_role ON user_role (role_id);

      -- 管辖往来单位: the dealers a sales rep manages
      CREATE TABLE user_dealer (
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        dealer_id uuid NOT NULL REFERENCES organization(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, dealer_id)
      );
      CREATE INDEX ix_user_dealer_dealer ON user_dealer (dealer_id);

      -- One row per login: the refresh-token family. Revoking it ends the login everywhere.
      CREATE TABLE auth_session (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoke_reason varchar(32),
        ip varchar(64),
        user_agent varchar(300),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_auth_session_user ON auth_session (user_id);

      CREATE TABLE refresh_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES auth_session(id) ON DELETE CASCADE,
        token_hash char(64) NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_refresh_token_hash UNIQUE (token_hash)
      );
      CREATE INDEX ix_refresh_token_session ON refresh_token (session_id);

      CREATE TABLE login_throttle (
        username varchar(64) PRIMARY KEY,
        window_start timestamptz NOT NULL,
        failures int NOT NULL CHECK (failures >= 0),
        locked_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      -- No foreign keys: the trail must outlive what it describes.
      CREATE TABLE audit_log (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        actor_id uuid,
        actor_name varchar(50),
        org_id uuid,
        action varchar(40) NOT NULL,
        entity varchar(40) NOT NULL,
        entity_id uuid,
        summary varchar(300),
        before jsonb,
        after jsonb,
        request_id varchar(64),
        ip varchar(64),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_audit_log_created ON audit_log (created_at DESC);
      CREATE INDEX ix_audit_log_entity ON audit_log (entity, entity_id);
      CREATE INDEX ix_audit_log_actor ON audit_log (actor_id);
      CREATE INDEX ix_audit_log_org ON audit_log (org_id);

      CREATE TABLE idempotency_key (
        user_id uuid NOT NULL,
        key varchar(128) NOT NULL,
        method varchar(8) NOT NULL,
        path varchar(300) NOT NULL,
        request_hash char(64) NOT NULL,
        status_code int,
        response jsonb,
        completed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      );
      CREATE INDEX ix_idempotency_key_created ON idempotency_key (created_at);

      -- Human document numbers per type and business day (SO20261122-0007); never reused.
      CREATE TABLE doc_sequence (
        doc_type varchar(16) NOT NULL,
        day date NOT NULL,
        last_no int NOT NULL CHECK (last_no > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (doc_type, day)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE doc_sequence; DROP TABLE idempotency_key; DROP TABLE audit_log; DROP TABLE login_throttle;
      DROP TABLE refresh_token; DROP TABLE auth_session; DROP TABLE user_dealer; DROP TABLE user_role;
      DROP TABLE app_user; DROP TABLE role; DROP TABLE organization; DROP FUNCTION set_updated_at();
    `);
  }
}
