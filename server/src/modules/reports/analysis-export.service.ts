import { Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import ExcelJS from 'exceljs';
import { AnalysisDimension, AnalysisMeasure, Dec, ID_DIMENSIONS, OrderSource } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { CellKind, writeCell } from '../../common/excel';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { AnalysisExportQueryDto } from './analysis.dto';
import { measuresOf, SumRow } from './analysis.rows';
import { AnalysisService } from './analysis.service';
import { BASE_COLUMNS } from './analysis.sql';

type Lang = 'zh-CN' | 'en';

/** Column headings and values of the export, in the reader's language (the page passes its own). */
const WORDS: Record<Lang, { measures: Record<AnalysisMeasure, string>; dims: Record<AnalysisDimension, string>; code: string; none: string; total: string; prev: { yoy: string; mom: string }; sources: Record<OrderSource, string>; sheet: string }> = {
  'zh-CN': {
    measures: { quantity: '数量', sales: '销售额', returns: '退货额', netSales: '净销售额', tax: '税额', cost: '成本', grossMargin: '毛利', marginRate: '毛利率', receipts: '回款', orderCount: '订单数', avgOrderValue: '客单价' },
    dims: { day: '日', week: '周', month: '月', quarter: '季度', year: '年', branch: '分支机构', office: '办事处', rep: '业务员', dealer: '经销商', dealerLevel: '客户等级', region: '地区', product: '商品', brand: '品牌', category: '商品分类', source: '订单来源' },
    code: '编码',
    none: '(无)',
    total: '合计',
    prev: { yoy: '同期', mom: '上期' },
    sources: { CONSOLE: '后台录入', MALL: '订货商城', VISIT: '拜访下单', REPLENISHMENT: '智能补货' },
    sheet: '多维分析',
  },
  en: {
    measures: { quantity: 'Quantity', sales: 'Sales', returns: 'Returns', netSales: 'Net sales', tax: 'Tax', cost: 'Cost', grossMargin: 'Gross margin', marginRate: 'Margin rate', receipts: 'Receipts', orderCount: 'Orders', avgOrderValue: 'Average order value' },
    dims: { day: 'Day', week: 'Week', month: 'Month', quarter: 'Quarter', year: 'Year', branch: 'Branch', office: 'Office', rep: 'Sales rep', dealer: 'Dealer', dealerLevel: 'Dealer level', region: 'Region', product: 'Product', brand: 'Brand', category: 'Category', source: 'Order source' },
    code: 'code',
    none: '(none)',
    total: 'Total',
    prev: { yoy: 'last year', mom: 'previous period' },
    sources: { CONSOLE: 'Console', MALL: 'Mall', VISIT: 'Store visit', REPLENISHMENT: 'Replenishment' },
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

/**
 * Excel export of the analysis (issue #16): the same statement as the table, every row of it, in
 * the table's columns (dimensions, then each measure and its compared value), and the totals.
 * Streamed: a cursor is read BATCH rows at a time and each row goes straight into exceljs's
 * streaming writer on the response, and the next batch waits until this one has been zipped and
 * sent, so 100,000 rows cost the server no more memory than 2,000.
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
    await this.analysis.assertOrgsVisible(ctx, [...(p.filters.branchIds ?? []), ...(p.filters.officeIds ?? []), ...(p.filters.dealerIds ?? [])]);
    const plan = this.analysis.exportPlan(ctx, p);
    const w = WORDS[dto.lang ?? 'zh-CN'];
    const dims = p.dimensions;
    const withCode = (d: AnalysisDimension) => d === 'dealer' || d === 'product';
    const headings: string[] = [];
    const kinds: (CellKind | 'count')[] = [];
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
        headings.push(`${w.measures[m]} (${w.prev[dto.compare ?? 'yoy']})`);
        kinds.push(MEASURE_KIND[m]);
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

    const addRow = (values: (string | null)[]) => {
      const row = ws.addRow([]);
      values.forEach((v, i) => {
        const cell = row.getCell(i + 1);
        const kind = kinds[i];
        if (kind === 'count') {
          cell.numFmt = '0';
          cell.value = v === null ? null : Number(v);
        } else writeCell(cell, v, kind);
      });
      row.commit();
    };
    const sums: SumRow = {};
    const add = (r: SumRow) => {
      for (const b of BASE_COLUMNS) {
        for (const side of ['c', 'p']) {
          const v = r[`${side}_${b}`];
          if (v !== null && v !== undefined) sums[`${side}_${b}`] = new Dec(sums[`${side}_${b}`] ?? 0).plus(v).toString();
        }
      }
    };
    const values = (r: SumRow, keys: boolean): (string | null)[] => {
      const out: (string | null)[] = [];
      dims.forEach((d, i) => {
        const key = r[`d${i}_key`] as string | null;
        if (withCode(d)) out.push(keys ? ((r[`d${i}_code`] as string | null) ?? (key === null ? null : '')) : null);
        if (!keys) out.push(i === 0 ? w.total : null);
        else if (key === null || key === undefined) out.push(w.none);
        else if ((ID_DIMENSIONS as readonly string[]).includes(d)) out.push((r[`d${i}_name`] as string | null) ?? key);
        else if (d === 'source') out.push(w.sources[key as OrderSource] ?? key);
        else out.push(String(key));
      });
      const m = measuresOf(r, p.measures, plan.compare);
      for (const k of p.measures) {
        out.push(m[k]);
        if (plan.compare) out.push(m[`${k}Prev`]);
      }
      return out;
    };

    let rows = 0;
    try {
      await this.db.tx(ctx, async (tx) => {
        await this.analysis.plannerSettings(tx);
        await this.db.query(tx, `DECLARE analysis_export NO SCROLL CURSOR FOR ${plan.sql}`, plan.parameters);
        for (;;) {
          const batch = await this.db.query<SumRow>(tx, `FETCH ${BATCH} FROM analysis_export`);
          if (!batch.length) break;
          for (const r of batch) {
            if (dims.length) addRow(values(r, true));
            add(r);
          }
          rows += batch.length;
          // the next batch only once this one has left: the zip's input and the socket both drained
          if (needsDrain(zipInput)) await drained(zipInput, res);
          if (res.writableNeedDrain) await drained(res as Drainable, res);
        }
        // recorded before the last bytes leave: whoever holds the file can find the entry
        await this.audit.record(tx, { action: 'export', entity: 'analysis', summary: `exported analysis ${p.from}..${p.to} (${rows} row(s))`, after: { query: { ...dto }, rows } });
      });
      addRow(values(sums, false));
      ws.commit();
      await wb.commit();
    } catch (e) {
      // the headers are gone: the download breaks off rather than answering an error body
      this.logger.error({ err: e }, 'analysis export failed');
      res.destroy(e instanceof Error ? e : new Error(String(e)));
    }
  }
}
