import { Injectable, Logger } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { Dec, ErrorCode, FINANCE_DOC_PREFIX, fmt, LedgerEntryDto, OrgType, Paged, StatementDto, StatementStatus, StatementView } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, staleVersion } from '../../common/errors/domain-error';
import { escapeLike, pageIds } from '../../common/http/pagination';
import { applyOrgScope, assertInScope } from '../../common/scope/data-scope';
import { DbService } from '../../database/db.service';
import { DocNumberService } from '../../database/doc-number.service';
import { AuditService } from '../audit/audit.service';
import { JobsService } from '../jobs/jobs.service';
import { OrgService } from '../org/org.service';
import { CreditService } from './credit.service';
import { GenerateStatementDto, RespondStatementDto, StatementListQueryDto } from './finance.dto';
import { ReceivableService } from './receivable.service';

export const MONTH_END_JOB = 'finance.month-end-statements';

const SORT: Record<string, string> = { createdAt: 's.created_at', period: 's.period_to', closing: 's.closing_balance', dealer: 'd.code' };

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
    private readonly audit: AuditService,
    private readonly numbers: DocNumberService,
    private readonly credit: CreditService,
    private readonly receivables: ReceivableService,
    private readonly orgs: OrgService,
    jobs: JobsService,
  ) {
    // 02:00 on the 1st, company time zone: last month's statements for every active dealer
    jobs.register<{ month?: string }>(MONTH_END_JOB, async (data) => void (await this.monthEnd(RequestContext.system(), data.month)), '0 2 1 * *');
  }

  /** The statement of a period computed now, with the saved one of exactly that period if any. */
  async view(ctx: RequestContext, dealerId: string, from: string, to: string): Promise<StatementView & { saved: StatementDto | null }> {
    const view = await this.receivables.ledger(ctx, dealerId, from, to);
    const [saved] = await this.db.query<{ id: string }>(ctx, 'SELECT id FROM statement WHERE dealer_id = $1 AND period_from = $2 AND period_to = $3', [dealerId, from, to]);
    return { ...view, saved: saved ? await this.get(ctx, saved.id) : null };
  }

  async list(ctx: RequestContext, q: StatementListQueryDto): Promise<Paged<StatementDto>> {
    const qb = this.db.manager(ctx).createQueryBuilder().from('statement', 's').innerJoin('organization', 'd', 'd.id = s.dealer_id');
    applyOrgScope(qb, ctx, 's.dealer_id');
    if (q.dealerId) qb.andWhere('s.dealer_id = :dealerId', { dealerId: q.dealerId });
    if (q.status) qb.andWhere('s.status = :status', { status: q.status });
    if (q.from) qb.andWhere('s.period_to >= :from::date', { from: q.from });
    if (q.to) qb.andWhere('s.period_from <= :to::date', { to: q.to });
    if (q.q) qb.andWhere('(s.number ILIKE :q OR d.code ILIKE :q OR d.name ILIKE :q)', { q: `%${escapeLike(q.q)}%` });
    const { ids, ...page } = await pageIds(qb, q, SORT, '-period', 's.id');
    return { items: await this.load(ctx, ids, false), ...page };
  }

  async get(ctx: RequestContext, id: string): Promise<StatementDto> {
    await assertInScope(this.db.manager(ctx), ctx, 'statement', 'dealer_id', id, 'statement');
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
      const [existing] = await this.db.query<{ id: string; status: StatementStatus; number: string }>(
        tx,
        'SELECT id, status, number FROM statement WHERE dealer_id = $1 AND period_from = $2 AND period_to = $3 FOR UPDATE',
        [dto.dealerId, dto.from, dto.to],
      );
      if (existing?.status === StatementStatus.CONFIRMED) {
        throw new DomainError(ErrorCode.INVALID_STATE, `Statement ${existing.number} was confirmed by the dealer and is kept as confirmed`, { status: existing.status, id: existing.id });
      }
      const figures = [fresh.openingBalance, fresh.shipments, fresh.returns, fresh.receipts, fresh.closingBalance, JSON.stringify(fresh.lines)];
      let sid: string;
      if (existing) {
        sid = existing.id;
        await this.db.query(
          tx,
          `UPDATE statement SET opening_balance = $2, shipments = $3, returns = $4, receipts = $5, closing_balance = $6, lines = $7::jsonb,
                  status = 'PENDING', response_comment = NULL, responded_by = NULL, responded_at = NULL, created_by = $8, version = version + 1
            WHERE id = $1`,
          [sid, ...figures, tx.user?.id ?? null],
        );
      } else {
        const number = await this.numbers.next(tx, FINANCE_DOC_PREFIX.statement);
        [{ id: sid }] = await this.db.query<{ id: string }>(
          tx,
          `INSERT INTO statement (number, dealer_id, period_from, period_to, opening_balance, shipments, returns, receipts, closing_balance, lines, origin, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12) RETURNING id`,
          [number, dto.dealerId, dto.from, dto.to, ...figures, origin, tx.user?.id ?? null],
        );
      }
      await this.audit.record(tx, {
        action: existing ? 'refresh' : 'create',
        entity: 'statement',
        entityId: sid,
        orgId: dto.dealerId,
        summary: `statement of ${fresh.dealerCode} ${dto.from}..${dto.to}: closing ${fresh.closingBalance}`,
        after: { from: dto.from, to: dto.to, opening: fresh.openingBalance, closing: fresh.closingBalance, origin },
      });
      return sid;
    });
    return this.get(ctx, id);
  }

  /** Last month's statement (or `month`'s) for every active dealer with a balance or movements and none yet; `skipped` counts the idle and the failed. */
  async monthEnd(ctx: RequestContext, month?: string): Promise<{ month: string; generated: number; skipped: number }> {
    const m = month ?? previousMonth(this.credit.today());
    const { from, to } = monthPeriod(m);
    const qb = this.db
      .manager(ctx)
      .createQueryBuilder()
      .from('organization', 'o')
      .select('o.id', 'id')
      .where(`o.type = 'DEALER' AND o.status = 'ACTIVE'`)
      .andWhere('NOT EXISTS (SELECT 1 FROM statement s WHERE s.dealer_id = o.id AND s.period_from = :from AND s.period_to = :to)', { from, to })
      .orderBy('o.code');
    applyOrgScope(qb, ctx, 'o.id');
    const dealers = await qb.getRawMany<{ id: string }>();
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
      const [row] = await this.db.query<{ status: StatementStatus; version: number }>(tx, 'SELECT status, version FROM statement WHERE id = $1 FOR UPDATE', [id]);
      if (dto.version !== undefined && dto.version !== row.version) throw staleVersion('statement', dto.version, row.version);
      if (row.status !== StatementStatus.PENDING) throw new DomainError(ErrorCode.INVALID_STATE, `The statement is already ${row.status.toLowerCase()}`, { status: row.status });
      await this.db.query(tx, 'UPDATE statement SET status = $2, response_comment = $3, responded_by = $4, responded_at = now(), version = version + 1 WHERE id = $1', [id, status, comment, user.id]);
      await this.audit.record(tx, {
        action: status === StatementStatus.CONFIRMED ? 'confirm' : 'dispute',
        entity: 'statement',
        entityId: id,
        orgId: st.dealerId,
        summary: `${st.number} ${status.toLowerCase()} by ${user.displayName}${comment ? `: ${comment}` : ''}`,
        before: { status: row.status },
        after: { status, comment },
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
    ws.addRow(['', '', '', '期初余额', '', '', st.openingBalance]);
    const TYPE = { SHIPMENT: '发货', RETURN: '退货', RECEIPT: '收款', RECEIPT_REVERSAL: '收款冲销' };
    // a receipt's summary starts with its method code ("BANK_TRANSFER ICBC-001"): the sheet is read by people
    const METHOD: Record<string, string> = { BANK_TRANSFER: '银行转账', CASH: '现金', ALIPAY: '支付宝', WECHAT: '微信', BANK_ACCEPTANCE: '银行承兑', OTHER: '其他' };
    const summary = (l: LedgerEntryDto) => (l.type === 'RECEIPT' ? l.summary.replace(/^[A-Z_]+/, (m) => METHOD[m] ?? m) : l.summary);
    const money = (v: string) => (new Dec(v).isZero() ? null : v);
    st.lines.forEach((l: LedgerEntryDto) => ws.addRow([l.date, TYPE[l.type], l.docNumber, summary(l), money(l.debit), money(l.credit), l.balance]));
    ws.addRow(['', '', '', '期末余额', st.shipments, fmt(new Dec(st.returns).plus(st.receipts)), st.closingBalance]).font = { bold: true };
    // money stays the snapshot's exact decimal strings (text cells, as in every export here), right-aligned
    [5, 6, 7].forEach((c) => (ws.getColumn(c).alignment = { horizontal: 'right' }));
    return { name: `对账单-${st.dealerCode}-${st.from}-${st.to}.xlsx`, data: Buffer.from(await wb.xlsx.writeBuffer()) };
  }

  private async load(ctx: RequestContext, ids: string[], withLines: boolean): Promise<StatementDto[]> {
    if (!ids.length) return [];
    const rows = await this.db.query<Record<string, unknown>>(
      ctx,
      `SELECT s.*, to_char(s.period_from, 'YYYY-MM-DD') AS pfrom, to_char(s.period_to, 'YYYY-MM-DD') AS pto, d.code AS dealer_code, d.name AS dealer_name,
              ru.display_name AS responded_by_name, cu.display_name AS created_by_name
         FROM statement s JOIN organization d ON d.id = s.dealer_id LEFT JOIN app_user ru ON ru.id = s.responded_by LEFT JOIN app_user cu ON cu.id = s.created_by
        WHERE s.id = ANY($1)`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id as string, r]));
    return ids.map((id) => {
      const r = byId.get(id)!;
      return {
        id,
        number: r.number as string,
        dealerId: r.dealer_id as string,
        dealerCode: r.dealer_code as string,
        dealerName: r.dealer_name as string,
        from: r.pfrom as string,
        to: r.pto as string,
        openingBalance: fmt(r.opening_balance as string),
        shipments: fmt(r.shipments as string),
        returns: fmt(r.returns as string),
        receipts: fmt(r.receipts as string),
        closingBalance: fmt(r.closing_balance as string),
        lines: withLines ? (r.lines as LedgerEntryDto[]) : [],
        status: r.status as StatementStatus,
        origin: r.origin as 'MANUAL' | 'MONTH_END',
        responseComment: (r.response_comment as string | null) ?? null,
        respondedByName: (r.responded_by_name as string | null) ?? null,
        respondedAt: r.responded_at ? new Date(r.responded_at as Date).toISOString() : null,
        createdByName: (r.created_by_name as string | null) ?? null,
        createdAt: new Date(r.created_at as Date).toISOString(),
        version: r.version as number,
      };
    });
  }
}
