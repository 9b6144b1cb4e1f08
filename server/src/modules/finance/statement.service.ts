import { Injectable, Logger } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { addTypedRow, CellKind } from '../../common/excel';
import { Dec, ErrorCode, FINANCE_DOC_PREFIX, fmt, LedgerEntryDto, OrgType, Paged, StatementDto, StatementStatus, StatementView } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, staleVersion } from '../../common/errors/domain-error';
import { SqlBool, sql } from 'kysely';
import { escapeLike, pageIdsOf, Sortable } from '../../common/http/pagination';
import { assertInScope, orgScope } from '../../common/scope/data-scope';
import { DbService } from '../../database/db.service';
import { DocNumberService } from '../../database/doc-number.service';
import { DocumentKernel } from '../../kernel/document-kernel.service';
import { AuditService } from '../audit/audit.service';
import { JobsService } from '../jobs/jobs.service';
import { OrgService } from '../org/org.service';
import { CreditService } from './credit.service';
import { STATEMENT_MACHINE } from './finance.machines';
import { GenerateStatementDto, RespondStatementDto, StatementListQueryDto } from './finance.dto';
import { ReceivableService } from './receivable.service';

/** A business day (YYYY-MM-DD) as a date operand. */
const day = (d: string) => sql<Date>`${d}::date`;

export const MONTH_END_JOB = 'finance.month-end-statements';

const SORT: Sortable = { createdAt: { notNull: 's.created_at' }, period: { notNull: 's.period_to' }, closing: { notNull: 's.closing_balance' }, dealer: { notNull: 'd.code' } };

/** The first and last day of a month given as YYYY-MM. */
export function monthPeriod(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/** The month before a business date, as YYYY-MM. */
export function previousMonth(day: string): string {
  const [y, m] = day.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/**
 * 对账单: a dealer's account for a period (opening balance, shipments, returns, receipts, closing
 * balance, line by line), saved as a snapshot the dealer confirms or disputes. Generated on demand
 * and for every dealer at each month start (a pg-boss job).
 */
@Injectable()
export class StatementService {
  private readonly logger = new Logger('Statements');

  constructor(
    private readonly db: DbService,
    private readonly auditLog: AuditService,
    private readonly numbers: DocNumberService,
    private readonly credit: CreditService,
    private readonly receivables: ReceivableService,
    private readonly orgs: OrgService,
    private readonly kernel: DocumentKernel,
    jobs: JobsService,
  ) {
    // 02:00 on the 1st, company time zone: last month's statements for every active dealer
    jobs.register<{ month?: string }>(MONTH_END_JOB, async (data) => void (await this.monthEnd(RequestContext.system(), data.month)), '0 2 1 * *');
  }

  /** The statement of a period computed now, with the saved one of exactly that period if any. */
  async view(ctx: RequestContext, dealerId: string, from: string, to: string): Promise<StatementView & { saved: StatementDto | null }> {
    const view = await this.receivables.ledger(ctx, dealerId, from, to);
    const saved = await this.db.first(ctx, this.db.k.selectFrom('statement').select('id').where('dealer_id', '=', dealerId).where('period_from', '=', day(from)).where('period_to', '=', day(to)));
    return { ...view, saved: saved ? await this.get(ctx, saved.id) : null };
  }

  async list(ctx: RequestContext, q: StatementListQueryDto): Promise<Paged<StatementDto>> {
    let qb = this.db.k.selectFrom('statement as s').innerJoin('organization as d', 'd.id', 's.dealer_id').where(orgScope(ctx, 's.dealer_id'));
    if (q.dealerId) qb = qb.where('s.dealer_id', '=', q.dealerId);
    if (q.status) qb = qb.where('s.status', '=', q.status);
    if (q.from) qb = qb.where(sql<SqlBool>`s.period_to >= ${q.from}::date`);
    if (q.to) qb = qb.where(sql<SqlBool>`s.period_from <= ${q.to}::date`);
    if (q.q) {
      const like = `%${escapeLike(q.q)}%`;
      qb = qb.where((eb) => eb.or([eb('s.number', 'ilike', like), eb('d.code', 'ilike', like), eb('d.name', 'ilike', like)]));
    }
    const { ids, ...page } = await pageIdsOf(this.db, ctx, qb, q, SORT, '-period', 's.id');
    return { items: await this.load(ctx, ids, false), ...page };
  }

  async get(ctx: RequestContext, id: string): Promise<StatementDto> {
    await assertInScope(this.db, ctx, 'statement', 'dealer_id', id, 'statement');
    return (await this.load(ctx, [id], true))[0];
  }

  /** Saves the statement of a period: new, or refreshed while PENDING or DISPUTED; a CONFIRMED one stays as confirmed. */
  async generate(ctx: RequestContext, dto: GenerateStatementDto, origin: 'MANUAL' | 'MONTH_END' = 'MANUAL'): Promise<StatementDto> {
    if (dto.to > this.credit.today()) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A statement cannot end in the future', { field: 'to' });
    const id = await this.db.tx(ctx, async (tx) => {
      await this.orgs.assertVisible(tx, dto.dealerId);
      // the dealer's account lock: no receipt or shipment lands half-way through the snapshot
      await this.credit.lock(tx, dto.dealerId);
      const fresh = await this.receivables.ledger(tx, dto.dealerId, dto.from, dto.to);
      const existing = await this.db.first(
        tx,
        this.db.k.selectFrom('statement').select(['id', 'status', 'number']).where('dealer_id', '=', dto.dealerId).where('period_from', '=', day(dto.from)).where('period_to', '=', day(dto.to)).forUpdate(),
      );
      if (existing?.status === StatementStatus.CONFIRMED) {
        throw new DomainError(ErrorCode.INVALID_STATE, `Statement ${existing.number} was confirmed by the dealer and is kept as confirmed`, { status: existing.status, id: existing.id });
      }
      const figures = {
        opening_balance: fresh.openingBalance, shipments: fresh.shipments, returns: fresh.returns, receipts: fresh.receipts, closing_balance: fresh.closingBalance,
        lines: JSON.stringify(fresh.lines), created_by: tx.user?.id ?? null,
      };
      const audit = {
        action: existing ? 'refresh' : 'create',
        orgId: dto.dealerId,
        summary: `statement of ${fresh.dealerCode} ${dto.from}..${dto.to}: closing ${fresh.closingBalance}`,
        after: { from: dto.from, to: dto.to, opening: fresh.openingBalance, closing: fresh.closingBalance, origin },
      };
      const answered = { response_comment: null, responded_by: null, responded_at: null };
      let sid: string;
      if (!existing) {
        const number = await this.numbers.next(tx, FINANCE_DOC_PREFIX.statement, this.credit.today());
        sid = (
          await this.db.one(
            tx,
            this.db.k
              .insertInto('statement')
              .values({ number, dealer_id: dto.dealerId, period_from: dto.from, period_to: dto.to, status: StatementStatus.PENDING, origin, ...figures })
              .returning('id'),
          )
        ).id;
        await this.kernel.transition(tx, STATEMENT_MACHINE.type, { id: sid, from: null, to: StatementStatus.PENDING, action: 'GENERATE', audit });
      } else if (existing.status === StatementStatus.DISPUTED) {
        // a disputed statement, generated again, waits for the dealer's answer anew
        sid = existing.id;
        await this.kernel.transition(tx, STATEMENT_MACHINE.type, { id: sid, from: StatementStatus.DISPUTED, to: StatementStatus.PENDING, action: 'GENERATE', set: { ...figures, ...answered }, audit });
      } else {
        // still waiting for the dealer: the figures are refreshed, the status stays
        sid = existing.id;
        await this.db.rows(tx, this.db.k.updateTable('statement').set({ ...figures, ...answered, version: sql<number>`version + 1` }).where('id', '=', sid).where('status', '=', StatementStatus.PENDING));
        await this.auditLog.record(tx, { entity: 'statement', entityId: sid, ...audit });
      }
      return sid;
    });
    return this.get(ctx, id);
  }

  /** Last month's statement (or `month`'s) for every active dealer with a balance or movements and none yet; `skipped` counts the idle and the failed. */
  async monthEnd(ctx: RequestContext, month?: string): Promise<{ month: string; generated: number; skipped: number }> {
    const m = month ?? previousMonth(this.credit.today());
    const { from, to } = monthPeriod(m);
    const dealers = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('organization as o')
        .select('o.id')
        .where('o.type', '=', OrgType.DEALER)
        .where('o.status', '=', 'ACTIVE')
        .where((eb) => eb.not(eb.exists(eb.selectFrom('statement as s').select('s.id').whereRef('s.dealer_id', '=', 'o.id').where('s.period_from', '=', day(from)).where('s.period_to', '=', day(to)))))
        .where(orgScope(ctx, 'o.id'))
        .orderBy('o.code'),
    );
    let generated = 0;
    let skipped = 0;
    for (const d of dealers) {
      try {
        // a dealer with nothing owed and nothing moved gets no statement to confirm
        const view = await this.receivables.ledger(ctx, d.id, from, to);
        if (!view.lines.length && new Dec(view.openingBalance).isZero()) {
          skipped++;
          continue;
        }
        await this.generate(ctx, { dealerId: d.id, from, to }, 'MONTH_END');
        generated++;
      } catch (e) {
        // one dealer's failure must not stop the run: it is logged and counted
        skipped++;
        this.logger.warn({ err: e, dealerId: d.id, month: m }, 'month-end statement skipped');
      }
    }
    this.logger.log({ month: m, generated, skipped }, 'month-end statements');
    return { month: m, generated, skipped };
  }

  /** The dealer's answer: confirm (optional comment) or dispute (comment required). Only the statement's dealer answers. */
  async respond(ctx: RequestContext, id: string, status: StatementStatus.CONFIRMED | StatementStatus.DISPUTED, dto: RespondStatementDto): Promise<StatementDto> {
    const st = await this.get(ctx, id);
    const user = ctx.actor;
    // the dealer's own users answer for it (a sub-dealer's users do not answer for their parent)
    const own = user.orgType === OrgType.DEALER && user.orgId === st.dealerId;
    if (!own) throw new DomainError(ErrorCode.NOT_STATEMENT_DEALER, 'Only the dealer of this statement can confirm or dispute it', { dealerId: st.dealerId });
    const comment = dto.comment?.trim() || null;
    if (status === StatementStatus.DISPUTED && !comment) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Say what is wrong: a dispute needs a comment', { field: 'comment' });
    await this.db.tx(ctx, async (tx) => {
      const row = await this.db.one(tx, this.db.k.selectFrom('statement').select(['status', 'version']).where('id', '=', id).forUpdate());
      if (dto.version !== undefined && dto.version !== row.version) throw staleVersion('statement', dto.version, row.version);
      // only a PENDING statement is answered (STATEMENT_MACHINE): the kernel refuses any other move
      await this.kernel.transition(tx, STATEMENT_MACHINE.type, {
        id,
        from: row.status as StatementStatus,
        to: status,
        action: status === StatementStatus.CONFIRMED ? 'CONFIRM' : 'DISPUTE',
        note: comment,
        set: { response_comment: comment, responded_by: user.id, responded_at: sql`now()` },
        audit: {
          action: status === StatementStatus.CONFIRMED ? 'confirm' : 'dispute',
          orgId: st.dealerId,
          summary: `${st.number} ${status.toLowerCase()} by ${user.displayName}${comment ? `: ${comment}` : ''}`,
          before: { status: row.status },
          after: { status, comment },
        },
      });
    });
    return this.get(ctx, id);
  }

  async export(ctx: RequestContext, id: string): Promise<{ name: string; data: Buffer }> {
    const st = await this.get(ctx, id);
    const wb = new ExcelJS.Workbook();
    wb.creator = 'DRP';
    const ws = wb.addWorksheet('对账单');
    ws.columns = [{ width: 12 }, { width: 14 }, { width: 20 }, { width: 30 }, { width: 14 }, { width: 14 }, { width: 14 }];
    ws.addRow([`对账单 ${st.number}`]).font = { bold: true, size: 14 };
    ws.addRow(['经销商', `${st.dealerCode} ${st.dealerName}`]);
    ws.addRow(['期间', `${st.from} ~ ${st.to}`]);
    ws.addRow(['状态', { PENDING: '待确认', CONFIRMED: '已确认', DISPUTED: '有异议' }[st.status]]);
    ws.addRow([]);
    const head = ws.addRow(['日期', '类型', '单号', '摘要', '借方(应收增加)', '贷方(应收减少)', '余额']);
    head.font = { bold: true };
    // amounts are numeric cells with a money format (users sum them); dates, types and document numbers text
    const KINDS: CellKind[] = ['text', 'text', 'text', 'text', 'money', 'money', 'money'];
    addTypedRow(ws, ['', '', '', '期初余额', '', '', st.openingBalance], KINDS);
    const TYPE = { SHIPMENT: '发货', RETURN: '退货', RECEIPT: '收款', RECEIPT_REVERSAL: '收款冲销' };
    // a receipt's summary starts with its method code ("BANK_TRANSFER ICBC-001"): the sheet is read by people
    const METHOD: Record<string, string> = { BANK_TRANSFER: '银行转账', CASH: '现金', ALIPAY: '支付宝', WECHAT: '微信', BANK_ACCEPTANCE: '银行承兑', OTHER: '其他' };
    const summary = (l: LedgerEntryDto) => (l.type === 'RECEIPT' ? l.summary.replace(/^[A-Z_]+/, (m) => METHOD[m] ?? m) : l.summary);
    const money = (v: string) => (new Dec(v).isZero() ? null : v);
    st.lines.forEach((l: LedgerEntryDto) => addTypedRow(ws, [l.date, TYPE[l.type], l.docNumber, summary(l), money(l.debit), money(l.credit), l.balance], KINDS));
    addTypedRow(ws, ['', '', '', '期末余额', st.shipments, fmt(new Dec(st.returns).plus(st.receipts)), st.closingBalance], KINDS).font = { bold: true };
    return { name: `对账单-${st.dealerCode}-${st.from}-${st.to}.xlsx`, data: Buffer.from(await wb.xlsx.writeBuffer()) };
  }

  private async load(ctx: RequestContext, ids: string[], withLines: boolean): Promise<StatementDto[]> {
    if (!ids.length) return [];
    const rows = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('statement as s')
        .innerJoin('organization as d', 'd.id', 's.dealer_id')
        .leftJoin('app_user as ru', 'ru.id', 's.responded_by')
        .leftJoin('app_user as cu', 'cu.id', 's.created_by')
        .selectAll('s')
        .select([
          sql<string>`to_char(s.period_from, 'YYYY-MM-DD')`.as('pfrom'), sql<string>`to_char(s.period_to, 'YYYY-MM-DD')`.as('pto'), 'd.code as dealer_code', 'd.name as dealer_name',
          'ru.display_name as responded_by_name', 'cu.display_name as created_by_name',
        ])
        .where('s.id', 'in', ids),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => {
      const r = byId.get(id)!;
      return {
        id,
        number: r.number,
        dealerId: r.dealer_id,
        dealerCode: r.dealer_code,
        dealerName: r.dealer_name,
        from: r.pfrom,
        to: r.pto,
        openingBalance: fmt(r.opening_balance),
        shipments: fmt(r.shipments),
        returns: fmt(r.returns),
        receipts: fmt(r.receipts),
        closingBalance: fmt(r.closing_balance),
        lines: withLines ? (r.lines as unknown as LedgerEntryDto[]) : [],
        status: r.status as StatementStatus,
        origin: r.origin as 'MANUAL' | 'MONTH_END',
        responseComment: r.response_comment ?? null,
        respondedByName: r.responded_by_name ?? null,
        respondedAt: r.responded_at ? new Date(r.responded_at).toISOString() : null,
        createdByName: r.created_by_name ?? null,
        createdAt: new Date(r.created_at).toISOString(),
        version: r.version,
      };
    });
  }
}
