import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sales orders (with their status timeline), shipments, returns, receivables, receipts with their
 * allocations, credit accounts and dealer statements. Running totals (credit_account, order
 * committed/shipped, receivable open amounts, unallocated credits) are kept by the services under
 * row locks; the CHECKs below are the last line behind them and the consistency check recomputes
 * them from the documents.
 */
export class SalesFinance1764100000000 implements MigrationInterface {
  name = 'SalesFinance1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- one row per dealer: the policy and the running totals locked by every credit-relevant change
      CREATE TABLE credit_account (
        dealer_id uuid PRIMARY KEY REFERENCES organization(id) ON DELETE CASCADE,
        credit_limit numeric(18,2) NOT NULL DEFAULT 0 CHECK (credit_limit >= 0),
        credit_days int NOT NULL DEFAULT 0 CHECK (credit_days BETWEEN 0 AND 3650),
        mode varchar(8) NOT NULL DEFAULT 'NONE' CHECK (mode IN ('NONE','WARN','BLOCK')),
        block_on_overdue boolean NOT NULL DEFAULT false,
        open_receivables numeric(18,2) NOT NULL DEFAULT 0 CHECK (open_receivables >= 0),
        open_orders numeric(18,2) NOT NULL DEFAULT 0 CHECK (open_orders >= 0),
        prepayment numeric(18,2) NOT NULL DEFAULT 0 CHECK (prepayment >= 0),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TRIGGER trg_credit_account_updated BEFORE UPDATE ON credit_account FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      CREATE TABLE sales_order (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number varchar(32) NOT NULL,
        status varchar(20) NOT NULL CHECK (status IN ('DRAFT','PENDING_REVIEW','PENDING_APPROVAL','APPROVED','PARTIALLY_SHIPPED','SHIPPED','COMPLETED','REJECTED','CANCELLED')),
        source varchar(16) NOT NULL CHECK (source IN ('CONSOLE','MALL','VISIT','REPLENISHMENT')),
        dealer_id uuid NOT NULL REFERENCES organization(id),
        branch_id uuid NOT NULL REFERENCES organization(id),
        warehouse_id uuid NOT NULL REFERENCES warehouse(id),
        sales_rep_id uuid REFERENCES app_user(id),
        requested_date date,
        business_date date NOT NULL,
        remark varchar(500),
        total numeric(18,2) NOT NULL DEFAULT 0 CHECK (total >= 0),
        tax_total numeric(18,2) NOT NULL DEFAULT 0,
        discount_total numeric(18,2) NOT NULL DEFAULT 0,
        shipped_total numeric(18,2) NOT NULL DEFAULT 0 CHECK (shipped_total >= 0 AND shipped_total <= total),
        -- what this order holds in credit_account.open_orders right now
        committed numeric(18,2) NOT NULL DEFAULT 0 CHECK (committed >= 0),
        below_floor boolean NOT NULL DEFAULT false,
        credit_check jsonb,
        copied_from_id uuid REFERENCES sales_order(id),
        created_by uuid REFERENCES app_user(id),
        submitted_at timestamptz,
        approved_at timestamptz,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_sales_order_number UNIQUE (number),
        CONSTRAINT ck_sales_order_committed CHECK (committed = 0 OR status IN ('PENDING_APPROVAL','APPROVED','PARTIALLY_SHIPPED'))
      );
      CREATE INDEX ix_sales_order_dealer ON sales_order (dealer_id, created_at DESC);
      CREATE INDEX ix_sales_order_branch ON sales_order (branch_id, created_at DESC);
      CREATE INDEX ix_sales_order_status ON sales_order (status, created_at DESC);
      CREATE INDEX ix_sales_order_created ON sales_order (created_at DESC);
      CREATE TRIGGER trg_sales_order_updated BEFORE UPDATE ON sales_order FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      CREATE TABLE sales_order_line (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES sales_order(id) ON DELETE CASCADE,
        line_no int NOT NULL,
        product_id uuid NOT NULL REFERENCES product(id),
        qty numeric(18,3) NOT NULL CHECK (qty > 0),
        unit_price numeric(18,4) NOT NULL CHECK (unit_price >= 0),
        list_price numeric(18,4) NOT NULL CHECK (list_price >= 0),
        price_source varchar(16) NOT NULL CHECK (price_source IN ('PROMOTION','PRICE_BOOK','LEVEL','BASE','MANUAL')),
        price_ref_id varchar(64),
        price_ref_name varchar(200),
        floor_price numeric(18,4),
        below_floor boolean NOT NULL DEFAULT false,
        discount_rate numeric(5,4) NOT NULL DEFAULT 0 CHECK (discount_rate >= 0 AND discount_rate < 1),
        tax_rate numeric(5,4) NOT NULL,
        amount numeric(18,2) NOT NULL CHECK (amount >= 0),
        tax_amount numeric(18,2) NOT NULL,
        shipped_qty numeric(18,3) NOT NULL DEFAULT 0,
        shipped_amount numeric(18,2) NOT NULL DEFAULT 0,
        returned_qty numeric(18,3) NOT NULL DEFAULT 0,
        remark varchar(200),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_sales_order_line UNIQUE (order_id, line_no),
        CONSTRAINT ck_sales_order_line_shipped CHECK (shipped_qty >= 0 AND shipped_qty <= qty AND shipped_amount >= 0 AND shipped_amount <= amount),
        CONSTRAINT ck_sales_order_line_returned CHECK (returned_qty >= 0 AND returned_qty <= shipped_qty)
      );
      CREATE INDEX ix_sales_order_line_product ON sales_order_line (product_id);

      -- the status timeline
      CREATE TABLE sales_order_event (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES sales_order(id) ON DELETE CASCADE,
        action varchar(20) NOT NULL,
        from_status varchar(20),
        to_status varchar(20) NOT NULL,
        note varchar(500),
        actor_id uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_sales_order_event_order ON sales_order_event (order_id, created_at);

      CREATE TABLE shipment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number varchar(32) NOT NULL,
        order_id uuid NOT NULL REFERENCES sales_order(id),
        dealer_id uuid NOT NULL REFERENCES organization(id),
        warehouse_id uuid NOT NULL REFERENCES warehouse(id),
        business_date date NOT NULL,
        due_date date NOT NULL,
        logistics_company varchar(50),
        tracking_no varchar(50),
        amount numeric(18,2) NOT NULL CHECK (amount >= 0),
        remark varchar(500),
        created_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_shipment_number UNIQUE (number),
        CONSTRAINT ck_shipment_due CHECK (due_date >= business_date)
      );
      CREATE INDEX ix_shipment_order ON shipment (order_id);
      CREATE INDEX ix_shipment_dealer ON shipment (dealer_id, business_date);
      CREATE INDEX ix_shipment_created ON shipment (created_at DESC);

      CREATE TABLE shipment_line (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        shipment_id uuid NOT NULL REFERENCES shipment(id) ON DELETE CASCADE,
        order_line_id uuid NOT NULL REFERENCES sales_order_line(id),
        product_id uuid NOT NULL REFERENCES product(id),
        qty numeric(18,3) NOT NULL CHECK (qty > 0),
        unit_price numeric(18,4) NOT NULL,
        amount numeric(18,2) NOT NULL CHECK (amount >= 0),
        returned_qty numeric(18,3) NOT NULL DEFAULT 0,
        returned_amount numeric(18,2) NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_shipment_line_returned CHECK (returned_qty >= 0 AND returned_qty <= qty AND returned_amount >= 0 AND returned_amount <= amount)
      );
      CREATE INDEX ix_shipment_line_shipment ON shipment_line (shipment_id);

      CREATE TABLE sales_return (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number varchar(32) NOT NULL,
        shipment_id uuid NOT NULL REFERENCES shipment(id),
        order_id uuid NOT NULL REFERENCES sales_order(id),
        dealer_id uuid NOT NULL REFERENCES organization(id),
        warehouse_id uuid NOT NULL REFERENCES warehouse(id),
        business_date date NOT NULL,
        reason varchar(200) NOT NULL,
        amount numeric(18,2) NOT NULL CHECK (amount >= 0),
        -- the part of the credit not yet set against a receivable
        unallocated numeric(18,2) NOT NULL CHECK (unallocated >= 0 AND unallocated <= amount),
        created_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_sales_return_number UNIQUE (number)
      );
      CREATE INDEX ix_sales_return_dealer ON sales_return (dealer_id, business_date);
      CREATE INDEX ix_sales_return_shipment ON sales_return (shipment_id);
      CREATE INDEX ix_sales_return_created ON sales_return (created_at DESC);

      CREATE TABLE sales_return_line (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        return_id uuid NOT NULL REFERENCES sales_return(id) ON DELETE CASCADE,
        shipment_line_id uuid NOT NULL REFERENCES shipment_line(id),
        product_id uuid NOT NULL REFERENCES product(id),
        qty numeric(18,3) NOT NULL CHECK (qty > 0),
        unit_price numeric(18,4) NOT NULL,
        amount numeric(18,2) NOT NULL CHECK (amount >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_sales_return_line_return ON sales_return_line (return_id);

      -- posted by a shipment; due = shipment date + credit days
      CREATE TABLE receivable (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number varchar(32) NOT NULL,
        shipment_id uuid NOT NULL REFERENCES shipment(id),
        order_id uuid NOT NULL REFERENCES sales_order(id),
        dealer_id uuid NOT NULL REFERENCES organization(id),
        branch_id uuid REFERENCES organization(id),
        sales_rep_id uuid REFERENCES app_user(id),
        business_date date NOT NULL,
        due_date date NOT NULL,
        amount numeric(18,2) NOT NULL CHECK (amount >= 0),
        open_amount numeric(18,2) NOT NULL CHECK (open_amount >= 0 AND open_amount <= amount),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_receivable_shipment UNIQUE (shipment_id)
      );
      CREATE INDEX ix_receivable_dealer_due ON receivable (dealer_id, due_date, business_date);
      CREATE INDEX ix_receivable_open_due ON receivable (due_date) INCLUDE (open_amount, dealer_id, branch_id, sales_rep_id) WHERE open_amount > 0;
      CREATE TRIGGER trg_receivable_updated BEFORE UPDATE ON receivable FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      CREATE TABLE receipt (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number varchar(32) NOT NULL,
        dealer_id uuid NOT NULL REFERENCES organization(id),
        method varchar(20) NOT NULL CHECK (method IN ('BANK_TRANSFER','CASH','ALIPAY','WECHAT','BANK_ACCEPTANCE','OTHER')),
        bank_ref varchar(64),
        amount numeric(18,2) NOT NULL CHECK (amount > 0),
        unallocated numeric(18,2) NOT NULL CHECK (unallocated >= 0 AND unallocated <= amount),
        business_date date NOT NULL,
        status varchar(10) NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE','REVERSED')),
        remark varchar(500),
        reversal_reason varchar(200),
        reversal_date date,
        reversed_at timestamptz,
        reversed_by uuid REFERENCES app_user(id),
        created_by uuid REFERENCES app_user(id),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_receipt_number UNIQUE (number),
        CONSTRAINT ck_receipt_reversal CHECK ((status = 'REVERSED') = (reversal_reason IS NOT NULL AND reversal_date IS NOT NULL)),
        CONSTRAINT ck_receipt_reversed_unallocated CHECK (status = 'ACTIVE' OR unallocated = 0)
      );
      CREATE INDEX ix_receipt_dealer ON receipt (dealer_id, business_date);
      CREATE INDEX ix_receipt_created ON receipt (created_at DESC);
      CREATE TRIGGER trg_receipt_updated BEFORE UPDATE ON receipt FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      -- money of a receipt or a return set against a receivable; reversing a receipt reverses its allocations
      CREATE TABLE allocation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        receivable_id uuid NOT NULL REFERENCES receivable(id),
        receipt_id uuid REFERENCES receipt(id),
        return_id uuid REFERENCES sales_return(id),
        amount numeric(18,2) NOT NULL CHECK (amount > 0),
        reversed boolean NOT NULL DEFAULT false,
        created_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_allocation_source CHECK ((receipt_id IS NULL) <> (return_id IS NULL))
      );
      CREATE INDEX ix_allocation_receivable ON allocation (receivable_id);
      CREATE INDEX ix_allocation_receipt ON allocation (receipt_id) WHERE receipt_id IS NOT NULL;
      CREATE INDEX ix_allocation_return ON allocation (return_id) WHERE return_id IS NOT NULL;

      CREATE TABLE statement (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number varchar(32) NOT NULL,
        dealer_id uuid NOT NULL REFERENCES organization(id),
        period_from date NOT NULL,
        period_to date NOT NULL,
        opening_balance numeric(18,2) NOT NULL,
        shipments numeric(18,2) NOT NULL,
        returns numeric(18,2) NOT NULL,
        receipts numeric(18,2) NOT NULL,
        closing_balance numeric(18,2) NOT NULL,
        lines jsonb NOT NULL,
        status varchar(10) NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','CONFIRMED','DISPUTED')),
        origin varchar(10) NOT NULL CHECK (origin IN ('MANUAL','MONTH_END')),
        response_comment varchar(500),
        responded_by uuid REFERENCES app_user(id),
        responded_at timestamptz,
        created_by uuid REFERENCES app_user(id),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_statement_number UNIQUE (number),
        CONSTRAINT uq_statement_period UNIQUE (dealer_id, period_from, period_to),
        CONSTRAINT ck_statement_period CHECK (period_to >= period_from),
        CONSTRAINT ck_statement_dispute CHECK (status <> 'DISPUTED' OR response_comment IS NOT NULL)
      );
      CREATE INDEX ix_statement_period ON statement (period_to DESC, dealer_id);
      CREATE TRIGGER trg_statement_updated BEFORE UPDATE ON statement FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      -- the stock ledger now also records shipments and returns: doc_id points at the document of doc_type
      ALTER TABLE stock_movement DROP CONSTRAINT stock_movement_doc_id_fkey;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM stock_movement WHERE doc_type IN ('SHIPMENT','SALES_RETURN');
      ALTER TABLE stock_movement ADD CONSTRAINT stock_movement_doc_id_fkey FOREIGN KEY (doc_id) REFERENCES stock_doc(id);
      DROP TABLE statement; DROP TABLE allocation; DROP TABLE receipt; DROP TABLE receivable;
      DROP TABLE sales_return_line; DROP TABLE sales_return; DROP TABLE shipment_line; DROP TABLE shipment;
      DROP TABLE sales_order_event; DROP TABLE sales_order_line; DROP TABLE sales_order; DROP TABLE credit_account;
    `);
  }
}
