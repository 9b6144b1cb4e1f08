import { Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import ExcelJS from 'exceljs';
import { AnalysisDimension, AnalysisMeasure, Dec, ErrorCode, ID_DIMENSIONS, OrderSource, parsePivotSort, pivotChange, PivotGroupEnd, PivotNesting } from '@drp/shared';
import { DomainError } from '../../common/errors/domain-error';
import { RequestContext } from '../../common/context/request-context';
import { CellKind, writeCell } from '../../common/excel';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { AnalysisExportQueryDto } from './analysis.dto';
import { measuresOf, SumRow } from './analysis.rows';
import { AnalysisService } from './analysis.service';
import { BASE_COLUMNS } from './analysis.sql';

type Lang = 'zh-CN' | 'en';

interface Words {
  measures: Record<AnalysisMeasure, string>;
  dims: Record<AnalysisDimension, string>;
  code: string;
  none: string;
  subtotal: string;
  total: string;
  /** the compared column's and the change column's headings */
  prev: { yoy: string; mom: string };
  change: string;
  sources: Record<OrderSource, string>;
  level: (n: string) => string;
  sheet: string;
}

/**
 * The file's words in the reader's language (the page passes its own), the same as the page's
 * (web/src/i18n/locales/reports.*.ts: measure, dimension, source, level, pivot.subtotal / total /
 * none, compareCol), so a line of the file reads as the line of the table.
 */
const WORDS: Record<Lang, Words> = {
  'zh-CN': {
    measures: { quantity: '数量', sales: '销售额', returns: '退货额', netSales: '净销售额', tax: '税额', cost: '成本', grossMargin: '毛利', marginRate: '毛利率', receipts: '回款', orderCount: '订单数', avgOrderValue: '客单价' },
    dims: { day: '日', week: '周', month: '月', quarter: '季度', year: '年', branch: '分支机构', office: '办事处', rep: '业务员', dealer: '经销商', dealerLevel: '客户等级', region: '地区', product: '商品', brand: '品牌', category: '商品类别', source: '订单来源' },
    code: '编码',
    none: '（无）',
    subtotal: '小计',
    total: '合计',
    prev: { yoy: '去年同期', mom: '上期' },
    change: '增减',
    sources: { CONSOLE: '后台录入', MALL: '订货商城', VISIT: '业务员拜访', REPLENISHMENT: '智能补货' },
    level: (n) => `${n}级批发价`,
    sheet: '多维分析',
  },
  en: {
    measures: { quantity: 'Quantity', sales: 'Sales', returns: 'Returns', netSales: 'Net sales', tax: 'Tax', cost: 'Cost', grossMargin: 'Gross margin', marginRate: 'Margin rate', receipts: 'Receipts', orderCount: 'Orders', avgOrderValue: 'Avg. order value' },
    dims: { day: 'Day', week: 'Week', month: 'Month', quarter: 'Quarter', year: 'Year', branch: 'Branch', office: 'Office', rep: 'Sales rep', dealer: 'Dealer', dealerLevel: 'Dealer level', region: 'Region', product: 'Product', brand: 'Brand', category: 'Category', source: 'Order source' },
    code: 'code',
    none: '(none)',
    subtotal: 'Subtotal',
    total: 'Total',
    prev: { yoy: 'Last year', mom: 'Previous' },
    change: 'Change',
    sources: { CONSOLE: 'Console', MALL: 'Mall', VISIT: 'Store visit', REPLENISHMENT: 'Replenishment' },
    level: (n) => `Level ${n}`,
    sheet: 'Analysis',
  },
};

const MEASURE_KIND: Record<AnalysisMeasure, CellKind | 'count'> = {
  quantity: 'qty', sales: 'money', returns: 'money', netSales: 'money', tax: 'money', cost: 'money', grossMargin: 'money', marginRate: 'rate',
  receipts: 'money', orderCount: 'count', avgOrderValue: 'money',
};
/** rows fetched from the cursor at a time: the server holds one batch, never the whole result */
const BATCH = 2000;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A writable as Node's streams and readable-stream 2 (archiver's) both keep it. */
interface Drainable {
  once(event: 'drain', fn: () => void): unknown;
  off(event: 'drain', fn: () => void): unknown;
  _writableState?: { needDrain?: boolean };
}

/**
 * The stream between the worksheet and the zip. exceljs's sheet stream hands every 64 KB of XML to
 * archiver's PassThrough ignoring its back-pressure, and deflate (on the thread pool) is slower than
 * writing rows, so without waiting on this stream the sheet's XML piles up in it (measured alone:
 * 31 MB buffered at 100,000 rows, 64 MB at 200,000; with the wait under 1 MB). Waiting on the socket
 * alone never sees it: the socket is drained while the zip lags. The PassThrough is readable-stream
 * 2's (no `writableNeedDrain`), hence `_writableState`. Internals of exceljs 4 / archiver 5, hence
 * the guard: if they change, the export still works, only without this wait.
 */
function sheetZipInput(ws: ExcelJS.Worksheet): Drainable | undefined {
  const s = (ws as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes?.[0] as Drainable | undefined;
  return s && typeof s.once === 'function' && typeof s._writableState?.needDrain === 'boolean' ? s : undefined;
}

const needsDrain = (s: Drainable | undefined): s is Drainable => !!s?._writableState?.needDrain;

/** Resolves on the stream's 'drain'; fails when the client goes away (nothing would ever drain). */
function drained(s: Drainable, res: Response): Promise<void> {
  if (res.destroyed) return Promise.reject(new Error('the client went away'));
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      s.off('drain', onDrain);
      res.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('the client went away'));
    s.once('drain', onDrain);
    res.once('close', onClose);
  });
}

const ZERO = new Dec(0);

/** Running sums of the statement's columns (a subtotal's or the total's), exact decimals. */
class Sums {
  private readonly v = new Map<string, Dec>();

  add(r: SumRow): void {
    for (const b of BASE_COLUMNS) {
      for (const side of ['c', 'p']) {
        const col = `${side}_${b}`;
        const x = r[col];
        if (x !== null && x !== undefined) this.v.set(col, (this.v.get(col) ?? ZERO).plus(x));
      }
    }
  }

  row(): SumRow {
    const out: SumRow = {};
    for (const [k, x] of this.v) out[k] = x.toString();
    return out;
  }
}

/** The change column's number formats: percent (a fraction, as Excel keeps percents) and points. */
const CHANGE_FORMAT = { pct: '+0.0%;-0.0%;0.0%', pt: '+0.0"pt";-0.0"pt";0.0"pt"' } as const;

/**
 * Excel export of the analysis (issue #16): exactly the lines of the page's pivot, in its order
 * (shared/src/analysis-pivot.ts): every row of the same statement as the table, in the table's
 * columns (dimensions, then each measure and, when comparing, the compared figure and the change),
 * a subtotal line (小计 / Subtotal) after each outer group, and the total (合计 / Total) last. The
 * page's sort comes with the request: the statement orders the rows as the page does (groups by
 * their subtotal's figure, rows by their own).
 * Streamed: a cursor is read BATCH rows at a time and each row goes straight into exceljs's
 * streaming writer on the response, and the next batch waits until this one has been zipped and
 * sent, so 100,000 rows cost the server no more memory than 2,000. A subtotal is the sum of its
 * group's rows, kept while the group streams by (the same sums as the engine's CUBE), and written
 * when the next row belongs to another group.
 */
@Injectable()
export class AnalysisExportService {
  private readonly logger = new Logger('AnalysisExport');

  constructor(
    private readonly db: DbService,
    private readonly analysis: AnalysisService,
    private readonly audit: AuditService,
  ) {}

  async export(ctx: RequestContext, dto: AnalysisExportQueryDto, res: Response): Promise<void> {
    // every check before the first byte: a bad request still answers its 4xx
    const p = this.analysis.parse(dto);
    const sort = parsePivotSort(dto.sort);
    if (dto.sort && (!sort || !p.measures.includes(sort.measure))) {
      const value = dto.sort.replace(/^-/, '');
      throw new DomainError(ErrorCode.ANALYSIS_UNKNOWN_MEASURE, `sort by a measure that is not asked: ${value}`, { field: 'sort', value, allowed: p.measures });
    }
    await this.analysis.assertOrgsVisible(ctx, [...(p.filters.branchIds ?? []), ...(p.filters.officeIds ?? []), ...(p.filters.dealerIds ?? [])]);
    const plan = this.analysis.exportPlan(ctx, p, sort);
    const w = WORDS[dto.lang ?? 'zh-CN'];
    const dims = p.dimensions;
    const n = dims.length;
    const withCode = (d: AnalysisDimension) => d === 'dealer' || d === 'product';
    const headings: string[] = [];
    const kinds: (CellKind | 'count' | 'change')[] = [];
    for (const d of dims) {
      if (withCode(d)) {
        headings.push(`${w.dims[d]}${dto.lang === 'en' ? ' ' : ''}${w.code}`);
        kinds.push('text');
      }
      headings.push(w.dims[d]);
      kinds.push('text');
    }
    for (const m of p.measures) {
      headings.push(w.measures[m]);
      kinds.push(MEASURE_KIND[m]);
      if (plan.compare) {
        headings.push(`${w.measures[m]} (${w.prev[dto.compare ?? 'yoy']})`, `${w.measures[m]} (${w.change})`);
        kinds.push(MEASURE_KIND[m], 'change');
      }
    }

    const name = `${w.sheet}-${p.from}_${p.to}.xlsx`;
    res.setHeader('Content-Type', XLSX);
    res.setHeader('Content-Disposition', `attachment; filename="${encodeURIComponent(name)}"; filename*=UTF-8''${encodeURIComponent(name)}`);
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true, useSharedStrings: false });
    const ws = wb.addWorksheet(w.sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = headings.map((h, i) => ({ header: h, width: kinds[i] === 'text' ? 18 : 14 }));
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).commit();
    const zipInput = sheetZipInput(ws);

    type Cell = string | null | { change: ReturnType<typeof pivotChange> };
    const addRow = (values: Cell[], strong: boolean) => {
      const row = ws.addRow([]);
      values.forEach((v, i) => {
        const cell = row.getCell(i + 1);
        const kind = kinds[i];
        if (v !== null && typeof v === 'object') {
          cell.numFmt = v.change ? CHANGE_FORMAT[v.change.kind] : '@';
          cell.value = !v.change ? null : v.change.kind === 'pct' ? new Dec(v.change.value).div(100).toNumber() : Number(v.change.value);
        } else if (kind === 'count') {
          cell.numFmt = '0';
          cell.value = v === null ? null : Number(v);
        } else writeCell(cell, v, kind === 'change' ? 'text' : kind);
      });
      if (strong) row.font = { bold: true };
      row.commit();
    };
    /** a dimension's value as the page words it */
    const label = (d: AnalysisDimension, r: SumRow, i: number): string => {
      const key = r[`d${i}_key`] as string | null | undefined;
      if (key === null || key === undefined) return w.none;
      if ((ID_DIMENSIONS as readonly string[]).includes(d)) return (r[`d${i}_name`] as string | null) ?? key;
      if (d === 'source') return w.sources[key as OrderSource] ?? key;
      if (d === 'dealerLevel') return w.level(String(key));
      return String(key);
    };
    /**
     * One line: `depth` dimensions keyed by `keys` (a row: all of them; a subtotal: its group's;
     * the total: none), its label in the first column after them, then the figures of `sums`.
     */
    const line = (keys: SumRow, sums: SumRow, depth: number): Cell[] => {
      const out: Cell[] = [];
      dims.forEach((d, i) => {
        const key = keys[`d${i}_key`] as string | null;
        if (withCode(d)) out.push(i < depth ? ((keys[`d${i}_code`] as string | null) ?? (key === null ? null : '')) : null);
        out.push(i < depth ? label(d, keys, i) : i > depth ? null : depth === 0 ? w.total : w.subtotal);
      });
      const m = measuresOf(sums, p.measures, plan.compare);
      for (const k of p.measures) {
        out.push(m[k]);
        if (plan.compare) out.push(m[`${k}Prev`], { change: pivotChange(k, m[k], m[`${k}Prev`]) });
      }
      return out;
    };

    let rows = 0;
    const total = new Sums();
    // the open group of each outer level (depth 1 .. n-1)
    const groups = dims.slice(1).map(() => new Sums());
    const nesting = new PivotNesting<SumRow>(dims, (r, prefix) => JSON.stringify(prefix.map((_, i) => r[`d${i}_key`] ?? null)));
    const closeGroups = (ends: PivotGroupEnd<SumRow>[]) => {
      for (const e of ends) {
        addRow(line(e.last, groups[e.depth - 1].row(), e.depth), true);
        groups[e.depth - 1] = new Sums();
      }
    };
    try {
      await this.db.tx(ctx, async (tx) => {
        await this.analysis.plannerSettings(tx);
        await this.db.query(tx, `DECLARE analysis_export NO SCROLL CURSOR FOR ${plan.sql}`, plan.parameters);
        for (;;) {
          const batch = await this.db.query<SumRow>(tx, `FETCH ${BATCH} FROM analysis_export`);
          if (!batch.length) break;
          for (const r of batch) {
            if (n) {
              closeGroups(nesting.push(r));
              addRow(line(r, r, n), false);
              for (const g of groups) g.add(r);
            }
            total.add(r);
          }
          rows += batch.length;
          // the next batch only once this one has left: the zip's input and the socket both drained
          if (needsDrain(zipInput)) await drained(zipInput, res);
          if (res.writableNeedDrain) await drained(res as Drainable, res);
        }
        // recorded before the last bytes leave: whoever holds the file can find the entry
        await this.audit.record(tx, { action: 'export', entity: 'analysis', summary: `exported analysis ${p.from}..${p.to} (${rows} row(s))`, after: { query: { ...dto }, rows } });
      });
      closeGroups(nesting.end());
      addRow(line({}, total.row(), 0), true);
      ws.commit();
      await wb.commit();
    } catch (e) {
      // the headers are gone: the download breaks off rather than answering an error body
      this.logger.error({ err: e }, 'analysis export failed');
      res.destroy(e instanceof Error ? e : new Error(String(e)));
    }
  }
}
