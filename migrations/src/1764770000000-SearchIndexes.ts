import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search indexed (issue #17): the list searches send `col ILIKE '%term%'` OR-ed over several columns,
 * which scanned whole tables. A trigram GIN index on each searched column lets the planner answer
 * the OR with a BitmapOr of index scans (every branch needs an index, or it falls back to a scan).
 * pg_trgm extracts trigrams from Chinese text on the C.UTF-8 databases used here (checked with
 * show_trgm); a term shorter than 3 characters yields no trigram and is still answered by a scan.
 * - organization: code, name, contact, phone, region (OrgService list `q`)
 * - product: code, name, barcode, brand, spec (ProductService list `q`)
 * - sales_order: number (the order list also searches the dealer's code and name: those use the
 *   organization indexes)
 */
export class SearchIndexes1764770000000 implements MigrationInterface {
  name = 'SearchIndexes1764770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
      CREATE INDEX ix_organization_code_trgm ON organization USING gin (code gin_trgm_ops);
      CREATE INDEX ix_organization_name_trgm ON organization USING gin (name gin_trgm_ops);
      CREATE INDEX ix_organization_contact_trgm ON organization USING gin (contact gin_trgm_ops);
      CREATE INDEX ix_organization_phone_trgm ON organization USING gin (phone gin_trgm_ops);
      CREATE INDEX ix_organization_region_trgm ON organization USING gin (region gin_trgm_ops);
      CREATE INDEX ix_product_code_trgm ON product USING gin (code gin_trgm_ops);
      CREATE INDEX ix_product_name_trgm ON product USING gin (name gin_trgm_ops);
      CREATE INDEX ix_product_barcode_trgm ON product USING gin (barcode gin_trgm_ops);
      CREATE INDEX ix_product_brand_trgm ON product USING gin (brand gin_trgm_ops);
      CREATE INDEX ix_product_spec_trgm ON product USING gin (spec gin_trgm_ops);
      CREATE INDEX ix_sales_order_number_trgm ON sales_order USING gin (number gin_trgm_ops);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX ix_sales_order_number_trgm;
      DROP INDEX ix_product_spec_trgm, ix_product_brand_trgm, ix_product_barcode_trgm, ix_product_name_trgm, ix_product_code_trgm;
      DROP INDEX ix_organization_region_trgm, ix_organization_phone_trgm, ix_organization_contact_trgm, ix_organization_name_trgm, ix_organization_code_trgm;
    `);
  }
}
