import ExcelJS from 'exceljs';
import {
  AnalysisDimension, AnalysisDocument, AnalysisMeasure, AnalysisResult, AnalysisRow, analysisCellParams, analysisKeyField, comparePeriod, Dec, endOfMonth, ErrorCode, fmt,
  orderPivotRows, Paged, parsePivotSort, pivotChange, pivotGroupKey, pivotLines,
} from '@drp/shared';
import { businessDate } from '../../server/src/database/business-date';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/**
 * Issue #16, the analysis engine: the pivot's totals equal the sum of the documents (straight SQL
 * over shipment and return lines, receipts and orders), rows, subtotals and totals agree, a branch
 * user's report equals HQ's filtered to that branch and never shows another branch, drill-down
 * lists exactly the documents of a cell (out of scope: 404), 环比 compares with the previous
 * month, the export holds the table's lines (rows, subtotal lines, the total) in the page's sort, saved views are per user, and every bad input answers
 * its stable code.
 */
describe('analysis (多维分析)', () => {
  let t: TestApp;
  let admin: string;
  let bjManager: string;
  let today: string;
  let from: string;
  let bj: string;
  let sh: string;

  const get = (token: string, path: string, query: Record<string, string>) => t.http.get(path).query(query).set(bearer(token));
  const analyse = async (token: string, query: Record<string, string>): Promise<AnalysisResult> => (await get(token, '/api/reports/analysis', query).expect(200)).body;
  const sumOf = (rows: Record<string, string | null>[], m: string) => fmt(rows.reduce((s, r) => s.plus(r[m] ?? 0), new Dec(0)), m === 'quantity' ? 'qty' : 'amount');

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
    bjManager = await t.token('bj.manager');
    today = businessDate(new Date(), 'Asia/Shanghai');
    from = `${Number(today.slice(0, 4)) - 2}-01-01`;
    bj = await t.orgId('BJ');
    sh = await t.orgId('SH');
  });
  afterAll(() => t.close());

  /** The documents' own sums over [from, to], for dealers under `path` ('' = all). */
  async function documentSums(path: string) {
    const [r] = await t.sql<Record<string, string>>(
      `WITH d AS (SELECT id FROM organization WHERE type = 'DEALER' AND path LIKE $3 || '%')
       SELECT (SELECT COALESCE(sum(sl.qty), 0) FROM shipment s JOIN shipment_line sl ON sl.shipment_id = s.id WHERE s.business_date BETWEEN $1 AND $2 AND s.dealer_id IN (SELECT id FROM d))
            - (SELECT COALESCE(sum(rl.qty), 0) FROM sales_return r JOIN sales_return_line rl ON rl.return_id = r.id WHERE r.business_date BETWEEN $1 AND $2 AND r.dealer_id IN (SELECT id FROM d)) AS quantity,
              (SELECT COALESCE(sum(sl.amount), 0) FROM shipment s JOIN shipment_line sl ON sl.shipment_id = s.id WHERE s.business_date BETWEEN $1 AND $2 AND s.dealer_id IN (SELECT id FROM d)) AS sales,
              (SELECT COALESCE(sum(rl.amount), 0) FROM sales_return r JOIN sales_return_line rl ON rl.return_id = r.id WHERE r.business_date BETWEEN $1 AND $2 AND r.dealer_id IN (SELECT id FROM d)) AS returns,
              (SELECT COALESCE(sum(sl.tax_amount), 0) FROM shipment s JOIN shipment_line sl ON sl.shipment_id = s.id WHERE s.business_date BETWEEN $1 AND $2 AND s.dealer_id IN (SELECT id FROM d))
            - (SELECT COALESCE(sum(rl.tax_amount), 0) FROM sales_return r JOIN sales_return_line rl ON rl.return_id = r.id WHERE r.business_date BETWEEN $1 AND $2 AND r.dealer_id IN (SELECT id FROM d)) AS tax,
              (SELECT COALESCE(sum(sl.cost_amount), 0) FROM shipment s JOIN shipment_line sl ON sl.shipment_id = s.id WHERE s.business_date BETWEEN $1 AND $2 AND s.dealer_id IN (SELECT id FROM d))
            - (SELECT COALESCE(sum(rl.cost_amount), 0) FROM sales_return r JOIN sales_return_line rl ON rl.return_id = r.id WHERE r.business_date BETWEEN $1 AND $2 AND r.dealer_id IN (SELECT id FROM d)) AS cost,
              (SELECT COALESCE(sum(amount), 0) FROM receipt WHERE status = 'ACTIVE' AND business_date BETWEEN $1 AND $2 AND dealer_id IN (SELECT id FROM d)) AS receipts,
              (SELECT count(*) FROM sales_order WHERE status IN ('APPROVED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'COMPLETED') AND business_date BETWEEN $1 AND $2 AND dealer_id IN (SELECT id FROM d)) AS orders,
              (SELECT COALESCE(sum(total), 0) FROM sales_order WHERE status IN ('APPROVED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'COMPLETED') AND business_date BETWEEN $1 AND $2 AND dealer_id IN (SELECT id FROM d)) AS order_amount`,
      [from, today, path],
    );
    return r;
  }

  const ALL = 'quantity,sales,returns,netSales,tax,cost,grossMargin,marginRate,receipts,orderCount,avgOrderValue';

  it('the totals equal the sum of the documents, every measure', async () => {
    const docs = await documentSums('');
    expect(new Dec(docs.sales).greaterThan(0)).toBe(true);
    const r = await analyse(admin, { measures: ALL, from, to: today });
    const net = new Dec(docs.sales).minus(docs.returns).minus(docs.tax);
    expect(r.totals).toEqual({
      quantity: fmt(docs.quantity, 'qty'),
      sales: fmt(docs.sales),
      returns: fmt(docs.returns),
      netSales: fmt(net),
      tax: fmt(docs.tax),
      cost: fmt(docs.cost),
      grossMargin: fmt(net.minus(docs.cost)),
      marginRate: net.isZero() ? null : net.minus(docs.cost).div(net).toFixed(4, Dec.ROUND_HALF_UP),
      receipts: fmt(docs.receipts),
      orderCount: String(docs.orders),
      avgOrderValue: Number(docs.orders) ? fmt(new Dec(docs.order_amount).div(docs.orders)) : null,
    });
    expect(r.rows).toEqual([]);
    expect(r.truncated).toBe(false);
  });

  it('rows add up to the totals and each subtotal to its rows; margin rate is the rate of the sums', async () => {
    const r = await analyse(admin, { measures: 'sales,netSales,grossMargin,marginRate,receipts', dimensions: 'branch,month', from, to: today });
    expect(r.rows.length).toBeGreaterThan(1);
    for (const m of ['sales', 'netSales', 'grossMargin', 'receipts']) expect(sumOf(r.rows, m)).toBe(r.totals[m]);
    const byBranch = r.subtotals.find((s) => s.dimensions.join() === 'branch')!;
    const byMonth = r.subtotals.find((s) => s.dimensions.join() === 'month')!;
    expect(r.subtotals.map((s) => s.dimensions.join())).toEqual(['branch', 'month']);
    for (const s of byBranch.rows) {
      const mine = r.rows.filter((x) => x.branchId === s.branchId);
      expect(sumOf(mine, 'sales')).toBe(s.sales);
      expect(sumOf(mine, 'grossMargin')).toBe(s.grossMargin);
      const ns = new Dec(s.netSales!);
      expect(s.marginRate).toBe(ns.isZero() ? null : new Dec(s.grossMargin!).div(ns).toFixed(4, Dec.ROUND_HALF_UP));
      expect(s).toHaveProperty('branchName');
      expect(s).not.toHaveProperty('month');
    }
    for (const s of byMonth.rows) expect(sumOf(r.rows.filter((x) => x.month === s.month), 'netSales')).toBe(s.netSales);
    expect(r.rows.find((x) => x.branchId === bj)?.branchName).toBe('北京分公司');
    expect(r.rows.every((x) => /^\d{4}-\d{2}$/.test(x.month!))).toBe(true);
  });

  it("a branch user's report is HQ's filtered to that branch, and never another branch's", async () => {
    const q = { measures: ALL, dimensions: 'office,month', from, to: today };
    const mine = await analyse(bjManager, q);
    const hq = await analyse(admin, { ...q, branchId: bj });
    expect(mine).toEqual(hq);
    const docs = await documentSums((await t.sql<{ path: string }>('SELECT path FROM organization WHERE id = $1', [bj]))[0].path);
    expect(mine.totals.sales).toBe(fmt(docs.sales));
    expect(mine.totals.receipts).toBe(fmt(docs.receipts));
    const byBranch = await analyse(bjManager, { measures: 'sales', dimensions: 'branch', from, to: today });
    expect(byBranch.rows.map((x) => x.branchId)).toEqual([bj]);
    // another branch: 404 as if it did not exist, in the pivot and in the drill-down
    const other = await get(bjManager, '/api/reports/analysis', { measures: 'sales', from, to: today, branchId: sh }).expect(404);
    expect(other.body.code).toBe(ErrorCode.NOT_FOUND);
    const drill = await get(bjManager, '/api/reports/analysis/documents', { measures: 'sales', from, to: today, cell: JSON.stringify({ branch: sh }) }).expect(404);
    expect(drill.body.code).toBe(ErrorCode.NOT_FOUND);
  });

  it('drill-down lists exactly the documents of a cell, their amounts adding up to it', async () => {
    const r = await analyse(admin, { measures: 'sales,returns,receipts,orderCount', dimensions: 'branch,month', from, to: today });
    const cellRow = r.rows.filter((x) => x.branchId === bj && new Dec(x.sales!).greaterThan(0)).pop()!;
    expect(cellRow).toBeDefined();
    const cell = JSON.stringify(analysisCellParams(['branch', 'month'], cellRow));
    const docs: AnalysisDocument[] = [];
    for (let page = 1; ; page++) {
      const res = (await get(admin, '/api/reports/analysis/documents', { measures: 'sales,returns,receipts,orderCount', from, to: today, cell, page: String(page), pageSize: '50' }).expect(200)).body as Paged<AnalysisDocument>;
      docs.push(...res.items);
      if (docs.length >= res.total) break;
    }
    const sum = (kind: string) => fmt(docs.filter((d) => d.kind === kind).reduce((s, d) => s.plus(d.amount), new Dec(0)));
    expect(sum('SHIPMENT')).toBe(cellRow.sales);
    expect(sum('RETURN')).toBe(cellRow.returns);
    expect(sum('RECEIPT')).toBe(cellRow.receipts);
    expect(String(docs.filter((d) => d.kind === 'ORDER').length)).toBe(cellRow.orderCount);
    for (const d of docs) {
      expect(d.businessDate.slice(0, 7)).toBe(cellRow.month);
      expect(d.number).toMatch(/\S/);
      if (d.kind === 'SHIPMENT') expect(d.orderId).toMatch(/^[0-9a-f-]{36}$/);
    }
    // one kind only
    const ships = (await get(admin, '/api/reports/analysis/documents', { measures: 'sales,returns', from, to: today, cell, kind: 'SHIPMENT' }).expect(200)).body as Paged<AnalysisDocument>;
    expect(ships.items.every((d) => d.kind === 'SHIPMENT')).toBe(true);
  });

  it('环比 (mom): each branch compares with its own previous month; 同比 names the year before', async () => {
    const monthStart = `${today.slice(0, 7)}-01`;
    const last = comparePeriod(monthStart, endOfMonth(monthStart), 'mom');
    const cur = await analyse(admin, { measures: 'sales,marginRate', dimensions: 'branch', from: monthStart, to: endOfMonth(monthStart), compare: 'mom' });
    expect(cur.compareFrom).toBe(last.from);
    expect(cur.compareTo).toBe(last.to);
    const prev = await analyse(admin, { measures: 'sales,marginRate', dimensions: 'branch', from: last.from, to: last.to });
    for (const p of prev.rows) {
      const row = cur.rows.find((x) => x.branchId === p.branchId)!;
      expect(row.salesPrev).toBe(p.sales);
      expect(row.marginRatePrev).toBe(p.marginRate);
    }
    expect(cur.totals.salesPrev).toBe(prev.totals.sales);
    const yoy = await analyse(admin, { measures: 'sales', dimensions: 'month', from: monthStart, to: endOfMonth(monthStart), compare: 'yoy' });
    expect(yoy.compareFrom).toBe(`${Number(today.slice(0, 4)) - 1}${monthStart.slice(4)}`);
    expect(yoy.rows.every((x) => x.month === today.slice(0, 7))).toBe(true);
  });

  /** The export of `query` read back: every line's cell values, the header first. */
  async function exportLines(query: Record<string, string>): Promise<ExcelJS.CellValue[][]> {
    const res = await get(admin, '/api/reports/analysis/export', query)
      .buffer(true)
      .parse((s, cb) => {
        const chunks: Buffer[] = [];
        s.on('data', (c: Buffer) => chunks.push(c));
        s.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as ArrayBuffer);
    const ws = wb.worksheets[0];
    const out: ExcelJS.CellValue[][] = [];
    ws.eachRow({ includeEmpty: true }, (row) => out.push(Array.from({ length: ws.columnCount }, (_, i) => row.getCell(i + 1).value ?? null)));
    return out;
  }

  /**
   * The lines the page shows for an answer of the engine (the shared rule of
   * shared/src/analysis-pivot.ts over the engine's rows and subtotals), as the file's cells:
   * dimension labels (names of ids, period keys), the line's word after its keys, the figures.
   */
  function pageLines(r: AnalysisResult, dims: AnalysisDimension[], measures: AnalysisMeasure[], sort: string, words: { subtotal: string; total: string }) {
    const subtotalOf = (row: AnalysisRow, depth: number) => {
      const prefix = dims.slice(0, depth);
      return r.subtotals.find((s) => s.dimensions.join() === prefix.join())?.rows.find((x) => pivotGroupKey(x, prefix) === pivotGroupKey(row, prefix));
    };
    const ordered = orderPivotRows(r.rows, dims, parsePivotSort(sort), subtotalOf);
    return pivotLines(ordered, dims, subtotalOf, r.totals).map((l) => [
      ...dims.map((d, i) => (i < l.depth ? (l.row[`${d}Name`] ?? l.row[analysisKeyField(d)]) : i > l.depth ? null : l.kind === 'total' ? words.total : words.subtotal)),
      ...measures.map((m) => (l.row[m] === null ? null : Number(l.row[m]))),
    ]);
  }

  it('the export holds the lines of the table: rows, a subtotal line after each group, the total; it is audited', async () => {
    const q = { measures: 'sales,netSales,orderCount', dimensions: 'branch,month', from, to: today };
    const r = await analyse(admin, q);
    const lines = await exportLines({ ...q, lang: 'en' });
    expect(lines[0]).toEqual(['Branch', 'Month', 'Sales', 'Net sales', 'Orders']);
    const body = lines.slice(1);
    const byBranch = r.subtotals.find((s) => s.dimensions.join() === 'branch')!.rows;
    expect(body).toHaveLength(r.rows.length + byBranch.length + 1);
    expect(body).toEqual(pageLines(r, ['branch', 'month'], ['sales', 'netSales', 'orderCount'], '', { subtotal: 'Subtotal', total: 'Total' }));
    // read on its own: without a sort, the engine's rows in the engine's order; after each branch's
    // months its subtotal line, the engine's subtotal of that branch; the total last
    const rowLines = body.filter((x) => x[1] !== 'Subtotal' && x[0] !== 'Total');
    expect(rowLines.map((x) => [x[0], x[1], x[2]])).toEqual(r.rows.map((x) => [x.branchName, x.month, Number(x.sales)]));
    body.forEach((x, i) => {
      if (x[1] !== 'Subtotal') return;
      const engine = byBranch.find((b) => b.branchName === x[0])!;
      expect(x.slice(2)).toEqual([Number(engine.sales), Number(engine.netSales), Number(engine.orderCount)]);
      expect(body[i - 1][0]).toBe(x[0]);
      if (i + 1 < body.length - 1) expect(body[i + 1][0]).not.toBe(x[0]);
    });
    expect(body[body.length - 1]).toEqual(['Total', null, Number(r.totals.sales), Number(r.totals.netSales), Number(r.totals.orderCount)]);
    const [audit] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'analysis' AND action = 'export'`);
    expect(audit.n).toBe(1);
  });

  it("the export follows the page's sort: groups by their subtotal, rows by their own figure, in the page's words", async () => {
    const q = { measures: 'netSales,grossMargin,marginRate', dimensions: 'month,branch', from, to: today };
    const r = await analyse(admin, q);
    const lines = await exportLines({ ...q, sort: '-netSales' });
    expect(lines[0]).toEqual(['月', '分支机构', '净销售额', '毛利', '毛利率']);
    const body = lines.slice(1);
    expect(body).toEqual(pageLines(r, ['month', 'branch'], ['netSales', 'grossMargin', 'marginRate'], '-netSales', { subtotal: '小计', total: '合计' }));
    // read on its own: the months' subtotal lines highest first, each equal to the engine's subtotal of its month
    const byMonth = r.subtotals.find((s) => s.dimensions.join() === 'month')!.rows;
    const subtotals = body.filter((x) => x[1] === '小计');
    expect(subtotals).toHaveLength(byMonth.length);
    expect(byMonth.length).toBeGreaterThan(2);
    for (const x of subtotals) {
      const engine = byMonth.find((m) => m.month === x[0])!;
      expect(x.slice(2)).toEqual([Number(engine.netSales), Number(engine.grossMargin), engine.marginRate === null ? null : Number(engine.marginRate)]);
    }
    const figures = subtotals.map((x) => x[2] as number);
    expect(figures).toEqual([...figures].sort((a, b) => b - a));
    expect(figures[0]).not.toBe(figures[figures.length - 1]);
    // inside each month its branches highest first, then the month's subtotal line
    let month: unknown = null;
    let last = Infinity;
    for (const x of body.slice(0, -1)) {
      if (x[1] === '小计') {
        expect(x[0]).toBe(month);
        month = null;
        continue;
      }
      if (x[0] !== month) [month, last] = [x[0], Infinity];
      expect(x[2] as number).toBeLessThanOrEqual(last);
      last = x[2] as number;
    }
    expect(body[body.length - 1].slice(0, 3)).toEqual(['合计', null, Number(r.totals.netSales)]);
    // lowest first by the margin rate, three dimensions: subtotal lines at both outer levels, innermost first
    const q3 = { measures: 'netSales,marginRate', dimensions: 'year,branch,month', from, to: today };
    const r3 = await analyse(admin, q3);
    const body3 = (await exportLines({ ...q3, sort: 'marginRate', lang: 'en' })).slice(1);
    expect(body3).toEqual(pageLines(r3, ['year', 'branch', 'month'], ['netSales', 'marginRate'], 'marginRate', { subtotal: 'Subtotal', total: 'Total' }));
    const years = body3.filter((x) => x[1] === 'Subtotal');
    expect(years.length).toBe(r3.subtotals.find((s) => s.dimensions.join() === 'year')!.rows.length);
    expect(body3.filter((x) => x[2] === 'Subtotal').length).toBe(r3.subtotals.find((s) => s.dimensions.join() === 'year,branch')!.rows.length);
    // a year's line comes right after its last branch's line
    for (const y of years) expect(body3[body3.indexOf(y) - 1][2]).toBe('Subtotal');
  });

  it('with a comparison the export has, per measure, this period, the compared one and the change, as the page shows them', async () => {
    const monthStart = `${today.slice(0, 7)}-01`;
    const q = { measures: 'sales,marginRate', dimensions: 'branch', from: monthStart, to: endOfMonth(monthStart), compare: 'mom' };
    const r = await analyse(admin, q);
    const lines = await exportLines({ ...q, lang: 'en', sort: '-sales' });
    expect(lines[0]).toEqual(['Branch', 'Sales', 'Sales (Previous)', 'Sales (Change)', 'Margin rate', 'Margin rate (Previous)', 'Margin rate (Change)']);
    const ordered = orderPivotRows(r.rows, ['branch'], parsePivotSort('-sales'), () => undefined);
    const num = (v: string | null | undefined) => (v === null || v === undefined ? null : Number(v));
    // the change: a fraction for a percent (Excel's percent), points for the rate; none against zero
    const change = (m: AnalysisMeasure, row: AnalysisRow) => {
      const c = pivotChange(m, row[m], row[`${m}Prev`]);
      return c === null ? null : c.kind === 'pct' ? new Dec(c.value).div(100).toNumber() : Number(c.value);
    };
    const cells = (label: string, row: AnalysisRow) => [label, num(row.sales), num(row.salesPrev), change('sales', row), num(row.marginRate), num(row.marginRatePrev), change('marginRate', row)];
    expect(lines.slice(1)).toEqual([...ordered.map((x) => cells(x.branchName!, x)), cells('Total', r.totals)]);
    expect(r.rows.some((x) => x.salesPrev !== null && x.salesPrev !== '0.00')).toBe(true);
  });

  it("the export's sort must be one of the asked measures", async () => {
    const q = { measures: 'sales', dimensions: 'branch', from, to: today };
    expect((await get(admin, '/api/reports/analysis/export', { ...q, sort: '-netSales' }).expect(400)).body.code).toBe(ErrorCode.ANALYSIS_UNKNOWN_MEASURE);
    expect((await get(admin, '/api/reports/analysis/export', { ...q, sort: 'sales;drop' }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
  });

  it('saved views are per user: saved, listed, replaced by name, invisible and undeletable to others', async () => {
    const view = { name: '月度分公司毛利', query: { measures: ['netSales', 'grossMargin'], dimensions: ['month', 'branch'], from, to: today, compare: 'yoy', chart: 'bar' } };
    const saved = await t.http.post('/api/reports/analysis/views').set(bearer(admin)).send(view).expect(201);
    expect(saved.body).toMatchObject({ name: view.name, query: view.query });
    const again = await t.http.post('/api/reports/analysis/views').set(bearer(admin)).send({ ...view, query: { ...view.query, chart: 'line' } }).expect(201);
    expect(again.body.id).toBe(saved.body.id);
    const list = await t.http.get('/api/reports/analysis/views').set(bearer(admin)).expect(200);
    expect(list.body).toHaveLength(1);
    expect(list.body[0].query.chart).toBe('line');
    expect((await t.http.get('/api/reports/analysis/views').set(bearer(bjManager)).expect(200)).body).toEqual([]);
    await t.http.delete(`/api/reports/analysis/views/${saved.body.id}`).set(bearer(bjManager)).expect(404);
    const bad = await t.http.post('/api/reports/analysis/views').set(bearer(admin)).send({ ...view, name: 'x', query: { ...view.query, measures: ['profit'] } }).expect(400);
    expect(bad.body.code).toBe(ErrorCode.ANALYSIS_UNKNOWN_MEASURE);
    await t.http.delete(`/api/reports/analysis/views/${saved.body.id}`).set(bearer(admin)).expect(204);
    expect((await t.http.get('/api/reports/analysis/views').set(bearer(admin)).expect(200)).body).toEqual([]);
  });

  it('bad input answers 4xx with a stable code', async () => {
    const base = { measures: 'sales', from, to: today };
    const code = async (path: string, q: Record<string, string>, status = 400) => (await get(admin, path, q).expect(status)).body.code;
    expect(await code('/api/reports/analysis', { ...base, measures: 'sales,profit' })).toBe(ErrorCode.ANALYSIS_UNKNOWN_MEASURE);
    expect(await code('/api/reports/analysis', { ...base, dimensions: 'month,colour' })).toBe(ErrorCode.ANALYSIS_UNKNOWN_DIMENSION);
    expect(await code('/api/reports/analysis', { ...base, dimensions: 'month,month' })).toBe(ErrorCode.ANALYSIS_UNKNOWN_DIMENSION);
    expect(await code('/api/reports/analysis', { ...base, dimensions: 'month,branch,dealer,product' })).toBe(ErrorCode.ANALYSIS_TOO_MANY_DIMENSIONS);
    expect(await code('/api/reports/analysis', { ...base, from: '2020-01-01' })).toBe(ErrorCode.ANALYSIS_PERIOD_TOO_LONG);
    expect(await code('/api/reports/analysis', { ...base, from: today, to: from })).toBe(ErrorCode.ANALYSIS_BAD_PERIOD);
    expect(await code('/api/reports/analysis', { ...base, from: '2026-02-30' })).toBe(ErrorCode.VALIDATION_FAILED);
    expect(await code('/api/reports/analysis', { ...base, compare: 'weekly' })).toBe(ErrorCode.VALIDATION_FAILED);
    expect(await code('/api/reports/analysis', { ...base, branchId: 'not-an-id' })).toBe(ErrorCode.VALIDATION_FAILED);
    expect(await code('/api/reports/analysis', { ...base, branchId: '00000000-0000-4000-8000-000000000000' }, 404)).toBe(ErrorCode.NOT_FOUND);
    expect(await code('/api/reports/analysis/documents', { ...base, cell: JSON.stringify({ month: '2026-13' }) })).toBe(ErrorCode.ANALYSIS_BAD_PERIOD);
    expect(await code('/api/reports/analysis/documents', { ...base, cell: JSON.stringify({ colour: 'red' }) })).toBe(ErrorCode.ANALYSIS_UNKNOWN_DIMENSION);
    expect(await code('/api/reports/analysis/documents', { ...base, cell: '{not json' })).toBe(ErrorCode.VALIDATION_FAILED);
    expect(await code('/api/reports/analysis/export', { ...base, measures: 'profit' })).toBe(ErrorCode.ANALYSIS_UNKNOWN_MEASURE);
    // a dealer's user holds no reports:view
    const dealer = await t.token('bj.dealer1');
    expect((await get(dealer, '/api/reports/analysis', base).expect(403)).body.code).toBe(ErrorCode.FORBIDDEN);
  });
});
