import { Injectable } from '@nestjs/common';
import { Dec, ErrorCode, InvoiceKind, InvoiceSource } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError } from '../../common/errors/domain-error';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { InvoiceService } from './invoice.service';
import { PlatformRow, RowProblem, streamPlatformExport } from './platform-export';

type ImportProblem = RowProblem | { row: number; column: string; code: 'DUPLICATE_IN_FILE' | 'DUPLICATE_EXISTING' | 'SIGN_INVALID' };

/**
 * Register import (台账导入): a company's existing invoice register in the layout of the platform
 * export's 发票基础信息 sheet (the same streaming, tolerant reader). All or nothing: every problem is
 * listed by sheet row and column (400 VALIDATION_FAILED, details.problems). Buyers are linked to
 * dealers by tax id where one matches, else kept by name and tax id (in the company's scope); a
 * buyer tax id that fails the check is kept and flagged (invalid_tax_id), never refused.
 */
@Injectable()
export class RegisterImportService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly invoices: InvoiceService,
  ) {}

  async import(ctx: RequestContext, file: { path: string; originalname: string }) {
    const rows: PlatformRow[] = [];
    const summary = await streamPlatformExport(file.path, async (r) => void rows.push(r), { maxRows: 100000 });
    const problems: ImportProblem[] = [...summary.problems];
    const seen = new Map<string, number>();
    for (const r of rows) {
      const column = r.elec ? '数电发票号码' : '发票号码';
      if (seen.has(r.key)) problems.push({ row: r.row, column, code: 'DUPLICATE_IN_FILE' });
      else seen.set(r.key, r.row);
      const neg = new Dec(r.total).isNegative();
      if (r.positive === neg || (r.positive ? new Dec(r.amount).isNegative() || new Dec(r.tax).isNegative() : new Dec(r.amount).isPositive() || new Dec(r.tax).isPositive())) {
        problems.push({ row: r.row, column: '价税合计', code: 'SIGN_INVALID' });
      }
    }
    const fileName = Buffer.from(file.originalname, 'latin1').toString('utf8');
    const result = await this.db.tx(ctx, async (tx) => {
      // numbers already registered
      for (let i = 0; i < rows.length; i += 5000) {
        const part = rows.slice(i, i + 5000);
        const found = await this.db.query<{ elec_number: string | null; code: string | null; number: string | null }>(
          tx,
          `SELECT i.elec_number, i.code, i.number FROM invoice i
            WHERE i.elec_number = ANY($1::text[]) OR (i.code, i.number) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
          [part.filter((r) => r.elec).map((r) => r.elec), part.filter((r) => !r.elec).map((r) => r.code), part.filter((r) => !r.elec).map((r) => r.number)],
        );
        const keys = new Set(found.flatMap((f) => [f.elec_number ? `E:${f.elec_number}` : '', f.code ? `C:${f.code}:${f.number}` : '']));
        for (const r of part) if (keys.has(r.key)) problems.push({ row: r.row, column: r.elec ? '数电发票号码' : '发票号码', code: 'DUPLICATE_EXISTING' });
      }
      if (problems.length) {
        problems.sort((a, b) => a.row - b.row || a.column.localeCompare(b.column));
        throw new DomainError(ErrorCode.VALIDATION_FAILED, `${problems.length} problem(s) in ${new Set(problems.map((p) => p.row)).size} row(s); nothing was imported`, { field: 'file', problems: problems.slice(0, 1000), total: problems.length });
      }
      if (!rows.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'The file has no invoice rows', { field: 'file', problems: [] });
      const company = await this.invoices.company(tx);
      const dealers = await this.invoices.dealersByTaxId(tx, rows.flatMap((r) => (r.buyerTaxId ? [r.buyerTaxId] : [])));
      for (let i = 0; i < rows.length; i += 2000) {
        const part = rows.slice(i, i + 2000);
        const col = <T>(f: (r: PlatformRow) => T) => part.map(f);
        await this.db.query(
          tx,
          `INSERT INTO invoice (type, kind, elec_number, code, number, issue_date, seller_name, seller_tax_id, buyer_name, buyer_tax_id, dealer_id, scope_org_id, amount, tax, total,
                                status, source, issuer, remark, risk_level, invalid_tax_id, created_by)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[], $8::text[], $9::text[], $10::text[], $11::uuid[], $12::uuid[],
                                $13::numeric[], $14::numeric[], $15::numeric[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::boolean[], $22::uuid[])`,
          [
            col((r) => r.type), col((r) => (r.positive ? InvoiceKind.BLUE : InvoiceKind.RED)), col((r) => r.elec), col((r) => r.code), col((r) => r.number), col((r) => r.issueDate),
            col((r) => r.sellerName || company.name), col((r) => r.sellerTaxId), col((r) => r.buyerName), col((r) => r.buyerTaxId),
            col((r) => (r.buyerTaxId ? (dealers.get(r.buyerTaxId)?.id ?? null) : null)), col((r) => (r.buyerTaxId ? (dealers.get(r.buyerTaxId)?.id ?? company.id) : company.id)),
            col((r) => r.amount), col((r) => r.tax), col((r) => r.total), col((r) => r.status), col(() => InvoiceSource.IMPORTED), col((r) => r.issuer), col((r) => r.remark), col((r) => r.risk),
            col((r) => !r.taxIdValid), col(() => tx.user?.id ?? null),
          ],
        );
      }
      // red invoices find their blue original by the number in their remark (in the register or this file)
      const reds = rows.filter((r) => !r.positive && r.blueElec);
      if (reds.length) {
        await this.db.query(
          tx,
          `UPDATE invoice r SET blue_id = b.id FROM unnest($1::text[], $2::text[]) x(red_key, blue_elec) JOIN invoice b ON b.elec_number = x.blue_elec
            WHERE r.kind = 'RED' AND r.blue_id IS NULL AND coalesce('E:' || r.elec_number, 'C:' || r.code || ':' || r.number) = x.red_key`,
          [reds.map((r) => r.key), reds.map((r) => r.blueElec)],
        );
      }
      const linked = rows.filter((r) => r.buyerTaxId && dealers.has(r.buyerTaxId)).length;
      const invalid = rows.filter((r) => !r.taxIdValid).length;
      await this.audit.record(tx, { action: 'import', entity: 'invoice', summary: `imported ${rows.length} invoice(s) from ${fileName}: ${linked} linked to dealers, ${invalid} with an invalid buyer tax id`, after: { fileName, imported: rows.length, linked, invalid } });
      return { imported: rows.length, linkedToDealers: linked, invalidTaxIds: invalid };
    });
    return result;
  }
}
