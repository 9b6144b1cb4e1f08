import { Injectable } from '@nestjs/common';
import {
  AgingReport, AgingRow, agingBuckets, DEFAULT_AGING_BOUNDS, Dec, ErrorCode, fmt, LedgerEntryDto, LedgerEntryType, Paged, ReceiptStatus, ReceivableDto, StatementView,
} from '@drp/shared';
import { Expression, SqlBool, sql } from 'kysely';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { escapeLike, pageRowsOf } from '../../common/http/pagination';
import { orgScope } from '../../common/scope/data-scope';
import { DbService } from '../../database/db.service';
import { EventBus } from '../../kernel/events';
import { InvoiceService } from '../invoicing/invoice.service';
import { OrgService } from '../org/org.service';
import type {} from '../sales/sales.events';
import { CreditService } from './credit.service';
import { daysOverdue, overdue } from './overdue-sql';
import { AgingQueryDto, ReceivableQueryDto } from './finance.dto';

export type CreditDocType = 'RECEIPT' | 'RETURN';

/** Money of a receipt or a return set against one receivable. */
export interface AllocationInput {
  receivableId: string;
  creditType: CreditDocType;
  creditId: string;
  amount: string;
}

/** A branch filter takes in the offices under the branch too. */
function branchSubtree(branchId: string): Expression<SqlBool> {
  return sql<SqlBool>`r.branch_id IN (SELECT id FROM organization WHERE path LIKE (SELECT path FROM organization WHERE id = ${branchId}) || '%')`;
}

// the overdue rule's SQL twins, used here and by other modules through this file
export { daysOverdue, daysOverdueSql, overdue, overdueSql } from './overdue-sql';

const RECEIVABLE_SORT: Record<string, string> = { dueDate: 'r.due_date', businessDate: 'r.business_date', amount: 'r.amount', openAmount: 'r.open_amount', createdAt: 'r.created_at' };

/**
 * Receivables (应收): posted by shipments, paid by receipts, credited by returns, always under the
 * dealer's locked credit account (CreditService.lock) so the running totals stay exact. Also the
 * reads over them: the list, the dealer ledger (for statements) and aging.
 */
@Injectable()
export class ReceivableService {
  constructor(
    private readonly db: DbService,
    private readonly credit: CreditService,
    private readonly orgs: OrgService,
    private readonly invoices: InvoiceService,
    events: EventBus,
  ) {
    // sales posts shipments and returns; their money is booked here, in the same transaction (at its end)
    events.onFinal('ShipmentPosted', (tx, p) => this.post(tx, p));
    events.onFinal('ReturnPosted', (tx, p) => this.creditReturn(tx, p));
  }

  /**
   * A shipment's receivable; the dealer's unallocated credits are then set against what is open.
   * Once per shipment (uq_receivable_shipment): a repeated posting changes nothing.
   */
  async post(
    tx: RequestContext,
    r: { shipmentId: string; orderId: string; dealerId: string; branchId: string | null; salesRepId: string | null; number: string; businessDate: string; dueDate: string; amount: string },
  ): Promise<void> {
    if (new Dec(r.amount).isZero()) return;
    await this.credit.lock(tx, r.dealerId);
    const posted = await this.db.rows(
      tx,
      this.db.k
        .insertInto('receivable')
        .values({
          shipment_id: r.shipmentId, order_id: r.orderId, dealer_id: r.dealerId, branch_id: r.branchId, sales_rep_id: r.salesRepId, number: r.number,
          business_date: r.businessDate, due_date: r.dueDate, amount: r.amount, open_amount: r.amount,
        })
        .onConflict((oc) => oc.column('shipment_id').doNothing())
        .returning('id'),
    );
    if (!posted.length) return;
    await this.credit.adjust(tx, r.dealerId, { openReceivables: r.amount });
    await this.settle(tx, r.dealerId);
  }

  /**
   * A return's credit (kept in return_credit, once per return): first against the receivable of
   * the shipment it returns, then, like any unallocated credit, against the dealer's oldest open
   * receivables; the rest is a prepayment.
   */
  async creditReturn(tx: RequestContext, ret: { returnId: string; dealerId: string; shipmentId: string; amount: string; number: string; businessDate: string }): Promise<void> {
    if (new Dec(ret.amount).isZero()) return;
    await this.credit.lock(tx, ret.dealerId);
    const created = await this.db.rows(
      tx,
      this.db.k
        .insertInto('return_credit')
        .values({ return_id: ret.returnId, dealer_id: ret.dealerId, number: ret.number, business_date: ret.businessDate, amount: ret.amount, unallocated: ret.amount })
        .onConflict((oc) => oc.column('return_id').doNothing())
        .returning('return_id'),
    );
    if (!created.length) return;
    await this.credit.adjust(tx, ret.dealerId, { prepayment: ret.amount });
    const own = await this.db.first(tx, this.db.k.selectFrom('receivable').select(['id', 'open_amount']).where('shipment_id', '=', ret.shipmentId).forUpdate());
    if (own && new Dec(own.open_amount).greaterThan(0)) {
      await this.apply(tx, ret.dealerId, [{ receivableId: own.id, creditType: 'RETURN', creditId: ret.returnId, amount: fmt(Dec.min(own.open_amount, ret.amount)) }]);
    }
    await this.settle(tx, ret.dealerId);
  }

  /**
   * Sets every unallocated credit of the dealer (receipts and returns, oldest first; or just
   * `onlyCreditId`) against its open receivables (earliest due first) until one side runs out.
   */
  async settle(tx: RequestContext, dealerId: string, onlyCreditId?: string): Promise<void> {
    const credits = (await this.openCredits(tx, dealerId)).filter((c) => !onlyCreditId || c.id === onlyCreditId);
    if (!credits.length) return;
    const open = await this.db.rows(
      tx,
      this.db.k
        .selectFrom('receivable')
        .select(['id', 'open_amount'])
        .where('dealer_id', '=', dealerId)
        .where('open_amount', '>', '0')
        .orderBy('due_date')
        .orderBy('business_date')
        .orderBy('number')
        .forUpdate(),
    );
    const out: AllocationInput[] = [];
    let i = 0;
    let left = new Dec(open[0]?.open_amount ?? 0);
    for (const c of credits) {
      let money = new Dec(c.unallocated);
      while (money.greaterThan(0) && i < open.length) {
        const x = Dec.min(money, left);
        out.push({ receivableId: open[i].id, creditType: c.type, creditId: c.id, amount: fmt(x) });
        money = money.minus(x);
        left = left.minus(x);
        if (left.isZero()) left = new Dec(open[++i]?.open_amount ?? 0);
      }
      if (i >= open.length) break;
    }
    await this.apply(tx, dealerId, out);
  }

  /**
   * Explicit allocations of one credit (a receipt's "allocate to these receivables"): each
   * receivable must be the dealer's and have that much open; together they may not exceed the
   * credit's unallocated money.
   */
  async allocateExplicit(tx: RequestContext, dealerId: string, credit: { type: CreditDocType; id: string; unallocated: string }, items: { receivableId: string; amount: string }[]): Promise<void> {
    const ids = items.map((i) => i.receivableId);
    if (new Set(ids).size !== ids.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A receivable may appear once in the allocations', { field: 'allocations' });
    const rows = await this.db.rows(
      tx,
      this.db.k.selectFrom('receivable').select(['id', 'number', 'open_amount']).where('dealer_id', '=', dealerId).where('id', 'in', ids).orderBy('id').forUpdate(),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    let total = new Dec(0);
    items.forEach((it, i) => {
      const r = byId.get(it.receivableId);
      if (!r) throw new DomainError(ErrorCode.NOT_FOUND, 'receivable not found for this dealer', { entity: 'receivable', id: it.receivableId, field: `allocations.${i}.receivableId` });
      if (!new Dec(it.amount).greaterThan(0)) throw new DomainError(ErrorCode.INVALID_AMOUNT, 'An allocation must be above 0', { field: `allocations.${i}.amount` });
      if (new Dec(it.amount).greaterThan(r.open_amount)) {
        throw new DomainError(ErrorCode.ALLOCATION_EXCEEDS_OPEN, `${r.number}: ${fmt(it.amount)} is more than the open ${fmt(r.open_amount)}`, { receivableId: r.id, number: r.number, open: fmt(r.open_amount), requested: fmt(it.amount), field: `allocations.${i}.amount` });
      }
      total = total.plus(it.amount);
    });
    if (total.greaterThan(credit.unallocated)) {
      throw new DomainError(ErrorCode.ALLOCATION_EXCEEDS_RECEIPT, `The allocations (${fmt(total)}) exceed the unallocated ${fmt(credit.unallocated)}`, { allocated: fmt(total), unallocated: fmt(credit.unallocated) });
    }
    await this.apply(tx, dealerId, items.map((it) => ({ receivableId: it.receivableId, creditType: credit.type, creditId: credit.id, amount: fmt(it.amount) })));
  }

  /** Reverses a receipt's allocations: the receivables it paid are open again. Returns what was allocated. */
  async unallocateReceipt(tx: RequestContext, dealerId: string, receiptId: string): Promise<string> {
    const rows = await this.db.rows(
      tx,
      this.db.k.updateTable('allocation').set({ reversed: true, updated_at: sql`now()` }).where('receipt_id', '=', receiptId).where('reversed', '=', false).returning(['receivable_id', 'amount']),
    );
    if (!rows.length) return '0.00';
    await this.moveOpen(tx, rows.map((r) => ({ id: r.receivable_id, amount: r.amount })), '+');
    const total = fmt(rows.reduce((s, r) => s.plus(r.amount), new Dec(0)));
    await this.credit.adjust(tx, dealerId, { openReceivables: total });
    return total;
  }

  /** Raises (+) or lowers (-) receivables' open amounts, summed by receivable, in one statement. */
  private async moveOpen(tx: RequestContext, items: { id: string; amount: string }[], sign: '+' | '-'): Promise<void> {
    await this.db.rows(
      tx,
      this.db.k
        .updateTable('receivable as r')
        .from(this.sums(items).as('x'))
        .set({ open_amount: sql`r.open_amount ${sql.raw(sign)} x.m` })
        .whereRef('r.id', '=', 'x.id'),
    );
  }

  /** (id, amount) pairs summed by id, as a derived table (id, m) to join an UPDATE to. */
  private sums(items: { id: string; amount: string }[]) {
    return this.db.k
      .selectFrom(sql<{ id: string; m: string }>`unnest(${items.map((i) => i.id)}::uuid[], ${items.map((i) => i.amount)}::numeric[])`.as(sql`t(id, m)`))
      .select(['t.id', sql<string>`sum(t.m)`.as('m')])
      .groupBy('t.id');
  }

  /** Writes allocations and moves open amounts, credits' unallocated money and the account totals. */
  private async apply(tx: RequestContext, dealerId: string, items: AllocationInput[]): Promise<void> {
    if (!items.length) return;
    const by = tx.user?.id ?? null;
    await this.db.rows(
      tx,
      this.db.k.insertInto('allocation').values(
        items.map((i) => ({
          receivable_id: i.receivableId,
          receipt_id: i.creditType === 'RECEIPT' ? i.creditId : null,
          return_id: i.creditType === 'RETURN' ? i.creditId : null,
          amount: i.amount,
          created_by: by,
        })),
      ),
    );
    await this.moveOpen(tx, items.map((i) => ({ id: i.receivableId, amount: i.amount })), '-');
    const spent = (type: CreditDocType) => items.filter((i) => i.creditType === type).map((i) => ({ id: i.creditId, amount: i.amount }));
    const receipts = spent('RECEIPT');
    if (receipts.length) {
      await this.db.rows(tx, this.db.k.updateTable('receipt as c').from(this.sums(receipts).as('x')).set({ unallocated: sql`c.unallocated - x.m` }).whereRef('c.id', '=', 'x.id'));
    }
    const returns = spent('RETURN');
    if (returns.length) {
      await this.db.rows(tx, this.db.k.updateTable('return_credit as c').from(this.sums(returns).as('x')).set({ unallocated: sql`c.unallocated - x.m` }).whereRef('c.return_id', '=', 'x.id'));
    }
    const total = fmt(items.reduce((s, i) => s.plus(i.amount), new Dec(0)));
    await this.credit.adjust(tx, dealerId, { openReceivables: fmt(new Dec(total).negated()), prepayment: fmt(new Dec(total).negated()) });
  }

  /** Unallocated money of the dealer, oldest first; a receipt whose reversal waits for approval is frozen and pays nothing. */
  private async openCredits(tx: RequestContext, dealerId: string): Promise<{ type: CreditDocType; id: string; unallocated: string }[]> {
    const k = this.db.k;
    return this.db.rows(
      tx,
      k
        .selectFrom(
          k
            .selectFrom('receipt')
            .select([sql<CreditDocType>`'RECEIPT'`.as('type'), 'id', 'unallocated', 'business_date', 'created_at'])
            .where('dealer_id', '=', dealerId)
            .where('status', '=', ReceiptStatus.ACTIVE)
            .where('unallocated', '>', '0')
            .where(sql<SqlBool>`reversal_status IS DISTINCT FROM 'PENDING_APPROVAL'`)
            .unionAll(
              k
                .selectFrom('return_credit')
                .select([sql<CreditDocType>`'RETURN'`.as('type'), 'return_id as id', 'unallocated', 'business_date', 'created_at'])
                .where('dealer_id', '=', dealerId)
                .where('unallocated', '>', '0'),
            )
            .as('c'),
        )
        .select(['c.type', 'c.id', 'c.unallocated'])
        .orderBy('c.business_date')
        .orderBy('c.created_at'),
    );
  }

  // ---- reads ----

  async list(ctx: RequestContext, q: ReceivableQueryDto): Promise<Paged<ReceivableDto>> {
    const today = this.credit.today();
    let qb = this.db.k
      .selectFrom('receivable as r')
      .innerJoin('organization as d', 'd.id', 'r.dealer_id')
      // the order's number shows beside the receivable and is searched (ALLOWED_READS)
      .innerJoin('sales_order as so', 'so.id', 'r.order_id')
      .where(orgScope(ctx, 'r.dealer_id'));
    if (q.dealerId) qb = qb.where('r.dealer_id', '=', q.dealerId);
    if (q.branchId) qb = qb.where(branchSubtree(q.branchId));
    if (q.salesRepId) qb = qb.where('r.sales_rep_id', '=', q.salesRepId);
    if (q.open === 'true') qb = qb.where('r.open_amount', '>', '0');
    if (q.overdue === 'true') qb = qb.where(overdue('r', today));
    if (q.q) {
      const like = `%${escapeLike(q.q)}%`;
      qb = qb.where((eb) => eb.or([eb('r.number', 'ilike', like), eb('so.number', 'ilike', like), eb('d.code', 'ilike', like), eb('d.name', 'ilike', like)]));
    }
    // one statement: the filter counted up to EXACT_TOTAL_LIMIT (estimated beyond, flagged) and the page's rows
    // (the list answers no sums over its filter: nothing else reads every matching row)
    const { rows, ...page } = await pageRowsOf(
      this.db,
      ctx,
      qb,
      qb
        .leftJoin('organization as b', 'b.id', 'r.branch_id')
        .leftJoin('app_user as u', 'u.id', 'r.sales_rep_id')
        .select([
          'r.id', 'r.number', 'r.shipment_id', 'r.order_id', 'so.number as order_number', 'r.dealer_id', 'd.code as dealer_code', 'd.name as dealer_name',
          'b.name as branch_name', 'u.display_name as sales_rep_name', sql<string>`to_char(r.business_date, 'YYYY-MM-DD')`.as('business_date'),
          sql<string>`to_char(r.due_date, 'YYYY-MM-DD')`.as('due_date'), 'r.amount', 'r.open_amount', daysOverdue('r', today).as('days_overdue'),
        ]),
      q,
      RECEIVABLE_SORT,
      'dueDate',
      // the number as before; the id makes the order total should two receivables share a number
      ['r.number', 'r.id'],
    );
    // the invoice numbers of each shipment come from invoicing (its exported service)
    const invoiced = await this.invoices.numbersForShipments(ctx, rows.map((r) => r.shipment_id));
    return {
      ...page,
      items: rows.map((r) => ({
        ...(invoiced.get(r.shipment_id) ? { invoiceNumbers: invoiced.get(r.shipment_id) } : {}),
        id: r.id,
        number: r.number,
        shipmentId: r.shipment_id,
        orderId: r.order_id,
        orderNumber: r.order_number as string,
        dealerId: r.dealer_id,
        dealerCode: r.dealer_code,
        dealerName: r.dealer_name,
        branchName: r.branch_name,
        salesRepName: r.sales_rep_name,
        businessDate: r.business_date,
        dueDate: r.due_date,
        amount: fmt(r.amount),
        openAmount: fmt(r.open_amount),
        daysOverdue: Number(r.days_overdue),
      })),
    };
  }

  /**
   * A dealer's account between two dates: the balance before `from`, every shipment (debit),
   * return and receipt (credit) and receipt reversal (debit) on the way with the running balance,
   * and the closing balance. Statements snapshot exactly this.
   */
  async ledger(ctx: RequestContext, dealerId: string, from: string, to: string): Promise<StatementView> {
    if (to < from) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'The period ends before it starts', { field: 'to' });
    const dealer = await this.orgs.assertVisible(ctx, dealerId);
    if (dealer.type !== 'DEALER') throw notFound('dealer', dealerId);
    const k = this.db.k;
    // the dealer's documents that move its account; shipments and returns are sales' documents (ALLOWED_READS)
    const entries = k
      .selectFrom('shipment as s')
      .innerJoin('sales_order as so', 'so.id', 's.order_id')
      .select([
        's.business_date as d', sql<LedgerEntryType>`'SHIPMENT'`.as('type'), 's.id as doc_id', 's.number as doc_number', sql<string | null>`so.number`.as('summary'),
        sql<string>`s.amount`.as('debit'), sql<string>`0::numeric`.as('credit'), 's.created_at as at',
      ])
      .where('s.dealer_id', '=', dealerId)
      .where('s.amount', '>', '0')
      .unionAll(
        k
          .selectFrom('sales_return as r')
          .select([
            'r.business_date as d', sql<LedgerEntryType>`'RETURN'`.as('type'), 'r.id as doc_id', 'r.number as doc_number', sql<string | null>`r.reason`.as('summary'),
            sql<string>`0::numeric`.as('debit'), 'r.amount as credit', 'r.created_at as at',
          ])
          .where('r.dealer_id', '=', dealerId)
          .where('r.amount', '>', '0'),
      )
      .unionAll(
        k
          .selectFrom('receipt as rc')
          .select([
            'rc.business_date as d', sql<LedgerEntryType>`'RECEIPT'`.as('type'), 'rc.id as doc_id', 'rc.number as doc_number',
            sql<string | null>`rc.method || COALESCE(' ' || rc.bank_ref, '')`.as('summary'), sql<string>`0::numeric`.as('debit'), 'rc.amount as credit', 'rc.created_at as at',
          ])
          .where('rc.dealer_id', '=', dealerId),
      )
      .unionAll(
        k
          .selectFrom('receipt as rc')
          .select([
            sql<Date>`rc.reversal_date`.as('d'), sql<LedgerEntryType>`'RECEIPT_REVERSAL'`.as('type'), 'rc.id as doc_id', 'rc.number as doc_number',
            sql<string | null>`rc.reversal_reason`.as('summary'), 'rc.amount as debit',
            sql<string>`0::numeric`.as('credit'), sql<Date>`rc.reversed_at`.as('at'),
          ])
          .where('rc.dealer_id', '=', dealerId)
          .where('rc.status', '=', ReceiptStatus.REVERSED),
      )
      .as('e');
    const [opening, rows] = await Promise.all([
      this.db.one(ctx, k.selectFrom(entries).select(sql<string>`COALESCE(sum(e.debit - e.credit), 0)`.as('balance')).where(sql<SqlBool>`e.d < ${from}::date`)),
      this.db.rows(
        ctx,
        k
          .selectFrom(entries)
          .select([sql<string>`to_char(e.d, 'YYYY-MM-DD')`.as('d'), 'e.type', 'e.doc_id', 'e.doc_number', 'e.summary', 'e.debit', 'e.credit'])
          .where(sql<SqlBool>`e.d BETWEEN ${from}::date AND ${to}::date`)
          .orderBy('e.d')
          .orderBy('e.at')
          .orderBy('e.doc_number'),
      ),
    ]);
    const invoiced = await this.invoices.numbersForShipments(ctx, rows.filter((r) => r.type === LedgerEntryType.SHIPMENT).map((r) => r.doc_id));
    let balance = new Dec(opening.balance);
    let shipments = new Dec(0);
    let returns = new Dec(0);
    let receipts = new Dec(0);
    const lines: LedgerEntryDto[] = rows.map((r) => {
      balance = balance.plus(r.debit).minus(r.credit);
      if (r.type === LedgerEntryType.SHIPMENT) shipments = shipments.plus(r.debit);
      if (r.type === LedgerEntryType.RETURN) returns = returns.plus(r.credit);
      if (r.type === LedgerEntryType.RECEIPT) receipts = receipts.plus(r.credit);
      if (r.type === LedgerEntryType.RECEIPT_REVERSAL) receipts = receipts.minus(r.debit);
      const numbers = r.type === LedgerEntryType.SHIPMENT ? invoiced.get(r.doc_id) : undefined;
      return { date: r.d, type: r.type, docId: r.doc_id, docNumber: r.doc_number, summary: r.summary ?? '', debit: fmt(r.debit), credit: fmt(r.credit), balance: fmt(balance), ...(numbers ? { invoiceNumbers: numbers } : {}) };
    });
    return {
      dealerId,
      dealerCode: dealer.code,
      dealerName: dealer.name,
      from,
      to,
      openingBalance: fmt(opening.balance),
      shipments: fmt(shipments),
      returns: fmt(returns),
      receipts: fmt(receipts),
      closingBalance: fmt(balance),
      lines,
    };
  }

  /** 账龄: open receivables by days past due, grouped by dealer, branch or sales rep, in one aggregate query. */
  async aging(ctx: RequestContext, q: AgingQueryDto): Promise<AgingReport> {
    let bounds: number[] = [...DEFAULT_AGING_BOUNDS];
    if (q.buckets) bounds = q.buckets.split(',').map((b) => Number(b.trim()));
    let buckets;
    try {
      buckets = agingBuckets(bounds);
    } catch {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'buckets must be rising positive whole numbers of days, e.g. 30,60,90', { field: 'buckets' });
    }
    const asOf = q.asOf ?? this.credit.today();
    const groupBy = q.groupBy ?? 'dealer';
    const key = { dealer: 'r.dealer_id', branch: 'r.branch_id', salesRep: 'r.sales_rep_id' }[groupBy];
    // one sum per bucket, filtered on days past due; current = not yet due
    const days = daysOverdue('r', asOf);
    const bucketSums = buckets.map((b, i) =>
      sql<string>`COALESCE(sum(r.open_amount) FILTER (WHERE ${days} >= ${sql.lit(b.from)}${b.to === null ? sql`` : sql` AND ${days} <= ${sql.lit(b.to)}`}), 0)`.as(`b${i}`),
    );
    let inner = this.db.k
      .selectFrom('receivable as r')
      .select([
        sql<string | null>`${sql.ref(key)}`.as('key'),
        sql<string>`COALESCE(sum(r.open_amount) FILTER (WHERE NOT ${overdue('r', asOf)}), 0)`.as('current'),
        ...bucketSums,
        sql<string>`sum(r.open_amount)`.as('total'),
      ])
      .where('r.open_amount', '>', '0')
      .where(sql<SqlBool>`r.business_date <= ${asOf}::date`)
      .where(orgScope(ctx, 'r.dealer_id'))
      .groupBy(sql.ref(key));
    if (q.branchId) inner = inner.where(branchSubtree(q.branchId));
    if (q.dealerId) inner = inner.where('r.dealer_id', '=', q.dealerId);
    // the group's code and name: a dealer or branch (organization) or a sales rep (app_user)
    const x = inner.as('x');
    const rows: Record<string, string | null>[] =
      groupBy === 'salesRep'
        ? await this.db.rows(ctx, this.db.k.selectFrom(x).leftJoin('app_user as g', 'g.id', 'x.key').selectAll('x').select(['g.username as code', 'g.display_name as name']).orderBy('x.total', 'desc').orderBy('code'))
        : await this.db.rows(ctx, this.db.k.selectFrom(x).leftJoin('organization as g', 'g.id', 'x.key').selectAll('x').select(['g.code as code', 'g.name as name']).orderBy('x.total', 'desc').orderBy('code'));
    const toRow = (r: Record<string, string | null>): AgingRow => {
      const bs = buckets.map((_, i) => fmt(r[`b${i}`] ?? 0));
      return { key: r.key, code: r.code, name: r.name ?? '', current: fmt(r.current ?? 0), buckets: bs, overdue: fmt(bs.reduce((s, b) => s.plus(b), new Dec(0))), total: fmt(r.total ?? 0) };
    };
    const out = rows.map(toRow);
    const add = (f: (r: AgingRow) => string) => fmt(out.reduce((s, r) => s.plus(f(r)), new Dec(0)));
    return {
      asOf,
      groupBy,
      buckets,
      rows: out,
      totals: { current: add((r) => r.current), buckets: buckets.map((_, i) => add((r) => r.buckets[i])), overdue: add((r) => r.overdue), total: add((r) => r.total) },
    };
  }
}
