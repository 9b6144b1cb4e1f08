import { Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ApprovalDocType, ApprovalStatus, Dec, ErrorCode, fmt, InvoiceKind, invoiceLabel, InvoiceSource, InvoiceStatus, normalizeTaxId, SUPPLEMENT_PREFIX, taxIdProblem } from '@drp/shared';
import { sql } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { escapeLike, pageIdsOf } from '../../common/http/pagination';
import { orgScope } from '../../common/scope/data-scope';
import { businessDate } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { DocNumberService } from '../../database/doc-number.service';
import { DocumentKernel } from '../../kernel/document-kernel.service';
import { ApprovalService } from '../approval/approval.service';
import { AuditService } from '../audit/audit.service';
import { StorageService } from '../storage/storage.service';
import { SupplementDto, SupplementQueryDto } from './invoice.dto';
import { INVOICE_MACHINE, SUPPLEMENT_MACHINE, SupplementStatusT } from './invoice.machine';
import { assertTaxId, checkedNumbers, InvoiceService } from './invoice.service';

export const supplementLink = (id: string) => `/invoices/supplementary/${id}`;

/** The `data` field of the multipart request, parsed and validated like a JSON body (400 naming the fields). */
export function parseSupplementData(raw: unknown): SupplementDto {
  let data: unknown = raw;
  if (typeof raw === 'string') {
    try {
      data = JSON.parse(raw);
    } catch {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'data must be a JSON object', { field: 'data' });
    }
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'data must be a JSON object', { field: 'data' });
  const dto = plainToInstance(SupplementDto, data);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) {
    const flat = (e: (typeof errors)[number], prefix = ''): { field: string; messages: string[] }[] => [
      ...(e.constraints ? [{ field: `${prefix}${e.property}`, messages: Object.values(e.constraints) }] : []),
      ...(e.children ?? []).flatMap((c) => flat(c, `${prefix}${e.property}.`)),
    ];
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Invalid supplementary entry', errors.flatMap((e) => flat(e)));
  }
  return dto;
}

/**
 * Supplementary entry (补录): an invoice that exists (on the platform, in a drawer) but is missing
 * from the system, with its file, a reason and a tracking number (BL…). It goes through approval
 * (INVOICE_SUPPLEMENT) and enters the register (source SUPPLEMENTARY) only when approved. A
 * duplicate of a registered invoice, or of an entry already waiting, is refused naming it.
 */
@Injectable()
export class SupplementService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly kernel: DocumentKernel,
    private readonly numbers: DocNumberService,
    private readonly approvals: ApprovalService,
    private readonly invoices: InvoiceService,
    private readonly storage: StorageService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(ctx: RequestContext, dto: SupplementDto, file: Express.Multer.File | undefined) {
    const nums = checkedNumbers(dto.type, dto);
    // a tax id taken from the platform's export is the invoice's own: kept and flagged, never refused (issue #13)
    const row = dto.findingId ? await this.db.first(ctx, this.db.k.selectFrom('invoice_recon_finding').select(['p_seller_tax_id', 'p_buyer_tax_id']).where('id', '=', dto.findingId)) : undefined;
    const platform = { sellerTaxId: row?.p_seller_tax_id, buyerTaxId: row?.p_buyer_tax_id };
    const fromPlatform = (field: 'sellerTaxId' | 'buyerTaxId') => !!platform[field] && !!dto[field] && normalizeTaxId(platform[field]) === normalizeTaxId(dto[field]);
    const sellerTaxId = fromPlatform('sellerTaxId') ? normalizeTaxId(dto.sellerTaxId) : assertTaxId('sellerTaxId', dto.sellerTaxId);
    const buyerTaxId = fromPlatform('buyerTaxId') ? normalizeTaxId(dto.buyerTaxId) : assertTaxId('buyerTaxId', dto.buyerTaxId);
    const kind = dto.kind ?? (new Dec(dto.total).isNegative() ? InvoiceKind.RED : InvoiceKind.BLUE);
    if (!new Dec(dto.amount).plus(dto.tax).equals(dto.total)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'total must be amount + tax', { field: 'total' });
    const signOk = kind === InvoiceKind.BLUE ? [dto.amount, dto.tax, dto.total].every((v) => !new Dec(v).isNegative()) : [dto.amount, dto.tax].every((v) => !new Dec(v).isPositive()) && new Dec(dto.total).isNegative();
    if (!signOk) throw new DomainError(ErrorCode.INVALID_AMOUNT, kind === InvoiceKind.BLUE ? 'A blue invoice has amounts of 0 or more' : 'A red invoice has negative amounts', { field: 'total' });
    if (!file?.buffer?.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Attach the invoice file (PDF, OFD, XML or an image)', { field: 'file' });
    await this.assertFree(ctx, nums);
    const saved = await this.invoices.storeFile(file);
    try {
      const out = await this.db.tx(ctx, async (tx) => {
        await this.assertFree(tx, nums);
        const finding = dto.findingId ? await this.db.first(tx, this.db.k.selectFrom('invoice_recon_finding').select(['id', 'resolution', 'category']).where('id', '=', dto.findingId).forUpdate()) : undefined;
        if (dto.findingId && !finding) throw notFound('finding', dto.findingId);
        if (finding?.resolution) throw new DomainError(ErrorCode.INVALID_STATE, `The finding is resolved already (${finding.resolution})`, { status: finding.resolution, id: finding.id });
        const dealer = (await this.invoices.dealersByTaxId(tx, [buyerTaxId])).get(buyerTaxId);
        const company = await this.invoices.company(tx);
        const scopeOrgId = dealer?.id ?? company.id;
        const day = businessDate(new Date(), this.config.companyTz);
        const tracking = await this.numbers.next(tx, SUPPLEMENT_PREFIX, day);
        const lines = (dto.lines ?? []).map((l) => ({ ...l, total: fmt(new Dec(l.amount).plus(l.tax)) }));
        const row = await this.db.one(
          tx,
          this.db.k
            .insertInto('invoice_supplement')
            .values({
              tracking_number: tracking, status: 'PENDING_APPROVAL', type: dto.type, elec_number: nums.elecNumber, code: nums.code, number: nums.number, issue_date: sql<Date>`${dto.issueDate}::date`,
              seller_name: dto.sellerName.trim(), seller_tax_id: sellerTaxId, buyer_name: dto.buyerName.trim(), buyer_tax_id: buyerTaxId, dealer_id: dealer?.id ?? null, scope_org_id: scopeOrgId,
              amount: fmt(dto.amount), tax: fmt(dto.tax), total: fmt(dto.total), kind, status_on_platform: dto.status ?? null, remark: dto.remark?.trim() || null, reason: dto.reason.trim(),
              finding_id: finding?.id ?? null, lines: JSON.stringify(lines), created_by: tx.user?.id ?? null,
            })
            .returning('id'),
        );
        await this.db.rows(tx, this.db.k.insertInto('invoice_attachment').values({ supplement_id: row.id, storage_key: saved.key, file_name: saved.fileName, content_type: saved.contentType, size_bytes: saved.size, created_by: tx.user?.id ?? null }));
        const label = invoiceLabel(nums);
        await this.kernel.transition(tx, SUPPLEMENT_MACHINE.type, {
          id: row.id, from: null, to: 'PENDING_APPROVAL', action: 'SUBMIT',
          audit: { action: 'create', orgId: scopeOrgId, summary: `supplementary entry ${tracking} for invoice ${label} (${dto.total}): ${dto.reason}`, after: { trackingNumber: tracking, ...nums, total: dto.total, reason: dto.reason, findingId: finding?.id ?? null } },
        });
        if (finding) {
          await this.db.rows(
            tx,
            this.db.k.updateTable('invoice_recon_finding').set({ resolution: 'SUPPLEMENTED', resolution_note: `${tracking} ${dto.reason}`.slice(0, 500), resolved_by: tx.user?.id ?? null, resolved_at: sql`now()`, supplement_id: row.id, updated_at: sql`now()` }).where('id', '=', finding.id),
          );
          await this.audit.record(tx, { action: 'resolve', entity: 'invoice_recon_finding', entityId: finding.id, summary: `finding ${finding.category} supplemented by ${tracking}` });
        }
        const branch = await this.db.first(tx, this.db.k.selectFrom('organization').select(['code']).where('id', '=', scopeOrgId));
        const outcome = await this.approvals.start(tx, {
          docType: ApprovalDocType.INVOICE_SUPPLEMENT, docId: row.id, docNumber: tracking,
          summary: { party: dto.buyerName.trim(), amount: fmt(dto.total) },
          scopeOrgId, branchId: scopeOrgId, link: supplementLink(row.id),
          facts: { amount: fmt(new Dec(dto.total).abs()), invoiceType: dto.type, fromReconciliation: !!finding, branchCode: branch?.code ?? null },
        });
        if (outcome === ApprovalStatus.APPROVED) await this.approve(tx, row.id);
        else if (outcome === ApprovalStatus.REJECTED) await this.reject(tx, row.id, 'no approver could be found');
        return { id: row.id, trackingNumber: tracking };
      });
      return this.get(ctx, out.id);
    } catch (e) {
      await this.storage.remove(saved.key);
      throw e;
    }
  }

  /** Refuses numbers already registered, or waiting in another entry. */
  private async assertFree(ctx: RequestContext, nums: { elecNumber: string | null; code: string | null; number: string | null }): Promise<void> {
    await this.invoices.assertNotDuplicate(ctx, nums);
    const pending = await this.db.first(
      ctx,
      this.db.k
        .selectFrom('invoice_supplement')
        .select(['id', 'tracking_number', 'elec_number', 'code', 'number'])
        .where('status', '=', 'PENDING_APPROVAL')
        .where((eb) => eb.or([...(nums.elecNumber ? [eb('elec_number', '=', nums.elecNumber)] : []), ...(nums.code && nums.number ? [eb.and([eb('code', '=', nums.code), eb('number', '=', nums.number)])] : []), sql<boolean>`false`]))
        .limit(1),
    );
    if (pending) {
      const label = invoiceLabel({ elecNumber: pending.elec_number, code: pending.code, number: pending.number });
      throw new DomainError(ErrorCode.INVOICE_DUPLICATE, `Invoice ${label} waits for approval in supplementary entry ${pending.tracking_number}`, { existingId: pending.id, label, trackingNumber: pending.tracking_number });
    }
  }

  async lockForApproval(tx: RequestContext, id: string): Promise<void> {
    await this.db.rows(tx, this.db.k.selectFrom('invoice_supplement').select('id').where('id', '=', id).forUpdate());
  }

  /** Approved: the invoice enters the register (source SUPPLEMENTARY) with the entry's file. */
  async approve(tx: RequestContext, id: string): Promise<void> {
    const s = await this.db.one(tx, this.db.k.selectFrom('invoice_supplement').selectAll().select(sql<string>`to_char(issue_date, 'YYYY-MM-DD')`.as('day')).where('id', '=', id).forUpdate());
    const nums = { elecNumber: s.elec_number, code: s.code, number: s.number };
    // an invoice registered meanwhile (issued, imported): the approval cannot commit, naming it
    await this.invoices.assertNotDuplicate(tx, nums);
    const blueNo = s.kind === InvoiceKind.RED ? /被红冲蓝字数电票号码[:：]\s*(\d{20})/.exec(s.remark ?? '')?.[1] : undefined;
    const blue = blueNo ? await this.db.first(tx, this.db.k.selectFrom('invoice').select('id').where('elec_number', '=', blueNo)) : undefined;
    const inv = await this.db.one(
      tx,
      this.db.k
        .insertInto('invoice')
        .values({
          type: s.type, kind: s.kind, elec_number: s.elec_number, code: s.code, number: s.number, issue_date: sql<Date>`${s.day}::date`, seller_name: s.seller_name, seller_tax_id: s.seller_tax_id,
          buyer_name: s.buyer_name, buyer_tax_id: s.buyer_tax_id, dealer_id: s.dealer_id, scope_org_id: s.scope_org_id, amount: s.amount, tax: s.tax, total: s.total,
          status: (s.status_on_platform as InvoiceStatus | null) ?? InvoiceStatus.NORMAL, source: InvoiceSource.SUPPLEMENTARY, blue_id: blue?.id ?? null, remark: s.remark, supplement_id: s.id, created_by: s.created_by,
          invalid_tax_id: taxIdProblem(s.buyer_tax_id) !== null,
        })
        .returning('id'),
    );
    const lines = (s.lines as unknown as { name: string; spec?: string; unit?: string; qty?: string; unitPrice?: string; amount: string; taxRate: string; tax: string; total: string }[]) ?? [];
    if (lines.length) {
      await this.db.rows(
        tx,
        this.db.k.insertInto('invoice_line').values(
          lines.map((l, i) => ({ invoice_id: inv.id, line_no: i + 1, name: l.name, spec: l.spec ?? null, unit: l.unit ?? null, qty: l.qty ?? null, unit_price: l.unitPrice ?? null, amount: l.amount, tax_rate: l.taxRate, tax: l.tax, total: l.total })),
        ),
      );
    }
    await this.db.rows(tx, this.db.k.updateTable('invoice_attachment').set({ invoice_id: inv.id, updated_at: sql`now()` }).where('supplement_id', '=', id));
    const label = invoiceLabel(nums);
    await this.kernel.transition(tx, INVOICE_MACHINE.type, {
      id: inv.id, from: null, to: (s.status_on_platform as InvoiceStatus | null) ?? InvoiceStatus.NORMAL, action: 'SUPPLEMENT',
      audit: { action: 'create', orgId: s.scope_org_id, summary: `invoice ${label} registered from supplementary entry ${s.tracking_number}`, after: { ...nums, total: s.total, source: InvoiceSource.SUPPLEMENTARY } },
    });
    await this.kernel.transition<SupplementStatusT>(tx, SUPPLEMENT_MACHINE.type, {
      id, from: s.status as SupplementStatusT, to: 'APPROVED', action: 'APPROVE', set: { invoice_id: inv.id },
      audit: { action: 'approve', orgId: s.scope_org_id, summary: `supplementary entry ${s.tracking_number} approved: invoice ${label} is in the register`, before: { status: s.status }, after: { status: 'APPROVED', invoiceId: inv.id } },
    });
  }

  async reject(tx: RequestContext, id: string, reason: string): Promise<void> {
    const s = await this.db.one(tx, this.db.k.selectFrom('invoice_supplement').select(['status', 'tracking_number', 'scope_org_id', 'finding_id']).where('id', '=', id).forUpdate());
    await this.kernel.transition<SupplementStatusT>(tx, SUPPLEMENT_MACHINE.type, {
      id, from: s.status as SupplementStatusT, to: 'REJECTED', action: 'REJECT', note: reason, set: { rejected_reason: reason.slice(0, 500) },
      audit: { action: 'reject', orgId: s.scope_org_id, summary: `supplementary entry ${s.tracking_number} not approved: ${reason}`, before: { status: s.status }, after: { status: 'REJECTED', reason } },
    });
    // the finding it resolved is open again
    if (s.finding_id) {
      await this.db.rows(tx, this.db.k.updateTable('invoice_recon_finding').set({ resolution: null, resolution_note: null, resolved_by: null, resolved_at: null, supplement_id: null, updated_at: sql`now()` }).where('id', '=', s.finding_id).where('supplement_id', '=', id));
    }
  }

  async list(ctx: RequestContext, q: SupplementQueryDto) {
    let qb = this.db.k.selectFrom('invoice_supplement as s').where(orgScope(ctx, 's.scope_org_id'));
    if (q.status) qb = qb.where('s.status', '=', q.status);
    if (q.q) {
      // % and _ typed by the user match themselves (escapeLike), as in every list's search
      const like = `%${escapeLike(q.q)}%`;
      const compact = q.q.replace(/\s+/g, '');
      qb = qb.where((eb) => eb.or([eb('s.tracking_number', 'ilike', like), eb('s.elec_number', '=', compact), eb('s.number', '=', compact), eb('s.buyer_name', 'ilike', like)]));
    }
    // one statement: the filter counted up to EXACT_TOTAL_LIMIT (estimated beyond, flagged) and the page's ids, newest first
    const { ids, ...page } = await pageIdsOf(this.db, ctx, qb, { ...q, sort: undefined }, { createdAt: { notNull: 's.created_at' } }, '-createdAt', 's.id');
    return { ...page, items: await this.loadMany(ctx, ids) };
  }

  async get(ctx: RequestContext, id: string) {
    const row = await this.db.first(ctx, this.db.k.selectFrom('invoice_supplement as s').select('s.id').where('s.id', '=', id).where(orgScope(ctx, 's.scope_org_id')));
    if (!row) throw notFound('supplementary entry', id);
    return (await this.loadMany(ctx, [id]))[0];
  }

  /** Supplementary entries by id, in that order, with their attachments: two statements however many. */
  private async loadMany(ctx: RequestContext, ids: string[]) {
    if (!ids.length) return [];
    const rows = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('invoice_supplement as s')
        .leftJoin('app_user as u', 'u.id', 's.created_by')
        .selectAll('s')
        .select(['u.display_name as created_by_name', sql<string>`to_char(s.issue_date, 'YYYY-MM-DD')`.as('day')])
        .where('s.id', 'in', ids),
    );
    const files = await this.db.rows(
      ctx,
      this.db.k.selectFrom('invoice_attachment').select(['id', 'supplement_id', 'file_name', 'size_bytes', 'content_type']).where('supplement_id', 'in', ids).orderBy('created_at').orderBy('id'),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const s = byId.get(id);
      if (!s) return [];
      const attachments = files.filter((a) => a.supplement_id === id);
      return [
        {
          id: s.id, trackingNumber: s.tracking_number, status: s.status as SupplementStatusT, type: s.type, kind: s.kind, elecNumber: s.elec_number, code: s.code, number: s.number,
          label: invoiceLabel({ elecNumber: s.elec_number, code: s.code, number: s.number }), issueDate: s.day, sellerName: s.seller_name, sellerTaxId: s.seller_tax_id, buyerName: s.buyer_name,
          buyerTaxId: s.buyer_tax_id, dealerId: s.dealer_id, amount: fmt(s.amount), tax: fmt(s.tax), total: fmt(s.total), platformStatus: s.status_on_platform, remark: s.remark, reason: s.reason,
          findingId: s.finding_id, lines: s.lines, invoiceId: s.invoice_id, rejectedReason: s.rejected_reason, createdByName: s.created_by_name ?? null, createdAt: new Date(s.created_at).toISOString(),
          attachments: attachments.map((a) => ({ id: a.id, fileName: a.file_name, size: a.size_bytes, contentType: a.content_type })),
          version: s.version,
        },
      ];
    });
  }
}
