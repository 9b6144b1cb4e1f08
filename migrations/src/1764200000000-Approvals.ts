import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Approval flows (versioned definitions per document type and organisation subtree), the approval
 * of each submitted document with its tasks and timeline, delegations, and in-app notifications.
 */
export class Approvals1764200000000 implements MigrationInterface {
  name = 'Approvals1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE approval_flow (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code varchar(32) NOT NULL,
        name varchar(100) NOT NULL,
        doc_type varchar(32) NOT NULL,
        org_id uuid NOT NULL REFERENCES organization(id),
        status varchar(10) NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE','DISABLED')),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_approval_flow_code UNIQUE (code)
      );
      -- one active flow per document type and organisation: the deepest one above a document decides
      CREATE UNIQUE INDEX uq_approval_flow_active ON approval_flow (doc_type, org_id) WHERE status = 'ACTIVE';
      CREATE TRIGGER trg_approval_flow_updated BEFORE UPDATE ON approval_flow FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      -- every saved definition is kept: a running approval reads the version it started with
      CREATE TABLE approval_flow_version (
        flow_id uuid NOT NULL REFERENCES approval_flow(id),
        version int NOT NULL,
        definition jsonb NOT NULL,
        created_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (flow_id, version)
      );

      CREATE TABLE approval_instance (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        doc_type varchar(32) NOT NULL,
        doc_id uuid NOT NULL,
        doc_number varchar(32) NOT NULL,
        doc_summary varchar(200) NOT NULL,
        -- the organisation whose scope decides who may see it (an order: its dealer)
        scope_org_id uuid NOT NULL REFERENCES organization(id),
        branch_id uuid NOT NULL REFERENCES organization(id),
        flow_id uuid REFERENCES approval_flow(id),
        flow_version int,
        status varchar(10) NOT NULL CHECK (status IN ('PENDING','APPROVED','REJECTED','RETURNED','WITHDRAWN')),
        current_step int,
        facts jsonb NOT NULL,
        routing jsonb NOT NULL DEFAULT '[]',
        submitted_by uuid REFERENCES app_user(id),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_approval_instance_doc ON approval_instance (doc_type, doc_id, created_at DESC);
      CREATE UNIQUE INDEX uq_approval_instance_open ON approval_instance (doc_type, doc_id) WHERE status = 'PENDING';
      CREATE INDEX ix_approval_instance_submitter ON approval_instance (submitted_by, created_at DESC);
      CREATE TRIGGER trg_approval_instance_updated BEFORE UPDATE ON approval_instance FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      CREATE TABLE approval_task (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        instance_id uuid NOT NULL REFERENCES approval_instance(id),
        step_index int NOT NULL,
        step_name varchar(100) NOT NULL,
        approver_id uuid NOT NULL REFERENCES app_user(id),
        delegated_from uuid REFERENCES app_user(id),
        status varchar(10) NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','APPROVED','REJECTED','RETURNED','CLOSED')),
        comment varchar(500),
        due_at timestamptz,
        acted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_approval_task_reject_reason CHECK (status NOT IN ('REJECTED','RETURNED') OR comment IS NOT NULL)
      );
      CREATE INDEX ix_approval_task_approver ON approval_task (approver_id, status, created_at DESC);
      CREATE INDEX ix_approval_task_instance ON approval_task (instance_id, step_index);
      CREATE INDEX ix_approval_task_due ON approval_task (due_at) WHERE status = 'PENDING' AND due_at IS NOT NULL;

      CREATE TABLE approval_event (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        instance_id uuid NOT NULL REFERENCES approval_instance(id),
        action varchar(20) NOT NULL,
        step_index int,
        step_name varchar(100),
        actor_id uuid REFERENCES app_user(id),
        note varchar(500),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_approval_event_instance ON approval_event (instance_id, created_at);

      -- 委托: while the period runs, tasks for user_id go to delegate_id
      CREATE TABLE approval_delegation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES app_user(id),
        delegate_id uuid NOT NULL REFERENCES app_user(id),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_approval_delegation CHECK (ends_at > starts_at AND user_id <> delegate_id)
      );
      CREATE INDEX ix_approval_delegation_user ON approval_delegation (user_id, starts_at, ends_at);

      CREATE TABLE notification (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES app_user(id),
        kind varchar(20) NOT NULL,
        title varchar(200) NOT NULL,
        body varchar(500),
        link varchar(200),
        read_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_notification_user ON notification (user_id, created_at DESC);
      CREATE INDEX ix_notification_unread ON notification (user_id) WHERE read_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE notification; DROP TABLE approval_delegation; DROP TABLE approval_event; DROP TABLE approval_task;
      DROP TABLE approval_instance; DROP TABLE approval_flow_version; DROP TABLE approval_flow;
    `);
  }
}
