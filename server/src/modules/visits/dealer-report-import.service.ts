import { Inject, Injectable } from '@nestjs/common';
import { Dec, DealerReportImportResult, isDecimalString, OrgType } from '@drp/shared';
import { sql } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { MAX_EXACT_DIGITS } from '../../common/excel';
import { notFound } from '../../common/errors/domain-error';
import { orgScope, productInRangeOf } from '../../common/scope/data-scope';
import { businessDate } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { Column, problemList, readWorkbook, rejectIfErrors, writeWorkbook } from '../catalog/excel/sheet';
import { DealerReportLineInput } from './dealer-report.dto';
import { DealerReportService } from './dealer-report.service';

/** One sheet row of a stock and sales report upload (库存销量上报导入). */
type ReportRow = { dealerCode: string; date: string; productCode: string; productName: string; unit: string; stock: string; sold: string; received: string };

/** Who uploads: staff for any dealer in their scope (the dealer column names it), a dealer for itself only. */
export type ReportUploader = { kind: 'staff' } | { kind: 'dealer'; dealerId: string };

const COLUMNS: Column<ReportRow>[] = [
  { key: 'dealerCode', header: '经销商编码', width: 14, example: 'D-BJ001', note: '经销商自己上传时可留空 (a dealer uploading its own report may leave it empty)' },
  { key: 'date', header: '日期', required: true, width: 12, example: '2026-12-01', note: '上报的营业日 YYYY-MM-DD, 不能晚于今天 (the business day reported, today or earlier)' },
  { key: 'productCode', header: '商品编码', required: true, width: 14, example: 'SP-0001' },
  { key: 'productName', header: '商品名称', width: 28, example: '天然矿泉水 550ml', note: '仅供核对, 导入时不读取 (for reading only; not imported)' },
  { key: 'unit', header: '单位', width: 8, example: '瓶', note: '仅供核对 (for reading only)' },
  { key: 'stock', header: '期末库存', required: true, kind: 'qty', width: 10, example: '24', note: '当天营业结束时的库存, ≥ 0 (end-of-day stock)' },
  { key: 'sold', header: '销量', required: true, kind: 'qty', width: 10, example: '6', note: '当天卖出的数量, ≥ 0 (units sold that day)' },
  { key: 'received', header: '进货量', kind: 'qty', width: 10, example: '', note: '可不填 (optional: units received that day)' },
];
const HEADERS = new Map(COLUMNS.map((c) => [String(c.key), c.header]));
const QTY_SCALE = 3;

/** YYYY-MM-DD, also as people type it (2026/12/1, 2026.12.1, 2026年12月1日), when it is a real date; else null. */
export function normaliseDay(text: string): string | null {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text.trim());
  if (!m) return null;
  const day = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day ? day : null;
}

/**
 * Dealer stock and sales reports from Excel (issue #14): a template (prefilled with the products a
 * dealer carries when one is named), and an all-or-nothing upload. Every row is checked first and
 * every problem is listed by row and column — unknown dealer or one out of the caller's scope,
 * unknown product or one outside the dealer's range, a date that is not a date or lies in the
 * future, a non-numeric or negative quantity, the same dealer / date / product twice. Only a clean
 * file is written: in ONE transaction, each (dealer, date) through DealerReportService.submit, so an
 * upload supersedes figures exactly as any other report does (history, audit, source IMPORT).
 */
@Injectable()
export class DealerReportImportService {
  constructor(
    private readonly db: DbService,
    private readonly reports: DealerReportService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private today(): string {
    return businessDate(new Date(), this.config.companyTz);
  }

  /**
   * The template. For a dealer (staff naming one, or a dealer itself) one row per product it carries,
   * dated today with the quantities empty: rows left empty are skipped on upload. Otherwise one example row.
   */
  async template(ctx: RequestContext, dealerId?: string): Promise<Buffer> {
    const notes = [['列 Column', '说明 Notes'], ...COLUMNS.filter((c) => c.note).map((c) => [c.header, c.note!]), [], ['说明', '整个文件全部正确才会导入; 有问题时列出每一行每一列的问题, 不写入任何数据 (all or nothing)']];
    if (!dealerId) return writeWorkbook('库存销量上报', COLUMNS, [Object.fromEntries(COLUMNS.map((c) => [c.key, c.example ?? '']))], notes);
    const dealer = await this.db.first(ctx, this.db.k.selectFrom('organization as o').select(['o.id', 'o.code']).where('o.id', '=', dealerId).where('o.type', '=', OrgType.DEALER).where(orgScope(ctx, 'o.id')));
    if (!dealer) throw notFound('dealer', dealerId);
    const form = await this.reports.form(ctx, dealer.id);
    const rows = form.items.map((i) => ({ dealerCode: dealer.code, date: form.date, productCode: i.productCode, productName: i.productName, unit: i.unit, stock: null, sold: null, received: null }));
    return writeWorkbook('库存销量上报', COLUMNS, rows, notes);
  }

  async upload(ctx: RequestContext, file: Buffer | undefined, who: ReportUploader): Promise<DealerReportImportResult> {
    const rows = await readWorkbook(file, COLUMNS);
    const { errors, add: err } = problemList(HEADERS);
    const today = this.today();
    // a prefilled template lists every product the dealer carries: a row with no quantity at all was not counted, and is skipped
    const filled = rows.filter((r) => r.values.stock || r.values.sold || r.values.received || r.lostDigits.some((k) => k === 'stock' || k === 'sold' || k === 'received'));
    if (!filled.length) err(rows[0]?.rowNo ?? 2, 'stock', 'NO_ROWS', {});

    // the dealers the file names, as the caller may see them (unknown and out of scope answer alike)
    const own = who.kind === 'dealer' ? await this.db.first(ctx, this.db.k.selectFrom('organization as o').select(['o.id', 'o.code', 'o.path']).where('o.id', '=', who.dealerId)) : undefined;
    const codes = [...new Set(filled.map((r) => r.values.dealerCode.toLowerCase()).filter(Boolean))];
    const dealers = new Map<string, { id: string; code: string; path: string }>();
    if (who.kind === 'dealer') {
      if (own) dealers.set(own.code.toLowerCase(), own);
    } else if (codes.length) {
      const found = await this.db.rows(
        ctx,
        this.db.k.selectFrom('organization as o').select(['o.id', 'o.code', 'o.path']).where('o.type', '=', OrgType.DEALER).where(sql<string>`lower(o.code)`, 'in', codes).where(orgScope(ctx, 'o.id')),
      );
      found.forEach((d) => dealers.set(d.code.toLowerCase(), d));
    }

    // the products the file names, and for each dealer which of them are in its range
    const productCodes = [...new Set(filled.map((r) => r.values.productCode.toLowerCase()).filter(Boolean))];
    const products = new Map((productCodes.length ? await this.db.rows(ctx, this.db.k.selectFrom('product as p').select(['p.id', 'p.code']).where(sql<string>`lower(p.code)`, 'in', productCodes)) : []).map((p) => [p.code.toLowerCase(), p]));
    const inRange = new Map<string, Set<string>>();
    const productIds = [...products.values()].map((p) => p.id);
    for (const d of dealers.values()) {
      const ok = productIds.length ? await this.db.rows(ctx, this.db.k.selectFrom('product as p').select('p.id').where('p.id', 'in', productIds).where(productInRangeOf(d.path, 'p'))) : [];
      inRange.set(d.id, new Set(ok.map((p) => p.id)));
    }

    const seen = new Map<string, number>();
    const groups = new Map<string, { dealerId: string; date: string; lines: DealerReportLineInput[] }>();
    for (const { rowNo, values: v, lostDigits } of filled) {
      lostDigits.forEach((key) => err(rowNo, key, 'NUMBER_LOST_DIGITS', { digits: MAX_EXACT_DIGITS }));
      const lost = new Set(lostDigits);

      let dealer: { id: string; code: string } | undefined;
      if (who.kind === 'dealer') {
        // a dealer reports for itself: an empty dealer column means itself, another code is not its to report
        if (v.dealerCode && v.dealerCode.toLowerCase() !== own?.code.toLowerCase()) err(rowNo, 'dealerCode', 'UNKNOWN_DEALER', { code: v.dealerCode });
        else dealer = own;
      } else if (!v.dealerCode) err(rowNo, 'dealerCode', 'REQUIRED', {});
      else {
        dealer = dealers.get(v.dealerCode.toLowerCase());
        if (!dealer) err(rowNo, 'dealerCode', 'UNKNOWN_DEALER', { code: v.dealerCode });
      }

      let date: string | null = null;
      if (!v.date) err(rowNo, 'date', 'REQUIRED', {});
      else if (!(date = normaliseDay(v.date))) err(rowNo, 'date', 'BAD_DATE', {});
      else if (date > today) {
        err(rowNo, 'date', 'DATE_IN_FUTURE', { today });
        date = null;
      }

      const product = v.productCode ? products.get(v.productCode.toLowerCase()) : undefined;
      if (!v.productCode) err(rowNo, 'productCode', 'REQUIRED', {});
      else if (!product || (dealer && !inRange.get(dealer.id)?.has(product.id))) err(rowNo, 'productCode', 'UNKNOWN_PRODUCT', { code: v.productCode });

      const qty = (key: 'stock' | 'sold' | 'received', required: boolean): string | null => {
        if (lost.has(key)) return null;
        const s = v[key] ?? '';
        if (!s) return required ? (err(rowNo, key, 'REQUIRED', {}), null) : null;
        if (!isDecimalString(s, QTY_SCALE)) return err(rowNo, key, 'NOT_A_NUMBER', { scale: QTY_SCALE }), null;
        if (new Dec(s).isNegative()) return err(rowNo, key, 'NEGATIVE', {}), null;
        return s;
      };
      const stock = qty('stock', true);
      const sold = qty('sold', true);
      const received = qty('received', false);

      if (dealer && date && product) {
        const key = `${dealer.id}|${date}|${product.id}`;
        const first = seen.get(key);
        if (first) err(rowNo, 'productCode', 'DUPLICATE_IN_FILE', { row: first });
        else {
          seen.set(key, rowNo);
          if (stock !== null && sold !== null) {
            const gk = `${dealer.id}|${date}`;
            const g = groups.get(gk) ?? { dealerId: dealer.id, date, lines: [] };
            g.lines.push({ productId: product.id, stock, sold, ...(received !== null ? { received } : {}) });
            groups.set(gk, g);
          }
        }
      }
    }
    rejectIfErrors(errors);

    // a clean file: every (dealer, date) written in one transaction, as any report is (supersede, history, audit)
    return this.db.tx(ctx, async (tx) => {
      const result: DealerReportImportResult = { created: 0, updated: 0, unchanged: 0, reports: groups.size };
      for (const g of [...groups.values()].sort((a, b) => a.dealerId.localeCompare(b.dealerId) || a.date.localeCompare(b.date))) {
        const r = await this.reports.submit(tx, g, 'IMPORT');
        result.created += r.created;
        result.updated += r.corrected;
        result.unchanged += r.unchanged;
      }
      return result;
    });
  }
}
