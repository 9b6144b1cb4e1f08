import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reconciliation findings keep the platform's row and the system's invoice as typed columns (issue #13,
 * reconciliation speed), no longer as two jsonb snapshots built for every one of ~100,000 findings a run
 * writes: `p_*` are the platform export's row (as staged), `s_*` the system invoice as it was when the
 * run matched it (NULL when the finding has no system side). The API builds the same `platform` /
 * `system` objects from them when a page is read.
 *
 * The foreign key from invoice_recon_finding.invoice_id to invoice goes: its check took FOR KEY SHARE on
 * every matched invoice (a row lock written into ~100,000 invoice rows per run, WAL included), and it
 * guards nothing here: invoices are never deleted (kept five years by law; trg_invoice_never_deleted
 * refuses DELETE) and their ids never change, and a finding's invoice_id is read from the invoice in
 * the same statement that writes the finding. An index-free plain uuid column stays.
 */
export class ReconFindingColumns1764820000000 implements MigrationInterface {
  name = 'ReconFindingColumns1764820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE invoice_recon_finding
        DROP CONSTRAINT invoice_recon_finding_invoice_id_fkey,
        ADD COLUMN p_type text, ADD COLUMN p_issue_date date, ADD COLUMN p_seller_name text, ADD COLUMN p_seller_tax_id text, ADD COLUMN p_buyer_name text,
        ADD COLUMN p_buyer_tax_id text, ADD COLUMN p_amount numeric(18,2), ADD COLUMN p_tax numeric(18,2), ADD COLUMN p_total numeric(18,2), ADD COLUMN p_status text,
        ADD COLUMN p_positive boolean, ADD COLUMN p_risk text, ADD COLUMN p_issuer text, ADD COLUMN p_remark text, ADD COLUMN p_source text, ADD COLUMN p_blue_elec text,
        ADD COLUMN p_tax_ok boolean,
        ADD COLUMN s_type text, ADD COLUMN s_issue_date date, ADD COLUMN s_buyer_name text, ADD COLUMN s_buyer_tax_id text, ADD COLUMN s_amount numeric(18,2),
        ADD COLUMN s_tax numeric(18,2), ADD COLUMN s_total numeric(18,2), ADD COLUMN s_status text, ADD COLUMN s_source text, ADD COLUMN s_kind text;

      UPDATE invoice_recon_finding SET
        p_type = platform->>'type', p_issue_date = (platform->>'issueDate')::date, p_seller_name = platform->>'sellerName', p_seller_tax_id = platform->>'sellerTaxId',
        p_buyer_name = platform->>'buyerName', p_buyer_tax_id = platform->>'buyerTaxId', p_amount = (platform->>'amount')::numeric, p_tax = (platform->>'tax')::numeric,
        p_total = (platform->>'total')::numeric, p_status = platform->>'status', p_positive = (platform->>'positive')::boolean, p_risk = platform->>'riskLevel',
        p_issuer = platform->>'issuer', p_remark = platform->>'remark', p_source = platform->>'source', p_blue_elec = platform->>'blueElecNumber',
        p_tax_ok = (platform->>'taxIdValid')::boolean,
        s_type = system->>'type', s_issue_date = (system->>'issueDate')::date, s_buyer_name = system->>'buyerName', s_buyer_tax_id = system->>'buyerTaxId',
        s_amount = (system->>'amount')::numeric, s_tax = (system->>'tax')::numeric, s_total = (system->>'total')::numeric, s_status = system->>'status',
        s_source = system->>'source', s_kind = system->>'kind'
       WHERE platform IS NOT NULL OR system IS NOT NULL;

      ALTER TABLE invoice_recon_finding DROP COLUMN platform, DROP COLUMN system;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE invoice_recon_finding ADD COLUMN platform jsonb, ADD COLUMN system jsonb;
      UPDATE invoice_recon_finding SET
        platform = CASE WHEN platform_row IS NULL THEN NULL ELSE jsonb_build_object('row', platform_row, 'type', p_type, 'issueDate', to_char(p_issue_date, 'YYYY-MM-DD'),
          'sellerName', p_seller_name, 'sellerTaxId', p_seller_tax_id, 'buyerName', p_buyer_name, 'buyerTaxId', p_buyer_tax_id, 'amount', p_amount::text, 'tax', p_tax::text,
          'total', p_total::text, 'status', p_status, 'positive', p_positive, 'riskLevel', p_risk, 'issuer', p_issuer, 'remark', p_remark, 'source', p_source,
          'blueElecNumber', p_blue_elec, 'taxIdValid', p_tax_ok) END,
        system = CASE WHEN s_status IS NULL THEN NULL ELSE jsonb_build_object('invoiceId', invoice_id, 'type', s_type, 'issueDate', to_char(s_issue_date, 'YYYY-MM-DD'),
          'buyerName', s_buyer_name, 'buyerTaxId', s_buyer_tax_id, 'amount', s_amount::text, 'tax', s_tax::text, 'total', s_total::text, 'status', s_status,
          'source', s_source, 'kind', s_kind) END;
      ALTER TABLE invoice_recon_finding
        DROP COLUMN p_type, DROP COLUMN p_issue_date, DROP COLUMN p_seller_name, DROP COLUMN p_seller_tax_id, DROP COLUMN p_buyer_name, DROP COLUMN p_buyer_tax_id,
        DROP COLUMN p_amount, DROP COLUMN p_tax, DROP COLUMN p_total, DROP COLUMN p_status, DROP COLUMN p_positive, DROP COLUMN p_risk, DROP COLUMN p_issuer,
        DROP COLUMN p_remark, DROP COLUMN p_source, DROP COLUMN p_blue_elec, DROP COLUMN p_tax_ok,
        DROP COLUMN s_type, DROP COLUMN s_issue_date, DROP COLUMN s_buyer_name, DROP COLUMN s_buyer_tax_id, DROP COLUMN s_amount, DROP COLUMN s_tax, DROP COLUMN s_total,
        DROP COLUMN s_status, DROP COLUMN s_source, DROP COLUMN s_kind,
        ADD CONSTRAINT invoice_recon_finding_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoice(id);
    `);
  }
}
