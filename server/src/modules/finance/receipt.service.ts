import { Injectable } from '@nestjs/common';
import { AllocationDto, ApprovalDocType, ApprovalStatus, Dec, ErrorCode, FINANCE_DOC_PREFIX, fmt, OrgType, Paged, ReceiptDto, ReceiptReversalStatus, ReceiptStatus } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { escapeLike, pageIds } from '../../common/http/pagination';
import { applyOrgScope, assertInScope } from '../../common/scope/data-scope';
import { DbService } from '../../database/db.service';
import { DocNumberService } from '../../database/doc-number.service';
import { ApprovalService } from '../approval/approval.service';
import { AuditService } from '../audit/audit.service';
import { OrgService } from '../org/org.service';
import { CreditService } from './credit.service';
import { AllocateDto, CreateReceiptDto, ReceiptQueryDto, ReverseReceiptDto } from './finance.dto';
import { ReceivableService } from './receivable.service';

const SORT: Record<string, string> = { createdAt: 'rc.created_at', businessDate: 'rc.business_date', amount: 'rc.amount', number: 'rc.number' };

/**
 * 收款单: money received from a dealer, set against open receivables oldest first or as told; what
 * is left is a prepayment (预收款). Never deleted: a wrong receipt is reversed with a reason, which
 * reopens what it paid. A reversal goes through approval (RECEIPT_REVERSAL): while it waits
 * (reversal_status PENDING_APPROVAL) the receipt stays in force but cannot be allocated or
 * reversed again; approved, the reversal is done as an immediate one; rejected, withdrawn or
 * returned, the receipt keeps going (reversal_status REJECTED) and may be reversed again later.
 */
@Injectable()
export class ReceiptService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly numbers: DocNumberService,
    private readonly orgs: OrgService,
    private readonly credit: CreditService,
    private readonly receivables: ReceivableService,
    private readonly approvals: ApprovalService,
  ) {}

  async list(ctx: RequestContext, q: ReceiptQueryDto): Promise<Paged<ReceiptDto> & { totals: { amount: string; unallocated: string } }> {
    const qb = this.db.manager(ctx).createQueryBuilder().from('receipt', 'rc').innerJoin('organization', 'd', 'd.id = rc.dealer_id');
    applyOrgScope(qb, ctx, 'rc.dealer_id');
    if (q.dealerId) qb.andWhere('rc.dealer_id = :dealerId', { dealerId: q.dealerId });
    if (q.status) qb.andWhere('rc.status = :status', { status: q.status });
    if (q.method) qb.andWhere('rc.method = :method', { method: q.method });
    if (q.from) qb.andWhere('rc.business_date >= :from::date', { from: q.from });
    if (q.to) qb.andWhere('rc.business_date <= :to::date', { to: q.to });
    if (q.q) qb.andWhere('(rc.number ILIKE :q OR rc.bank_ref ILIKE :q OR d.code ILIKE :q OR d.name ILIKE :q)', { q: `%${escapeLike(q.q)}%` });
    const agg = (await qb
      .clone()
      .select(`COALESCE(sum(rc.amount) FILTER (WHERE rc.status = 'ACTIVE'), 0)`, 'amount')
      .addSelect('COALESCE(sum(rc.unallocated), 0)', 'unallocated')
      .getRawOne<{ amount: string; unallocated: string }>())!;
    const { ids, ...page } = await pageIds(qb, q, SORT, '-createdAt', 'rc.id');
    return { items: await this.load(ctx, ids), ...page, totals: { amount: fmt(agg.amount), unallocated: fmt(agg.unallocated) } };
  }

  async get(ctx: RequestContext, id: string): Promise<ReceiptDto> {
    await assertInScope(this.db.manager(ctx), ctx, 'receipt', 'dealer_id', id, 'receipt');
    return (await this.load(ctx, [id]))[0];
  }

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
      const [row] = await this.db.query<{ id: string }>(
        tx,
        `INSERT INTO receipt (number, dealer_id, method, bank_ref, amount, unallocated, business_date, remark, created_by)
         VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8) RETURNING id`,
        [number, dealer.id, dto.method, dto.bankRef?.trim() || null, amount, businessDate, dto.remark?.trim() || null, tx.user?.id ?? null],
      );
      await this.credit.adjust(tx, dealer.id, { prepayment: amount });
      if (dto.allocations?.length) await this.receivables.allocateExplicit(tx, dealer.id, { type: 'RECEIPT', id: row.id, unallocated: amount }, dto.allocations);
      else if (!dto.allocations) await this.receivables.settle(tx, dealer.id);
      await this.audit.record(tx, {
        action: 'create',
        entity: 'receipt',
        entityId: row.id,
        orgId: dealer.id,
        summary: `receipt ${number} from ${dealer.code}: ${amount} ${dto.method}`,
        after: { number, dealerId: dealer.id, amount, method: dto.method, bankRef: dto.bankRef ?? null, businessDate, allocations: dto.allocations ?? 'oldest first' },
      });
      return row.id;
    });
    return this.get(ctx, id);
  }

  /** Sets a receipt's unallocated money against receivables: as listed, or oldest first. */
  async allocate(ctx: RequestContext, id: string, dto: AllocateDto): Promise<ReceiptDto> {
    await this.get(ctx, id);
    await this.db.tx(ctx, async (tx) => {
      const [r0] = await this.db.query<{ dealer_id: string }>(tx, 'SELECT dealer_id FROM receipt WHERE id = $1', [id]);
      await this.credit.lock(tx, r0.dealer_id);
      const [r] = await this.db.query<{ number: string; status: ReceiptStatus; unallocated: string; reversal_status: ReceiptReversalStatus | null }>(
        tx,
        'SELECT number, status, unallocated, reversal_status FROM receipt WHERE id = $1 FOR UPDATE',
        [id],
      );
      if (r.status !== ReceiptStatus.ACTIVE) throw new DomainError(ErrorCode.INVALID_STATE, 'A reversed receipt cannot be allocated', { status: r.status });
      if (r.reversal_status === 'PENDING_APPROVAL') throw pendingReversal(r.number);
      if (dto.allocations?.length) await this.receivables.allocateExplicit(tx, r0.dealer_id, { type: 'RECEIPT', id, unallocated: r.unallocated }, dto.allocations);
      else await this.receivables.settle(tx, r0.dealer_id, id);
      await this.audit.record(tx, { action: 'allocate', entity: 'receipt', entityId: id, orgId: r0.dealer_id, summary: `allocated ${r.number}`, after: { allocations: dto.allocations ?? 'oldest first' } });
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
      if (r.status !== ReceiptStatus.ACTIVE) throw new DomainError(ErrorCode.INVALID_STATE, 'The receipt is already reversed', { status: r.status });
      if (r.reversal_status === 'PENDING_APPROVAL') throw pendingReversal(r.number);
      await this.db.query(
        tx,
        `UPDATE receipt SET reversal_status = 'PENDING_APPROVAL', reversal_reason = $2, reversal_requested_by = $3, reversal_requested_at = now(), version = version + 1 WHERE id = $1`,
        [id, reason, tx.user?.id ?? null],
      );
      const outcome = await this.startApproval(tx, id);
      if (outcome === ApprovalStatus.APPROVED) return this.doReverse(tx, id);
      if (outcome === ApprovalStatus.REJECTED) await this.db.query(tx, `UPDATE receipt SET reversal_status = 'REJECTED' WHERE id = $1`, [id]);
      await this.audit.record(tx, {
        action: 'request-reversal',
        entity: 'receipt',
        entityId: id,
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
    const [r] = await this.db.query<{ number: string; amount: string; dealer_id: string; dealer_name: string; dealer_path: string; price_level: number | null; age: number; allocated: string }>(
      tx,
      `SELECT rc.number, rc.amount, rc.dealer_id, d.name AS dealer_name, d.path AS dealer_path, d.price_level, ($2::date - rc.business_date) AS age,
              (SELECT COALESCE(sum(a.amount), 0) FROM allocation a WHERE a.receipt_id = rc.id AND NOT a.reversed) AS allocated
         FROM receipt rc JOIN organization d ON d.id = rc.dealer_id WHERE rc.id = $1`,
      [id, this.credit.today()],
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
      facts: { amount: fmt(r.amount), allocatedAmount: fmt(r.allocated), ageDays: String(r.age), dealerLevel: r.price_level, branchCode: b.code },
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
    await this.db.query(tx, `UPDATE receipt SET reversal_status = 'REJECTED', version = version + 1 WHERE id = $1`, [id]);
    await this.receivables.settle(tx, r.dealer_id, id);
    await this.audit.record(tx, {
      action: 'reversal-rejected',
      entity: 'receipt',
      entityId: id,
      orgId: r.dealer_id,
      summary: `reversal of ${r.number} not approved, the receipt stays in force: ${why}`,
      before: { reversalStatus: 'PENDING_APPROVAL' },
      after: { reversalStatus: 'REJECTED', reason: why },
    });
  }

  private async lockReceipt(tx: RequestContext, id: string) {
    const [r0] = await this.db.query<{ dealer_id: string }>(tx, 'SELECT dealer_id FROM receipt WHERE id = $1', [id]);
    if (!r0) throw notFound('receipt', id);
    await this.credit.lock(tx, r0.dealer_id);
    const [r] = await this.db.query<{ number: string; dealer_id: string; status: ReceiptStatus; amount: string; unallocated: string; reversal_status: ReceiptReversalStatus | null; reversal_reason: string | null }>(
      tx,
      'SELECT number, dealer_id, status, amount, unallocated, reversal_status, reversal_reason FROM receipt WHERE id = $1 FOR UPDATE',
      [id],
    );
    return r;
  }

  /** Reverses a receipt (locked by the caller, reason recorded): its allocations are undone (the receivables reopen), its prepayment is gone. */
  private async doReverse(tx: RequestContext, id: string): Promise<void> {
    const [r] = await this.db.query<{ number: string; dealer_id: string; status: ReceiptStatus; amount: string; unallocated: string; reversal_reason: string }>(
      tx,
      'SELECT number, dealer_id, status, amount, unallocated, reversal_reason FROM receipt WHERE id = $1',
      [id],
    );
    const reason = r.reversal_reason;
    await this.receivables.unallocateReceipt(tx, r.dealer_id, id);
    await this.credit.adjust(tx, r.dealer_id, { prepayment: fmt(new Dec(r.unallocated).negated()) });
    await this.db.query(
      tx,
      `UPDATE receipt SET status = 'REVERSED', reversal_status = NULL, unallocated = 0, reversal_date = $2, reversed_at = now(), reversed_by = $3, version = version + 1 WHERE id = $1`,
      [id, this.credit.today(), tx.user?.id ?? null],
    );
    // what it paid is open again: other unallocated credits of the dealer may cover it
    await this.receivables.settle(tx, r.dealer_id);
    await this.audit.record(tx, {
      action: 'reverse',
      entity: 'receipt',
      entityId: id,
      orgId: r.dealer_id,
      summary: `reversed ${r.number} (${fmt(r.amount)}): ${reason}`,
      before: { status: r.status, unallocated: fmt(r.unallocated) },
      after: { status: ReceiptStatus.REVERSED, reason },
    });
  }

  private async load(ctx: RequestContext, ids: string[]): Promise<ReceiptDto[]> {
    if (!ids.length) return [];
    const [rows, allocs] = await Promise.all([
      this.db.query<Record<string, string | null>>(
        ctx,
        `SELECT rc.*, to_char(rc.business_date, 'YYYY-MM-DD') AS bdate, d.code AS dealer_code, d.name AS dealer_name, cu.display_name AS created_by_name, ru.display_name AS reversed_by_name,
                qu.display_name AS reversal_requested_by_name
           FROM receipt rc JOIN organization d ON d.id = rc.dealer_id LEFT JOIN app_user cu ON cu.id = rc.created_by LEFT JOIN app_user ru ON ru.id = rc.reversed_by
           LEFT JOIN app_user qu ON qu.id = rc.reversal_requested_by
          WHERE rc.id = ANY($1)`,
        [ids],
      ),
      this.db.query<Record<string, string | boolean>>(
        ctx,
        `SELECT a.id, a.receivable_id, r.number AS receivable_number, a.receipt_id, rc.number AS receipt_number, a.amount, a.reversed, a.created_at
           FROM allocation a JOIN receivable r ON r.id = a.receivable_id JOIN receipt rc ON rc.id = a.receipt_id
          WHERE a.receipt_id = ANY($1) ORDER BY a.created_at`,
        [ids],
      ),
    ]);
    const byId = new Map(rows.map((r) => [r.id as string, r]));
    return ids.map((id) => {
      const r = byId.get(id)!;
      const allocations: AllocationDto[] = allocs
        .filter((a) => a.receipt_id === id)
        .map((a) => ({
          id: a.id as string,
          receivableId: a.receivable_id as string,
          receivableNumber: a.receivable_number as string,
          creditType: 'RECEIPT',
          creditId: id,
          creditNumber: a.receipt_number as string,
          amount: fmt(a.amount as string),
          reversed: a.reversed as boolean,
          createdAt: new Date(a.created_at as unknown as Date).toISOString(),
        }));
      const allocated = allocations.filter((a) => !a.reversed).reduce((s, a) => s.plus(a.amount), new Dec(0));
      return {
        id,
        number: r.number!,
        dealerId: r.dealer_id!,
        dealerCode: r.dealer_code!,
        dealerName: r.dealer_name!,
        method: r.method as ReceiptDto['method'],
        bankRef: r.bank_ref,
        amount: fmt(r.amount!),
        allocated: fmt(allocated),
        unallocated: fmt(r.unallocated!),
        businessDate: r.bdate!,
        status: r.status as ReceiptStatus,
        remark: r.remark,
        reversalReason: r.reversal_reason,
        reversedAt: r.reversed_at ? new Date(r.reversed_at as unknown as Date).toISOString() : null,
        reversedByName: r.reversed_by_name,
        createdByName: r.created_by_name,
        createdAt: new Date(r.created_at as unknown as Date).toISOString(),
        allocations,
        reversalStatus: r.reversal_status as ReceiptReversalStatus | null,
        reversalRequestedByName: r.reversal_requested_by_name,
        reversalRequestedAt: r.reversal_requested_at ? new Date(r.reversal_requested_at as unknown as Date).toISOString() : null,
      };
    });
  }
}

/** The web route that shows a receipt (the list opens its drawer from `?id=`). */
export const receiptLink = (id: string) => `/finance/receipts?id=${id}`;

function pendingReversal(number: string): DomainError {
  return new DomainError(ErrorCode.APPROVAL_PENDING, `The reversal of ${number} is waiting for approval`, { docType: ApprovalDocType.RECEIPT_REVERSAL });
}
