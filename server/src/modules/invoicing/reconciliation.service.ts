import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import ExcelJS from 'exceljs';
import {
  Dec, ErrorCode, INVOICE_STATUS_ZH, INVOICE_TYPE_LABEL_ZH, InvoiceKind, invoiceLabel, InvoiceStatus, InvoiceType, RECON_CATEGORIES, ReconCategory,
} from '@drp/shared';
import { sql, SqlBool } from 'kysely';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { addTypedRow, CellKind } from '../../common/excel';
import { escapeLike, pageRowsOf } from '../../common/http/pagination';
import { orgScope } from '../../common/scope/data-scope';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { JobsService } from '../jobs/jobs.service';
import { NotificationService } from '../notifications/notification.service';
import { FindingQueryDto } from './invoice.dto';
import { InvoiceService } from './invoice.service';
import { CopyBatches } from './copy-in';
import { streamPlatformExport } from './platform-export';

export const REMINDER_JOB = 'invoicing.month-end-reminder';
const BATCH = 5000;

type Counts = Record<ReconCategory, number>;

/** the first number of the findings without a platform row (MISSING_ON_PLATFORM): after every row's (row × 8 + 7) */
const FIRST_ROWLESS_ID = 2 ** 44;

/**
 * A finding as the API gives it: `platform` (the export's row) and `system` (the invoice as the run matched it) built
 * from the finding's p_* and s_* columns, exactly as they were stored as jsonb before (same keys, amounts as text).
 */
const PLATFORM_JSON = sql<Record<string, unknown> | null>`CASE WHEN f.platform_row IS NULL THEN NULL ELSE jsonb_build_object('row', f.platform_row, 'type', f.p_type,
  'issueDate', to_char(f.p_issue_date, 'YYYY-MM-DD'), 'sellerName', f.p_seller_name, 'sellerTaxId', f.p_seller_tax_id, 'buyerName', f.p_buyer_name, 'buyerTaxId', f.p_buyer_tax_id,
  'amount', f.p_amount::text, 'tax', f.p_tax::text, 'total', f.p_total::text, 'status', f.p_status, 'positive', f.p_positive, 'riskLevel', f.p_risk, 'issuer', f.p_issuer,
  'remark', f.p_remark, 'source', f.p_source, 'blueElecNumber', f.p_blue_elec, 'taxIdValid', f.p_tax_ok) END`;
const SYSTEM_JSON = sql<Record<string, unknown> | null>`CASE WHEN f.s_status IS NULL THEN NULL ELSE jsonb_build_object('invoiceId', f.invoice_id, 'type', f.s_type,
  'issueDate', to_char(f.s_issue_date, 'YYYY-MM-DD'), 'buyerName', f.s_buyer_name, 'buyerTaxId', f.s_buyer_tax_id, 'amount', f.s_amount::text, 'tax', f.s_tax::text,
  'total', f.s_total::text, 'status', f.s_status, 'source', f.s_source, 'kind', f.s_kind) END`;
const FINDING_COLUMNS = [
  'f.id', 'f.run_id', 'f.category', 'f.elec_number', 'f.code', 'f.number', 'f.platform_row', 'f.invoice_id', 'f.resolution', 'f.resolution_note', 'f.resolved_at',
  PLATFORM_JSON.as('platform'), SYSTEM_JSON.as('system'),
] as const;
const zeroCounts = (): Counts => Object.fromEntries(RECON_CATEGORIES.map((c) => [c, 0])) as Counts;

/** A run as the API gives it, from its row with who ran it and how many findings are still open. */
function toRun(r: {
  id: string; file_name: string; file_size: number; created_at: Date | string; created_by_name: string | null; platform_rows: number; from_day: string; to_day: string; counts: unknown; open: number;
}) {
  return {
    id: r.id, fileName: r.file_name, fileSize: r.file_size, createdAt: new Date(r.created_at).toISOString(), createdByName: r.created_by_name ?? null, platformRows: r.platform_rows,
    dateFrom: r.from_day, dateTo: r.to_day, counts: { ...zeroCounts(), ...(r.counts as Partial<Counts>) }, openFindings: r.open,
  };
}

/** The finding's columns (p_*: the platform row as staged; s_*: the system invoice as matched); PLATFORM_JSON / SYSTEM_JSON read them back. */
const COLS = `id, run_id, category, match_key, elec_number, code, number, platform_row, p_type, p_issue_date, p_seller_name, p_seller_tax_id, p_buyer_name, p_buyer_tax_id,
    p_amount, p_tax, p_total, p_status, p_positive, p_risk, p_issuer, p_remark, p_source, p_blue_elec, p_tax_ok, invoice_id, s_type, s_issue_date, s_buyer_name, s_buyer_tax_id,
    s_amount, s_tax, s_total, s_status, s_source, s_kind`;
const PLATFORM = `s.match_key, s.elec, s.code, s.num, s.row_no, s.type, s.issue_date, s.seller_name, s.seller_tax_id, s.buyer_name, s.buyer_tax_id, s.amount, s.tax, s.total, s.status,
    s.positive, s.risk, s.issuer, s.remark, s.source, s.blue_elec, s.tax_ok`;
/**
 * The system invoice of staged row `f`, for a LEFT JOIN LATERAL: by 数电 number, else code + number (both unique), one
 * unique-index probe each, never a hash of the register; the LIMIT stops at the first that answers (and keeps the
 * planner from turning the lookup back into a join over every invoice). 2-3x cheaper than looking up the id by
 * either (coalesce of two scalar subqueries) and then the invoice by its id (measured: 0.8 s -> 0.2-0.3 s per
 * 100,000 rows).
 */
const invoiceOf = (f: string) =>
  `((SELECT * FROM invoice e WHERE e.elec_number = ${f}.elec) UNION ALL (SELECT * FROM invoice c WHERE c.code = ${f}.code AND c.number = ${f}.num) LIMIT 1)`;
const AMOUNT_DIFFERS = `(s.amount <> s.s_amount OR s.tax <> s.s_tax OR s.total <> s.s_total)`;
/** an INSERT's categories counted as it writes them (no count over the run's findings afterwards) */
const counted = (insert: string) => `WITH ins AS (${insert} RETURNING category) SELECT category, count(*)::int AS n FROM ins GROUP BY category`;

/**
 * The findings of one run, written in the run's transaction (see ReconciliationService for which categories a row
 * can have at once):
 * - `ofBatch`, after each COPY batch (while the next is parsed): the batch's first rows of a key that are positive
 *   (a red row's RED_WITHOUT_BLUE needs the whole file: its blue original may come later), matched to the register;
 * - `ofFile`, once every row is staged: the red first rows, the DUPLICATE rows, MISSING_ON_PLATFORM.
 * Ids: a random prefix for the run (the first 20 hex digits of a v4 uuid, so every id is a valid v4 uuid) and 12
 * hex digits of a number: platform row × 8 + the category's place (1..7), and for findings without a row
 * (MISSING_ON_PLATFORM) FIRST_ROWLESS_ID + a counter. Unique within the run by construction, across runs by the
 * prefix (74 random bits; the primary key has the last word). Neither the 100,000 ids of a run are drawn at random
 * one by one (gen_random_uuid cost ~9 µs each here) nor scattered over the whole primary-key index.
 */
class RunFindings {
  readonly counts = zeroCounts();
  private readonly prefix = randomUUID().slice(0, 24);

  constructor(
    private readonly db: DbService,
    private readonly tx: RequestContext,
    private readonly runId: string,
  ) {}

  /** The findings of a batch's positive first rows. */
  async ofBatch(batch: number): Promise<void> {
    await this.write(this.firstRows(`f.batch = $3 AND f.first AND f.positive`, false), [this.runId, this.prefix, batch]);
  }

  /** The findings that need the whole file; `from`..`to`: the file's 开票日期 range. */
  async ofFile(from: string, to: string): Promise<void> {
    // statistics for the planner (a temporary table has none): hash joins over the staged rows beat building indexes on them
    await this.db.query(this.tx, `ANALYZE recon_stage (match_key, elec, code, num, first, positive)`);
    await this.write(this.firstRows(`f.first AND NOT f.positive`, true), [this.runId, this.prefix]);
    // the 2nd, 3rd… row of a key (its own row number: no other finding has it), with the invoice its key's first row matched
    await this.write(
      `INSERT INTO invoice_recon_finding (${COLS})
       SELECT ($2::text || lpad(to_hex(s.row_no::bigint * 8 + 7), 12, '0'))::uuid, $1::uuid, 'DUPLICATE', ${PLATFORM},
              i.id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
         FROM recon_stage s JOIN recon_stage f ON f.match_key = s.match_key AND f.first
         LEFT JOIN LATERAL ${invoiceOf('f')} i ON true
        WHERE NOT s.first`,
      [this.runId, this.prefix],
    );
    // the system's invoices of the file's date range that no row names (in the caller's scope); numbered after every row's
    const missing = sql`INSERT INTO invoice_recon_finding (${sql.raw(COLS)})
       SELECT (${this.prefix}::text || lpad(to_hex(${sql.raw(String(FIRST_ROWLESS_ID))}::bigint + row_number() OVER (ORDER BY i.id)), 12, '0'))::uuid, ${this.runId}::uuid, 'MISSING_ON_PLATFORM',
              coalesce('E:' || i.elec_number, 'C:' || i.code || ':' || i.number), i.elec_number, i.code, i.number,
              NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
              i.id, i.type, i.issue_date, i.buyer_name, i.buyer_tax_id, i.amount, i.tax, i.total, i.status, i.source, i.kind
         FROM invoice i
        WHERE i.issue_date BETWEEN ${from}::date AND ${to}::date AND ${orgScope(this.tx, 'i.scope_org_id')}
          AND NOT EXISTS (SELECT 1 FROM recon_stage s WHERE i.elec_number IS NOT NULL AND s.elec = i.elec_number)
          AND NOT EXISTS (SELECT 1 FROM recon_stage s WHERE i.code IS NOT NULL AND s.code = i.code AND s.num = i.number)`.compile(this.db.k);
    await this.write(missing.sql, missing.parameters as unknown[]);
  }

  /** Runs an INSERT of findings and adds what it wrote to the counts. */
  private async write(insert: string, params: unknown[]): Promise<void> {
    for (const r of await this.db.query<{ category: ReconCategory; n: number }>(this.tx, counted(insert), params)) this.counts[r.category] += r.n;
  }

  /**
   * The findings of the first rows of their key that `where` picks ($1 the run, $2 the id prefix): matched to the
   * register, every category that applies. `red`: the rows may be red ones, so RED_WITHOUT_BLUE is looked for (the
   * blue original among the file's rows: one hash join over them, not a scan per red row).
   */
  private firstRows(where: string, red: boolean): string {
    return `INSERT INTO invoice_recon_finding (${COLS})
       SELECT ($2::text || lpad(to_hex(s.row_no::bigint * 8 + c.n), 12, '0'))::uuid, $1::uuid, c.category, ${PLATFORM},
              s.invoice_id, s.s_type, s.s_issue_date, s.s_buyer_name, s.s_buyer_tax_id, s.s_amount, s.s_tax, s.s_total, s.s_status, s.s_source, s.s_kind
         FROM (SELECT f.*, i.id AS invoice_id, i.type AS s_type, i.issue_date AS s_issue_date, i.buyer_name AS s_buyer_name, i.buyer_tax_id AS s_buyer_tax_id,
                      i.amount AS s_amount, i.tax AS s_tax, i.total AS s_total, i.status AS s_status, i.source AS s_source, i.kind AS s_kind,
                      ${red ? `(NOT f.positive AND i.blue_id IS NULL AND NOT (f.blue_elec IS NOT NULL AND (fb.elec IS NOT NULL OR EXISTS (SELECT 1 FROM invoice b WHERE b.elec_number = f.blue_elec))))` : 'false'} AS red_without_blue
                 FROM recon_stage f
                 LEFT JOIN LATERAL ${invoiceOf('f')} i ON true
                 ${red ? 'LEFT JOIN (SELECT DISTINCT elec FROM recon_stage WHERE elec IS NOT NULL) fb ON fb.elec = f.blue_elec' : ''}
                WHERE ${where}) s
        CROSS JOIN LATERAL (VALUES
          (1, CASE WHEN s.invoice_id IS NULL THEN 'MISSING_IN_SYSTEM' END),
          (2, CASE WHEN s.invoice_id IS NOT NULL AND ${AMOUNT_DIFFERS} THEN 'AMOUNT_MISMATCH' END),
          (3, CASE WHEN s.invoice_id IS NOT NULL AND s.status <> s.s_status THEN 'STATUS_MISMATCH' END),
          (4, CASE WHEN s.red_without_blue THEN 'RED_WITHOUT_BLUE' END),
          (5, CASE WHEN s.invoice_id IS NOT NULL AND NOT ${AMOUNT_DIFFERS} AND s.status = s.s_status AND NOT s.red_without_blue THEN 'MATCHED' END),
          (6, CASE WHEN NOT s.tax_ok THEN 'INVALID_TAX_ID' END)) c(n, category)
       WHERE c.category IS NOT NULL`;
  }
}

/**
 * Reconciliation of the tax platform's export (全量发票查询) against the register (ARCHITECTURE §7).
 *
 * The workbook is streamed (platform-export.ts) into a temporary staging table in batches (COPY),
 * and every category is computed in SQL (RunFindings: most of it batch by batch while the next batch
 * is parsed), all in ONE transaction: a rejected file (missing columns, bad rows) leaves no run and
 * no finding.
 *
 * Match key: the 数电 number, else 发票代码 + 发票号码, both normalised (digits only, leading zeros
 * restored by the type's length). Which categories a row can have at once:
 * - DUPLICATE: the 2nd, 3rd… row of a key in the file. Such a row gets nothing else; the first row of
 *   the key is reconciled as below.
 * - Each other platform row gets every problem that applies: MISSING_IN_SYSTEM (no invoice with its key),
 *   AMOUNT_MISMATCH (金额, 税额 or 价税合计 differ, to the cent), STATUS_MISMATCH (发票状态 differs;
 *   reported beside an amount mismatch, each has its own action), RED_WITHOUT_BLUE (是否正数发票 = 否
 *   and the blue original — the 20-digit number after 被红冲蓝字数电票号码 in the remark — is neither in
 *   the system nor in the file, nor linked on the system's red invoice).
 * - MATCHED: found in the system with none of those problems. MATCHED is exclusive of them.
 * - INVALID_TAX_ID: the buyer's tax id fails the GB 32100-2015 check. Reported BESIDES the match
 *   result (a row can be MATCHED and INVALID_TAX_ID): the invoice exists whatever its buyer id says.
 * - MISSING_ON_PLATFORM: a system invoice (in the caller's scope) whose 开票日期 lies in the date range
 *   the file covers (its earliest to latest 开票日期) and whose key no row of the file has.
 * So the counts of MATCHED + MISSING_IN_SYSTEM + DUPLICATE + rows with a mismatch add up to the
 * file's invoice rows, except that a row with both mismatches (or a mismatch and RED_WITHOUT_BLUE)
 * counts in each.
 */
@Injectable()
export class ReconciliationService {
  private readonly logger = new Logger('InvoiceReconciliation');

  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly invoices: InvoiceService,
    private readonly notifications: NotificationService,
    jobs: JobsService,
  ) {
    // 09:00 on the last days of each month (company time zone): the handler acts on the month's last day
    jobs.register<{ force?: boolean }>(REMINDER_JOB, async (data) => void (await this.monthEndReminder(RequestContext.system(), !!data.force)), '0 9 28-31 * *');
  }

  /** Imports a platform export file (path on disk) and reconciles it: one run, all or nothing. */
  async run(ctx: RequestContext, file: { path: string; originalname: string; size: number }) {
    const fileName = Buffer.from(file.originalname, 'latin1').toString('utf8').slice(0, 200);
    const id = await this.db.tx(ctx, async (tx) => {
      // `batch`: the COPY batch the row came in; `first`: the row is the first of its key in the file (the others are DUPLICATE).
      // They lead, as each batch's statement picks its rows by them from the whole table (no column decoded after them).
      await this.db.query(tx, `CREATE TEMP TABLE recon_stage (
          batch int NOT NULL, first boolean NOT NULL, positive boolean NOT NULL, row_no int NOT NULL, match_key text NOT NULL, elec text, code text, num text, type text NOT NULL, issue_date date NOT NULL, seller_name text, seller_tax_id text,
          buyer_name text, buyer_tax_id text, amount numeric(18,2) NOT NULL, tax numeric(18,2) NOT NULL, total numeric(18,2) NOT NULL, status text NOT NULL,
          risk text, issuer text, remark text, source text, blue_elec text, tax_ok boolean NOT NULL) ON COMMIT DROP`);
      // the run first (its findings name it); rows, date range and counts are set at the end
      const run = await this.db.one(
        tx,
        this.db.k
          .insertInto('invoice_recon_run')
          .values({ file_name: fileName, file_size: file.size, platform_rows: 0, counts: JSON.stringify(zeroCounts()), created_by: tx.user?.id ?? null })
          .returning('id'),
      );
      const findings = new RunFindings(this.db, tx, run.id);
      // rows go into the staging table by COPY as they are parsed, and each batch's first rows of a key are matched and
      // their findings written while the next batch is parsed (the database works beside the parse instead of after
      // it); a rejected file throws before the end, and the transaction takes everything back
      const stage = new CopyBatches(this.db, tx, 'COPY recon_stage FROM STDIN', BATCH, (batch) => findings.ofBatch(batch));
      const keys = new Set<string>();
      let from = '';
      let to = '';
      let summary;
      try {
        summary = await streamPlatformExport(file.path, (r) => {
          const first = !keys.has(r.key);
          if (first) keys.add(r.key);
          if (!from || r.issueDate < from) from = r.issueDate;
          if (r.issueDate > to) to = r.issueDate;
          return stage.add([
            stage.batch, first, r.positive, r.row, r.key, r.elec, r.code, r.number, r.type, r.issueDate, r.sellerName, r.sellerTaxId, r.buyerName, r.buyerTaxId, r.amount, r.tax, r.total, r.status,
            r.risk, r.issuer, r.remark, r.source, r.blueElec, r.taxIdValid,
          ]);
        });
        if (summary.problems.length) {
          throw new DomainError(ErrorCode.VALIDATION_FAILED, `${summary.problems.length} problem(s) in the platform export; nothing was reconciled`, { field: 'file', problems: summary.problems });
        }
        await stage.end();
      } catch (e) {
        await stage.settle();
        throw e;
      }
      if (!summary.rows) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'The platform export has no invoice rows', { field: 'file', problems: [] });
      await findings.ofFile(from, to);
      const counts = findings.counts;
      await this.db.rows(
        tx,
        this.db.k
          .updateTable('invoice_recon_run')
          .set({ platform_rows: summary.rows, date_from: sql<Date>`${from}::date`, date_to: sql<Date>`${to}::date`, counts: JSON.stringify(counts) })
          .where('id', '=', run.id),
      );
      await this.audit.record(tx, {
        action: 'reconcile', entity: 'invoice_recon_run', entityId: run.id,
        summary: `reconciled ${fileName}: ${summary.rows} platform row(s) ${from}..${to}; ${RECON_CATEGORIES.filter((c) => counts[c]).map((c) => `${c} ${counts[c]}`).join(', ')}`,
        after: { fileName, rows: summary.rows, counts },
      });
      return run.id;
    });
    return this.get(ctx, id);
  }

  /** The runs, newest first, in one statement: counted up to EXACT_TOTAL_LIMIT (estimated beyond, flagged) with the page's rows. */
  async list(ctx: RequestContext, q: { page?: number; pageSize?: number }) {
    const runs = this.db.k.selectFrom('invoice_recon_run as r');
    const { rows, ...page } = await pageRowsOf(this.db, ctx, runs, this.runColumns(runs), { page: q.page, pageSize: q.pageSize }, { createdAt: 'r.created_at' }, '-createdAt', ['r.id']);
    return { ...page, items: rows.map(toRun) };
  }

  async get(ctx: RequestContext, id: string) {
    const run = await this.db.first(ctx, this.runColumns(this.db.k.selectFrom('invoice_recon_run as r').where('r.id', '=', id)));
    if (!run) throw notFound('reconciliation run', id);
    return toRun(run);
  }

  /** A run's columns as its answer shows them (`toRun`), with who ran it and its findings still open. */
  private runColumns(runs = this.db.k.selectFrom('invoice_recon_run as r')) {
    return runs
      .leftJoin('app_user as u', 'u.id', 'r.created_by')
      .selectAll('r')
      .select([
        'u.display_name as created_by_name', sql<string>`to_char(r.date_from, 'YYYY-MM-DD')`.as('from_day'), sql<string>`to_char(r.date_to, 'YYYY-MM-DD')`.as('to_day'),
        sql<number>`(SELECT count(*)::int FROM invoice_recon_finding f WHERE f.run_id = r.id AND f.resolution IS NULL AND f.category <> 'MATCHED')`.as('open'),
      ]);
  }

  private findingsQuery(ctx: RequestContext, runId: string, q: FindingQueryDto) {
    let qb = this.db.k.selectFrom('invoice_recon_finding as f').where('f.run_id', '=', runId);
    if (q.category) qb = qb.where('f.category', '=', q.category);
    if (q.open === 'true') qb = qb.where('f.resolution', 'is', null).where('f.category', '<>', ReconCategory.MATCHED);
    if (q.open === 'false') qb = qb.where('f.resolution', 'is not', null);
    if (q.q) {
      const digits = q.q.replace(/\D/g, '');
      const like = `%${escapeLike(q.q.trim())}%`;
      qb = qb.where((eb) =>
        eb.or([
          ...(digits.length >= 6 ? [eb('f.elec_number', 'like', `%${digits}%`), eb('f.number', 'like', `%${digits.slice(-8)}%`), eb('f.code', 'like', `%${digits}%`)] : []),
          sql<SqlBool>`f.p_buyer_name ILIKE ${like}`,
          sql<SqlBool>`f.s_buyer_name ILIKE ${like}`,
        ]),
      );
    }
    return qb;
  }

  async findings(ctx: RequestContext, runId: string, q: FindingQueryDto) {
    const base = this.findingsQuery(ctx, runId, q);
    // one statement: whether the run exists, the filter counted up to EXACT_TOTAL_LIMIT (estimated beyond, flagged) and the
    // page's rows, by platform row (none last), category, id
    const { rows, extra, ...page } = await pageRowsOf(
      this.db,
      ctx,
      base,
      base.leftJoin('app_user as u', 'u.id', 'f.resolved_by').leftJoin('invoice_supplement as s', 's.id', 'f.supplement_id').select(FINDING_COLUMNS).select(['u.display_name as resolved_by_name', 's.tracking_number']),
      { ...q, sort: undefined },
      { row: 'f.platform_row' },
      'row',
      ['f.category', 'f.id'],
      { run: sql<boolean>`EXISTS (SELECT 1 FROM invoice_recon_run r WHERE r.id = ${runId})` },
    );
    if (!extra.run) throw notFound('reconciliation run', runId);
    return { ...page, items: rows.map((r) => this.toFinding(r)) };
  }

  private toFinding(r: {
    id: string; category: string; elec_number: string | null; code: string | null; number: string | null; platform_row: number | null; platform: unknown; system: unknown; invoice_id: string | null;
    resolution: string | null; resolution_note: string | null; resolved_by_name: string | null; resolved_at: Date | string | null; tracking_number: string | null;
  }) {
    return {
      id: r.id, category: r.category as ReconCategory, elecNumber: r.elec_number, code: r.code, number: r.number, label: invoiceLabel({ elecNumber: r.elec_number, code: r.code, number: r.number }),
      platform: (r.platform as Record<string, unknown> | null) ?? null, system: (r.system as Record<string, unknown> | null) ?? null, invoiceId: r.invoice_id,
      resolution: r.resolution
        ? { kind: r.resolution, note: r.resolution_note, byName: r.resolved_by_name, at: r.resolved_at ? new Date(r.resolved_at).toISOString() : null, trackingNumber: r.tracking_number ?? undefined }
        : null,
    };
  }

  private async lockFinding(tx: RequestContext, runId: string, findingId: string) {
    const f = await this.db.first(tx, this.db.k.selectFrom('invoice_recon_finding').selectAll().where('id', '=', findingId).where('run_id', '=', runId).forUpdate());
    if (!f) throw notFound('finding', findingId);
    if (f.resolution) throw new DomainError(ErrorCode.INVALID_STATE, `The finding is resolved already (${f.resolution})`, { status: f.resolution, id: f.id });
    return f;
  }

  async finding(ctx: RequestContext, runId: string, findingId: string) {
    const r = await this.db.first(
      ctx,
      this.db.k
        .selectFrom('invoice_recon_finding as f')
        .leftJoin('app_user as u', 'u.id', 'f.resolved_by')
        .leftJoin('invoice_supplement as s', 's.id', 'f.supplement_id')
        .select(FINDING_COLUMNS)
        .select(['u.display_name as resolved_by_name', 's.tracking_number'])
        .where('f.id', '=', findingId)
        .where('f.run_id', '=', runId),
    );
    if (!r) throw notFound('finding', findingId);
    return this.toFinding(r);
  }

  /** Marks a finding explained with a note. */
  async explain(ctx: RequestContext, runId: string, findingId: string, note: string) {
    await this.db.tx(ctx, async (tx) => {
      const f = await this.lockFinding(tx, runId, findingId);
      if (f.category === ReconCategory.MATCHED) throw new DomainError(ErrorCode.INVALID_STATE, 'A matched row needs no explanation', { status: f.category });
      await this.db.rows(tx, this.db.k.updateTable('invoice_recon_finding').set({ resolution: 'EXPLAINED', resolution_note: note.trim(), resolved_by: tx.user?.id ?? null, resolved_at: sql`now()`, updated_at: sql`now()` }).where('id', '=', f.id));
      await this.audit.record(tx, { action: 'explain', entity: 'invoice_recon_finding', entityId: f.id, summary: `finding ${f.category} ${invoiceLabel({ elecNumber: f.elec_number, code: f.code, number: f.number })} explained: ${note}`, after: { resolution: 'EXPLAINED', note } });
    });
    return this.finding(ctx, runId, findingId);
  }

  /** Sets the system invoice's status to the platform's (a STATUS_MISMATCH finding). */
  async correctStatus(ctx: RequestContext, runId: string, findingId: string) {
    await this.db.tx(ctx, async (tx) => {
      const f = await this.lockFinding(tx, runId, findingId);
      const platformStatus = (f.p_status ?? undefined) as InvoiceStatus | undefined;
      if (f.category !== ReconCategory.STATUS_MISMATCH || !f.invoice_id || !platformStatus) {
        throw new DomainError(ErrorCode.INVALID_STATE, 'Only a status mismatch can take the platform status', { status: f.category, action: 'CORRECT_STATUS' });
      }
      await assertVisibleInvoice(this.db, tx, f.invoice_id);
      const before = await this.invoices.correctStatus(tx, f.invoice_id, platformStatus, `reconciliation ${runId}`);
      await this.db.rows(
        tx,
        this.db.k.updateTable('invoice_recon_finding').set({ resolution: 'STATUS_CORRECTED', resolution_note: `${before} -> ${platformStatus}`, resolved_by: tx.user?.id ?? null, resolved_at: sql`now()`, updated_at: sql`now()` }).where('id', '=', f.id),
      );
      await this.audit.record(tx, { action: 'correct_status', entity: 'invoice_recon_finding', entityId: f.id, summary: `finding STATUS_MISMATCH resolved: invoice status ${before} -> ${platformStatus}` });
    });
    return this.finding(ctx, runId, findingId);
  }

  /** The supplementary-entry payload prefilled from a finding's platform row. */
  async prefill(ctx: RequestContext, runId: string, findingId: string) {
    const run = await this.get(ctx, runId);
    const f = await this.finding(ctx, runId, findingId);
    const p = f.platform as Record<string, string | boolean | null> | null;
    if (!p) throw new DomainError(ErrorCode.INVALID_STATE, 'The finding has no platform row to copy', { status: f.category });
    const total = String(p.total);
    return {
      type: p.type, elecNumber: f.elecNumber, code: f.code, number: f.number, issueDate: p.issueDate, sellerName: p.sellerName, sellerTaxId: p.sellerTaxId, buyerName: p.buyerName, buyerTaxId: p.buyerTaxId,
      amount: p.amount, tax: p.tax, total, kind: new Dec(total).isNegative() ? InvoiceKind.RED : InvoiceKind.BLUE, status: p.status, remark: p.remark,
      reason: `税务平台对账发现系统缺失（${run.fileName} 第 ${String(p.row)} 行）`, findingId: f.id,
    };
  }

  /** A run's findings as xlsx (every category; counts on the first sheet): audited. */
  async export(ctx: RequestContext, runId: string): Promise<{ name: string; data: Buffer }> {
    const run = await this.get(ctx, runId);
    const rows = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('invoice_recon_finding as f')
        .leftJoin('app_user as u', 'u.id', 'f.resolved_by')
        .leftJoin('invoice_supplement as s', 's.id', 'f.supplement_id')
        .select(FINDING_COLUMNS)
        .select(['u.display_name as resolved_by_name', 's.tracking_number'])
        .where('f.run_id', '=', runId)
        .orderBy(sql`f.platform_row NULLS LAST`)
        .orderBy('f.category'),
    );
    const ZH: Record<ReconCategory, string> = {
      MATCHED: '一致', MISSING_IN_SYSTEM: '平台有系统无', MISSING_ON_PLATFORM: '系统有平台无', AMOUNT_MISMATCH: '金额/税额不符', STATUS_MISMATCH: '状态不符', DUPLICATE: '重复行',
      INVALID_TAX_ID: '购方税号无效', RED_WITHOUT_BLUE: '红票无对应蓝票',
    };
    const RES: Record<string, string> = { SUPPLEMENTED: '已补录', STATUS_CORRECTED: '已按平台更正状态', EXPLAINED: '已说明' };
    const wb = new ExcelJS.Workbook();
    wb.creator = 'DRP';
    const sum = wb.addWorksheet('汇总');
    sum.columns = [{ width: 20 }, { width: 40 }];
    sum.addRow([`发票对账 ${run.fileName}`]).font = { bold: true, size: 14 };
    sum.addRow(['对账时间', run.createdAt]);
    sum.addRow(['操作人', run.createdByName ?? '']);
    sum.addRow(['开票日期范围', `${run.dateFrom} ~ ${run.dateTo}`]);
    sum.addRow(['平台发票行数', run.platformRows]);
    for (const c of RECON_CATEGORIES) sum.addRow([ZH[c], run.counts[c]]);
    const ws = wb.addWorksheet('对账明细');
    const head = ['类别', '平台行号', '数电发票号码', '发票代码', '发票号码', '平台票种', '平台开票日期', '平台购方名称', '平台购方税号', '平台金额', '平台税额', '平台价税合计', '平台状态', '系统金额', '系统税额', '系统价税合计', '系统状态', '处理', '说明', '处理人'];
    const kinds: CellKind[] = ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'money', 'money', 'money', 'text', 'money', 'money', 'money', 'text', 'text', 'text', 'text'];
    ws.addRow(head).font = { bold: true };
    ws.columns = head.map((h) => ({ width: h.includes('号码') || h.includes('名称') ? 24 : 12 }));
    const st = (s: unknown) => (s ? (INVOICE_STATUS_ZH[s as InvoiceStatus] ?? String(s)) : '');
    for (const r of rows) {
      const p = (r.platform ?? {}) as Record<string, string | null>;
      const s = (r.system ?? {}) as Record<string, string | null>;
      addTypedRow(ws, [
        ZH[r.category as ReconCategory], r.platform_row === null ? '' : String(r.platform_row), r.elec_number, r.code, r.number, p.type ? (INVOICE_TYPE_LABEL_ZH[p.type as InvoiceType] ?? p.type) : '', p.issueDate,
        p.buyerName, p.buyerTaxId, p.amount, p.tax, p.total, st(p.status), s.amount, s.tax, s.total, st(s.status), r.resolution ? RES[r.resolution] : '', r.resolution_note ?? (r.tracking_number ?? ''), r.resolved_by_name,
      ], kinds);
    }
    await this.audit.record(ctx, { action: 'export', entity: 'invoice_recon_run', entityId: runId, summary: `exported reconciliation ${run.fileName} (${rows.length} finding(s))` });
    return { name: `发票对账-${run.dateFrom ?? ''}-${run.dateTo ?? ''}.xlsx`, data: Buffer.from(await wb.xlsx.writeBuffer()) };
  }

  /** Two runs' counts side by side. */
  async compare(ctx: RequestContext, a: string, b: string) {
    const [ra, rb] = await Promise.all([this.get(ctx, a), this.get(ctx, b)]);
    return { a: ra, b: rb, counts: RECON_CATEGORIES.map((c) => ({ category: c, a: ra.counts[c], b: rb.counts[c], diff: rb.counts[c] - ra.counts[c] })) };
  }

  /**
   * The month-end reminder (ARCHITECTURE §3 jobs): on the month's last day, everyone who may
   * reconcile invoices gets a notice with the open findings of the latest run and what is shipped
   * but not invoiced. Worded by key (invoiceReminder) for the web; Chinese for SMS / e-mail.
   */
  async monthEndReminder(ctx: RequestContext, force = false): Promise<{ notified: number }> {
    const today = this.invoices.today();
    const tomorrow = new Date(`${today}T00:00:00Z`);
    tomorrow.setUTCDate(tomorrow.getUTCDate() + 1);
    if (!force && tomorrow.getUTCDate() !== 1) return { notified: 0 };
    return this.db.tx(ctx, async (tx) => {
      const latest = await this.db.first(tx, this.db.k.selectFrom('invoice_recon_run').select(['id', 'created_at']).orderBy('created_at', 'desc').limit(1));
      const open = latest
        ? (await this.db.one(tx, this.db.k.selectFrom('invoice_recon_finding').select(sql<number>`count(*)::int`.as('n')).where('run_id', '=', latest.id).where('resolution', 'is', null).where('category', '<>', ReconCategory.MATCHED))).n
        : 0;
      const uninvoiced = await this.invoices.uninvoicedTotals(tx);
      const users = await this.db.rows(
        tx,
        this.db.k
          .selectFrom('app_user as u')
          .innerJoin('user_role as ur', 'ur.user_id', 'u.id')
          .innerJoin('role as r', 'r.id', 'ur.role_id')
          .select('u.id')
          .distinct()
          .where('u.status', '=', 'ACTIVE')
          .where(sql<SqlBool>`'invoices:reconcile' = ANY(r.permissions)`),
      );
      const month = today.slice(0, 7);
      await this.notifications.notify(tx, users.map((u) => u.id), {
        kind: 'INVOICE_REMINDER',
        title: `${month} 月末发票对账提醒：未处理对账差异 ${open} 条，未开票发货 ${uninvoiced.lines} 行 ¥${uninvoiced.amount}`,
        message: { key: 'invoiceReminder', params: { month, openFindings: String(open), uninvoicedLines: String(uninvoiced.lines), uninvoicedAmount: uninvoiced.amount } },
        link: '/invoices/reconciliation',
      });
      this.logger.log({ month, open, uninvoiced, users: users.length }, 'month-end invoice reminder');
      return { notified: users.length };
    });
  }
}

/** A system invoice acted on from a finding must be in the caller's scope (else 404). */
async function assertVisibleInvoice(db: DbService, ctx: RequestContext, id: string): Promise<void> {
  const row = await db.first(ctx, db.k.selectFrom('invoice as i').select('i.id').where('i.id', '=', id).where(orgScope(ctx, 'i.scope_org_id')));
  if (!row) throw notFound('invoice', id);
}

