import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Catalog (categories, products, ten price levels, pack units, images), branch product scope,
 * warehouses and stock with numbered stock documents and a movement ledger, dealer price books,
 * promotions and price history.
 */
export class CatalogInventoryPricing1764000000000 implements MigrationInterface {
  name = 'CatalogInventoryPricing1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- 一级..十级批发价: the names are configurable, the ten levels are fixed
      CREATE TABLE price_level (
        level smallint PRIMARY KEY CHECK (level BETWEEN 1 AND 10),
        name varchar(20) NOT NULL,
        name_en varchar(30) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO price_level (level, name, name_en) VALUES
        (1,'一级批发价','Level 1'),(2,'二级批发价','Level 2'),(3,'三级批发价','Level 3'),(4,'四级批发价','Level 4'),(5,'五级批发价','Level 5'),
        (6,'六级批发价','Level 6'),(7,'七级批发价','Level 7'),(8,'八级批发价','Level 8'),(9,'九级批发价','Level 9'),(10,'十级批发价','Level 10');

      CREATE TABLE category (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code varchar(32) NOT NULL,
        name varchar(100) NOT NULL,
        parent_id uuid REFERENCES category(id),
        path text NOT NULL,
        depth int NOT NULL CHECK (depth >= 0),
        sort_order int NOT NULL DEFAULT 0,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_category_code UNIQUE (code)
      );
      CREATE UNIQUE INDEX uq_category_path ON category (path text_pattern_ops);
      CREATE INDEX ix_category_parent ON category (parent_id);
      CREATE TRIGGER trg_category_updated BEFORE UPDATE ON category FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      CREATE TABLE product (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code varchar(32) NOT NULL,
        name varchar(200) NOT NULL,
        spec varchar(100),
        brand varchar(50),
        category_id uuid NOT NULL REFERENCES category(id),
        base_unit varchar(10) NOT NULL,
        barcode varchar(32),
        tax_rate numeric(5,4) NOT NULL DEFAULT 0.13 CHECK (tax_rate >= 0 AND tax_rate < 1),
        base_price numeric(18,4) NOT NULL CHECK (base_price >= 0),
        -- NULL: the level-10 price is the floor
        floor_price numeric(18,4) CHECK (floor_price >= 0),
        min_order_qty numeric(18,3) NOT NULL DEFAULT 1 CHECK (min_order_qty > 0),
        order_multiple numeric(18,3) NOT NULL DEFAULT 1 CHECK (order_multiple > 0),
        status varchar(16) NOT NULL DEFAULT 'ON_SALE' CHECK (status IN ('ON_SALE','DISCONTINUED')),
        mall_published boolean NOT NULL DEFAULT false,
        low_stock_threshold numeric(18,3) NOT NULL DEFAULT 0 CHECK (low_stock_threshold >= 0),
        remark varchar(500),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_product_code UNIQUE (code),
        CONSTRAINT uq_product_barcode UNIQUE (barcode)
      );
      CREATE INDEX ix_product_category ON product (category_id);
      CREATE INDEX ix_product_name ON product (name);
      CREATE INDEX ix_product_brand ON product (brand);
      CREATE TRIGGER trg_product_updated BEFORE UPDATE ON product FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      CREATE TABLE product_price (
        product_id uuid NOT NULL REFERENCES product(id) ON DELETE CASCADE,
        level smallint NOT NULL REFERENCES price_level(level),
        price numeric(18,4) NOT NULL CHECK (price >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (product_id, level)
      );

      -- pack units: 1 箱 = 12 瓶 is (unit '箱', factor 12) for a product whose base unit is 瓶
      CREATE TABLE product_unit (
        product_id uuid NOT NULL REFERENCES product(id) ON DELETE CASCADE,
        unit varchar(10) NOT NULL,
        factor numeric(18,3) NOT NULL CHECK (factor > 1),
        barcode varchar(32),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (product_id, unit)
      );

      CREATE TABLE product_image (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid NOT NULL REFERENCES product(id) ON DELETE CASCADE,
        storage_key varchar(200) NOT NULL,
        file_name varchar(200) NOT NULL,
        content_type varchar(50) NOT NULL,
        size_bytes int NOT NULL CHECK (size_bytes > 0),
        sort_order int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_product_image_product ON product_image (product_id, sort_order);

      -- 经营商品范围: what a branch may sell. A branch without rules inherits its parent branch's;
      -- none anywhere above means everything.
      CREATE TABLE branch_product_scope (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        branch_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        category_id uuid REFERENCES category(id) ON DELETE CASCADE,
        product_id uuid REFERENCES product(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_branch_product_scope_one CHECK ((category_id IS NULL) <> (product_id IS NULL))
      );
      CREATE UNIQUE INDEX uq_branch_product_scope ON branch_product_scope (branch_id, COALESCE(category_id, product_id));

      CREATE TABLE warehouse (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code varchar(32) NOT NULL,
        name varchar(100) NOT NULL,
        org_id uuid NOT NULL REFERENCES organization(id),
        address varchar(200),
        status varchar(16) NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE','DISABLED')),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_warehouse_code UNIQUE (code)
      );
      CREATE INDEX ix_warehouse_org ON warehouse (org_id);
      CREATE TRIGGER trg_warehouse_updated BEFORE UPDATE ON warehouse FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      -- The stock row is the unit of locking (ARCHITECTURE §6); the CHECKs stop negative stock even if code is wrong.
      CREATE TABLE stock (
        warehouse_id uuid NOT NULL REFERENCES warehouse(id),
        product_id uuid NOT NULL REFERENCES product(id),
        on_hand numeric(18,3) NOT NULL DEFAULT 0,
        reserved numeric(18,3) NOT NULL DEFAULT 0,
        low_threshold numeric(18,3) CHECK (low_threshold >= 0),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (warehouse_id, product_id),
        CONSTRAINT ck_stock_on_hand CHECK (on_hand >= 0),
        CONSTRAINT ck_stock_reserved CHECK (reserved >= 0 AND reserved <= on_hand)
      );
      CREATE INDEX ix_stock_product ON stock (product_id);

      CREATE TABLE stock_doc (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number varchar(32) NOT NULL,
        type varchar(16) NOT NULL CHECK (type IN ('INBOUND','TRANSFER','ADJUSTMENT')),
        warehouse_id uuid NOT NULL REFERENCES warehouse(id),
        to_warehouse_id uuid REFERENCES warehouse(id),
        reason varchar(200),
        remark varchar(500),
        business_date date NOT NULL,
        created_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_stock_doc_number UNIQUE (number),
        CONSTRAINT ck_stock_doc_transfer CHECK ((type = 'TRANSFER') = (to_warehouse_id IS NOT NULL) AND warehouse_id IS DISTINCT FROM to_warehouse_id),
        CONSTRAINT ck_stock_doc_reason CHECK (type <> 'ADJUSTMENT' OR reason IS NOT NULL)
      );
      CREATE INDEX ix_stock_doc_created ON stock_doc (created_at DESC);

      CREATE TABLE stock_doc_line (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        doc_id uuid NOT NULL REFERENCES stock_doc(id) ON DELETE CASCADE,
        line_no int NOT NULL,
        product_id uuid NOT NULL REFERENCES product(id),
        qty numeric(18,3) NOT NULL CHECK (qty <> 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_stock_doc_line UNIQUE (doc_id, line_no)
      );

      -- the ledger: every change of on_hand, with what it left behind
      CREATE TABLE stock_movement (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        doc_id uuid NOT NULL REFERENCES stock_doc(id),
        doc_type varchar(16) NOT NULL,
        doc_number varchar(32) NOT NULL,
        warehouse_id uuid NOT NULL REFERENCES warehouse(id),
        product_id uuid NOT NULL REFERENCES product(id),
        delta numeric(18,3) NOT NULL CHECK (delta <> 0),
        on_hand_after numeric(18,3) NOT NULL CHECK (on_hand_after >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_stock_movement_product ON stock_movement (product_id, created_at DESC);
      CREATE INDEX ix_stock_movement_wh_product ON stock_movement (warehouse_id, product_id, created_at DESC);

      CREATE TABLE price_book (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code varchar(32) NOT NULL,
        name varchar(100) NOT NULL,
        org_id uuid NOT NULL REFERENCES organization(id),
        valid_from date NOT NULL,
        valid_to date,
        status varchar(16) NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE','DISABLED')),
        remark varchar(500),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_price_book_code UNIQUE (code),
        CONSTRAINT ck_price_book_dates CHECK (valid_to IS NULL OR valid_to >= valid_from)
      );
      CREATE TRIGGER trg_price_book_updated BEFORE UPDATE ON price_book FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      CREATE TABLE price_book_dealer (
        price_book_id uuid NOT NULL REFERENCES price_book(id) ON DELETE CASCADE,
        dealer_id uuid NOT NULL REFERENCES organization(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (price_book_id, dealer_id)
      );
      CREATE INDEX ix_price_book_dealer_dealer ON price_book_dealer (dealer_id);

      CREATE TABLE price_book_item (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        price_book_id uuid NOT NULL REFERENCES price_book(id) ON DELETE CASCADE,
        product_id uuid NOT NULL REFERENCES product(id),
        min_qty numeric(18,3) NOT NULL DEFAULT 0 CHECK (min_qty >= 0),
        price numeric(18,4) NOT NULL CHECK (price >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_price_book_item UNIQUE (price_book_id, product_id, min_qty)
      );
      CREATE INDEX ix_price_book_item_product ON price_book_item (product_id);

      CREATE TABLE promotion (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code varchar(32) NOT NULL,
        name varchar(100) NOT NULL,
        org_id uuid NOT NULL REFERENCES organization(id),
        kind varchar(16) NOT NULL CHECK (kind IN ('SPECIAL_PRICE','PERCENT_OFF')),
        -- SPECIAL_PRICE: the unit price; PERCENT_OFF: percent taken off (0 < x < 100)
        value numeric(18,4) NOT NULL CHECK (value >= 0 AND (kind <> 'PERCENT_OFF' OR (value > 0 AND value < 100))),
        min_qty numeric(18,3) NOT NULL DEFAULT 0 CHECK (min_qty >= 0),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE','DISABLED')),
        -- what it covers (products, or categories with their subtrees) and for whom; an empty audience list means everyone
        product_ids uuid[] NOT NULL DEFAULT '{}',
        category_ids uuid[] NOT NULL DEFAULT '{}',
        branch_ids uuid[] NOT NULL DEFAULT '{}',
        levels smallint[] NOT NULL DEFAULT '{}',
        dealer_ids uuid[] NOT NULL DEFAULT '{}',
        remark varchar(500),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_promotion_code UNIQUE (code),
        CONSTRAINT ck_promotion_window CHECK (ends_at > starts_at),
        CONSTRAINT ck_promotion_target CHECK (cardinality(product_ids) + cardinality(category_ids) > 0)
      );
      CREATE INDEX ix_promotion_window ON promotion (starts_at, ends_at) WHERE status = 'ACTIVE';
      CREATE TRIGGER trg_promotion_updated BEFORE UPDATE ON promotion FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      CREATE TABLE price_history (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid NOT NULL REFERENCES product(id) ON DELETE CASCADE,
        kind varchar(16) NOT NULL CHECK (kind IN ('BASE','LEVEL','FLOOR','PRICE_BOOK','PROMOTION')),
        level smallint,
        ref_id uuid,
        ref_name varchar(100),
        old_price numeric(18,4),
        new_price numeric(18,4),
        effective_date date NOT NULL,
        changed_by uuid,
        changed_by_name varchar(50),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_price_history_product ON price_history (product_id, created_at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE price_history; DROP TABLE promotion; DROP TABLE price_book_item; DROP TABLE price_book_dealer; DROP TABLE price_book;
      DROP TABLE stock_movement; DROP TABLE stock_doc_line; DROP TABLE stock_doc; DROP TABLE stock; DROP TABLE warehouse;
      DROP TABLE branch_product_scope; DROP TABLE product_image; DROP TABLE product_unit; DROP TABLE product_price; DROP TABLE product;
      DROP TABLE category; DROP TABLE price_level;
    `);
  }
}
