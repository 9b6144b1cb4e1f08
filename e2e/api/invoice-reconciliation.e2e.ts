import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { ErrorCode, RECON_CATEGORIES } from '@drp/shared';
import { RequestContext } from '../../server/src/common/context/request-context';
import { ReconciliationService } from '../../server/src/modules/invoicing/reconciliation.service';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

const HEAD = ['序号', '发票代码', '发票号码', '数电发票号码', '销方识别号', '销方名称', '购方识别号', '购买方名称', '开票日期', '金额', '税额', '价税合计', '发票来源', '发票票种', '发票状态', '是否正数发票', '发票风险等级', '开票人', '备注'];
const LINE_HEAD = ['序号', '发票代码', '发票号码', '数电发票号码', '销方识别号', '销方名称', '购方识别号', '购买方名称', '开票日期', '税收分类编码', '特定业务类型', '货物或应税劳务名称', '规格型号', '单位', '数量', '单价', '金额', '税率', '税额', '价税合计'];
const SELLER = '91350100M000100Y43';
const BUYER = '91350213678251743X';
const E = (n: number) => `2511${String(n).padStart(16, '0')}`;
const d = (day: number) => new Date(Date.UTC(2025, 2, day));

type Row = { code?: number | null; number?: number | null; elec?: string | null; date: Date; amount: number; tax: number; total: number; type?: string; status?: string; positive?: string; buyerTaxId?: string; remark?: string };

/**
 * The tax platform's 全量发票查询 workbook as the platform writes it (another writer than the
 * server's: numeric cells for codes, numbers and amounts, dates as dates, a merged title row, a
 * totals row with formulas, blank rows, the 信息汇总表 line sheet beside it).
 */
async function platformWorkbook(rows: Row[], opts: { drop?: string[] } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '国家税务总局全国统一规范电子税务局';
  const head = HEAD.filter((h) => !opts.drop?.includes(h));
  const ws = wb.addWorksheet('发票基础信息');
  ws.addRow(['全量发票查询导出结果（开票日期：2025-03-01 至 2025-03-31）']);
  ws.mergeCells(1, 1, 1, head.length);
  ws.addRow(head);
  rows.forEach((r, i) => {
    const byHead: Record<string, unknown> = {
      序号: i + 1, 发票代码: r.code ?? null, 发票号码: r.number ?? null, 数电发票号码: r.elec ?? null, 销方识别号: SELLER, 销方名称: '测试总部有限公司', 购方识别号: r.buyerTaxId ?? BUYER,
      购买方名称: '厦门对账客户有限公司', 开票日期: r.date, 金额: r.amount, 税额: r.tax, 价税合计: r.total, 发票来源: '电子发票服务平台',
      发票票种: r.type ?? '数电发票（增值税专用发票）', 发票状态: r.status ?? '正常', 是否正数发票: r.positive ?? '是', 发票风险等级: '正常', 开票人: '王会计', 备注: r.remark ?? null,
    };
    const row = ws.addRow(head.map((h) => byHead[h]));
    row.getCell(head.indexOf('开票日期') + 1).numFmt = 'yyyy-mm-dd hh:mm:ss';
    if (i === 3) ws.addRow([]); // a blank row in the middle
  });
  ws.addRow([]);
  const last = ws.rowCount;
  const col = (h: string) => String.fromCharCode(64 + head.indexOf(h) + 1);
  const totals = ws.addRow(head.map((h) => (h === '序号' ? '合计' : null)));
  for (const h of ['金额', '税额', '价税合计']) {
    if (head.includes(h)) totals.getCell(head.indexOf(h) + 1).value = { formula: `SUM(${col(h)}3:${col(h)}${last})`, result: rows.reduce((a, r) => a + (r[h === '金额' ? 'amount' : h === '税额' ? 'tax' : 'total'] as number), 0) };
  }
  const lines = wb.addWorksheet('信息汇总表');
  lines.addRow(['全量发票查询-明细']);
  lines.mergeCells(1, 1, 1, LINE_HEAD.length);
  lines.addRow(LINE_HEAD);
  rows.forEach((r, i) => lines.addRow([i + 1, r.code ?? null, r.number ?? null, r.elec ?? null, SELLER, '测试总部有限公司', BUYER, '厦门对账客户有限公司', r.date, '1030204000000000000', null, '*饮料*矿泉水', '550ml', '箱', 10, r.amount / 10, r.amount, 0.13, r.tax, r.total]));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * Reconciliation of the platform export against the register (ARCHITECTURE §7): every category
 * present with exact counts; which a row can have at once (DUPLICATE alone; MATCHED only without a
 * problem; INVALID_TAX_ID beside the match result); MISSING_ON_PLATFORM limited to the file's date
 * range; codes that lost their leading zeros still match; the finding actions; runs kept, compared
 * and exported; a rejected file leaves no partial run.
 */
describe('invoice reconciliation', () => {
  let t: TestApp;
  let admin: string;
  let hq: string;
  const ids: Record<string, string> = {};
  const post = (path: string, body: object = {}, token = admin) => t.http.post(path).set(bearer(token)).send(body);
  const get = (path: string, token = admin) => t.http.get(path).set(bearer(token));
  const upload = (data: Buffer, name = '全量发票查询.xlsx', token = admin) =>
    t.http.post('/api/invoice-reconciliations').set(bearer(token)).attach('file', data, { filename: name, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  const runCount = async () => Number((await t.sql<{ n: string }>('SELECT count(*) n FROM invoice_recon_run'))[0].n);
  const system = async (key: string, v: { elec?: string; code?: string; number?: string; type?: string; kind?: string; date: string; amount: string; tax: string; total: string; status?: string; blue?: string }) => {
    const [row] = await t.sql<{ id: string }>(
      `INSERT INTO invoice (type, kind, elec_number, code, number, issue_date, seller_name, seller_tax_id, buyer_name, buyer_tax_id, scope_org_id, amount, tax, total, status, source, blue_id)
       VALUES ($1, $2, $3, $4, $5, $6, '测试总部有限公司', $7, '厦门对账客户有限公司', $8, $9, $10, $11, $12, $13, 'ISSUED', $14) RETURNING id`,
      [v.type ?? '81', v.kind ?? 'BLUE', v.elec ?? null, v.code ?? null, v.number ?? null, v.date, SELLER, BUYER, hq, v.amount, v.tax, v.total, v.status ?? 'NORMAL', v.blue ? ids[v.blue] : null],
    );
    ids[key] = row.id;
  };
  /** the platform rows: see the expected categories beside each */
  const rows = (): Row[] => [
    { elec: E(1), date: d(2), amount: 1000, tax: 130, total: 1130, status: '已红冲-部分' }, // MATCHED
    { elec: E(2), date: d(3), amount: 500, tax: 66, total: 566 }, // AMOUNT_MISMATCH (system tax 65.00)
    { elec: E(3), date: d(4), amount: 200, tax: 26, total: 226, status: '已红冲-全额' }, // STATUS_MISMATCH (system NORMAL)
    { code: 44001900111, number: 123, date: d(5), amount: 100, tax: 13, total: 113, type: '增值税电子普通发票' }, // MATCHED although the code and number lost their zeros
    { elec: E(7), date: d(6), amount: 400, tax: 52, total: 452 }, // MISSING_IN_SYSTEM
    { elec: E(1), date: d(2), amount: 1000, tax: 130, total: 1130, status: '已红冲-部分' }, // DUPLICATE
    { elec: E(9), date: d(8), amount: 10, tax: 1.3, total: 11.3, buyerTaxId: '91350100M000100Y44' }, // MATCHED + INVALID_TAX_ID
    { elec: E(10), date: d(9), amount: -100, tax: -13, total: -113, positive: '否', remark: `被红冲蓝字数电票号码：${E(99)} 红字发票信息确认单编号：44011200000000000010` }, // RED_WITHOUT_BLUE
    { elec: E(11), date: d(28), amount: -100, tax: -13, total: -113, positive: '否', remark: `被红冲蓝字数电票号码：${E(1)} 红字发票信息确认单编号：44011200000000000011` }, // MATCHED (its blue is known)
  ];

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
    hq = await t.orgId('HQ');
    // supplementary entries are approved at once here (their approval has its own test)
    await t.sql(`UPDATE approval_flow SET status = 'DISABLED' WHERE doc_type = 'INVOICE_SUPPLEMENT'`);
    await system('S1', { elec: E(1), date: '2025-03-02', amount: '1000.00', tax: '130.00', total: '1130.00', status: 'RED_PARTIAL' });
    await system('S2', { elec: E(2), date: '2025-03-03', amount: '500.00', tax: '65.00', total: '565.00' });
    await system('S3', { elec: E(3), date: '2025-03-04', amount: '200.00', tax: '26.00', total: '226.00' });
    await system('S4', { type: '10', code: '044001900111', number: '00000123', date: '2025-03-05', amount: '100.00', tax: '13.00', total: '113.00' });
    await system('S5', { elec: E(5), date: '2025-03-15', amount: '300.00', tax: '39.00', total: '339.00' }); // MISSING_ON_PLATFORM
    await system('S6', { elec: E(6), date: '2025-04-15', amount: '300.00', tax: '39.00', total: '339.00' }); // outside the file's dates: not reported
    await system('S9', { elec: E(9), date: '2025-03-08', amount: '10.00', tax: '1.30', total: '11.30' });
    await system('S10', { elec: E(10), kind: 'RED', date: '2025-03-09', amount: '-100.00', tax: '-13.00', total: '-113.00' });
    await system('S11', { elec: E(11), kind: 'RED', date: '2025-03-28', amount: '-100.00', tax: '-13.00', total: '-113.00', blue: 'S1' });
  });
  afterAll(() => t.close());

  let runId: string;

  it('a workbook that is not the platform export: 400 naming the missing columns, no run', async () => {
    const before = await runCount();
    const res = await upload(await platformWorkbook(rows(), { drop: ['价税合计', '发票状态'] })).expect(400);
    expect(res.body).toMatchObject({ code: ErrorCode.PLATFORM_EXPORT_COLUMNS_MISSING, details: { missing: ['价税合计', '发票状态'] } });
    await upload(Buffer.from('PK not really a zip')).expect(400);
    expect((await upload(Buffer.from('hello')).expect(400)).body.code).toBe(ErrorCode.UNSUPPORTED_FILE);
    expect((await t.http.post('/api/invoice-reconciliations').set(bearer(admin)).expect(400)).body.code).toBe(ErrorCode.UNSUPPORTED_FILE);
    expect(await runCount()).toBe(before);
  });

  it('a bad row rejects the whole file with its row and column, leaving no partial run', async () => {
    const before = await runCount();
    const bad = rows();
    bad[4] = { ...bad[4], total: 999 };
    const res = await upload(await platformWorkbook(bad)).expect(400);
    // title row 1, header row 2, a blank row after the 4th invoice: the 5th invoice is on row 8
    expect(res.body).toMatchObject({ code: ErrorCode.VALIDATION_FAILED, details: { field: 'file', problems: [{ row: 8, column: '价税合计', code: 'TOTAL_MISMATCH' }] } });
    expect(await runCount()).toBe(before);
    expect(await t.sql('SELECT 1 FROM invoice_recon_finding')).toHaveLength(0);
  });

  it('reconciles: every category with exact counts', async () => {
    const run = (await upload(await platformWorkbook(rows())).expect(201)).body;
    runId = run.id;
    expect(run).toMatchObject({ fileName: '全量发票查询.xlsx', platformRows: 9, dateFrom: '2025-03-02', dateTo: '2025-03-28', createdByName: expect.any(String) });
    expect(run.counts).toEqual({ MATCHED: 4, MISSING_IN_SYSTEM: 1, MISSING_ON_PLATFORM: 1, AMOUNT_MISMATCH: 1, STATUS_MISMATCH: 1, DUPLICATE: 1, INVALID_TAX_ID: 1, RED_WITHOUT_BLUE: 1 });
    const all = (await get(`/api/invoice-reconciliations/${runId}/findings?pageSize=100`).expect(200)).body;
    const keyed = all.items.map((f: { category: string; label: string; platform: { row: number } | null }) => `${f.category} ${f.label} ${f.platform?.row ?? '-'}`).sort();
    expect(keyed).toEqual([
      `AMOUNT_MISMATCH ${E(2)} 4`,
      `DUPLICATE ${E(1)} 9`,
      `INVALID_TAX_ID ${E(9)} 10`,
      `MATCHED ${E(11)} 12`,
      `MATCHED ${E(1)} 3`,
      `MATCHED ${E(9)} 10`,
      `MATCHED 044001900111 00000123 6`,
      `MISSING_IN_SYSTEM ${E(7)} 8`,
      `MISSING_ON_PLATFORM ${E(5)} -`,
      `RED_WITHOUT_BLUE ${E(10)} 11`,
      `STATUS_MISMATCH ${E(3)} 5`,
    ].sort());
    const amount = (await get(`/api/invoice-reconciliations/${runId}/findings?category=AMOUNT_MISMATCH`).expect(200)).body.items[0];
    expect(amount).toMatchObject({ platform: { amount: '500.00', tax: '66.00', total: '566.00', issueDate: '2025-03-03' }, system: { invoiceId: ids.S2, tax: '65.00', total: '565.00' }, resolution: null });
    const missing = (await get(`/api/invoice-reconciliations/${runId}/findings?category=MISSING_ON_PLATFORM`).expect(200)).body.items[0];
    expect(missing).toMatchObject({ platform: null, system: { invoiceId: ids.S5 } });
    const byName = (await get(`/api/invoice-reconciliations/${runId}/findings?q=${E(7)}`).expect(200)).body;
    expect(byName.items.map((f: { category: string }) => f.category)).toEqual(['MISSING_IN_SYSTEM']);
    expect((await get('/api/invoice-reconciliations').expect(200)).body.items[0]).toMatchObject({ id: runId, openFindings: 7 });
    expect(await t.sql(`SELECT 1 FROM audit_log WHERE entity = 'invoice_recon_run' AND action = 'reconcile' AND entity_id = $1`, [runId])).toHaveLength(1);
  });

  it('finding actions: explain, correct the status from the platform, a supplementary entry prefilled', async () => {
    const find = async (category: string) => (await get(`/api/invoice-reconciliations/${runId}/findings?category=${category}`).expect(200)).body.items[0];
    const dup = await find('DUPLICATE');
    const explained = (await post(`/api/invoice-reconciliations/${runId}/findings/${dup.id}/explain`, { note: '平台导出重复' }).expect(200)).body;
    expect(explained.resolution).toMatchObject({ kind: 'EXPLAINED', note: '平台导出重复', byName: expect.any(String) });
    expect((await post(`/api/invoice-reconciliations/${runId}/findings/${dup.id}/explain`, { note: 'again' }).expect(409)).body.code).toBe(ErrorCode.INVALID_STATE);
    expect((await post(`/api/invoice-reconciliations/${runId}/findings/${(await find('AMOUNT_MISMATCH')).id}/correct-status`).expect(409)).body.code).toBe(ErrorCode.INVALID_STATE);

    const status = await find('STATUS_MISMATCH');
    const corrected = (await post(`/api/invoice-reconciliations/${runId}/findings/${status.id}/correct-status`).expect(200)).body;
    expect(corrected.resolution).toMatchObject({ kind: 'STATUS_CORRECTED' });
    expect((await get(`/api/invoices/${ids.S3}`).expect(200)).body.status).toBe('RED_FULL');

    const miss = await find('MISSING_IN_SYSTEM');
    const prefill = (await get(`/api/invoice-reconciliations/${runId}/findings/${miss.id}/prefill`).expect(200)).body;
    expect(prefill).toMatchObject({ type: '81', elecNumber: E(7), issueDate: '2025-03-06', sellerTaxId: SELLER, buyerTaxId: BUYER, amount: '400.00', tax: '52.00', total: '452.00', kind: 'BLUE', findingId: miss.id });
    const { kind: _k, status: _s, remark: _r, code: _c, number: _n, ...data } = prefill;
    const entry = (await t.http.post('/api/invoices/supplementary').set(bearer(admin)).field('data', JSON.stringify(data)).attach('file', Buffer.from('%PDF-1.4\n%%EOF'), { filename: 'p.pdf', contentType: 'application/pdf' }).expect(201)).body;
    const after = (await get(`/api/invoice-reconciliations/${runId}/findings/${miss.id}`).expect(200)).body;
    expect(after.resolution).toMatchObject({ kind: 'SUPPLEMENTED', trackingNumber: entry.trackingNumber });
    expect((await get(`/api/invoice-reconciliations/${runId}`).expect(200)).body.openFindings).toBe(4);

    // a buyer tax id that fails its check is refused when typed, but kept from the platform's row (the invoice exists whatever it says)
    const invalid = await find('INVALID_TAX_ID');
    const fromPlatform = (await get(`/api/invoice-reconciliations/${runId}/findings/${invalid.id}/prefill`).expect(200)).body;
    const { kind: _k2, status: _s2, remark: _r2, code: _c2, number: _n2, ...data2 } = fromPlatform;
    const typed = await t.http.post('/api/invoices/supplementary').set(bearer(admin)).field('data', JSON.stringify({ ...data2, findingId: undefined })).attach('file', Buffer.from('%PDF-1.4\n%%EOF'), { filename: 'p.pdf', contentType: 'application/pdf' }).expect(400);
    expect(typed.body.code).toBe(ErrorCode.TAX_ID_INVALID);
    const kept = await t.http.post('/api/invoices/supplementary').set(bearer(admin)).field('data', JSON.stringify(data2)).attach('file', Buffer.from('%PDF-1.4\n%%EOF'), { filename: 'p.pdf', contentType: 'application/pdf' });
    // past the tax id: the invoice itself is registered already (it matched), so the duplicate rule answers
    expect({ status: kept.status, code: kept.body.code }).toEqual({ status: 409, code: ErrorCode.INVOICE_DUPLICATE });
  });

  it('runs are kept, compared and exported', async () => {
    const second = (await upload(await platformWorkbook(rows()), '全量发票查询-复核.xlsx').expect(201)).body;
    // the status was corrected and the missing invoice supplemented (approved at once: no flow applies)
    expect(second.counts).toMatchObject({ STATUS_MISMATCH: 0, MISSING_IN_SYSTEM: 0, MATCHED: 6 });
    const cmp = (await get(`/api/invoice-reconciliations/compare?a=${runId}&b=${second.id}`).expect(200)).body;
    expect(cmp.counts.find((c: { category: string }) => c.category === 'STATUS_MISMATCH')).toEqual({ category: 'STATUS_MISMATCH', a: 1, b: 0, diff: -1 });
    expect(cmp.counts.map((c: { category: string }) => c.category)).toEqual(RECON_CATEGORIES);
    const list = (await get('/api/invoice-reconciliations').expect(200)).body;
    expect(list.items.map((r: { id: string }) => r.id)).toEqual([second.id, runId]);
    const file = await get(`/api/invoice-reconciliations/${runId}/export`).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.body as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '对账明细']);
    expect(wb.getWorksheet('对账明细')!.rowCount).toBe(1 + 11);
    expect(await t.sql(`SELECT 1 FROM audit_log WHERE entity = 'invoice_recon_run' AND action = 'export'`)).toHaveLength(1);
  });

  it('permissions and scope: a branch manager cannot reconcile; the month-end reminder tells who can', async () => {
    const mgr = await t.token('bj.manager');
    await upload(await platformWorkbook(rows()), 'x.xlsx', mgr).expect(403);
    await get(`/api/invoice-reconciliations/${runId}`, mgr).expect(403);
    const svc = t.app.get(ReconciliationService);
    expect(await svc.monthEndReminder(RequestContext.system(), false).then((r) => r.notified >= 0)).toBe(true);
    const { notified } = await svc.monthEndReminder(RequestContext.system(), true);
    expect(notified).toBeGreaterThan(0);
    const [n] = await t.sql<{ message: { key: string; params: Record<string, string> }; title: string }>(
      `SELECT n.message, n.title FROM notification n JOIN app_user u ON u.id = n.user_id WHERE u.username = 'admin' AND n.kind = 'INVOICE_REMINDER'`,
    );
    expect(n.message).toMatchObject({ key: 'invoiceReminder', params: { openFindings: '5' } });
    expect(n.title).toContain('月末发票对账提醒');
  });

  it('a file over the size limit is 413 PAYLOAD_TOO_LARGE', async () => {
    const big = Buffer.alloc(11 * 1024 * 1024, 1);
    const res = await t.http.post(`/api/invoices/${ids.S1}/attachments`).set(bearer(admin)).attach('file', big, { filename: 'big.pdf', contentType: 'application/pdf' }).expect(413);
    expect(res.body.code).toBe(ErrorCode.PAYLOAD_TOO_LARGE);
  });

  it('the sample export in the repo (scripts/make-platform-export.mjs) shows one finding of every category against the demo data', async () => {
    const sample = readFileSync(path.join(__dirname, '../fixtures/platform-export-sample.xlsx'));
    const run = (await upload(sample, 'platform-export-sample.xlsx').expect(201)).body;
    expect(run).toMatchObject({ platformRows: 6, dateFrom: '2026-06-03', dateTo: '2026-06-20' });
    expect(run.counts).toEqual(Object.fromEntries(RECON_CATEGORIES.map((c) => [c, 1])));
    const items = (await get(`/api/invoice-reconciliations/${run.id}/findings?pageSize=50`).expect(200)).body.items;
    expect(items.find((f: { category: string }) => f.category === 'MATCHED')).toMatchObject({ code: '011001900211', number: '00012345' });
    expect(items.find((f: { category: string }) => f.category === 'MISSING_ON_PLATFORM')).toMatchObject({ elecNumber: '26112000000000900004' });
  });
});
