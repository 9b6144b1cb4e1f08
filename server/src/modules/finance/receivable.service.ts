import { Injectable } from '@nestjs/common';
import {
  AgingReport, AgingRow, agingBuckets, DEFAULT_AGING_BOUNDS, Dec, ErrorCode, fmt, LedgerEntryDto, LedgerEntryType, Paged, ReceivableDto, StatementView,
} from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { escapeLike, resolvePage } from '../../common/http/pagination';
import { applyOrgScope } from '../../common/scope/data-scope';
import { DbService } from '../../database/db.service';
import { OrgService } from '../org/org.service';
import { CreditService, daysOverdueSql, overdueSql } from './credit.service';
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
const BRANCH_SUBTREE = `r.branch_id IN (SELECT id FROM organization WHERE path LIKE (SELECT path FROM organization WHERE id = :branchId) || '%')`;

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
  ) {}

  /** A shipment's receivable; the dealer's unallocated credits are then set against what is open. */
  async post(
    tx: RequestContext,
    r: { shipmentId: string; orderId: string; dealerId: string; branchId: string | null; salesRepId: string | null; number: string; businessDate: string; dueDate: string; amount: string },
  ): Promise<void> {
    if (new Dec(r.amount).isZero()) return;
    await this.db.query(
      tx,
      `INSERT INTO receivable (shipment_id, order_id, dealer_id, branch_id, sales_rep_id, number, business_date, due_date, amount, open_amount)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
      [r.shipmentId, r.orderId, r.dealerId, r.branchId, r.salesRepId, r.number, r.businessDate, r.dueDate, r.amount],
    );
    await this.credit.adjust(tx, r.dealerId, { openReceivables: r.amount });
    await this.settle(tx, r.dealerId);
  }

  /**
   * A return's credit: first against the receivable of the shipment it returns, then, like any
   * unallocated credit, against the dealer's oldest open receivables; the rest is a prepayment.
   */
  async creditReturn(tx: RequestContext, ret: { id: string; dealerId: string; shipmentId: string; amount: string }): Promise<void> {
    if (new Dec(ret.amount).isZero()) return;
    await this.credit.adjust(tx, ret.dealerId, { prepayment: ret.amount });
    const [own] = await this.db.query<{ id: string; open_amount: string }>(tx, 'SELECT id, open_amount FROM receivable WHERE shipment_id = $1 FOR UPDATE', [ret.shipmentId]);
    if (own && new Dec(own.open_amount).greaterThan(0)) {
      await this.apply(tx, ret.dealerId, [{ receivableId: own.id, creditType: 'RETURN', creditId: ret.id, amount: fmt(Dec.min(own.open_amount, ret.amount)) }]);
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
    const open = await this.db.query<{ id: string; open_amount: string }>(
      tx,
      'SELECT id, open_amount FROM receivable WHERE dealer_id = $1 AND open_amount > 0 ORDER BY due_date, business_date, number FOR UPDATE',
      [dealerId],
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
    const rows = await this.db.query<{ id: string; number: string; open_amount: string }>(tx, 'SELECT id, number, open_amount FROM receivable WHERE dealer_id = $1 AND id = ANY($2) ORDER BY id FOR UPDATE', [dealerId, ids]);
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
    const rows = await this.db.query<{ receivable_id: string; amount: string }>(tx, 'UPDATE allocation SET reversed = true, updated_at = now() WHERE receipt_id = $1 AND NOT reversed RETURNING receivable_id, amount', [receiptId]);
    if (!rows.length) return '0.00';
    await this.db.query(
      tx,
      `UPDATE receivable r SET open_amount = r.open_amount + x.amount FROM (SELECT a, sum(m) AS amount FROM unnest($1::uuid[], $2::numeric[]) AS t(a, m) GROUP BY a) x WHERE r.id = x.a`,
      [rows.map((r) => r.receivable_id), rows.map((r) => r.amount)],
    );
    const total = fmt(rows.reduce((s, r) => s.plus(r.amount), new Dec(0)));
    await this.credit.adjust(tx, dealerId, { openReceivables: total });
    return total;
  }

  /** Writes allocations and moves open amounts, credits' unallocated money and the account totals. */
  private async apply(tx: RequestContext, dealerId: string, items: AllocationInput[]): Promise<void> {
    if (!items.length) return;
    const col = <K extends keyof AllocationInput>(k: K) => items.map((i) => i[k]);
    await this.db.query(
      tx,
      `INSERT INTO allocation (receivable_id, receipt_id, return_id, amount, created_by)
       SELECT t.r, CASE WHEN t.k = 'RECEIPT' THEN t.c END, CASE WHEN t.k = 'RETURN' THEN t.c END, t.m, $5
         FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::numeric[]) WITH ORDINALITY AS t(r, k, c, m, i) ORDER BY t.i`,
      [col('receivableId'), col('creditType'), col('creditId'), col('amount'), tx.user?.id ?? null],
    );
    await this.db.query(
      tx,
      `UPDATE receivable r SET open_amount = r.open_amount - x.m FROM (SELECT r, sum(m) AS m FROM unnest($1::uuid[], $2::numeric[]) AS t(r, m) GROUP BY r) x WHERE r.id = x.r`,
      [col('receivableId'), col('amount')],
    );
    for (const [table, type] of [['receipt', 'RECEIPT'], ['sales_return', 'RETURN']] as const) {
      const mine = items.filter((i) => i.creditType === type);
      if (!mine.length) continue;
      await this.db.query(
        tx,
        `UPDATE ${table} c SET unallocated = c.unallocated - x.m FROM (SELECT c, sum(m) AS m FROM unnest($1::uuid[], $2::numeric[]) AS t(c, m) GROUP BY c) x WHERE c.id = x.c`,
        [mine.map((i) => i.creditId), mine.map((i) => i.amount)],
      );
    }
    const total = fmt(items.reduce((s, i) => s.plus(i.amount), new Dec(0)));
    await this.credit.adjust(tx, dealerId, { openReceivables: fmt(new Dec(total).negated()), prepayment: fmt(new Dec(total).negated()) });
  }

  /** Unallocated money of the dealer, oldest first; a receipt whose reversal waits for approval is frozen and pays nothing. */
  private async openCredits(tx: RequestContext, dealerId: string): Promise<{ type: CreditDocType; id: string; unallocated: string }[]> {
    const rows = await this.db.query<{ type: CreditDocType; id: string; unallocated: string }>(
      tx,
      `SELECT * FROM (
         SELECT 'RECEIPT' AS type, id, unallocated, business_date, created_at FROM receipt
          WHERE dealer_id = $1 AND status = 'ACTIVE' AND unallocated > 0 AND reversal_status IS DISTINCT FROM 'PENDING_APPROVAL'
         UNION ALL
         SELECT 'RETURN', id, unallocated, business_date, created_at FROM sales_return WHERE dealer_id = $1 AND unallocated > 0
       ) c ORDER BY business_date, created_at`,
      [dealerId],
    );
    return rows;
  }

  // ---- reads ----

  async list(ctx: RequestContext, q: ReceivableQueryDto): Promise<Paged<ReceivableDto>> {
    const today = this.credit.today();
    const qb = this.db
      .manager(ctx)
      .createQueryBuilder()
      .from('receivable', 'r')
      .innerJoin('organization', 'd', 'd.id = r.dealer_id')
      .innerJoin('sales_order', 'so', 'so.id = r.order_id')
      .leftJoin('organization', 'b', 'b.id = r.branch_id')
      .leftJoin('app_user', 'u', 'u.id = r.sales_rep_id');
    applyOrgScope(qb, ctx, 'r.dealer_id');
    if (q.dealerId) qb.andWhere('r.dealer_id = :dealerId', { dealerId: q.dealerId });
    if (q.branchId) qb.andWhere(BRANCH_SUBTREE, { branchId: q.branchId });
    if (q.salesRepId) qb.andWhere('r.sales_rep_id = :salesRepId', { salesRepId: q.salesRepId });
    if (q.open === 'true') qb.andWhere('r.open_amount > 0');
    if (q.overdue === 'true') qb.andWhere(overdueSql('r', ':today::date'), { today });
    if (q.q) qb.andWhere('(r.number ILIKE :q OR so.number ILIKE :q OR d.code ILIKE :q OR d.name ILIKE :q)', { q: `%${escapeLike(q.q)}%` });
    const { page, pageSize, column, direction, offset } = resolvePage(q, RECEIVABLE_SORT, 'dueDate');
    const { n } = (await qb.clone().select('count(*)::int', 'n').getRawOne<{ n: number }>())!;
    const rows = await qb
      .select([
        'r.id AS id', 'r.number AS number', 'r.shipment_id AS shipment_id', 'r.order_id AS order_id', 'so.number AS order_number', 'r.dealer_id AS dealer_id',
        'd.code AS dealer_code', 'd.name AS dealer_name', 'b.name AS branch_name', 'u.display_name AS sales_rep_name',
        `to_char(r.business_date, 'YYYY-MM-DD') AS business_date`, `to_char(r.due_date, 'YYYY-MM-DD') AS due_date`, 'r.amount AS amount', 'r.open_amount AS open_amount',
        `${daysOverdueSql('r', ':today::date')} AS days_overdue`,
      ])
      .setParameter('today', today)
      .orderBy(column, direction)
      .addOrderBy('r.number')
      .offset(offset)
      .limit(pageSize)
      .getRawMany<Record<string, string>>();
    return {
      items: rows.map((r) => ({
        id: r.id,
        number: r.number,
        shipmentId: r.shipment_id,
        orderId: r.order_id,
        orderNumber: r.order_number,
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
      total: n,
      page,
      pageSize,
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
    const entries = `
      SELECT s.business_date AS d, 'SHIPMENT' AS type, s.id AS doc_id, s.number AS doc_number, so.number AS summary, s.amount AS debit, 0::numeric AS credit, s.created_at AS at
        FROM shipment s JOIN sales_order so ON so.id = s.order_id WHERE s.dealer_id = $1 AND s.amount > 0
      UNION ALL
      SELECT r.business_date, 'RETURN', r.id, r.number, r.reason, 0, r.amount, r.created_at FROM sales_return r WHERE r.dealer_id = $1 AND r.amount > 0
      UNION ALL
      SELECT rc.business_date, 'RECEIPT', rc.id, rc.number, rc.method || COALESCE(' ' || rc.bank_ref, ''), 0, rc.amount, rc.created_at FROM receipt rc WHERE rc.dealer_id = $1
      UNION ALL
      SELECT rc.reversal_date, 'RECEIPT_REVERSAL', rc.id, rc.number, rc.reversal_reason, rc.amount, 0, rc.reversed_at FROM receipt rc WHERE rc.dealer_id = $1 AND rc.status = 'REVERSED'`;
    const [opening] = await this.db.query<{ balance: string }>(ctx, `SELECT COALESCE(sum(debit - credit), 0) AS balance FROM (${entries}) e WHERE e.d < $2::date`, [dealerId, from]);
    const rows = await this.db.query<{ d: string; type: LedgerEntryType; doc_id: string; doc_number: string; summary: string | null; debit: string; credit: string }>(
      ctx,
      `SELECT to_char(e.d, 'YYYY-MM-DD') AS d, e.type, e.doc_id, e.doc_number, e.summary, e.debit, e.credit FROM (${entries}) e
        WHERE e.d BETWEEN $2::date AND $3::date ORDER BY e.d, e.at, e.doc_number`,
      [dealerId, from, to],
    );
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
      return { date: r.d, type: r.type, docId: r.doc_id, docNumber: r.doc_number, summary: r.summary ?? '', debit: fmt(r.debit), credit: fmt(r.credit), balance: fmt(balance) };
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
    const label = {
      dealer: ['g.code', 'g.name', 'organization g ON g.id = x.key'],
      branch: ['g.code', 'g.name', 'organization g ON g.id = x.key'],
      salesRep: ['g.username', 'g.display_name', 'app_user g ON g.id = x.key'],
    }[groupBy];
    // one sum per bucket, filtered on days past due; current = not yet due
    const sums = buckets
      .map((b, i) => `COALESCE(sum(r.open_amount) FILTER (WHERE ${daysOverdueSql('r', ':asOf::date')} >= ${b.from}${b.to === null ? '' : ` AND ${daysOverdueSql('r', ':asOf::date')} <= ${b.to}`}), 0) AS b${i}`)
      .join(', ');
    const qb = this.db
      .manager(ctx)
      .createQueryBuilder()
      .from('receivable', 'r')
      .select(`${key}`, 'key')
      .addSelect(`COALESCE(sum(r.open_amount) FILTER (WHERE NOT ${overdueSql('r', ':asOf::date')}), 0)`, 'current')
      .addSelect(sums)
      .addSelect('sum(r.open_amount)', 'total')
      .where('r.open_amount > 0')
      .andWhere('r.business_date <= :asOf::date')
      .setParameter('asOf', asOf)
      .groupBy(key);
    applyOrgScope(qb, ctx, 'r.dealer_id');
    if (q.branchId) qb.andWhere(BRANCH_SUBTREE, { branchId: q.branchId });
    if (q.dealerId) qb.andWhere('r.dealer_id = :dealerId', { dealerId: q.dealerId });
    const [sql, params] = qb.getQueryAndParameters();
    const rows = await this.db.query<Record<string, string | null>>(
      ctx,
      `SELECT x.*, ${label[0]} AS code, ${label[1]} AS name FROM (${sql}) x LEFT JOIN ${label[2]} ORDER BY x.total DESC, code`,
      params,
    );
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
