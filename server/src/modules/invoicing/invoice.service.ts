import { createReadStream } from 'node:fs';
import { Inject, Injectable, StreamableFile } from '@nestjs/common';
import ExcelJS from 'exceljs';
import {
  classifyInvoiceQuery, Dec, ErrorCode, fmt, INVOICE_STATUS_ZH, INVOICE_TYPE_LABEL_ZH, InvoiceKind, invoiceLabel, InvoiceSource, InvoiceStatus, InvoiceType, isElecType,
  normalizeTaxId, OrgType, PAPER_TYPES, parseInvoiceNumbers, taxIdProblem,
} from '@drp/shared';
import { Expression, sql, SqlBool } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { addTypedRow, CellKind } from '../../common/excel';
import { escapeLike, pageIdsOf, resolvePage, Sortable, trigramSearchable } from '../../common/http/pagination';
import { assertInScope, orgScope } from '../../common/scope/data-scope';
import { businessDate } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { DocumentKernel } from '../../kernel/document-kernel.service';
import { AuditService } from '../audit/audit.service';
import { sellingBranchExpr } from '../org/org.service';
import { StorageService } from '../storage/storage.service';
import { CreateInvoiceDto, EditInvoiceDto, InvoiceQueryDto, RedInvoiceDto, UninvoicedQueryDto, VoidInvoiceDto } from './invoice.dto';
import { INVOICE_MACHINE } from './invoice.machine';
import { applyRed, Money3, negate, redLeft, splitTotal, sumMoney } from './red-letter';

// issue_date is NOT NULL, but its indexes are built (issue_date DESC NULLS LAST, id) (migration InvoiceLookup): the plain entry's order reads them
const SORT: Sortable = { issueDate: 'i.issue_date', total: { notNull: 'i.total' }, createdAt: { notNull: 'i.created_at' }, buyer: { notNull: 'i.buyer_name' } };
const ATTACHMENT_TYPES: Record<string, string> = { 'application/pdf': '.pdf', 'application/ofd': '.ofd', 'application/octet-stream': '', 'text/xml': '.xml', 'application/xml': '.xml', 'image/png': '.png', 'image/jpeg': '.jpg' };
const EXT_TYPES: Record<string, string> = { '.pdf': 'application/pdf', '.ofd': 'application/ofd', '.xml': 'application/xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg' };

export interface InvoiceListItem {
  id: string;
  type: string;
  kind: InvoiceKind;
  elecNumber: string | null;
  code: string | null;
  number: string | null;
  label: string;
  issueDate: string;
  sellerName: string;
  buyerName: string;
  buyerTaxId: string | null;
  dealerId: string | null;
  dealerName: string | null;
  branchName: string | null;
  amount: string;
  tax: string;
  total: string;
  status: InvoiceStatus;
  source: InvoiceSource;
  invalidTaxId: boolean;
  notReceived: boolean;
}

/** A 400 for a tax id entered by a person (imported and platform records are flagged instead). */
export function assertTaxId(field: string, value: string | null | undefined): string {
  const problem = taxIdProblem(value);
  if (problem) throw new DomainError(ErrorCode.TAX_ID_INVALID, `${field} is not a valid 统一社会信用代码 / tax id (${problem.toLowerCase()})`, { field, reason: problem });
  return normalizeTaxId(value!);
}

/** Parsed and checked numbers of an invoice of `type`, or a 400 naming the field. */
export function checkedNumbers(type: string, input: { elecNumber?: string | null; code?: string | null; number?: string | null }) {
  const parsed = parseInvoiceNumbers(type, input);
  if (!parsed.ok) throw new DomainError(ErrorCode.INVOICE_NUMBER_INVALID, `${parsed.field} is ${parsed.reason === 'MISSING' ? 'required' : 'not a valid number'} for an invoice of type ${type}`, { field: parsed.field, type, reason: parsed.reason });
  return parsed;
}

/**
 * The invoice register (发票台账): lookup, detail, invoices made from shipment lines, red-letter,
 * voiding, the audited edit of non-key fields, attachments, the dealers' "not received" flags and
 * the invoice numbers of shipments (for finance's receivables and statements). Invoices are never
 * deleted (the database refuses it). Scope: an invoice belongs to its dealer (else the company).
 */
@Injectable()
export class InvoiceService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly kernel: DocumentKernel,
    private readonly storage: StorageService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  today(): string {
    return businessDate(new Date(), this.config.companyTz);
  }

  /** The company (HQ): the seller of every invoice it issues, and the scope of invoices no dealer matches. */
  async company(ctx: RequestContext): Promise<{ id: string; name: string; taxId: string | null }> {
    const hq = await this.db.one(ctx, this.db.k.selectFrom('organization').select(['id', 'name', 'tax_id']).where('type', '=', OrgType.HQ).orderBy('depth').limit(1));
    return { id: hq.id, name: hq.name, taxId: hq.tax_id };
  }

  /** Dealers by tax id (for linking imported and platform buyers). */
  async dealersByTaxId(ctx: RequestContext, taxIds: string[]): Promise<Map<string, { id: string; name: string }>> {
    if (!taxIds.length) return new Map();
    const rows = await this.db.rows(ctx, this.db.k.selectFrom('organization').select(['id', 'name', 'tax_id']).where('type', '=', OrgType.DEALER).where('tax_id', 'in', [...new Set(taxIds)]));
    return new Map(rows.map((r) => [r.tax_id!, { id: r.id, name: r.name }]));
  }

  /** An invoice already registered with these numbers (数电 number, or code + number), if any. */
  async existing(ctx: RequestContext, n: { elecNumber: string | null; code: string | null; number: string | null }): Promise<{ id: string; label: string } | undefined> {
    const ors: Expression<SqlBool>[] = [];
    if (n.elecNumber) ors.push(sql<SqlBool>`elec_number = ${n.elecNumber}`);
    if (n.code && n.number) ors.push(sql<SqlBool>`(code = ${n.code} AND number = ${n.number})`);
    if (!ors.length) return undefined;
    const row = await this.db.first(ctx, this.db.k.selectFrom('invoice').select(['id', 'elec_number', 'code', 'number']).where((eb) => eb.or(ors)).limit(1));
    return row && { id: row.id, label: invoiceLabel({ elecNumber: row.elec_number, code: row.code, number: row.number }) };
  }

  async assertNotDuplicate(ctx: RequestContext, n: { elecNumber: string | null; code: string | null; number: string | null }): Promise<void> {
    const dup = await this.existing(ctx, n);
    if (dup) throw new DomainError(ErrorCode.INVOICE_DUPLICATE, `Invoice ${dup.label} is already in the register`, { existingId: dup.id, label: dup.label });
  }

  // ------------------------------------------------------------------------------------------
  // lookup

  /** The filtered register query (no selection): the one search box and the filters, in the caller's scope. */
  private filtered(ctx: RequestContext, q: InvoiceQueryDto) {
    let qb = this.db.k.selectFrom('invoice as i').where(orgScope(ctx, 'i.scope_org_id'));
    if (q.from) qb = qb.where('i.issue_date', '>=', sql<Date>`${q.from}::date`);
    if (q.to) qb = qb.where('i.issue_date', '<=', sql<Date>`${q.to}::date`);
    if (q.dealerId) qb = qb.where('i.dealer_id', '=', q.dealerId);
    if (q.branchId) {
      qb = qb.where(sql<SqlBool>`i.scope_org_id IN (SELECT bo.id FROM organization bo WHERE bo.path LIKE (SELECT b.path FROM organization b WHERE b.id = ${q.branchId}::uuid) || '%')`);
    }
    if (q.status) qb = qb.where('i.status', '=', q.status);
    if (q.type) qb = qb.where('i.type', '=', q.type);
    if (q.source) qb = qb.where('i.source', '=', q.source);
    if (q.kind) qb = qb.where('i.kind', '=', q.kind);
    if (q.minTotal) qb = qb.where('i.total', '>=', q.minTotal);
    if (q.maxTotal) qb = qb.where('i.total', '<=', q.maxTotal);
    if (q.invalidTaxId) qb = qb.where('i.invalid_tax_id', '=', q.invalidTaxId === 'true');
    if (q.notReceived) qb = qb.where('i.not_received', '=', q.notReceived === 'true');
    const c = classifyInvoiceQuery(q.q);
    switch (c.kind) {
      case 'ELEC':
        // 20 digits: a 数电 number, or a 12-digit code and an 8-digit number typed together
        qb = qb.where((eb) => eb.or([eb('i.elec_number', '=', c.elecNumber), eb.and([eb('i.code', '=', c.code), eb('i.number', '=', c.number)])]));
        break;
      case 'NUMBER':
        qb = qb.where('i.number', '=', c.number);
        break;
      case 'CODE_NUMBER':
        qb = qb.where('i.code', '=', c.code).where('i.number', '=', c.number);
        break;
      case 'TAX_ID':
        qb = qb.where((eb) => eb.or([eb('i.buyer_tax_id', '=', c.taxId), eb('i.seller_tax_id', '=', c.taxId)]));
        break;
      case 'NAME':
        // three characters or more: any buyer name, through the trigram index; one or two (no trigram
        // to look up) match the dealers' names, through the dealer index, so a short word never scans the table
        qb = trigramSearchable(c.text)
          ? qb.where('i.buyer_name', 'ilike', `%${escapeLike(c.text)}%`)
          : qb.where(sql<SqlBool>`i.dealer_id IN (SELECT nd.id FROM organization nd WHERE nd.type = 'DEALER' AND nd.name ILIKE ${`%${escapeLike(c.text)}%`})`);
        break;
      default:
        break;
    }
    return qb;
  }

  async list(ctx: RequestContext, q: InvoiceQueryDto) {
    const { ids, ...page } = await pageIdsOf(this.db, ctx, this.filtered(ctx, q), q, SORT, '-issueDate', 'i.id');
    return { items: await this.load(ctx, ids), ...page };
  }

  /** List items by id, in that order. */
  async load(ctx: RequestContext, ids: string[]): Promise<(InvoiceListItem & { version: number })[]> {
    if (!ids.length) return [];
    const rows = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('invoice as i')
        .innerJoin('organization as so', 'so.id', 'i.scope_org_id')
        .leftJoin('organization as d', 'd.id', 'i.dealer_id')
        .selectAll('i')
        .select(['d.name as dealer_name', sellingBranchExpr('so.path', 'name').as('branch_name'), sql<string>`to_char(i.issue_date, 'YYYY-MM-DD')`.as('day')])
        .where('i.id', 'in', ids),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const r = byId.get(id);
      if (!r) return [];
      return [{
        id: r.id, type: r.type, kind: r.kind as InvoiceKind, elecNumber: r.elec_number, code: r.code, number: r.number,
        label: invoiceLabel({ elecNumber: r.elec_number, code: r.code, number: r.number }), issueDate: r.day, sellerName: r.seller_name, buyerName: r.buyer_name,
        buyerTaxId: r.buyer_tax_id, dealerId: r.dealer_id, dealerName: r.dealer_name ?? null, branchName: r.branch_name ?? null, amount: fmt(r.amount), tax: fmt(r.tax), total: fmt(r.total),
        status: r.status as InvoiceStatus, source: r.source as InvoiceSource, invalidTaxId: r.invalid_tax_id, notReceived: r.not_received, version: r.version,
      }];
    });
  }

  async get(ctx: RequestContext, id: string) {
    await assertInScope(this.db, ctx, 'invoice', 'scope_org_id', id, 'invoice');
    return this.detail(ctx, id);
  }

  /** The detail of an invoice the caller may see (checked by the caller). */
  async detail(ctx: RequestContext, id: string) {
    const [item] = await this.load(ctx, [id]);
    if (!item) throw notFound('invoice', id);
    const [row, lines, attachments, reds] = await Promise.all([
      this.db.one(ctx, this.db.k.selectFrom('invoice').selectAll().where('id', '=', id)),
      this.db.rows(
        ctx,
        this.db.k
          .selectFrom('invoice_line as l')
          .leftJoin('shipment_line as sl', 'sl.id', 'l.shipment_line_id')
          .leftJoin('shipment as s', 's.id', 'sl.shipment_id')
          .select(['l.id', 'l.line_no', 'l.name', 'l.spec', 'l.unit', 'l.qty', 'l.unit_price', 'l.amount', 'l.tax_rate', 'l.tax', 'l.total', 'l.shipment_line_id', 'l.blue_line_id', 's.number as shipment_number', 's.id as shipment_id'])
          .where('l.invoice_id', '=', id)
          .orderBy('l.line_no'),
      ),
      this.db.rows(ctx, this.db.k.selectFrom('invoice_attachment').select(['id', 'file_name', 'size_bytes', 'content_type', 'created_at']).where('invoice_id', '=', id).orderBy('created_at')),
      this.db.rows(
        ctx,
        this.db.k.selectFrom('invoice').select(['id', 'elec_number', 'code', 'number', 'amount', 'tax', 'total', sql<string>`to_char(issue_date, 'YYYY-MM-DD')`.as('day')]).where('blue_id', '=', id).orderBy('created_at'),
      ),
    ]);
    const blue = row.blue_id ? await this.db.first(ctx, this.db.k.selectFrom('invoice').select(['id', 'elec_number', 'code', 'number']).where('id', '=', row.blue_id)) : undefined;
    const left = row.kind === InvoiceKind.BLUE && row.status !== InvoiceStatus.VOIDED ? redLeft(row, reds) : { amount: '0.00', tax: '0.00', total: '0.00' };
    const redLines = reds.length
      ? await this.db.rows(ctx, this.db.k.selectFrom('invoice_line').select(['blue_line_id', sql<string>`sum(total)`.as('total'), sql<string>`sum(coalesce(qty, 0))`.as('qty')]).where('invoice_id', 'in', reds.map((r) => r.id)).groupBy('blue_line_id'))
      : [];
    return {
      ...item,
      issuer: row.issuer,
      remark: row.remark,
      sellerTaxId: row.seller_tax_id,
      riskLevel: row.risk_level,
      voidReason: row.void_reason,
      notReceivedNote: row.not_received_note,
      lines: lines.map((l) => {
        const redOf = redLines.find((r) => r.blue_line_id === l.id);
        return {
          id: l.id, lineNo: l.line_no, name: l.name, spec: l.spec, unit: l.unit, qty: l.qty === null ? null : fmt(l.qty, 'qty'), unitPrice: l.unit_price === null ? null : fmt(l.unit_price, 'unitPrice'),
          amount: fmt(l.amount), taxRate: new Dec(l.tax_rate).toFixed(), tax: fmt(l.tax), total: fmt(l.total), shipmentLineId: l.shipment_line_id, shipmentId: l.shipment_id ?? null, shipmentNumber: l.shipment_number ?? null,
          blueLineId: l.blue_line_id,
          redLeft: row.kind === InvoiceKind.BLUE ? { total: fmt(new Dec(l.total).plus(redOf?.total ?? 0)), qty: l.qty === null ? null : fmt(new Dec(l.qty).plus(redOf?.qty ?? 0), 'qty') } : null,
        };
      }),
      attachments: attachments.map((a) => ({ id: a.id, fileName: a.file_name, size: a.size_bytes, contentType: a.content_type, createdAt: new Date(a.created_at).toISOString() })),
      blue: blue ? { id: blue.id, label: invoiceLabel({ elecNumber: blue.elec_number, code: blue.code, number: blue.number }) } : null,
      reds: reds.map((r) => ({ id: r.id, label: invoiceLabel({ elecNumber: r.elec_number, code: r.code, number: r.number }), total: fmt(r.total), issueDate: r.day })),
      redReason: row.red_reason,
      redConfirmationNo: row.red_confirmation_no,
      redLeft: left,
    };
  }

  /** The register's result as xlsx (the platform's 发票基础信息 columns): audited. */
  async export(ctx: RequestContext, q: InvoiceQueryDto): Promise<Buffer> {
    const { column, direction } = resolvePage(q, SORT, '-issueDate');
    const rows = await this.db.rows(
      ctx,
      this.filtered(ctx, q)
        .leftJoin('organization as d', 'd.id', 'i.dealer_id')
        .selectAll('i')
        .select(['d.name as dealer_name', sql<string>`to_char(i.issue_date, 'YYYY-MM-DD')`.as('day')])
        .orderBy(sql`${sql.raw(column)} ${sql.raw(direction)}`)
        .orderBy('i.id')
        .limit(100000),
    );
    const wb = new ExcelJS.Workbook();
    wb.creator = 'DRP';
    const ws = wb.addWorksheet('发票基础信息');
    const head = ['序号', '发票代码', '发票号码', '数电发票号码', '销方识别号', '销方名称', '购方识别号', '购买方名称', '开票日期', '金额', '税额', '价税合计', '发票来源', '发票票种', '发票状态', '是否正数发票', '开票人', '备注', '经销商'];
    const kinds: CellKind[] = ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'money', 'money', 'money', 'text', 'text', 'text', 'text', 'text', 'text', 'text'];
    ws.addRow(head).font = { bold: true };
    ws.columns = head.map((h) => ({ width: ['数电发票号码', '购买方名称', '销方名称', '备注'].includes(h) ? 26 : 14 }));
    const SOURCE_ZH: Record<string, string> = { ISSUED: '开具', SUPPLEMENTARY: '补录', PLATFORM: '平台', IMPORTED: '导入' };
    rows.forEach((r, i) =>
      addTypedRow(ws, [
        String(i + 1), r.code, r.number, r.elec_number, r.seller_tax_id, r.seller_name, r.buyer_tax_id, r.buyer_name, r.day, fmt(r.amount), fmt(r.tax), fmt(r.total),
        SOURCE_ZH[r.source], INVOICE_TYPE_LABEL_ZH[r.type as InvoiceType] ?? r.type, INVOICE_STATUS_ZH[r.status as InvoiceStatus], r.kind === InvoiceKind.BLUE ? '是' : '否', r.issuer, r.remark, r.dealer_name,
      ], kinds),
    );
    await this.audit.record(ctx, { action: 'export', entity: 'invoice', summary: `exported ${rows.length} invoice(s)`, after: { filters: { ...q } } });
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  // ------------------------------------------------------------------------------------------
  // links to shipments

  /** Shipment lines with what is left to invoice (shipped - returned - invoiced), per dealer / branch / month, with totals. */
  async uninvoiced(ctx: RequestContext, q: UninvoicedQueryDto) {
    const { page, pageSize, offset } = resolvePage({ ...q, sort: undefined }, { shippedOn: 's.business_date' }, 'shippedOn');
    const base = this.uninvoicedQuery(ctx, { dealerId: q.dealerId, branchId: q.branchId, month: q.month });
    const [rows, totals] = await Promise.all([
      this.db.rows(ctx, base.selectAll().orderBy('shipped_on').orderBy('shipment_number').orderBy('shipment_line_id').offset(offset).limit(pageSize)),
      this.db.one(ctx, base.select([sql<number>`count(*)::int`.as('n'), sql<string>`coalesce(sum(uninvoiced_qty), 0)`.as('qty'), sql<string>`coalesce(sum(uninvoiced_amount), 0)`.as('amount')])),
    ]);
    return {
      items: rows.map((r) => ({
        shipmentLineId: r.shipment_line_id, shipmentId: r.shipment_id, shipmentNumber: r.shipment_number, shippedOn: r.shipped_on, dealerId: r.dealer_id, dealerName: r.dealer_name,
        productId: r.product_id, productCode: r.product_code, productName: r.product_name, unit: r.unit, shippedQty: fmt(r.shipped_qty, 'qty'), returnedQty: fmt(r.returned_qty, 'qty'),
        invoicedQty: fmt(r.invoiced_qty, 'qty'), uninvoicedQty: fmt(r.uninvoiced_qty, 'qty'), unitPrice: fmt(r.unit_price, 'unitPrice'), taxRate: new Dec(r.tax_rate).toFixed(),
        invoicedAmount: fmt(r.invoiced_amount), uninvoicedAmount: fmt(r.uninvoiced_amount),
      })),
      total: totals.n,
      page,
      pageSize,
      totals: { uninvoicedQty: fmt(totals.qty, 'qty'), uninvoicedAmount: fmt(totals.amount) },
    };
  }

  /** Totals of what is shipped but not invoiced in the caller's scope (the month-end reminder). */
  async uninvoicedTotals(ctx: RequestContext): Promise<{ lines: number; amount: string }> {
    const t = await this.db.one(ctx, this.uninvoicedQuery(ctx, {}).select([sql<number>`count(*)::int`.as('n'), sql<string>`coalesce(sum(uninvoiced_amount), 0)`.as('amount')]));
    return { lines: t.n, amount: fmt(t.amount) };
  }

  private uninvoicedQuery(ctx: RequestContext, f: { dealerId?: string; branchId?: string; month?: string; lineIds?: string[] }) {
    let inner = this.db.k
      .selectFrom('shipment_line as sl')
      .innerJoin('shipment as s', 's.id', 'sl.shipment_id')
      .innerJoin('organization as d', 'd.id', 's.dealer_id')
      .innerJoin('product as p', 'p.id', 'sl.product_id')
      .innerJoin('sales_order_line as ol', 'ol.id', 'sl.order_line_id')
      .leftJoin(
        (eb) =>
          eb
            .selectFrom('invoice_line as il')
            .innerJoin('invoice as iv', 'iv.id', 'il.invoice_id')
            .select(['il.shipment_line_id', sql<string>`sum(coalesce(il.qty, 0))`.as('qty'), sql<string>`sum(il.total)`.as('total')])
            .where('iv.status', '<>', InvoiceStatus.VOIDED)
            .where('il.shipment_line_id', 'is not', null)
            .groupBy('il.shipment_line_id')
            .as('inv'),
        (join) => join.onRef('inv.shipment_line_id', '=', 'sl.id'),
      )
      .select([
        'sl.id as shipment_line_id', 'sl.shipment_id', 's.number as shipment_number', sql<string>`to_char(s.business_date, 'YYYY-MM-DD')`.as('shipped_on'), 's.dealer_id', 'd.name as dealer_name',
        'p.id as product_id', 'p.code as product_code', 'p.name as product_name', 'p.base_unit as unit', 'sl.qty as shipped_qty', 'sl.returned_qty', 'sl.unit_price', 'ol.tax_rate',
        sql<string>`coalesce(inv.qty, 0)`.as('invoiced_qty'),
        sql<string>`coalesce(inv.total, 0)`.as('invoiced_amount'),
        sql<string>`greatest(sl.qty - sl.returned_qty - coalesce(inv.qty, 0), 0)`.as('uninvoiced_qty'),
        sql<string>`greatest(sl.amount - sl.returned_amount - coalesce(inv.total, 0), 0)`.as('uninvoiced_amount'),
      ])
      .where(orgScope(ctx, 's.dealer_id'));
    if (f.dealerId) inner = inner.where('s.dealer_id', '=', f.dealerId);
    if (f.branchId) inner = inner.where(sql<SqlBool>`d.path LIKE (SELECT b.path FROM organization b WHERE b.id = ${f.branchId}::uuid) || '%'`);
    if (f.month) inner = inner.where(sql<SqlBool>`to_char(s.business_date, 'YYYY-MM') = ${f.month}`);
    if (f.lineIds) inner = inner.where('sl.id', 'in', f.lineIds);
    return this.db.k.selectFrom(inner.as('u')).where(sql<SqlBool>`(u.uninvoiced_qty > 0 OR u.uninvoiced_amount > 0)`);
  }

  /** The invoice numbers of each shipment (blue invoices not voided): receivables and statements show them. */
  async numbersForShipments(ctx: RequestContext, shipmentIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!shipmentIds.length) return out;
    const rows = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('invoice_line as l')
        .innerJoin('invoice as i', 'i.id', 'l.invoice_id')
        .innerJoin('shipment_line as sl', 'sl.id', 'l.shipment_line_id')
        .select(['sl.shipment_id', 'i.elec_number', 'i.code', 'i.number'])
        .distinct()
        .where('sl.shipment_id', 'in', [...new Set(shipmentIds)])
        .where('i.kind', '=', InvoiceKind.BLUE)
        .where('i.status', '<>', InvoiceStatus.VOIDED)
        .orderBy('sl.shipment_id'),
    );
    for (const r of rows) out.set(r.shipment_id, [...(out.get(r.shipment_id) ?? []), invoiceLabel({ elecNumber: r.elec_number, code: r.code, number: r.number })].sort());
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // issuing

  /** An invoice made from uninvoiced shipment lines of one dealer (many shipments into one, or one line split over several). */
  async create(ctx: RequestContext, dto: CreateInvoiceDto) {
    const nums = checkedNumbers(dto.type, dto);
    const id = await this.db.tx(ctx, async (tx) => {
      const dealer = await this.db.first(tx, this.db.k.selectFrom('organization as o').select(['o.id', 'o.name', 'o.tax_id', 'o.type']).where('o.id', '=', dto.dealerId).where(orgScope(tx, 'o.id')));
      if (!dealer || dealer.type !== OrgType.DEALER) throw notFound('dealer', dto.dealerId);
      const company = await this.company(tx);
      const buyerTaxId = assertTaxId('buyerTaxId', dealer.tax_id);
      const sellerTaxId = assertTaxId('sellerTaxId', company.taxId);
      await this.assertNotDuplicate(tx, nums);
      // the shipment lines, locked in id order (a return or another invoice on the same line waits)
      const lineIds = [...new Set(dto.lines.map((l) => l.shipmentLineId))].sort();
      await this.db.rows(tx, this.db.k.selectFrom('shipment_line').select('id').where('id', 'in', lineIds).orderBy('id').forUpdate());
      const left = await this.db.rows(tx, this.uninvoicedQuery(tx, { lineIds }).selectAll());
      const all = await this.db.rows(
        tx,
        this.db.k.selectFrom('shipment_line as sl').innerJoin('shipment as s', 's.id', 'sl.shipment_id').innerJoin('product as p', 'p.id', 'sl.product_id')
          .innerJoin('sales_order_line as ol', 'ol.id', 'sl.order_line_id')
          .select(['sl.id', 's.dealer_id', 'p.id as product_id', 'p.name', 'p.spec', 'p.base_unit', 'sl.unit_price', 'ol.tax_rate']).where('sl.id', 'in', lineIds).where(orgScope(tx, 's.dealer_id')),
      );
      const used = new Map<string, { qty: Dec; total: Dec }>();
      const lines = dto.lines.map((l, i) => {
        const sl = all.find((a) => a.id === l.shipmentLineId);
        if (!sl) throw notFound('shipment line', l.shipmentLineId);
        if (sl.dealer_id !== dealer.id) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'An invoice is made from shipment lines of its own dealer', { field: `lines.${i}.shipmentLineId` });
        const rest = left.find((r) => r.shipment_line_id === sl.id);
        const leftQty = new Dec(rest?.uninvoiced_qty ?? 0);
        const leftTotal = new Dec(rest?.uninvoiced_amount ?? 0);
        const u = used.get(sl.id) ?? { qty: new Dec(0), total: new Dec(0) };
        const qty = new Dec(l.qty);
        if (u.qty.plus(qty).greaterThan(leftQty)) {
          throw new DomainError(ErrorCode.INVOICE_QTY_EXCEEDS_UNINVOICED, `Line ${i + 1}: ${fmt(leftQty.minus(u.qty), 'qty')} left to invoice, ${l.qty} requested`, {
            shipmentLineId: sl.id, left: fmt(leftQty.minus(u.qty), 'qty'), requested: fmt(qty, 'qty'), field: `lines.${i}.qty`,
          });
        }
        // the whole rest of a line takes the rest of its money (no cent lost to rounding)
        const gross = l.amount ? new Dec(l.amount) : u.qty.plus(qty).equals(leftQty) ? leftTotal.minus(u.total) : new Dec(fmt(qty.times(sl.unit_price)));
        if (u.total.plus(gross).greaterThan(leftTotal)) {
          throw new DomainError(ErrorCode.INVOICE_QTY_EXCEEDS_UNINVOICED, `Line ${i + 1}: ${fmt(leftTotal.minus(u.total))} left to invoice, ${fmt(gross)} requested`, {
            shipmentLineId: sl.id, left: fmt(leftTotal.minus(u.total)), requested: fmt(gross), field: `lines.${i}.amount`,
          });
        }
        used.set(sl.id, { qty: u.qty.plus(qty), total: u.total.plus(gross) });
        const money = splitTotal(fmt(gross), sl.tax_rate);
        return { sl, qty: fmt(qty, 'qty'), ...money, taxRate: sl.tax_rate, unitPrice: fmt(new Dec(money.amount).div(qty), 'unitPrice') };
      });
      const totals = sumMoney(lines);
      const inv = await this.db.one(
        tx,
        this.db.k
          .insertInto('invoice')
          .values({
            type: dto.type, kind: InvoiceKind.BLUE, elec_number: nums.elecNumber, code: nums.code, number: nums.number, issue_date: sql<Date>`${dto.issueDate}::date`,
            seller_name: company.name, seller_tax_id: sellerTaxId, buyer_name: dealer.name, buyer_tax_id: buyerTaxId, dealer_id: dealer.id, scope_org_id: dealer.id,
            amount: totals.amount, tax: totals.tax, total: totals.total, status: InvoiceStatus.NORMAL, source: InvoiceSource.ISSUED, issuer: dto.issuer?.trim() || tx.user?.displayName || null,
            remark: dto.remark?.trim() || null, created_by: tx.user?.id ?? null,
          })
          .returning('id'),
      );
      await this.db.rows(
        tx,
        this.db.k.insertInto('invoice_line').values(
          lines.map((l, i) => ({
            invoice_id: inv.id, line_no: i + 1, shipment_line_id: l.sl.id, product_id: l.sl.product_id, name: l.sl.name, spec: l.sl.spec, unit: l.sl.base_unit, qty: l.qty, unit_price: l.unitPrice,
            amount: l.amount, tax_rate: l.taxRate, tax: l.tax, total: l.total,
          })),
        ),
      );
      const label = invoiceLabel(nums);
      await this.kernel.transition(tx, INVOICE_MACHINE.type, {
        id: inv.id, from: null, to: InvoiceStatus.NORMAL, action: 'ISSUE',
        audit: { action: 'create', orgId: dealer.id, summary: `invoice ${label} to ${dealer.name}: ${totals.total} (${lines.length} line(s))`, after: { ...nums, type: dto.type, ...totals, lines: lines.length } },
      });
      return inv.id;
    });
    return this.detail(ctx, id);
  }

  /** The audited edit of non-key fields (remark, issuer); a stale version is a 409. */
  async edit(ctx: RequestContext, id: string, dto: EditInvoiceDto) {
    await assertInScope(this.db, ctx, 'invoice', 'scope_org_id', id, 'invoice');
    await this.db.tx(ctx, async (tx) => {
      const row = await this.db.one(tx, this.db.k.selectFrom('invoice').select(['version', 'remark', 'issuer', 'scope_org_id', 'elec_number', 'code', 'number']).where('id', '=', id).forUpdate());
      if (row.version !== dto.version) throw staleVersion('invoice', dto.version, row.version);
      const set = { remark: dto.remark === undefined ? row.remark : dto.remark?.trim() || null, issuer: dto.issuer === undefined ? row.issuer : dto.issuer?.trim() || null };
      await this.db.rows(tx, this.db.k.updateTable('invoice').set({ ...set, version: sql<number>`version + 1`, updated_at: sql`now()` }).where('id', '=', id));
      await this.audit.record(tx, { action: 'update', entity: 'invoice', entityId: id, orgId: row.scope_org_id, summary: `edited invoice ${invoiceLabel({ elecNumber: row.elec_number, code: row.code, number: row.number })}`, before: { remark: row.remark, issuer: row.issuer }, after: set });
    });
    return this.detail(ctx, id);
  }

  /** A red invoice (红冲) against a blue one, full or partial; the blue moves to RED_FULL / RED_PARTIAL. */
  async red(ctx: RequestContext, blueId: string, dto: RedInvoiceDto) {
    await assertInScope(this.db, ctx, 'invoice', 'scope_org_id', blueId, 'invoice');
    const id = await this.db.tx(ctx, async (tx) => {
      const blue = await this.db.one(tx, this.db.k.selectFrom('invoice').selectAll().where('id', '=', blueId).forUpdate());
      if (blue.kind !== InvoiceKind.BLUE) throw new DomainError(ErrorCode.INVOICE_NOT_BLUE, 'Only a blue invoice can be red-lettered');
      if (blue.status === InvoiceStatus.VOIDED || blue.status === InvoiceStatus.RED_FULL) {
        throw new DomainError(ErrorCode.INVALID_STATE, `The invoice is ${blue.status}: nothing is left to red-letter`, { status: blue.status, action: 'RED' });
      }
      const type = dto.type ?? blue.type;
      const nums = checkedNumbers(type, dto);
      await this.assertNotDuplicate(tx, nums);
      const reds = await this.db.rows(tx, this.db.k.selectFrom('invoice').select(['id', 'amount', 'tax', 'total']).where('blue_id', '=', blueId));
      const left = redLeft(blue, reds);
      const blueLines = await this.db.rows(tx, this.db.k.selectFrom('invoice_line').selectAll().where('invoice_id', '=', blueId).orderBy('line_no'));
      const redLines = reds.length
        ? await this.db.rows(tx, this.db.k.selectFrom('invoice_line').select(['blue_line_id', sql<string>`sum(total)`.as('total'), sql<string>`sum(coalesce(qty, 0))`.as('qty')]).where('invoice_id', 'in', reds.map((r) => r.id)).groupBy('blue_line_id'))
        : [];
      const lineLeft = (l: (typeof blueLines)[number]) => {
        const r = redLines.find((x) => x.blue_line_id === l.id);
        return { total: new Dec(l.total).plus(r?.total ?? 0), qty: l.qty === null ? null : new Dec(l.qty).plus(r?.qty ?? 0) };
      };
      // the lines taken back, positive
      let taken: { blue: (typeof blueLines)[number] | null; qty: string | null; money: Money3 }[];
      if (dto.full) {
        taken = blueLines.length
          ? blueLines.map((l) => ({ blue: l, qty: lineLeft(l).qty === null ? null : fmt(lineLeft(l).qty!, 'qty'), money: splitTotal(fmt(lineLeft(l).total), l.tax_rate) })).filter((t) => new Dec(t.money.total).greaterThan(0))
          : [{ blue: null, qty: null, money: left }];
        // the full red takes exactly what is left (a line's rounding never leaves a cent behind)
        const sum = sumMoney(taken.map((t) => t.money));
        if (taken.length && (sum.amount !== left.amount || sum.tax !== left.tax)) taken[taken.length - 1].money = { ...taken[taken.length - 1].money, amount: fmt(new Dec(taken[taken.length - 1].money.amount).plus(left.amount).minus(sum.amount)), tax: fmt(new Dec(taken[taken.length - 1].money.tax).plus(left.tax).minus(sum.tax)) };
      } else {
        if (!dto.lines?.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A partial red invoice names the lines it takes back', { field: 'lines' });
        taken = dto.lines.map((l, i) => {
          const bl = blueLines.find((b) => b.id === l.invoiceLineId);
          if (!bl) throw new DomainError(ErrorCode.VALIDATION_FAILED, `Line ${i + 1} is not a line of this invoice`, { field: `lines.${i}.invoiceLineId` });
          const ll = lineLeft(bl);
          const money = splitTotal(l.amount, bl.tax_rate);
          if (new Dec(l.amount).greaterThan(ll.total) || (l.qty && ll.qty && new Dec(l.qty).greaterThan(ll.qty))) {
            throw new DomainError(ErrorCode.INVOICE_RED_EXCEEDS_BLUE, `Line ${i + 1}: ${fmt(ll.total)} is left of the blue line, ${l.amount} requested`, {
              left: splitTotal(fmt(ll.total), bl.tax_rate), requested: money, invoiceLineId: bl.id,
            });
          }
          return { blue: bl, qty: l.qty ? fmt(l.qty, 'qty') : null, money };
        });
      }
      const red = sumMoney(taken.map((t) => t.money));
      const verdict = applyRed(left, red);
      if (!verdict.ok) throw new DomainError(ErrorCode.INVOICE_RED_EXCEEDS_BLUE, `The red invoice (${red.total}) exceeds what is left of the blue (${left.total})`, { left, requested: red });
      const neg = negate(red);
      const remark = dto.remark?.trim() || (blue.elec_number ? `被红冲蓝字数电票号码：${blue.elec_number} 红字发票信息确认单编号：${dto.confirmationNo}` : `对应正数发票代码:${blue.code}号码:${blue.number}`);
      const inv = await this.db.one(
        tx,
        this.db.k
          .insertInto('invoice')
          .values({
            type, kind: InvoiceKind.RED, elec_number: nums.elecNumber, code: nums.code, number: nums.number, issue_date: sql<Date>`${dto.issueDate}::date`,
            seller_name: blue.seller_name, seller_tax_id: blue.seller_tax_id, buyer_name: blue.buyer_name, buyer_tax_id: blue.buyer_tax_id, dealer_id: blue.dealer_id, scope_org_id: blue.scope_org_id,
            amount: neg.amount, tax: neg.tax, total: neg.total, status: InvoiceStatus.NORMAL, source: InvoiceSource.ISSUED, blue_id: blue.id, red_reason: dto.reason,
            red_confirmation_no: dto.confirmationNo.trim(), issuer: tx.user?.displayName ?? null, remark: remark.slice(0, 500), created_by: tx.user?.id ?? null,
          })
          .returning('id'),
      );
      const rows = taken.map((t, i) => ({
        invoice_id: inv.id, line_no: i + 1, shipment_line_id: t.blue?.shipment_line_id ?? null, blue_line_id: t.blue?.id ?? null, product_id: t.blue?.product_id ?? null,
        name: t.blue?.name ?? '红冲', spec: t.blue?.spec ?? null, unit: t.blue?.unit ?? null, qty: t.qty === null ? null : fmt(new Dec(t.qty).neg(), 'qty'), unit_price: t.blue?.unit_price ?? null,
        amount: fmt(new Dec(t.money.amount).neg()), tax_rate: t.blue?.tax_rate ?? '0', tax: fmt(new Dec(t.money.tax).neg()), total: fmt(new Dec(t.money.total).neg()),
      }));
      if (rows.length) await this.db.rows(tx, this.db.k.insertInto('invoice_line').values(rows));
      const blueLabel = invoiceLabel({ elecNumber: blue.elec_number, code: blue.code, number: blue.number });
      const redLabel = invoiceLabel(nums);
      await this.kernel.transition(tx, INVOICE_MACHINE.type, {
        id: inv.id, from: null, to: InvoiceStatus.NORMAL, action: 'RED',
        audit: { action: 'create', orgId: blue.scope_org_id, summary: `red invoice ${redLabel} against ${blueLabel}: ${neg.total} (${dto.full ? 'full' : 'partial'}, reason ${dto.reason})`, after: { ...nums, blueId: blue.id, ...neg, reason: dto.reason, confirmationNo: dto.confirmationNo } },
      });
      await this.kernel.transition(tx, INVOICE_MACHINE.type, {
        id: blue.id, from: blue.status as InvoiceStatus, to: verdict.status, action: 'RED', note: redLabel,
        audit: { action: 'red', orgId: blue.scope_org_id, summary: `invoice ${blueLabel} ${verdict.status === InvoiceStatus.RED_FULL ? 'fully' : 'partly'} red-lettered by ${redLabel}`, before: { status: blue.status, left }, after: { status: verdict.status, left: verdict.leftAfter } },
      });
      return inv.id;
    });
    return this.detail(ctx, id);
  }

  /** Voiding (作废): paper invoices of the current month only; a digital one answers INVOICE_DIGITAL_NOT_VOIDABLE (red-letter it). */
  async void(ctx: RequestContext, id: string, dto: VoidInvoiceDto) {
    await assertInScope(this.db, ctx, 'invoice', 'scope_org_id', id, 'invoice');
    await this.db.tx(ctx, async (tx) => {
      const inv = await this.db.one(tx, this.db.k.selectFrom('invoice').select(['type', 'status', 'kind', 'scope_org_id', 'elec_number', 'code', 'number', sql<string>`to_char(issue_date, 'YYYY-MM')`.as('month')]).where('id', '=', id).forUpdate());
      if (!PAPER_TYPES.includes(inv.type)) throw new DomainError(ErrorCode.INVOICE_DIGITAL_NOT_VOIDABLE, 'A digital invoice cannot be voided: issue a red invoice (红冲) instead');
      if (inv.month !== this.today().slice(0, 7)) throw new DomainError(ErrorCode.INVOICE_VOID_PERIOD_CLOSED, `Only invoices of the current month can be voided; this one is of ${inv.month}: issue a red invoice instead`);
      if (inv.status !== InvoiceStatus.NORMAL) throw new DomainError(ErrorCode.INVALID_STATE, `The invoice is ${inv.status}`, { status: inv.status, to: InvoiceStatus.VOIDED });
      const reds = await this.db.first(tx, this.db.k.selectFrom('invoice').select('id').where('blue_id', '=', id).limit(1));
      if (reds) throw new DomainError(ErrorCode.INVALID_STATE, 'The invoice has red invoices against it', { status: inv.status, to: InvoiceStatus.VOIDED });
      const label = invoiceLabel({ elecNumber: inv.elec_number, code: inv.code, number: inv.number });
      await this.kernel.transition(tx, INVOICE_MACHINE.type, {
        id, from: InvoiceStatus.NORMAL, to: InvoiceStatus.VOIDED, action: 'VOID', note: dto.reason,
        set: { void_reason: dto.reason.trim(), voided_at: sql`now()`, voided_by: tx.user?.id ?? null },
        audit: { action: 'void', orgId: inv.scope_org_id, summary: `invoice ${label} voided: ${dto.reason}`, before: { status: inv.status }, after: { status: InvoiceStatus.VOIDED, reason: dto.reason } },
      });
    });
    return this.detail(ctx, id);
  }

  /** Sets an invoice's status to what the tax platform shows (a reconciliation finding's action). */
  async correctStatus(tx: RequestContext, id: string, to: InvoiceStatus, note: string): Promise<InvoiceStatus> {
    const inv = await this.db.one(tx, this.db.k.selectFrom('invoice').select(['status', 'scope_org_id', 'elec_number', 'code', 'number']).where('id', '=', id).forUpdate());
    if (inv.status === to) return to;
    await this.kernel.transition(tx, INVOICE_MACHINE.type, {
      id, from: inv.status as InvoiceStatus, to, action: 'CORRECT', note,
      audit: { action: 'correct_status', orgId: inv.scope_org_id, summary: `invoice ${invoiceLabel({ elecNumber: inv.elec_number, code: inv.code, number: inv.number })} status set from the tax platform: ${inv.status} -> ${to}`, before: { status: inv.status }, after: { status: to, note } },
    });
    return inv.status as InvoiceStatus;
  }

  // ------------------------------------------------------------------------------------------
  // attachments and flags

  async addAttachment(ctx: RequestContext, id: string, file: Express.Multer.File | undefined) {
    await assertInScope(this.db, ctx, 'invoice', 'scope_org_id', id, 'invoice');
    const saved = await this.storeFile(file);
    try {
      return await this.db.tx(ctx, async (tx) => {
        const inv = await this.db.one(tx, this.db.k.selectFrom('invoice').select(['scope_org_id', 'elec_number', 'code', 'number']).where('id', '=', id).forUpdate());
        const a = await this.db.one(
          tx,
          this.db.k.insertInto('invoice_attachment').values({ invoice_id: id, storage_key: saved.key, file_name: saved.fileName, content_type: saved.contentType, size_bytes: saved.size, created_by: tx.user?.id ?? null }).returning(['id']),
        );
        await this.audit.record(tx, { action: 'add_file', entity: 'invoice', entityId: id, orgId: inv.scope_org_id, summary: `attached ${saved.fileName} to invoice ${invoiceLabel({ elecNumber: inv.elec_number, code: inv.code, number: inv.number })}` });
        return { id: a.id, fileName: saved.fileName, size: saved.size, contentType: saved.contentType };
      });
    } catch (e) {
      await this.storage.remove(saved.key);
      throw e;
    }
  }

  /** Stores an uploaded invoice file (PDF, OFD, XML or an image); the caller records it. */
  async storeFile(file: Express.Multer.File | undefined): Promise<{ key: string; fileName: string; contentType: string; size: number }> {
    if (!file?.buffer?.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Attach the invoice file (PDF, OFD, XML or an image)', { field: 'file' });
    const name = Buffer.from(file.originalname, 'latin1').toString('utf8');
    const ext = (/\.(pdf|ofd|xml|png|jpe?g)$/i.exec(name)?.[0] ?? ATTACHMENT_TYPES[file.mimetype] ?? '').toLowerCase();
    if (!ext || !EXT_TYPES[ext]) throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'An invoice file is a PDF, OFD, XML or an image', { allowed: Object.keys(EXT_TYPES) });
    const key = await this.storage.put(file.buffer, ext);
    return { key, fileName: name.slice(0, 200), contentType: EXT_TYPES[ext], size: file.size };
  }

  /** An attachment's file (audited): the invoice must be visible (checked by the caller). */
  async attachmentFile(ctx: RequestContext, invoiceId: string, attachmentId: string): Promise<StreamableFile> {
    const a = await this.db.first(ctx, this.db.k.selectFrom('invoice_attachment').select(['storage_key', 'file_name', 'content_type']).where('id', '=', attachmentId).where('invoice_id', '=', invoiceId));
    if (!a) throw notFound('attachment', attachmentId);
    const path = this.storage.locateDocument(a.storage_key);
    await this.audit.record(ctx, { action: 'view_file', entity: 'invoice', entityId: invoiceId, summary: `viewed ${a.file_name}` });
    const name = encodeURIComponent(a.file_name);
    return new StreamableFile(createReadStream(path), { type: a.content_type, disposition: `inline; filename="${name}"; filename*=UTF-8''${name}` });
  }

  async visibleAttachment(ctx: RequestContext, invoiceId: string, attachmentId: string): Promise<StreamableFile> {
    await assertInScope(this.db, ctx, 'invoice', 'scope_org_id', invoiceId, 'invoice');
    return this.attachmentFile(ctx, invoiceId, attachmentId);
  }

  /** Dealers with a missing or invalid tax id, for HQ to fix. */
  async taxIdProblems(ctx: RequestContext) {
    const rows = await this.db.rows(ctx, this.db.k.selectFrom('organization as o').select(['o.id', 'o.code', 'o.name', 'o.tax_id']).where('o.type', '=', OrgType.DEALER).where(orgScope(ctx, 'o.id')).orderBy('o.code'));
    const items = rows.flatMap((r) => {
      const p = taxIdProblem(r.tax_id);
      return p ? [{ dealerId: r.id, code: r.code, name: r.name, taxId: r.tax_id, problem: p === 'MISSING' ? ('MISSING' as const) : ('INVALID' as const) }] : [];
    });
    return { items, total: items.length };
  }

  /** Invoices dealers flagged as not received. */
  async notReceived(ctx: RequestContext, q: InvoiceQueryDto) {
    return this.list(ctx, { ...q, notReceived: 'true' });
  }

  // ------------------------------------------------------------------------------------------
  // the dealer's own (mall)

  async mallList(ctx: RequestContext, dealerId: string, q: InvoiceQueryDto) {
    const qb = this.db.k.selectFrom('invoice as i').where('i.dealer_id', '=', dealerId);
    const { ids, ...page } = await pageIdsOf(this.db, ctx, qb, { page: q.page, pageSize: q.pageSize }, SORT, '-issueDate', 'i.id');
    return { items: await this.load(ctx, ids), ...page };
  }

  async assertDealerOwns(ctx: RequestContext, dealerId: string, id: string): Promise<void> {
    const row = await this.db.first(ctx, this.db.k.selectFrom('invoice').select('id').where('id', '=', id).where('dealer_id', '=', dealerId));
    if (!row) throw notFound('invoice', id);
  }

  async flagNotReceived(ctx: RequestContext, dealerId: string, id: string, note?: string) {
    await this.assertDealerOwns(ctx, dealerId, id);
    await this.db.tx(ctx, async (tx) => {
      const inv = await this.db.one(tx, this.db.k.selectFrom('invoice').select(['scope_org_id', 'elec_number', 'code', 'number', 'not_received']).where('id', '=', id).forUpdate());
      await this.db.rows(
        tx,
        this.db.k.updateTable('invoice').set({ not_received: true, not_received_note: note?.trim() || null, not_received_at: sql`now()`, not_received_by: tx.user?.id ?? null, updated_at: sql`now()`, version: sql<number>`version + 1` }).where('id', '=', id),
      );
      await this.audit.record(tx, { action: 'not_received', entity: 'invoice', entityId: id, orgId: inv.scope_org_id, summary: `dealer flagged invoice ${invoiceLabel({ elecNumber: inv.elec_number, code: inv.code, number: inv.number })} as not received${note ? `: ${note}` : ''}`, before: { notReceived: inv.not_received }, after: { notReceived: true, note: note ?? null } });
    });
    return this.detail(ctx, id);
  }

  /** Whether an invoice of `type` is a digital one (for callers that word a refusal). */
  static isDigital(type: string): boolean {
    return isElecType(type) && !PAPER_TYPES.includes(type);
  }
}
