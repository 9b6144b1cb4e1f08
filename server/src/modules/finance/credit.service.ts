import { Inject, Injectable } from '@nestjs/common';
import { availableCredit, COMMITTING_STATUSES, ReceiptStatus, CreditAccountDto, CreditCheckDto, CreditConsistencyDto, creditDecision, CreditDecision, CreditDriftDto, CreditMode, creditExposure, CreditPreviewDto, Dec, ErrorCode, fmt, OrgType, Paged } from '@drp/shared';
import { Selectable, SqlBool, sql } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { escapeLike, resolvePage } from '../../common/http/pagination';
import { orgScope } from '../../common/scope/data-scope';
import { businessDate } from '../../database/business-date';
import { DB, DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { OrgService, sellingBranchSql } from '../org/org.service';
import { CreditAccountQueryDto, UpdateCreditAccountDto } from './finance.dto';
import { overdue } from './overdue-sql';

/** The locked credit_account row of one dealer. */
export interface LockedAccount {
  dealerId: string;
  limit: string;
  creditDays: number;
  mode: CreditMode;
  blockOnOverdue: boolean;
  openReceivables: string;
  openOrders: string;
  prepayment: string;
  /** whether the dealer had an overdue receivable when the account was locked, when read with it (`commitNewOrder`); else `commitOrder` reads it */
  overdue?: boolean;
}

/** Changes of the running totals, as signed decimal strings. */
export interface TotalsDelta {
  openReceivables?: string;
  openOrders?: string;
  prepayment?: string;
}

/** The columns of an account row, overdue measured as of the business day `today`. */
const accountColumns = (today: string) => [
  sql<string>`o.id`.as('dealer_id'),
  sql<string>`o.code`.as('dealer_code'),
  sql<string>`o.name`.as('dealer_name'),
  sql<CreditAccountDto['settlementMethod']>`o.settlement_method`.as('settlement_method'),
  sql<string | null>`${sql.raw(sellingBranchSql('o.path', 'name'))}`.as('branch_name'),
  sql<string>`COALESCE(a.credit_limit, 0)`.as('credit_limit'),
  sql<number>`COALESCE(a.credit_days, 0)`.as('credit_days'),
  sql<CreditMode>`COALESCE(a.mode, 'NONE')`.as('mode'),
  sql<boolean>`COALESCE(a.block_on_overdue, false)`.as('block_on_overdue'),
  sql<string>`COALESCE(a.open_receivables, 0)`.as('open_receivables'),
  sql<string>`COALESCE(a.open_orders, 0)`.as('open_orders'),
  sql<string>`COALESCE(a.prepayment, 0)`.as('prepayment'),
  sql<number>`COALESCE(a.version, 0)`.as('version'),
  sql<Date | null>`a.updated_at`.as('updated_at'),
  sql<string>`COALESCE((SELECT sum(r.open_amount) FROM receivable r WHERE r.dealer_id = o.id AND ${overdue('r', today)}), 0)`.as('overdue_amount'),
];

const EXPOSURE_SQL = 'COALESCE(a.open_receivables, 0) + COALESCE(a.open_orders, 0) - COALESCE(a.prepayment, 0)';

const SORT: Record<string, string> = {
  dealer: 'o.code',
  limit: 'credit_limit',
  exposure: 'exposure',
  available: 'available',
  openReceivables: 'open_receivables',
};

/**
 * 信用额度 (ARCHITECTURE §6): one credit_account row per dealer holds the policy and the running
 * totals. Every change that moves them (orders committing, shipments, returns, receipts) locks the
 * row first, so checks and writes of one dealer are serialised; `consistency` recomputes the totals
 * from the documents. A dealer without a row has the defaults (no limit check).
 */
@Injectable()
export class CreditService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly orgs: OrgService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  today(at: Date = new Date()): string {
    return businessDate(at, this.config.companyTz);
  }

  async list(ctx: RequestContext, q: CreditAccountQueryDto): Promise<Paged<CreditAccountDto>> {
    let qb = this.db.k
      .selectFrom('organization as o')
      .leftJoin('credit_account as a', 'a.dealer_id', 'o.id')
      .where('o.type', '=', OrgType.DEALER)
      .where(orgScope(ctx, 'o.id'));
    if (q.q) {
      const like = `%${escapeLike(q.q)}%`;
      qb = qb.where((eb) => eb.or([eb('o.code', 'ilike', like), eb('o.name', 'ilike', like)]));
    }
    if (q.branchId) qb = qb.where(sql<SqlBool>`o.path LIKE (SELECT path FROM organization WHERE id = ${q.branchId}) || '%'`);
    if (q.mode) qb = qb.where(sql<SqlBool>`COALESCE(a.mode, 'NONE') = ${q.mode}`);
    if (q.overLimit === 'true') qb = qb.where(sql<SqlBool>`COALESCE(a.mode, 'NONE') <> 'NONE' AND ${sql.raw(EXPOSURE_SQL)} > COALESCE(a.credit_limit, 0)`);
    const { page, pageSize, column, direction, offset } = resolvePage(q, SORT, 'dealer');
    const [total, rows] = await Promise.all([
      this.db.one(ctx, qb.select(sql<number>`count(*)::int`.as('n'))),
      this.db.rows(
        ctx,
        qb
          .select(accountColumns(this.today()))
          .select([sql<string>`${sql.raw(EXPOSURE_SQL)}`.as('exposure'), sql<string>`COALESCE(a.credit_limit, 0) - (${sql.raw(EXPOSURE_SQL)})`.as('available')])
          .orderBy(sql`${sql.raw(column)} ${sql.raw(direction)}`)
          .orderBy('o.code')
          .offset(offset)
          .limit(pageSize),
      ),
    ]);
    return { items: rows.map(toDto), total: total.n, page, pageSize };
  }

  async get(ctx: RequestContext, dealerId: string): Promise<CreditAccountDto> {
    const dealer = await this.orgs.assertVisible(ctx, dealerId);
    if (dealer.type !== OrgType.DEALER) throw notFound('credit account', dealerId);
    const row = await this.db.one(
      ctx,
      this.db.k.selectFrom('organization as o').leftJoin('credit_account as a', 'a.dealer_id', 'o.id').select(accountColumns(this.today())).where('o.id', '=', dealerId),
    );
    return toDto(row);
  }

  async update(ctx: RequestContext, dealerId: string, dto: UpdateCreditAccountDto): Promise<CreditAccountDto> {
    await this.db.tx(ctx, async (tx) => {
      const dealer = await this.orgs.assertVisible(tx, dealerId);
      if (dealer.type !== OrgType.DEALER) throw notFound('credit account', dealerId);
      // did this request create the row? (ON CONFLICT waits for a concurrent creator to commit)
      const created = await this.db.rows(tx, this.db.k.insertInto('credit_account').values({ dealer_id: dealerId }).onConflict((oc) => oc.column('dealer_id').doNothing()).returning('dealer_id'));
      const before = await this.lock(tx, dealerId);
      const { version } = await this.db.one(tx, this.db.k.selectFrom('credit_account').select('version').where('dealer_id', '=', dealerId));
      // version 0 is what a dealer without settings reads: valid only while there still are none
      const current = created.length ? 0 : version;
      if (dto.version !== undefined && dto.version !== current) throw staleVersion('credit account', dto.version, current);
      await this.db.rows(
        tx,
        this.db.k
          .updateTable('credit_account')
          .set((eb) => ({ credit_limit: dto.limit, mode: dto.mode, credit_days: dto.creditDays, block_on_overdue: dto.blockOnOverdue ?? eb.ref('block_on_overdue'), version: eb('version', '+', 1) }))
          .where('dealer_id', '=', dealerId),
      );
      // the settlement method is the organisation's (owner: org)
      if (dto.settlementMethod) await this.orgs.setSettlementMethod(tx, dealerId, dto.settlementMethod);
      await this.audit.record(tx, {
        action: 'update',
        entity: 'credit_account',
        entityId: dealerId,
        orgId: dealerId,
        summary: `credit of ${dealer.code}: limit ${fmt(dto.limit)}, ${dto.mode}, ${dto.creditDays} days`,
        before: { limit: before.limit, mode: before.mode, creditDays: before.creditDays, blockOnOverdue: before.blockOnOverdue, settlementMethod: dealer.settlementMethod },
        after: { limit: fmt(dto.limit), mode: dto.mode, creditDays: dto.creditDays, blockOnOverdue: dto.blockOnOverdue ?? before.blockOnOverdue, settlementMethod: dto.settlementMethod ?? dealer.settlementMethod },
      });
    });
    return this.get(ctx, dealerId);
  }

  /**
   * Locks (creating with the defaults when missing) the dealer's credit account: the serialisation
   * point of §6.
   */
  async lock(tx: RequestContext, dealerId: string): Promise<LockedAccount> {
    const a = await this.firstOrdersAccount(tx, dealerId, () =>
      this.db.first(tx, this.db.k.selectFrom('credit_account as a').selectAll('a').where('a.dealer_id', '=', dealerId).forUpdate('a')),
    );
    return toAccount(dealerId, a);
  }

  /**
   * The account row `take` reads (and locks): the account exists but for a dealer's first order, so
   * one statement as a rule; otherwise it is created and `take` runs again.
   */
  private async firstOrdersAccount<R>(tx: RequestContext, dealerId: string, take: () => Promise<R | undefined>): Promise<R> {
    const a = await take();
    if (a) return a;
    await this.db.rows(tx, this.db.k.insertInto('credit_account').values({ dealer_id: dealerId }).onConflict((oc) => oc.column('dealer_id').doNothing()));
    return (await take())!;
  }

  /** Moves the running totals of a locked account: the only writer of credit_account's totals (open_orders included). */
  async adjust(tx: RequestContext, dealerId: string, d: TotalsDelta): Promise<void> {
    await this.db.rows(
      tx,
      this.db.k
        .updateTable('credit_account')
        .set({
          open_receivables: sql`open_receivables + ${d.openReceivables ?? '0'}::numeric`,
          open_orders: sql`open_orders + ${d.openOrders ?? '0'}::numeric`,
          prepayment: sql`prepayment + ${d.prepayment ?? '0'}::numeric`,
        })
        .where('dealer_id', '=', dealerId),
    );
  }

  /**
   * The credit check of an order that is about to commit `newCommitted` where it held
   * `oldCommitted` (0 for a first submit; the previous total when a submitted order is edited),
   * on the locked account, decided by `creditDecision` (@drp/shared). BLOCK refuses with
   * CREDIT_LIMIT_EXCEEDED / CREDIT_OVERDUE_BLOCKED and the figures; WARN passes with a warning; an
   * override (credit:override, with a reason) passes and is audited. The account's open orders
   * move by the difference.
   */
  async commitOrder(
    tx: RequestContext,
    account: LockedAccount,
    order: { id: string; oldCommitted: string; newCommitted: string; override?: { reason: string } },
  ): Promise<CreditCheckDto> {
    const { check, refusal } = await this.judge(tx, account, order);
    if (refusal) throw refusal;
    await this.adjust(tx, account.dealerId, { openOrders: fmt(new Dec(order.newCommitted).minus(order.oldCommitted)) });
    return check;
  }

  /**
   * `commitOrder` for an order created in this transaction, in one statement: the UPDATE that adds
   * the order's total to the account's open orders locks the row, and the check is decided on the
   * figures from before it (what it returns less the order), exactly as `commitOrder` decides.
   * A refusal is answered rather than thrown, so the caller can first report a stock shortage (the
   * order the checks have at submit); it must throw it, and the rollback undoes the UPDATE.
   */
  async commitNewOrder(tx: RequestContext, dealerId: string, order: { id: string; total: string; override?: { reason: string } }): Promise<{ check: CreditCheckDto; refusal: DomainError | null }> {
    const added = () =>
      this.db.first(
        tx,
        this.db.k
          .updateTable('credit_account as a')
          .set({ open_orders: sql`open_orders + ${order.total}::numeric` })
          .where('a.dealer_id', '=', dealerId)
          .returningAll()
          .returning((eb) => eb.exists(eb.selectFrom('receivable as r').select('r.id').whereRef('r.dealer_id', '=', 'a.dealer_id').where(overdue('r', this.today()))).as('overdue')),
      );
    const { overdue: due, ...row } = await this.firstOrdersAccount(tx, dealerId, added);
    const before: LockedAccount = { ...toAccount(dealerId, { ...row, open_orders: fmt(new Dec(row.open_orders).minus(order.total)) }), overdue: !!due };
    return this.judge(tx, before, { id: order.id, oldCommitted: '0', newCommitted: order.total, override: order.override });
  }

  /** The decision of `commitOrder` on the locked account: the check, and the refusal when it blocks (not thrown). */
  private async judge(
    tx: RequestContext,
    account: LockedAccount,
    order: { id: string; oldCommitted: string; newCommitted: string; override?: { reason: string } },
  ): Promise<{ check: CreditCheckDto; refusal: DomainError | null }> {
    const overdue = account.overdue ?? (await this.hasOverdue(tx, account.dealerId));
    const d = this.decide(account, account.blockOnOverdue, order.oldCommitted, order.newCommitted, overdue, !!order.override);
    const figures = { limit: d.limit, exposure: d.exposure, orderTotal: d.orderTotal, available: d.available, excess: d.excess };
    const refusal = d.code ? refusalOf(d, figures) : null;
    let warning = d.outcome === 'WARN' ? warningOf(d) : null;
    const check = (): CreditCheckDto => ({ mode: account.mode, limit: d.limit, exposure: d.exposure, orderTotal: d.orderTotal, excess: d.excess, overdue, warning, overridden: d.outcome === 'OVERRIDDEN' });
    if (refusal && d.outcome === 'BLOCK') return { check: check(), refusal };
    if (refusal && order.override) {
      if (!tx.can('credit:override')) throw new DomainError(ErrorCode.FORBIDDEN, 'A credit override needs the credit:override permission', { permission: 'credit:override' });
      warning = `${refusal.message} (overridden: ${order.override.reason})`;
      await this.audit.record(tx, {
        action: 'credit_override',
        entity: 'sales_order',
        entityId: order.id,
        orgId: account.dealerId,
        summary: `credit override: ${order.override.reason}`,
        after: { ...figures, code: refusal.code, reason: order.override.reason },
      });
    }
    return { check: check(), refusal: null };
  }

  /** What `commitOrder` would say, without locking or writing (the order form's credit preview): the same `creditDecision`. */
  async preview(ctx: RequestContext, dealerId: string, orderTotal: string, alreadyCommitted = '0'): Promise<CreditPreviewDto> {
    const a = await this.db.first(ctx, this.db.k.selectFrom('credit_account').selectAll().where('dealer_id', '=', dealerId));
    const account: LockedAccount = a
      ? toAccount(dealerId, a)
      : { dealerId, limit: '0', creditDays: 0, mode: CreditMode.NONE, blockOnOverdue: false, openReceivables: '0', openOrders: '0', prepayment: '0' };
    const overdue = await this.hasOverdue(ctx, dealerId);
    const d = this.decide(account, account.blockOnOverdue, alreadyCommitted, orderTotal, overdue, false);
    return {
      mode: account.mode,
      limit: d.limit,
      exposure: d.exposure,
      orderTotal: d.orderTotal,
      excess: d.excess,
      overdue,
      warning: d.outcome === 'WARN' ? warningOf(d) : d.code ? refusalOf(d, d).message : null,
      overridden: false,
      blockOnOverdue: account.blockOnOverdue,
      committed: fmt(alreadyCommitted),
      outcome: d.outcome,
      reason: d.reason,
    };
  }

  /** The account's available credit (limit − exposure), as `availableCredit` (@drp/shared) has it. */
  available(check: { limit: string; exposure: string }): string {
    return availableCredit(check);
  }

  private decide(account: LockedAccount, blockOnOverdue: boolean, oldCommitted: string, newCommitted: string, overdue: boolean, override: boolean): CreditDecision {
    return creditDecision({
      mode: account.mode,
      limit: account.limit,
      exposure: fmt(new Dec(creditExposure(account)).minus(oldCommitted)),
      adding: newCommitted,
      committed: oldCommitted,
      blockOnOverdue,
      overdue,
      override,
    });
  }

  private async hasOverdue(ctx: RequestContext, dealerId: string): Promise<boolean> {
    const r = await this.db.first(ctx, this.db.k.selectFrom('receivable as r').select('r.id').where('r.dealer_id', '=', dealerId).where(overdue('r', this.today())).limit(1));
    return !!r;
  }

  /**
   * Recomputes every account's running totals, every receivable's open amount and every credit's
   * unallocated money from the documents, and reports where they differ (none expected).
   */
  async consistency(ctx: RequestContext): Promise<CreditConsistencyDto> {
    type Field = CreditDriftDto['field'];
    const committing = [...COMMITTING_STATUSES];
    // what an order holds while it commits credit: its unshipped value (ARCHITECTURE §6)
    const holds = sql<string>`CASE WHEN so.status IN (${sql.join(committing)}) THEN so.total - so.shipped_total ELSE 0 END`;
    const notReversed = sql<string>`COALESCE(sum(al.amount) FILTER (WHERE NOT al.reversed), 0)`;
    const drifts = await this.db.rows(
      ctx,
      this.db.k
        .with('acc', (db) =>
          db
            .selectFrom('credit_account as a')
            .innerJoin('organization as o', 'o.id', 'a.dealer_id')
            .select((eb) => {
              const allocated = eb
                .selectFrom('allocation as al')
                .innerJoin('receivable as r', 'r.id', 'al.receivable_id')
                .select(sql<string>`sum(al.amount)`.as('s'))
                .whereRef('r.dealer_id', '=', 'a.dealer_id')
                .where('al.reversed', '=', false);
              const receivables = eb.selectFrom('receivable as r').select(sql<string>`sum(r.amount)`.as('s')).whereRef('r.dealer_id', '=', 'a.dealer_id');
              const orders = eb
                .selectFrom('sales_order as so')
                .select(sql<string>`sum(so.total - so.shipped_total)`.as('s'))
                .whereRef('so.dealer_id', '=', 'a.dealer_id')
                .where('so.status', 'in', committing);
              const receipts = eb.selectFrom('receipt as rc').select(sql<string>`sum(rc.amount)`.as('s')).whereRef('rc.dealer_id', '=', 'a.dealer_id').where('rc.status', '=', ReceiptStatus.ACTIVE);
              const returns = eb.selectFrom('return_credit as rt').select(sql<string>`sum(rt.amount)`.as('s')).whereRef('rt.dealer_id', '=', 'a.dealer_id');
              return [
                'a.dealer_id', 'o.code as dealer_code', 'a.open_receivables', 'a.open_orders', 'a.prepayment',
                sql<string>`COALESCE(${receivables}, 0) - COALESCE(${allocated}, 0)`.as('c_receivables'),
                sql<string>`COALESCE(${orders}, 0)`.as('c_orders'),
                sql<string>`COALESCE(${receipts}, 0) + COALESCE(${returns}, 0) - COALESCE(${allocated}, 0)`.as('c_prepayment'),
              ];
            }),
        )
        .selectFrom('acc')
        .select(['dealer_id', 'dealer_code', sql<Field>`'openReceivables'`.as('field'), sql<string>`open_receivables::text`.as('stored'), sql<string>`c_receivables::text`.as('computed')])
        .whereRef('open_receivables', '<>', 'c_receivables')
        .unionAll((eb) =>
          eb
            .selectFrom('acc')
            .select(['dealer_id', 'dealer_code', sql<Field>`'openOrders'`.as('field'), sql<string>`open_orders::text`.as('stored'), sql<string>`c_orders::text`.as('computed')])
            .whereRef('open_orders', '<>', 'c_orders'),
        )
        .unionAll((eb) =>
          eb
            .selectFrom('acc')
            .select(['dealer_id', 'dealer_code', sql<Field>`'prepayment'`.as('field'), sql<string>`prepayment::text`.as('stored'), sql<string>`c_prepayment::text`.as('computed')])
            .whereRef('prepayment', '<>', 'c_prepayment'),
        )
        .unionAll((eb) =>
          eb
            .selectFrom('receivable as r')
            .innerJoin('organization as o', 'o.id', 'r.dealer_id')
            .leftJoin('allocation as al', 'al.receivable_id', 'r.id')
            .select(['r.dealer_id', 'o.code as dealer_code', sql<Field>`'receivableOpenAmount'`.as('field'), sql<string>`r.open_amount::text`.as('stored'), sql<string>`(r.amount - ${notReversed})::text`.as('computed')])
            .groupBy(['r.id', 'o.code'])
            .having(sql<SqlBool>`r.open_amount <> r.amount - ${notReversed}`),
        )
        .unionAll((eb) =>
          eb
            .selectFrom('receipt as rc')
            .innerJoin('organization as o', 'o.id', 'rc.dealer_id')
            .leftJoin('allocation as al', 'al.receipt_id', 'rc.id')
            .select([
              'rc.dealer_id', 'o.code as dealer_code', sql<Field>`'creditUnallocated'`.as('field'), sql<string>`rc.unallocated::text`.as('stored'),
              sql<string>`(CASE WHEN rc.status = 'ACTIVE' THEN rc.amount - ${notReversed} ELSE 0 END)::text`.as('computed'),
            ])
            .groupBy(['rc.id', 'o.code'])
            .having(sql<SqlBool>`rc.unallocated <> CASE WHEN rc.status = 'ACTIVE' THEN rc.amount - ${notReversed} ELSE 0 END`),
        )
        .unionAll((eb) =>
          eb
            .selectFrom('return_credit as rt')
            .innerJoin('organization as o', 'o.id', 'rt.dealer_id')
            .leftJoin('allocation as al', 'al.return_id', 'rt.return_id')
            .select(['rt.dealer_id', 'o.code as dealer_code', sql<Field>`'creditUnallocated'`.as('field'), sql<string>`rt.unallocated::text`.as('stored'), sql<string>`(rt.amount - ${notReversed})::text`.as('computed')])
            .groupBy(['rt.return_id', 'o.code'])
            .having(sql<SqlBool>`rt.unallocated <> rt.amount - ${notReversed}`),
        )
        .unionAll((eb) =>
          eb
            .selectFrom('sales_order as so')
            .innerJoin('organization as o', 'o.id', 'so.dealer_id')
            .select(['so.dealer_id', 'o.code as dealer_code', sql<Field>`'openOrders'`.as('field'), sql<string>`so.committed::text`.as('stored'), sql<string>`(${holds})::text`.as('computed')])
            .where(sql<SqlBool>`so.committed <> ${holds}`),
        ),
    );
    // a branch sees the accounts of its own dealers only
    const visible = await this.orgs.visibleTypes(ctx, [...new Set(drifts.map((d) => d.dealer_id))]);
    const mine = drifts.filter((d) => visible.has(d.dealer_id));
    const { n } = await this.db.one(ctx, this.db.k.selectFrom('credit_account as a').select(sql<number>`count(*)::int`.as('n')).where(orgScope(ctx, 'a.dealer_id')));
    return {
      checkedAccounts: n,
      ok: mine.length === 0,
      drifts: mine.map((d) => ({ dealerId: d.dealer_id, dealerCode: d.dealer_code, field: d.field, stored: fmt(d.stored), computed: fmt(d.computed) })),
    };
  }
}

interface AccountRaw {
  dealer_id: string;
  dealer_code: string;
  dealer_name: string;
  settlement_method: CreditAccountDto['settlementMethod'];
  branch_name: string | null;
  credit_limit: string;
  credit_days: number;
  mode: CreditMode;
  block_on_overdue: boolean;
  open_receivables: string;
  open_orders: string;
  prepayment: string;
  overdue_amount: string;
  version: number;
  updated_at: Date | null;
}

function toAccount(dealerId: string, a: Selectable<DB['credit_account']>): LockedAccount {
  return {
    dealerId,
    limit: a.credit_limit,
    creditDays: a.credit_days,
    mode: a.mode as CreditMode,
    blockOnOverdue: a.block_on_overdue,
    openReceivables: a.open_receivables,
    openOrders: a.open_orders,
    prepayment: a.prepayment,
  };
}

function toDto(r: AccountRaw): CreditAccountDto {
  const totals = { openReceivables: fmt(r.open_receivables), openOrders: fmt(r.open_orders), prepayment: fmt(r.prepayment) };
  const exposure = creditExposure(totals);
  return {
    dealerId: r.dealer_id,
    dealerCode: r.dealer_code,
    dealerName: r.dealer_name,
    branchName: r.branch_name,
    settlementMethod: r.settlement_method,
    limit: fmt(r.credit_limit),
    creditDays: Number(r.credit_days),
    mode: r.mode,
    blockOnOverdue: r.block_on_overdue,
    ...totals,
    exposure,
    available: availableCredit({ limit: r.credit_limit, exposure }),
    overdueAmount: fmt(r.overdue_amount),
    version: Number(r.version),
    updatedAt: r.updated_at ? new Date(r.updated_at).toISOString() : null,
  };
}

/** The refusal of a BLOCK (or the one an override lets through), with the figures. */
function refusalOf(d: CreditDecision, figures: { limit: string; exposure: string; orderTotal: string; available: string; excess: string }): DomainError {
  if (d.code === 'CREDIT_OVERDUE_BLOCKED') {
    return new DomainError(ErrorCode.CREDIT_OVERDUE_BLOCKED, 'The dealer has overdue receivables: orders are blocked until they are paid', { ...pick(figures), overdue: true });
  }
  return new DomainError(ErrorCode.CREDIT_LIMIT_EXCEEDED, limitMessage(d), pick(figures));
}

function pick(f: { limit: string; exposure: string; orderTotal: string; available: string; excess: string }) {
  return { limit: f.limit, exposure: f.exposure, orderTotal: f.orderTotal, available: f.available, excess: f.excess };
}

function limitMessage(d: CreditDecision): string {
  return `Credit limit ${d.limit} exceeded: exposure ${d.exposure} + this order ${d.orderTotal} is ${d.excess} over`;
}

/** The warning a WARN carries (the order's credit note: the web parses the limit one, sales/lib/display.ts). */
function warningOf(d: CreditDecision): string {
  return d.reason === 'OVERDUE' ? 'The dealer has overdue receivables' : limitMessage(d);
}
