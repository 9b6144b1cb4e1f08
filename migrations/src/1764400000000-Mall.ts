import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dealer ordering mall (订货商城): the dealer's server-side cart and favourites (they belong to
 * the dealer organisation, so they survive logout and devices and are shared by its staff), its
 * delivery addresses, HQ's banners and announcements, the mall settings (one row), the delivery
 * address snapshot on sales orders, and invited dealer logins (status INVITED until a one-time
 * code, stored as a sha256 hash, is used).
 */
export class Mall1764400000000 implements MigrationInterface {
  name = 'Mall1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mall_cart_item (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dealer_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        product_id uuid NOT NULL REFERENCES product(id) ON DELETE CASCADE,
        qty numeric(18,3) NOT NULL CHECK (qty > 0),
        updated_by uuid REFERENCES app_user(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_mall_cart_item UNIQUE (dealer_id, product_id)
      );
      CREATE TRIGGER trg_mall_cart_item_updated BEFORE UPDATE ON mall_cart_item FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      CREATE TABLE mall_favourite (
        dealer_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        product_id uuid NOT NULL REFERENCES product(id) ON DELETE CASCADE,
        created_by uuid REFERENCES app_user(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (dealer_id, product_id)
      );

      CREATE TABLE mall_address (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dealer_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        contact varchar(50) NOT NULL,
        phone varchar(20) NOT NULL,
        region varchar(100),
        address varchar(200) NOT NULL,
        is_default boolean NOT NULL DEFAULT false,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ix_mall_address_dealer ON mall_address (dealer_id, created_at);
      -- at most one default address per dealer
      CREATE UNIQUE INDEX uq_mall_address_default ON mall_address (dealer_id) WHERE is_default;
      CREATE TRIGGER trg_mall_address_updated BEFORE UPDATE ON mall_address FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      -- banners and announcements; empty branch_ids / levels: every branch / every price level
      CREATE TABLE mall_content (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind varchar(16) NOT NULL CHECK (kind IN ('BANNER','ANNOUNCEMENT')),
        title varchar(100) NOT NULL,
        body varchar(2000),
        tag varchar(16) CHECK (tag IN ('PROMOTION','NEW_PRODUCT','NOTICE')),
        image_key varchar(200),
        link varchar(300),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        branch_ids uuid[] NOT NULL DEFAULT '{}',
        levels smallint[] NOT NULL DEFAULT '{}',
        sort int NOT NULL DEFAULT 0,
        status varchar(16) NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE','DISABLED')),
        version int NOT NULL DEFAULT 1,
        created_by uuid REFERENCES app_user(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_mall_content_period CHECK (ends_at > starts_at)
      );
      CREATE INDEX ix_mall_content_live ON mall_content (kind, ends_at) WHERE status = 'ACTIVE';
      CREATE TRIGGER trg_mall_content_updated BEFORE UPDATE ON mall_content FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      CREATE TABLE mall_settings (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        show_exact_stock boolean NOT NULL DEFAULT false,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO mall_settings (id) VALUES (1);
      CREATE TRIGGER trg_mall_settings_updated BEFORE UPDATE ON mall_settings FOR EACH ROW EXECUTE FUNCTION set_updated_at();

      -- when a product was last published to the mall (新品上架 order)
      ALTER TABLE product ADD COLUMN mall_published_at timestamptz;
      UPDATE product SET mall_published_at = created_at WHERE mall_published;
      CREATE INDEX ix_product_mall ON product (mall_published_at DESC) WHERE mall_published AND status = 'ON_SALE';
      -- every way of publishing (mall admin, product form, Excel import) stamps the time
      CREATE FUNCTION set_mall_published_at() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.mall_published AND (TG_OP = 'INSERT' OR NOT OLD.mall_published) THEN NEW.mall_published_at = now(); END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER trg_product_mall_published BEFORE INSERT OR UPDATE OF mall_published ON product FOR EACH ROW EXECUTE FUNCTION set_mall_published_at();

      -- the delivery address a mall order was placed with (a snapshot: later edits of the address book do not change it)
      ALTER TABLE sales_order
        ADD COLUMN ship_to_contact varchar(50),
        ADD COLUMN ship_to_phone varchar(20),
        ADD COLUMN ship_to_region varchar(100),
        ADD COLUMN ship_to_address varchar(200);
      CREATE INDEX ix_sales_order_dealer_source ON sales_order (dealer_id, source, created_at DESC);

      -- invited dealer logins cannot sign in until they set a password with their one-time code
      ALTER TABLE app_user DROP CONSTRAINT app_user_status_check;
      ALTER TABLE app_user ADD CONSTRAINT app_user_status_check CHECK (status IN ('ACTIVE','DISABLED','INVITED'));
      CREATE TABLE user_invite (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        code_hash varchar(64) NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_by uuid REFERENCES app_user(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_user_invite_code UNIQUE (code_hash)
      );
      CREATE INDEX ix_user_invite_user ON user_invite (user_id) WHERE used_at IS NULL;
      CREATE TRIGGER trg_user_invite_updated BEFORE UPDATE ON user_invite FOR EACH ROW EXECUTE FUNCTION set_updated_at();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE user_invite;
      UPDATE app_user SET status = 'DISABLED' WHERE status = 'INVITED';
      ALTER TABLE app_user DROP CONSTRAINT app_user_status_check;
      ALTER TABLE app_user ADD CONSTRAINT app_user_status_check CHECK (status IN ('ACTIVE','DISABLED'));
      DROP INDEX ix_sales_order_dealer_source;
      ALTER TABLE sales_order DROP COLUMN ship_to_contact, DROP COLUMN ship_to_phone, DROP COLUMN ship_to_region, DROP COLUMN ship_to_address;
      DROP TRIGGER trg_product_mall_published ON product; DROP FUNCTION set_mall_published_at();
      DROP INDEX ix_product_mall;
      ALTER TABLE product DROP COLUMN mall_published_at;
      DROP TABLE mall_settings; DROP TABLE mall_content; DROP TABLE mall_address; DROP TABLE mall_favourite; DROP TABLE mall_cart_item;
    `);
  }
}
