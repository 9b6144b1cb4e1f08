import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invoices (issue #13): the register (invoice, invoice_line, invoice_attachment), supplementary
 * entries waiting for approval (invoice_supplement), reconciliation runs against the tax
 * platform's export and their findings. The database is the last line of defence:
 * - uniqueness: one invoice per 数电 number, one per 发票代码 + 发票号码 (partial unique indexes);
 * - signs: a blue invoice's amount, tax and total are >= 0, a red one's <= 0, total = amount + tax;
 *   a red invoice names its blue original, a blue one never does;
 * - invoices are never deleted (kept five years by law): a trigger refuses DELETE.
 * Dealers get a tax id (统一社会信用代码); the invoice permissions reach the roles that manage invoices.
 */
export class Invoicing1764730000000 implements MigrationInterface {
  name = 'Invoicing1764730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE EXTENSION IF NOT EXISTS pg_trgm;

      ALTER TABLE organization ADD COLUMN tax_id varchar(20);
      CREATE INDEX ix_organization_tax_id ON organization (tax_id) WHERE tax_id IS NOT NULL;

      CREATE TABLE invoice (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type varchar(2) NOT NULL,
        kind varchar(4) NOT NULL CHECK (kind IN ('BLUE', 'RED')),
        elec_number varchar(20) CHECK (elec_number ~ '^[0-9]{20}$'),
        code varchar(12) CHECK (code ~ '^[0-9]{10}([0-9]{2})?$'),
        number varchar(8) CHECK (number ~ '^[0-9]{8}$'),
        issue_date date NOT NULL,
        seller_name varchar(200) NOT NULL,
        seller_tax_id varchar(20),
        buyer_name varchar(200) NOT NULL,
        buyer_tax_id varchar(20),
        dealer_id uuid REFERENCES organization(id),
        -- whose data scope the invoice is in: its dealer, else the company (HQ) for a buyer no dealer matches
        scope_org_id uuid NOT NULL REFERENCES organization(id),
        amount numeric(18,2) NOT NULL,
        tax numeric(18,2) NOT NULL,
        total numeric(18,2) NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'NORMAL' CHECK (status IN ('NORMAL', 'VOIDED', 'RED_FULL', 'RED_PARTIAL')),
        source varchar(16) NOT NULL CHECK (source IN ('ISSUED', 'SUPPLEMENTARY', 'PLATFORM', 'IMPORTED')),
        blue_id uuid REFERENCES invoice(id),
        red_reason varchar(2) CHECK (red_reason IN ('01', '02', '03', '04')),
        red_confirmation_no varchar(40),
        issuer varchar(50),
        remark varchar(500),
        risk_level varchar(20),
        invalid_tax_id boolean NOT NULL DEFAULT false,
        not_received boolean NOT NULL DEFAULT false,
        not_received_note varchar(500),
        not_received_at timestamptz,
        not_received_by uuid REFERENCES app_user(id),
        void_reason varchar(500),
        voided_at timestamptz,
        voided_by uuid REFERENCES app_user(id),
        supplement_id uuid,
        created_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version int NOT NULL DEFAULT 1,
        CONSTRAINT ck_invoice_numbered CHECK (elec_number IS NOT NULL OR (code IS NOT NULL AND number IS NOT NULL)),
        CONSTRAINT ck_invoice_total CHECK (total = amount + tax),
        CONSTRAINT ck_invoice_sign CHECK (
          (kind = 'BLUE' AND amount >= 0 AND tax >= 0 AND total >= 0) OR (kind = 'RED' AND amount <= 0 AND tax <= 0 AND total < 0)),
        CONSTRAINT ck_invoice_red_has_blue CHECK (kind = 'RED' OR blue_id IS NULL)
      );
      CREATE UNIQUE INDEX uq_invoice_elec_number ON invoice (elec_number) WHERE elec_number IS NOT NULL;
      CREATE UNIQUE INDEX uq_invoice_code_number ON invoice (code, number) WHERE code IS NOT NULL AND number IS NOT NULL;
      -- lookup: the 8-digit number alone, tax ids, names (trigram), the date-sorted register, scope
      CREATE INDEX ix_invoice_number ON invoice (number) WHERE number IS NOT NULL;
      CREATE INDEX ix_invoice_buyer_tax_id ON invoice (buyer_tax_id);
      CREATE INDEX ix_invoice_seller_tax_id ON invoice (seller_tax_id);
      CREATE INDEX ix_invoice_buyer_name_trgm ON invoice USING gin (buyer_name gin_trgm_ops);
      CREATE INDEX ix_invoice_issue_date ON invoice (issue_date DESC, id);
      CREATE INDEX ix_invoice_scope ON invoice (scope_org_id, issue_date DESC);
      CREATE INDEX ix_invoice_dealer ON invoice (dealer_id, issue_date DESC);
      CREATE INDEX ix_invoice_blue ON invoice (blue_id) WHERE blue_id IS NOT NULL;
      CREATE INDEX ix_invoice_not_received ON invoice (scope_org_id) WHERE not_received;

      CREATE FUNCTION invoice_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'invoices are never deleted: red-letter, void or edit them' USING ERRCODE = '23001';
      END $$;
      CREATE TRIGGER trg_invoice_never_deleted BEFORE DELETE ON invoice FOR EACH ROW EXECUTE FUNCTION invoice_never_deleted();

      CREATE TABLE invoice_line (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        invoice_id uuid NOT NULL REFERENCES invoice(id),
        line_no int NOT NULL,
        shipment_line_id uuid REFERENCES shipment_line(id),
        blue_line_id uuid REFERENCES invoice_line(id),
        product_id uuid REFERENCES product(id),
        name varchar(200) NOT NULL,
        spec varchar(100),
        unit varchar(20),
        qty numeric(18,3),
        unit_price numeric(18,4),
        amount numeric(18,2) NOT NULL,
        tax_rate numeric(6,4) NOT NULL DEFAULT 0 CHECK (tax_rate >= 0 AND tax_rate < 1),
        tax numeric(18,2) NOT NULL,
        total numeric(18,2) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_invoice_line_total CHECK (total = amount + tax),
        UNIQUE (invoice_id, line_no)
      );
      CREATE INDEX ix_invoice_line_shipment_line ON invoice_line (shipment_line_id) WHERE shipment_line_id IS NOT NULL;
      CREATE INDEX ix_invoice_line_blue_line ON invoice_line (blue_line_id) WHERE blue_line_id IS NOT NULL;
      CREATE TRIGGER trg_invoice_line_never_deleted BEFORE DELETE ON invoice_line FOR EACH ROW EXECUTE FUNCTION invoice_never_deleted();

      CREATE TABLE invoice_supplement (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tracking_number varchar(20) NOT NULL UNIQUE,
        status varchar(20) NOT NULL CHECK (status IN ('PENDING_APPROVAL', 'APPROVED', 'REJECTED')),
        type varchar(2) NOT NULL,
        elec_number varchar(20),
        code varchar(12),
        number varchar(8),
        issue_date date NOT NULL,
        seller_name varchar(200) NOT NULL,
        seller_tax_id varchar(20),
        buyer_name varchar(200) NOT NULL,
        buyer_tax_id varchar(20),
        dealer_id uuid REFERENCES organization(id),
        scope_org_id uuid NOT NULL REFERENCES organization(id),
        amount numeric(18,2) NOT NULL,
        tax numeric(18,2) NOT NULL,
        total numeric(18,2) NOT NULL,
        kind varchar(4) NOT NULL DEFAULT 'BLUE' CHECK (kind IN ('BLUE', 'RED')),
        status_on_platform varchar(16),
        remark varchar(500),
        reason varchar(500) NOT NULL,
        finding_id uuid,
        lines jsonb NOT NULL DEFAULT '[]',
        invoice_id uuid REFERENCES invoice(id),
        rejected_reason varchar(500),
        created_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version int NOT NULL DEFAULT 1,
        CONSTRAINT ck_supplement_numbered CHECK (elec_number IS NOT NULL OR (code IS NOT NULL AND number IS NOT NULL)),
        CONSTRAINT ck_supplement_total CHECK (total = amount + tax)
      );
      -- one pending entry per invoice number at a time
      CREATE UNIQUE INDEX uq_supplement_pending_elec ON invoice_supplement (elec_number) WHERE elec_number IS NOT NULL AND status = 'PENDING_APPROVAL';
      CREATE UNIQUE INDEX uq_supplement_pending_code ON invoice_supplement (code, number) WHERE code IS NOT NULL AND status = 'PENDING_APPROVAL';
      CREATE INDEX ix_supplement_status ON invoice_supplement (status, created_at DESC);
      ALTER TABLE invoice ADD CONSTRAINT fk_invoice_supplement FOREIGN KEY (supplement_id) REFERENCES invoice_supplement(id);

      CREATE TABLE invoice_attachment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        invoice_id uuid REFERENCES invoice(id),
        supplement_id uuid REFERENCES invoice_supplement(id),
        storage_key varchar(100) NOT NULL,
        file_name varchar(200) NOT NULL,
        content_type varchar(100) NOT NULL,
        size_bytes int NOT NULL,
        created_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_attachment_owner CHECK (invoice_id IS NOT NULL OR supplement_id IS NOT NULL)
      );
      CREATE INDEX ix_invoice_attachment_invoice ON invoice_attachment (invoice_id);
      CREATE INDEX ix_invoice_attachment_supplement ON invoice_attachment (supplement_id);

      CREATE TABLE invoice_recon_run (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        file_name varchar(200) NOT NULL,
        file_size int NOT NULL,
        platform_rows int NOT NULL,
        date_from date,
        date_to date,
        counts jsonb NOT NULL,
        created_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_recon_run_created ON invoice_recon_run (created_at DESC);

      CREATE TABLE invoice_recon_finding (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id uuid NOT NULL REFERENCES invoice_recon_run(id),
        category varchar(24) NOT NULL CHECK (category IN ('MATCHED', 'MISSING_IN_SYSTEM', 'MISSING_ON_PLATFORM', 'AMOUNT_MISMATCH', 'STATUS_MISMATCH', 'DUPLICATE', 'INVALID_TAX_ID', 'RED_WITHOUT_BLUE')),
        match_key varchar(40) NOT NULL,
        elec_number varchar(20),
        code varchar(12),
        number varchar(8),
        platform_row int,
        platform jsonb,
        invoice_id uuid REFERENCES invoice(id),
        system jsonb,
        resolution varchar(20) CHECK (resolution IN ('SUPPLEMENTED', 'STATUS_CORRECTED', 'EXPLAINED')),
        resolution_note varchar(500),
        resolved_by uuid REFERENCES app_user(id),
        resolved_at timestamptz,
        supplement_id uuid REFERENCES invoice_supplement(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_recon_finding_run ON invoice_recon_finding (run_id, category, platform_row);
      CREATE INDEX ix_recon_finding_open ON invoice_recon_finding (run_id) WHERE resolution IS NULL AND category <> 'MATCHED';

      -- the invoice permissions reach the roles that managed invoices (built-in roles are also synced from the code at start)
      UPDATE role SET permissions = ARRAY(SELECT DISTINCT p FROM unnest(permissions || ARRAY['invoices:view', 'invoices:edit', 'invoices:reconcile']::text[]) p ORDER BY p)
       WHERE code IN ('HQ_ADMIN', 'FINANCE') OR 'invoices:manage' = ANY(permissions);
      UPDATE role SET permissions = ARRAY(SELECT DISTINCT p FROM unnest(permissions || ARRAY['invoices:view']::text[]) p ORDER BY p)
       WHERE code = 'BRANCH_MANAGER';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE role SET permissions = ARRAY(SELECT p FROM unnest(permissions) p WHERE p NOT IN ('invoices:view', 'invoices:edit', 'invoices:reconcile') ORDER BY p);
      DROP TABLE invoice_recon_finding;
      DROP TABLE invoice_recon_run;
      DROP TABLE invoice_attachment;
      ALTER TABLE invoice DROP CONSTRAINT fk_invoice_supplement;
      DROP TABLE invoice_supplement;
      DROP TABLE invoice_line;
      DROP TABLE invoice;
      DROP FUNCTION invoice_never_deleted();
      DROP INDEX ix_organization_tax_id;
      ALTER TABLE organization DROP COLUMN tax_id;
    `);
  }
}
