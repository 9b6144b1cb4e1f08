import { Injectable } from '@nestjs/common';
import { AllocationDto, ApprovalDocType, ApprovalStatus, Dec, ErrorCode, FINANCE_DOC_PREFIX, fmt, OrgType, Paged, ReceiptDto, ReceiptReversalStatus, ReceiptStatus } from '@drp/shared';
import { RawBuilder, SqlBool, sql } from 'kysely';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { escapeLike, pageIdsOf, Sortable } from '../../common/http/pagination';
import { assertInScope, orgScope } from '../../common/scope/data-scope';
import { DbService } from '../../database/db.service';
import { DocNumberService } from '../../database/doc-number.service';
import { canMove } from '../../kernel/document-machine';
import { DocumentKernel } from '../../kernel/document-kernel.service';
import { ApprovalService } from '../approval/approval.service';
import { AuditEntry, AuditService } from '../audit/audit.service';
import { OrgService } from '../org/org.service';
import { CreditService } from './credit.service';
import { RECEIPT_MACHINE } from './finance.machines';
import { AllocateDto, CreateReceiptDto, ReceiptQueryDto, ReverseReceiptDto } from './finance.dto';
import { ReceivableService } from './receivable.service';

const SORT: Sortable = { createdAt: { notNull: 'rc.created_at' }, businessDate: { notNull: 'rc.business_date' }, amount: { notNull: 'rc.amount' }, number: { notNull: 'rc.number' } };

/**
 * 收款单: money received from a dealer, set against open receivables oldest first or as told; what
 * is left is a prepayment (预收款). Never deleted: a wrong receipt is reversed with a reason, which
 * reopens what it paid. A reversal goes through approval (RECEIPT_REVERSAL): while it waits
 * (reversal_status PENDING_APPROVAL) the receipt stays in force but cannot be allocated or
 * reversed again; approved, the reversal is done as an immediate one; rejected, withdrawn or
 * returned, the receipt keeps going (reversal_status REJECTED) and may be reversed again later.
 * Its status (ACTIVE -> REVERSED) moves only through the document kernel (RECEIPT_MACHINE).
 */
@Injectable()
export class ReceiptService {
  constructor(
    private readonly db: DbService,
    private readonly numbers: DocNumberService,
    private readonly orgs: OrgService,
    private readonly credit: CreditService,
    private readonly receivables: ReceivableService,
    private readonly approvals: ApprovalService,
    private readonly kernel: DocumentKernel,
    private readonly auditLog: AuditService,
  ) {}

  async list(ctx: RequestContext, q: ReceiptQueryDto): Promise<Paged<ReceiptDto> & { totals: { amount: string; unallocated: string } }> {
    let qb = this.db.k.selectFrom('receipt as rc').innerJoin('organization as d', 'd.id', 'rc.dealer_id').where(orgScope(ctx, 'rc.dealer_id'));
    if (q.dealerId) qb = qb.where('rc.dealer_id', '=', q.dealerId);
    if (q.status) qb = qb.where('rc.status', '=', q.status);
    if (q.method) qb = qb.where('rc.method', '=', q.method);
    if (q.from) qb = qb.where(sql<SqlBool>`rc.business_date >= ${q.from}::date`);
    if (q.to) qb = qb.where(sql<SqlBool>`rc.business_date <= ${q.to}::date`);
    if (q.q) {
      const like = `%${escapeLike(q.q)}%`;
      qb = qb.where((eb) => eb.or([eb('rc.number', 'ilike', like), eb('rc.bank_ref', 'ilike', like), eb('d.code', 'ilike', like), eb('d.name', 'ilike', like)]));
    }
    // the sums read every matching receipt, and count them in the same statement: the total stays exact
    const { ids, sums, ...page } = await pageIdsOf(this.db, ctx, qb, q, SORT, '-createdAt', 'rc.id', {
      amount: sql<string>`COALESCE(sum(rc.amount) FILTER (WHERE rc.status = 'ACTIVE'), 0)`,
      unallocated: sql<string>`COALESCE(sum(rc.unallocated), 0)`,
    });
    return { items: await this.load(ctx, ids), ...page, totals: { amount: fmt(sums.amount), unallocated: fmt(sums.unallocated) } };
  }

  async get(ctx: RequestContext, id: string): Promise<ReceiptDto> {
    await assertInScope(this.db, ctx, 'receipt', 'dealer_id', id, 'receipt');
    return (await this.load(ctx, [id]))[0];
  }

  /** A receipt, numbered on its business date (a back-dated receipt takes the next number of its day). */
  async create(ctx: RequestContext, dto: CreateReceiptDto): Promise<ReceiptDto> {
    if (!new Dec(dto.amount).greaterThan(0)) throw new DomainError(ErrorCode.INVALID_AMOUNT, 'A receipt must be above 0', { field: 'amount' });
    const businessDate = dto.businessDate ?? this.credit.today();
    if (businessDate > this.credit.today()) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A receipt cannot be dated in the future', { field: 'businessDate' });
    const id = await this.db.tx(ctx, async (tx) => {
      const dealer = await this.orgs.assertVisible(tx, dto.dealerId);
      if (dealer.type !== OrgType.DEALER) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Receipts are from dealers', { field: 'dealerId' });
      await this.credit.lock(tx, dealer.id);
      const number = await this.numbers.next(tx, FINANCE_DOC_PREFIX.receipt, businessDate);
      const amount = fmt(dto.amount);
      const row = await this.db.one(
        tx,
        this.db.k
          .insertInto('receipt')
          .values({
            number, dealer_id: dealer.id, method: dto.method, bank_ref: dto.bankRef?.trim() || null, amount, unallocated: amount, business_date: businessDate,
            status: ReceiptStatus.ACTIVE, remark: dto.remark?.trim() || null, created_by: tx.user?.id ?? null,
          })
          .returning('id'),
      );
      await this.credit.adjust(tx, dealer.id, { prepayment: amount });
      if (dto.allocations?.length) await this.receivables.allocateExplicit(tx, dealer.id, { type: 'RECEIPT', id: row.id, unallocated: amount }, dto.allocations);
      else if (!dto.allocations) await this.receivables.settle(tx, dealer.id);
      await this.kernel.transition(tx, RECEIPT_MACHINE.type, {
        id: row.id,
        from: null,
        to: ReceiptStatus.ACTIVE,
        action: 'CREATE',
        audit: {
          action: 'create',
          orgId: dealer.id,
          summary: `receipt ${number} from ${dealer.code}: ${amount} ${dto.method}`,
          after: { number, dealerId: dealer.id, amount, method: dto.method, bankRef: dto.bankRef ?? null, businessDate, allocations: dto.allocations ?? 'oldest first' },
        },
      });
      return row.id;
    });
    return this.get(ctx, id);
  }

  /** Sets a receipt's unallocated money against receivables: as listed, or oldest first. */
  async allocate(ctx: RequestContext, id: string, dto: AllocateDto): Promise<ReceiptDto> {
    await this.get(ctx, id);
    await this.db.tx(ctx, async (tx) => {
      const r = await this.lockReceipt(tx, id);
      if (r.status !== ReceiptStatus.ACTIVE) throw new DomainError(ErrorCode.INVALID_STATE, 'A reversed receipt cannot be allocated', { status: r.status });
      if (r.reversal_status === 'PENDING_APPROVAL') throw pendingReversal(r.number);
      if (dto.allocations?.length) await this.receivables.allocateExplicit(tx, r.dealer_id, { type: 'RECEIPT', id, unallocated: r.unallocated }, dto.allocations);
      else await this.receivables.settle(tx, r.dealer_id, id);
      await this.audit(tx, id, { action: 'allocate', orgId: r.dealer_id, summary: `allocated ${r.number}`, after: { allocations: dto.allocations ?? 'oldest first' } });
    });
    return this.get(ctx, id);
  }

  /**
   * Asks to reverse a receipt: starts its approval. Approved at once (no step applies), it is
   * reversed now; otherwise it waits (PENDING_APPROVAL), the receipt still in force.
   */
  async reverse(ctx: RequestContext, id: string, dto: ReverseReceiptDto): Promise<ReceiptDto> {
    const reason = dto.reason.trim();
    if (!reason) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A reversal needs a reason', { field: 'reason' });
    await this.get(ctx, id);
    await this.db.tx(ctx, async (tx) => {
      const r = await this.lockReceipt(tx, id);
      if (!canMove(RECEIPT_MACHINE, r.status, ReceiptStatus.REVERSED)) throw new DomainError(ErrorCode.INVALID_STATE, 'The receipt is already reversed', { status: r.status });
      if (r.reversal_status === 'PENDING_APPROVAL') throw pendingReversal(r.number);
      await this.setReversal(tx, id, r.reversal_status, {
        reversal_status: 'PENDING_APPROVAL',
        reversal_reason: reason,
        reversal_requested_by: tx.user?.id ?? null,
        reversal_requested_at: sql<Date>`now()`,
      });
      const outcome = await this.startApproval(tx, id);
      if (outcome === ApprovalStatus.APPROVED) return this.doReverse(tx, id);
      if (outcome === ApprovalStatus.REJECTED) await this.setReversal(tx, id, 'PENDING_APPROVAL', { reversal_status: 'REJECTED' });
      await this.audit(tx, id, {
        action: 'request-reversal',
        orgId: r.dealer_id,
        summary: `reversal of ${r.number} (${fmt(r.amount)}) ${outcome === ApprovalStatus.PENDING ? 'waits for approval' : 'rejected: no approver'}: ${reason}`,
        before: { reversalStatus: r.reversal_status },
        after: { reversalStatus: outcome === ApprovalStatus.PENDING ? 'PENDING_APPROVAL' : 'REJECTED', reason },
      });
    });
    return this.get(ctx, id);
  }

  /**
   * Routes a requested reversal. Facts: the amount, what of it is set against receivables (not
   * reversed allocations), its age in days since its business date, the dealer's level and the
   * code of the dealer's branch. Scope: the dealer; approvers relative to the dealer's branch.
   */
  private async startApproval(tx: RequestContext, id: string): Promise<ApprovalStatus> {
    const r = await this.db.one(
      tx,
      this.db.k
        .selectFrom('receipt as rc')
        .innerJoin('organization as d', 'd.id', 'rc.dealer_id')
        .select([
          'rc.number', 'rc.amount', 'rc.dealer_id', 'd.name as dealer_name', 'd.path as dealer_path', 'd.price_level',
          sql<number>`(${this.credit.today()}::date - rc.business_date)`.as('age'),
          (eb) => eb.selectFrom('allocation as a').select(sql<string>`COALESCE(sum(a.amount), 0)`.as('s')).whereRef('a.receipt_id', '=', 'rc.id').where('a.reversed', '=', false).as('allocated'),
        ])
        .where('rc.id', '=', id),
    );
    // the selling branch (as orders have it)
    const b = await this.orgs.sellingBranchOf(tx, r.dealer_path);
    return this.approvals.start(tx, {
      docType: ApprovalDocType.RECEIPT_REVERSAL,
      docId: id,
      docNumber: r.number,
      summary: { party: r.dealer_name, amount: fmt(r.amount) },
      scopeOrgId: r.dealer_id,
      branchId: b.id,
      link: receiptLink(id),
      facts: { amount: fmt(r.amount), allocatedAmount: fmt(r.allocated ?? '0'), ageDays: String(r.age), dealerLevel: r.price_level, branchCode: b.code },
    });
  }

  /** The approval's locks: the dealer's credit account, then the receipt (the order every receipt change takes them in). */
  async lockForApproval(tx: RequestContext, id: string): Promise<void> {
    await this.lockReceipt(tx, id);
  }

  /** The reversal's approval ended APPROVED: the receipt is reversed now, as an immediate reversal is. */
  async reverseApproved(tx: RequestContext, id: string): Promise<void> {
    const r = await this.lockReceipt(tx, id);
    if (r.status !== ReceiptStatus.ACTIVE || r.reversal_status !== 'PENDING_APPROVAL') {
      throw new DomainError(ErrorCode.INVALID_STATE, `${r.number} has no reversal waiting for approval`, { status: r.status, reversalStatus: r.reversal_status });
    }
    await this.doReverse(tx, id);
  }

  /**
   * The reversal was rejected, returned or withdrawn: the receipt stays in force (a new reversal
   * may be asked for later) and its unallocated money, frozen while it waited, now pays what is open.
   */
  async reversalRefused(tx: RequestContext, id: string, why: string): Promise<void> {
    const r = await this.lockReceipt(tx, id);
    if (r.reversal_status !== 'PENDING_APPROVAL') return;
    await this.setReversal(tx, id, 'PENDING_APPROVAL', { reversal_status: 'REJECTED' });
    await this.receivables.settle(tx, r.dealer_id, id);
    await this.audit(tx, id, {
      action: 'reversal-rejected',
      orgId: r.dealer_id,
      summary: `reversal of ${r.number} not approved, the receipt stays in force: ${why}`,
      before: { reversalStatus: 'PENDING_APPROVAL' },
      after: { reversalStatus: 'REJECTED', reason: why },
    });
  }

  /** Locks the dealer's credit account, then the receipt (ARCHITECTURE §6 lock order), and reads it. */
  private async lockReceipt(tx: RequestContext, id: string) {
    const r0 = await this.db.first(tx, this.db.k.selectFrom('receipt').select('dealer_id').where('id', '=', id));
    if (!r0) throw notFound('receipt', id);
    await this.credit.lock(tx, r0.dealer_id);
    const r = await this.db.one(
      tx,
      this.db.k.selectFrom('receipt').select(['number', 'dealer_id', 'status', 'amount', 'unallocated', 'reversal_status', 'reversal_reason']).where('id', '=', id).forUpdate(),
    );
    return { ...r, status: r.status as ReceiptStatus, reversal_status: r.reversal_status as ReceiptReversalStatus | null };
  }

  /**
   * Writes the reversal request's state beside the status (not a status move: the receipt stays in
   * force), guarded by the state read under the row lock.
   */
  private async setReversal(
    tx: RequestContext,
    id: string,
    from: ReceiptReversalStatus | null,
    set: { reversal_status: ReceiptReversalStatus; reversal_reason?: string; reversal_requested_by?: string | null; reversal_requested_at?: RawBuilder<Date> },
  ): Promise<void> {
    const q = this.db.k.updateTable('receipt').set({ version: sql<number>`version + 1`, ...set }).where('id', '=', id).where('status', '=', ReceiptStatus.ACTIVE);
    const done = await this.db.rows(tx, (from === null ? q.where('reversal_status', 'is', null) : q.where('reversal_status', '=', from)).returning('id'));
    if (!done.length) throw new DomainError(ErrorCode.INVALID_STATE, 'The receipt changed meanwhile', { reversalStatus: from });
  }

  /** Reverses a receipt (locked by the caller, reason recorded): its allocations are undone (the receivables reopen), its prepayment is gone. */
  private async doReverse(tx: RequestContext, id: string): Promise<void> {
    const r = await this.db.one(tx, this.db.k.selectFrom('receipt').select(['number', 'dealer_id', 'status', 'amount', 'unallocated', 'reversal_reason']).where('id', '=', id));
    const reason = r.reversal_reason;
    await this.receivables.unallocateReceipt(tx, r.dealer_id, id);
    await this.credit.adjust(tx, r.dealer_id, { prepayment: fmt(new Dec(r.unallocated).negated()) });
    await this.kernel.transition(tx, RECEIPT_MACHINE.type, {
      id,
      from: r.status as ReceiptStatus,
      to: ReceiptStatus.REVERSED,
      action: 'REVERSE',
      note: reason,
      set: { reversal_status: null, unallocated: '0', reversal_date: this.credit.today(), reversed_at: sql`now()`, reversed_by: tx.user?.id ?? null },
      audit: {
        action: 'reverse',
        orgId: r.dealer_id,
        summary: `reversed ${r.number} (${fmt(r.amount)}): ${reason}`,
        before: { status: r.status, unallocated: fmt(r.unallocated) },
        after: { status: ReceiptStatus.REVERSED, reason },
      },
    });
    // what it paid is open again: other unallocated credits of the dealer may cover it
    await this.receivables.settle(tx, r.dealer_id);
  }

  private audit(tx: RequestContext, id: string, entry: Omit<AuditEntry, 'entity' | 'entityId'>): Promise<void> {
    return this.auditLog.record(tx, { entity: 'receipt', entityId: id, ...entry });
  }

  private async load(ctx: RequestContext, ids: string[]): Promise<ReceiptDto[]> {
    if (!ids.length) return [];
    const [rows, allocs] = await Promise.all([
      this.db.rows(
        ctx,
        this.db.k
          .selectFrom('receipt as rc')
          .innerJoin('organization as d', 'd.id', 'rc.dealer_id')
          .leftJoin('app_user as cu', 'cu.id', 'rc.created_by')
          .leftJoin('app_user as ru', 'ru.id', 'rc.reversed_by')
          .leftJoin('app_user as qu', 'qu.id', 'rc.reversal_requested_by')
          .selectAll('rc')
          .select([
            sql<string>`to_char(rc.business_date, 'YYYY-MM-DD')`.as('bdate'), 'd.code as dealer_code', 'd.name as dealer_name', 'cu.display_name as created_by_name',
            'ru.display_name as reversed_by_name', 'qu.display_name as reversal_requested_by_name',
          ])
          .where('rc.id', 'in', ids),
      ),
      this.db.rows(
        ctx,
        this.db.k
          .selectFrom('allocation as a')
          .innerJoin('receivable as r', 'r.id', 'a.receivable_id')
          .innerJoin('receipt as rc', 'rc.id', 'a.receipt_id')
          .select(['a.id', 'a.receivable_id', 'r.number as receivable_number', 'a.receipt_id', 'rc.number as receipt_number', 'a.amount', 'a.reversed', 'a.created_at'])
          .where('a.receipt_id', 'in', ids)
          .orderBy('a.created_at'),
      ),
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => {
      const r = byId.get(id)!;
      const allocations: AllocationDto[] = allocs
        .filter((a) => a.receipt_id === id)
        .map((a) => ({
          id: a.id,
          receivableId: a.receivable_id,
          receivableNumber: a.receivable_number,
          creditType: 'RECEIPT',
          creditId: id,
          creditNumber: a.receipt_number,
          amount: fmt(a.amount),
          reversed: a.reversed,
          createdAt: new Date(a.created_at).toISOString(),
        }));
      const allocated = allocations.filter((a) => !a.reversed).reduce((s, a) => s.plus(a.amount), new Dec(0));
      return {
        id,
        number: r.number,
        dealerId: r.dealer_id,
        dealerCode: r.dealer_code,
        dealerName: r.dealer_name,
        method: r.method as ReceiptDto['method'],
        bankRef: r.bank_ref,
        amount: fmt(r.amount),
        allocated: fmt(allocated),
        unallocated: fmt(r.unallocated),
        businessDate: r.bdate,
        status: r.status as ReceiptStatus,
        remark: r.remark,
        reversalReason: r.reversal_reason,
        reversedAt: r.reversed_at ? new Date(r.reversed_at).toISOString() : null,
        reversedByName: r.reversed_by_name,
        createdByName: r.created_by_name,
        createdAt: new Date(r.created_at).toISOString(),
        allocations,
        reversalStatus: r.reversal_status as ReceiptReversalStatus | null,
        reversalRequestedByName: r.reversal_requested_by_name,
        reversalRequestedAt: r.reversal_requested_at ? new Date(r.reversal_requested_at).toISOString() : null,
      };
    });
  }
}

/** The web route that shows a receipt (the list opens its drawer from `?id=`). */
export const receiptLink = (id: string) => `/finance/receipts?id=${id}`;

function pendingReversal(number: string): DomainError {
  return new DomainError(ErrorCode.APPROVAL_PENDING, `The reversal of ${number} is waiting for approval`, { docType: ApprovalDocType.RECEIPT_REVERSAL });
}
