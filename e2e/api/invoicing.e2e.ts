import ExcelJS from 'exceljs';
import { creditCodeCheckChar, ErrorCode } from '@drp/shared';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/** A valid 统一社会信用代码 from 17 characters. */
const credit = (first17: string) => `${first17}${creditCodeCheckChar(first17)}`;
let serial = 0;
/** a fresh 20-digit 数电 number */
const elec = () => `2611${String(++serial).padStart(16, '0')}`;
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/**
 * Invoices (issue #13): shipments -> invoices (many shipments into one, one line split) ->
 * red-letter -> statuses; voiding; the audited edit; lookup by each kind of query; attachments;
 * supplementary entry through approval; the register import; tax ids at the edge; bad input (each
 * a 4xx with a stable code and nothing written); scope (another branch's or dealer's invoice is 404).
 * The file brings its own product (113.00 a case, 13 % VAT), warehouse and dealers in 北京分公司 and
 * 上海分公司; sales-order flows are disabled so its orders are approved at once.
 */
describe('invoices', () => {
  let t: TestApp;
  let admin: string;
  let fin: string; // bj.finance
  let shm: string; // sh.manager
  let P: string;
  let whId: string;
  let dealerId: string;
  let dealer2Id: string;
  let shDealerId: string;
  let shWh: string;
  const DEALER_TAX = credit('91110105MA01AB2C3');
  const HQ_TAX = '91350100M000100Y43';

  const get = (path: string, token = admin) => t.http.get(path).set(bearer(token));
  const post = (path: string, body: object = {}, token = admin) => t.http.post(path).set(bearer(token)).send(body);
  const invoiceCount = async () => Number((await t.sql<{ n: string }>('SELECT count(*) n FROM invoice'))[0].n);
  /** an order of `qty` x 113.00 for a dealer, shipped: the shipment and its line */
  const shipped = async (qty: string, dealer = dealerId, wh = whId) => {
    const order = (await post('/api/sales-orders', { dealerId: dealer, warehouseId: wh, lines: [{ productId: P, qty }], submit: true }).expect(201)).body;
    expect(order.status).toBe('APPROVED');
    const shipment = (await post('/api/shipments', { orderId: order.id }).expect(201)).body;
    const [line] = await t.sql<{ id: string }>('SELECT id FROM shipment_line WHERE shipment_id = $1', [shipment.id]);
    return { shipmentId: shipment.id as string, number: shipment.number as string, lineId: line.id };
  };
  const uninvoicedOf = async (lineId: string, dealer = dealerId) => {
    const res = (await get(`/api/invoices/uninvoiced?dealerId=${dealer}&pageSize=200`).expect(200)).body;
    return res.items.find((r: { shipmentLineId: string }) => r.shipmentLineId === lineId) as { uninvoicedQty: string; uninvoicedAmount: string; invoicedQty: string; returnedQty: string } | undefined;
  };
  const issue = (body: object, token = admin) => post('/api/invoices', { dealerId, type: '82', issueDate: today(), ...body }, token);
  const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

  beforeAll(async () => {
    t = await bootTestApp();
    [admin, fin, shm] = await Promise.all(['admin', 'bj.finance', 'sh.manager'].map((u) => t.token(u)));
    // order flows and the demo INVOICE-SUP flow are off: the supplementary tests bring their own flow
    await t.sql(`UPDATE approval_flow SET status = 'DISABLED'`);
    const cat = (await post('/api/categories', { code: 'INV-CAT', name: '发票测试' }).expect(201)).body.id;
    P = (await post('/api/products', { code: 'INV-P', name: '发票测试商品', categoryId: cat, baseUnit: '箱', basePrice: '113.0000', taxRate: '0.13' }).expect(201)).body.id;
    whId = (await post('/api/warehouses', { code: 'INV-WH', name: '发票测试仓', orgId: await t.orgId('BJ') }).expect(201)).body.id;
    shWh = (await post('/api/warehouses', { code: 'INV-WH-SH', name: '发票测试上海仓', orgId: await t.orgId('SH') }).expect(201)).body.id;
    await post('/api/stock-docs', { type: 'INBOUND', warehouseId: whId, lines: [{ productId: P, qty: '1000', unitCost: '5' }] }).expect(201);
    await post('/api/stock-docs', { type: 'INBOUND', warehouseId: shWh, lines: [{ productId: P, qty: '100', unitCost: '5' }] }).expect(201);
    dealerId = (await post('/api/orgs', { code: 'INV-D1', name: '发票测试经销商', type: 'DEALER', parentId: await t.orgId('BJ'), priceLevel: 1, taxId: DEALER_TAX }).expect(201)).body.id;
    dealer2Id = (await post('/api/orgs', { code: 'INV-D2', name: '无税号经销商', type: 'DEALER', parentId: await t.orgId('BJ'), priceLevel: 1 }).expect(201)).body.id;
    shDealerId = (await post('/api/orgs', { code: 'INV-SH', name: '上海发票经销商', type: 'DEALER', parentId: await t.orgId('SH'), priceLevel: 1, taxId: '91350213678251743X' }).expect(201)).body.id;
    for (const d of [dealerId, dealer2Id, shDealerId]) await t.http.put(`/api/credit/accounts/${d}`).set(bearer(admin)).send({ limit: '0', mode: 'NONE', creditDays: 30 }).expect(200);
    const hq = await t.orgId('HQ');
    const hqOrg = (await get(`/api/orgs/${hq}`).expect(200)).body;
    await t.http.patch(`/api/orgs/${hq}`).set(bearer(admin)).send({ taxId: HQ_TAX, version: hqOrg.version }).expect(200);
  });
  afterAll(() => t.close());

  describe('tax ids at the edge', () => {
    it('a dealer tax id with a wrong check character is 400 TAX_ID_INVALID naming the field, and nothing is written', async () => {
      const d = (await get(`/api/orgs/${dealer2Id}`).expect(200)).body;
      const res = await t.http.patch(`/api/orgs/${dealer2Id}`).set(bearer(admin)).send({ taxId: '91350100M000100Y44', version: d.version }).expect(400);
      expect(res.body).toMatchObject({ code: ErrorCode.TAX_ID_INVALID, details: { field: 'taxId', reason: 'CHECKSUM' } });
      const created = await post('/api/orgs', { code: 'INV-BAD', name: '坏税号', type: 'DEALER', parentId: await t.orgId('BJ'), taxId: '91350100M000100Y4Z' }).expect(400);
      expect(created.body).toMatchObject({ code: ErrorCode.TAX_ID_INVALID, details: { field: 'taxId' } });
      expect(await t.sql(`SELECT 1 FROM organization WHERE code = 'INV-BAD'`)).toHaveLength(0);
      expect((await get(`/api/orgs/${dealer2Id}`).expect(200)).body).toMatchObject({ taxId: null, version: d.version });
      expect((await get(`/api/orgs/${dealerId}`).expect(200)).body.taxId).toBe(DEALER_TAX);
    });

    it('dealers with a missing or invalid tax id are listed for HQ', async () => {
      await t.sql(`UPDATE organization SET tax_id = '91350100M000100Y44' WHERE code = 'INV-SH'`);
      const res = (await get('/api/invoices/tax-id-problems').expect(200)).body;
      expect(res.items).toEqual(expect.arrayContaining([
        expect.objectContaining({ dealerId: dealer2Id, problem: 'MISSING' }),
        expect.objectContaining({ dealerId: shDealerId, problem: 'INVALID', taxId: '91350100M000100Y44' }),
      ]));
      expect(res.items.find((i: { dealerId: string }) => i.dealerId === dealerId)).toBeUndefined();
      await t.sql(`UPDATE organization SET tax_id = '91350213678251743X' WHERE code = 'INV-SH'`);
    });

    it('an invoice to a dealer without a valid tax id is refused naming buyerTaxId', async () => {
      const s = await shipped('1', dealer2Id);
      const before = await invoiceCount();
      const res = await issue({ dealerId: dealer2Id, elecNumber: elec(), lines: [{ shipmentLineId: s.lineId, qty: '1' }] }).expect(400);
      expect(res.body).toMatchObject({ code: ErrorCode.TAX_ID_INVALID, details: { field: 'buyerTaxId', reason: 'MISSING' } });
      expect(await invoiceCount()).toBe(before);
    });
  });

  describe('shipments -> invoices -> red-letter', () => {
    let s1: Awaited<ReturnType<typeof shipped>>;
    let s2: Awaited<ReturnType<typeof shipped>>;
    let blueId: string;
    let blueNo: string;

    it('the uninvoiced list shows each shipment line with totals; a return reduces what is left', async () => {
      s1 = await shipped('10');
      s2 = await shipped('5');
      await post('/api/returns', { shipmentId: s2.shipmentId, reason: '破损', lines: [{ shipmentLineId: s2.lineId, qty: '1' }] }).expect(201);
      expect(await uninvoicedOf(s1.lineId)).toMatchObject({ uninvoicedQty: '10.000', uninvoicedAmount: '1130.00', invoicedQty: '0.000' });
      expect(await uninvoicedOf(s2.lineId)).toMatchObject({ returnedQty: '1.000', uninvoicedQty: '4.000', uninvoicedAmount: '452.00' });
      const list = (await get(`/api/invoices/uninvoiced?dealerId=${dealerId}&month=${today().slice(0, 7)}`).expect(200)).body;
      expect(list.totals).toEqual({ uninvoicedQty: '14.000', uninvoicedAmount: '1582.00' });
      expect(list.total).toBe(2);
    });

    it('one invoice from two shipments, one line split: priced from the lines, tax at the rate', async () => {
      blueNo = elec();
      const res = await issue({ elecNumber: blueNo, remark: '首批', lines: [{ shipmentLineId: s1.lineId, qty: '6' }, { shipmentLineId: s2.lineId, qty: '4' }] }).expect(201);
      const inv = res.body;
      blueId = inv.id;
      expect(inv).toMatchObject({
        type: '82', kind: 'BLUE', elecNumber: blueNo, status: 'NORMAL', source: 'ISSUED', buyerName: '发票测试经销商', buyerTaxId: DEALER_TAX, sellerTaxId: HQ_TAX,
        amount: '1000.00', tax: '130.00', total: '1130.00', dealerId, branchName: '北京分公司', redLeft: { amount: '1000.00', tax: '130.00', total: '1130.00' },
      });
      expect(inv.lines.map((l: { qty: string; total: string; shipmentNumber: string }) => [l.qty, l.total, l.shipmentNumber])).toEqual([['6.000', '678.00', s1.number], ['4.000', '452.00', s2.number]]);
      expect(await uninvoicedOf(s1.lineId)).toMatchObject({ invoicedQty: '6.000', uninvoicedQty: '4.000', uninvoicedAmount: '452.00' });
      expect(await uninvoicedOf(s2.lineId)).toBeUndefined();
      // the rest of s1 on a second invoice
      const second = (await issue({ elecNumber: elec(), lines: [{ shipmentLineId: s1.lineId, qty: '4' }] }).expect(201)).body;
      expect(second.total).toBe('452.00');
      expect(await uninvoicedOf(s1.lineId)).toBeUndefined();
      // receivables and statements show the invoice numbers of each shipment
      const recs = (await get(`/api/finance/receivables?dealerId=${dealerId}&pageSize=50`).expect(200)).body.items;
      const r1 = recs.find((r: { shipmentId: string }) => r.shipmentId === s1.shipmentId);
      expect(r1.invoiceNumbers).toEqual([blueNo, second.elecNumber].sort());
      const st = (await get(`/api/statements?dealerId=${dealerId}&from=${today().slice(0, 8)}01&to=${today()}`).expect(200)).body;
      const line = st.lines.find((l: { docId: string }) => l.docId === s2.shipmentId);
      expect(line.invoiceNumbers).toEqual([blueNo]);
    });

    it('more than a line has left, a bad number, a duplicate: each a 4xx with a stable code, nothing written', async () => {
      const s3 = await shipped('2');
      const before = await invoiceCount();
      const over = await issue({ elecNumber: elec(), lines: [{ shipmentLineId: s3.lineId, qty: '2.001' }] }).expect(409);
      expect(over.body).toMatchObject({ code: ErrorCode.INVOICE_QTY_EXCEEDS_UNINVOICED, details: { shipmentLineId: s3.lineId, left: '2.000', requested: '2.001' } });
      const split = await issue({ elecNumber: elec(), lines: [{ shipmentLineId: s3.lineId, qty: '1.5' }, { shipmentLineId: s3.lineId, qty: '1' }] }).expect(409);
      expect(split.body).toMatchObject({ code: ErrorCode.INVOICE_QTY_EXCEEDS_UNINVOICED, details: { left: '0.500' } });
      const short = await issue({ elecNumber: '2611123', lines: [{ shipmentLineId: s3.lineId, qty: '1' }] }).expect(400);
      expect(short.body).toMatchObject({ code: ErrorCode.INVOICE_NUMBER_INVALID, details: { field: 'elecNumber', type: '82' } });
      const paper = await issue({ type: '01', code: '044001900111', number: '12345678', lines: [{ shipmentLineId: s3.lineId, qty: '1' }] }).expect(400);
      expect(paper.body).toMatchObject({ code: ErrorCode.INVOICE_NUMBER_INVALID, details: { field: 'code', type: '01' } });
      const noNumber = await issue({ type: '04', code: '1100191130', lines: [{ shipmentLineId: s3.lineId, qty: '1' }] }).expect(400);
      expect(noNumber.body).toMatchObject({ code: ErrorCode.INVOICE_NUMBER_INVALID, details: { field: 'number' } });
      const dup = await issue({ elecNumber: blueNo, lines: [{ shipmentLineId: s3.lineId, qty: '1' }] }).expect(409);
      expect(dup.body).toMatchObject({ code: ErrorCode.INVOICE_DUPLICATE, details: { existingId: blueId, label: blueNo } });
      const other = await shipped('1', shDealerId, shWh);
      const foreign = await issue({ elecNumber: elec(), lines: [{ shipmentLineId: other.lineId, qty: '1' }] }).expect(400);
      expect(foreign.body).toMatchObject({ code: ErrorCode.VALIDATION_FAILED, details: { field: 'lines.0.shipmentLineId' } });
      expect(await invoiceCount()).toBe(before);
      expect(await uninvoicedOf(s3.lineId)).toMatchObject({ uninvoicedQty: '2.000' });
      // the database is the last line of defence: one number, one invoice; never deleted; signs by kind
      await expect(t.sql(`INSERT INTO invoice (type, kind, elec_number, issue_date, seller_name, buyer_name, scope_org_id, amount, tax, total, source) SELECT type, kind, elec_number, issue_date, seller_name, buyer_name, scope_org_id, amount, tax, total, source FROM invoice WHERE id = $1`, [blueId])).rejects.toThrow(/uq_invoice_elec_number/);
      await expect(t.sql('DELETE FROM invoice WHERE id = $1', [blueId])).rejects.toThrow(/never deleted/);
      await expect(t.sql(`UPDATE invoice SET amount = -amount, total = -total, tax = -tax WHERE id = $1`, [blueId])).rejects.toThrow(/ck_invoice_sign/);
    });

    it('a partial red: negative amounts, the blue RED_PARTIAL; more than is left is refused; the rest: RED_FULL', async () => {
      const blue = (await get(`/api/invoices/${blueId}`).expect(200)).body;
      const [, l2] = blue.lines;
      const redNo = elec();
      const red = (await post(`/api/invoices/${blueId}/red`, { elecNumber: redNo, issueDate: today(), reason: '02', confirmationNo: '44011200000000000001', full: false, lines: [{ invoiceLineId: l2.id, qty: '1', amount: '113.00' }] }).expect(201)).body;
      expect(red).toMatchObject({ kind: 'RED', amount: '-100.00', tax: '-13.00', total: '-113.00', status: 'NORMAL', redReason: '02', redConfirmationNo: '44011200000000000001', blue: { id: blueId, label: blueNo } });
      expect(red.remark).toContain(`被红冲蓝字数电票号码：${blueNo}`);
      const after = (await get(`/api/invoices/${blueId}`).expect(200)).body;
      expect(after).toMatchObject({ status: 'RED_PARTIAL', redLeft: { amount: '900.00', tax: '117.00', total: '1017.00' } });
      expect(after.reds).toEqual([expect.objectContaining({ id: red.id, total: '-113.00' })]);
      // the returned case is to invoice again
      expect(await uninvoicedOf(s2.lineId)).toMatchObject({ uninvoicedQty: '1.000', uninvoicedAmount: '113.00' });
      const before = await invoiceCount();
      const over = await post(`/api/invoices/${blueId}/red`, { elecNumber: elec(), issueDate: today(), reason: '04', confirmationNo: '44011200000000000002', full: false, lines: [{ invoiceLineId: l2.id, amount: '339.01' }] }).expect(409);
      expect(over.body).toMatchObject({ code: ErrorCode.INVOICE_RED_EXCEEDS_BLUE, details: { invoiceLineId: l2.id } });
      const ofRed = await post(`/api/invoices/${red.id}/red`, { elecNumber: elec(), issueDate: today(), reason: '01', confirmationNo: 'x', full: true }).expect(409);
      expect(ofRed.body.code).toBe(ErrorCode.INVOICE_NOT_BLUE);
      expect(await invoiceCount()).toBe(before);
      const full = (await post(`/api/invoices/${blueId}/red`, { elecNumber: elec(), issueDate: today(), reason: '01', confirmationNo: '44011200000000000003', full: true }).expect(201)).body;
      expect(full).toMatchObject({ amount: '-900.00', tax: '-117.00', total: '-1017.00' });
      expect((await get(`/api/invoices/${blueId}`).expect(200)).body).toMatchObject({ status: 'RED_FULL', redLeft: { amount: '0.00', tax: '0.00', total: '0.00' } });
      const again = await post(`/api/invoices/${blueId}/red`, { elecNumber: elec(), issueDate: today(), reason: '01', confirmationNo: 'y', full: true }).expect(409);
      expect(again.body).toMatchObject({ code: ErrorCode.INVALID_STATE, details: { status: 'RED_FULL' } });
      // every move audited
      const audit = await t.sql<{ action: string }>(`SELECT action FROM audit_log WHERE entity = 'invoice' AND entity_id = $1 ORDER BY created_at`, [blueId]);
      expect(audit.map((a) => a.action)).toEqual(['create', 'red', 'red']);
    });

    it('voiding: a digital invoice is 409 INVOICE_DIGITAL_NOT_VOIDABLE; a paper one of this month is VOIDED; last month 409', async () => {
      const s = await shipped('3');
      const digital = (await issue({ elecNumber: elec(), lines: [{ shipmentLineId: s.lineId, qty: '1' }] }).expect(201)).body;
      const refused = await post(`/api/invoices/${digital.id}/void`, { reason: '开错' }).expect(409);
      expect(refused.body.code).toBe(ErrorCode.INVOICE_DIGITAL_NOT_VOIDABLE);
      expect((await get(`/api/invoices/${digital.id}`).expect(200)).body.status).toBe('NORMAL');
      const paper = (await issue({ type: '04', code: '1100191130', number: '00001234', lines: [{ shipmentLineId: s.lineId, qty: '1' }] }).expect(201)).body;
      expect(paper).toMatchObject({ code: '1100191130', number: '00001234', label: '1100191130 00001234' });
      const voided = (await post(`/api/invoices/${paper.id}/void`, { reason: '抬头错误' }).expect(200)).body;
      expect(voided).toMatchObject({ status: 'VOIDED', voidReason: '抬头错误' });
      // a voided invoice gives its quantity back
      expect(await uninvoicedOf(s.lineId)).toMatchObject({ uninvoicedQty: '2.000' });
      const old = (await issue({ type: '01', code: '1100191130', number: '00001235', issueDate: '2020-01-15', lines: [{ shipmentLineId: s.lineId, qty: '1' }] }).expect(201)).body;
      const closed = await post(`/api/invoices/${old.id}/void`, { reason: '晚了' }).expect(409);
      expect(closed.body.code).toBe(ErrorCode.INVOICE_VOID_PERIOD_CLOSED);
    });

    it('an audited edit of non-key fields; a stale version is 409', async () => {
      const inv = (await get(`/api/invoices/${blueId}`).expect(200)).body;
      const edited = (await t.http.patch(`/api/invoices/${blueId}`).set(bearer(admin)).send({ remark: '已寄出', issuer: '李娜', version: inv.version }).expect(200)).body;
      expect(edited).toMatchObject({ remark: '已寄出', issuer: '李娜', version: inv.version + 1 });
      const stale = await t.http.patch(`/api/invoices/${blueId}`).set(bearer(admin)).send({ remark: 'x', version: inv.version }).expect(409);
      expect(stale.body.code).toBe(ErrorCode.STALE_VERSION);
      const keys = await t.http.patch(`/api/invoices/${blueId}`).set(bearer(admin)).send({ amount: '1.00', version: edited.version }).expect(400);
      expect(keys.body.code).toBe(ErrorCode.VALIDATION_FAILED);
      const [a] = await t.sql<{ before: { remark: string }; after: { remark: string } }>(`SELECT before, after FROM audit_log WHERE entity = 'invoice' AND entity_id = $1 AND action = 'update'`, [blueId]);
      expect(a.after.remark).toBe('已寄出');
    });

    it('attachments: a PDF is stored, downloaded (audited); another type is refused', async () => {
      const a = (await t.http.post(`/api/invoices/${blueId}/attachments`).set(bearer(admin)).attach('file', pdf, { filename: '发票.pdf', contentType: 'application/pdf' }).expect(201)).body;
      expect(a).toMatchObject({ fileName: '发票.pdf', contentType: 'application/pdf', size: pdf.length });
      const file = await get(`/api/invoices/${blueId}/attachments/${a.id}`).buffer(true).parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      }).expect(200);
      expect(Buffer.compare(file.body as Buffer, pdf)).toBe(0);
      expect(await t.sql(`SELECT 1 FROM audit_log WHERE entity = 'invoice' AND entity_id = $1 AND action = 'view_file'`, [blueId])).toHaveLength(1);
      await t.http.post(`/api/invoices/${blueId}/attachments`).set(bearer(admin)).attach('file', Buffer.from('MZ'), { filename: 'x.exe', contentType: 'application/x-msdownload' }).expect(400);
      expect((await get(`/api/invoices/${blueId}`).expect(200)).body.attachments).toHaveLength(1);
    });
  });

  describe('lookup', () => {
    it('one search box: a 20-digit number, an 8-digit number, a code + number in any spacing, a tax id, a name; filters', async () => {
      const s = await shipped('4');
      const e = elec();
      const d1 = (await issue({ elecNumber: e, lines: [{ shipmentLineId: s.lineId, qty: '1' }] }).expect(201)).body;
      const p1 = (await issue({ type: '10', code: '44001900111', number: '87654321', lines: [{ shipmentLineId: s.lineId, qty: '1' }] }).expect(201)).body;
      expect(p1.code).toBe('044001900111');
      const ids = async (q: string, extra = '') => (await get(`/api/invoices?q=${encodeURIComponent(q)}${extra}&pageSize=100`).expect(200)).body.items.map((i: { id: string }) => i.id);
      expect(await ids(e)).toEqual([d1.id]);
      expect(await ids('87654321')).toEqual([p1.id]);
      expect(await ids('044001900111 87654321')).toEqual([p1.id]);
      expect(await ids('  044001900111    87654321 ')).toEqual([p1.id]);
      expect(await ids('04400190011187654321')).toEqual([p1.id]);
      const byTax = await ids(DEALER_TAX.toLowerCase());
      expect(byTax).toEqual(expect.arrayContaining([d1.id, p1.id]));
      expect(await ids('发票测试经销')).toEqual(expect.arrayContaining([d1.id, p1.id]));
      expect(await ids('发票测试经销', `&type=10`)).toEqual([p1.id]);
      expect(await ids('发票测试经销', `&status=RED_FULL`)).toHaveLength(1);
      expect(await ids('发票测试经销', `&minTotal=113.00&maxTotal=113.00&kind=BLUE&from=${today()}&to=${today()}`)).toEqual(expect.arrayContaining([d1.id, p1.id]));
      expect(await ids(e, `&branchId=${await t.orgId('SH')}`)).toEqual([]);
      expect(await ids(e, `&branchId=${await t.orgId('BJ')}`)).toEqual([d1.id]);
      expect(await ids('没有这个名字')).toEqual([]);
      const xlsx = await get(`/api/invoices/export?q=${e}`).buffer(true).parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      }).expect(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.body as ArrayBuffer);
      expect(wb.worksheets[0].getRow(2).getCell(4).value).toBe(e);
      expect(wb.worksheets[0].getRow(2).getCell(12).value).toBe(113);
      expect(await t.sql(`SELECT 1 FROM audit_log WHERE entity = 'invoice' AND action = 'export'`)).toHaveLength(1);
    });

    it('scope: another branch sees 404, a branch finance user sees its dealers', async () => {
      const [inv] = await t.sql<{ id: string }>(`SELECT id FROM invoice WHERE dealer_id = $1 LIMIT 1`, [dealerId]);
      await get(`/api/invoices/${inv.id}`, shm).expect(404);
      expect((await get(`/api/invoices?dealerId=${dealerId}`, shm).expect(200)).body.total).toBe(0);
      await get(`/api/invoices/${inv.id}`, fin).expect(200);
      await post(`/api/invoices/${inv.id}/void`, { reason: 'x' }, shm).expect(403);
      // dealers only through the mall
      const dealerToken = await t.token('bj.dealer1');
      await get('/api/invoices', dealerToken).expect(403);
      await get(`/api/mall/invoices/${inv.id}`, dealerToken).expect(404);
    });
  });

  describe('the dealer in the mall', () => {
    it('lists, opens and flags its own invoices; HQ sees the flags', async () => {
      const dealer1 = await t.orgId('D-BJ001');
      await t.sql(`UPDATE organization SET tax_id = $2 WHERE id = $1`, [dealer1, credit('91110101MA00AA001')]);
      await t.http.put(`/api/credit/accounts/${dealer1}`).set(bearer(admin)).send({ limit: '0', mode: 'NONE', creditDays: 30 }).expect(200);
      const s = await shipped('1', dealer1);
      const inv = (await issue({ dealerId: dealer1, elecNumber: elec(), lines: [{ shipmentLineId: s.lineId, qty: '1' }] }).expect(201)).body;
      const a = (await t.http.post(`/api/invoices/${inv.id}/attachments`).set(bearer(admin)).attach('file', pdf, { filename: 'inv.pdf', contentType: 'application/pdf' }).expect(201)).body;
      const tok = await t.token('bj.dealer1');
      const mine = (await get('/api/mall/invoices?pageSize=100', tok).expect(200)).body;
      expect(mine.items.map((i: { id: string }) => i.id)).toContain(inv.id);
      expect(mine.items.every((i: { dealerId: string }) => i.dealerId === dealer1)).toBe(true);
      expect((await get(`/api/mall/invoices/${inv.id}`, tok).expect(200)).body).toMatchObject({ id: inv.id, total: '113.00', attachments: [expect.objectContaining({ id: a.id })] });
      await get(`/api/mall/invoices/${inv.id}/attachments/${a.id}`, tok).expect(200);
      const flagged = (await post(`/api/mall/invoices/${inv.id}/not-received`, { note: '没收到纸质件' }, tok).expect(200)).body;
      expect(flagged).toMatchObject({ notReceived: true, notReceivedNote: '没收到纸质件' });
      const list = (await get('/api/invoices/not-received').expect(200)).body;
      expect(list.items.map((i: { id: string }) => i.id)).toContain(inv.id);
      // another dealer's invoice is 404 in the mall
      const [other] = await t.sql<{ id: string }>(`SELECT id FROM invoice WHERE dealer_id = $1 LIMIT 1`, [dealerId]);
      await post(`/api/mall/invoices/${other.id}/not-received`, {}, tok).expect(404);
    });
  });

  describe('supplementary entry through approval', () => {
    let flowId: string;
    const data = (over: object = {}) => ({
      type: '81', elecNumber: elec(), issueDate: '2026-11-20', sellerName: '测试总部', sellerTaxId: HQ_TAX, buyerName: '发票测试经销商', buyerTaxId: DEALER_TAX,
      amount: '200.00', tax: '26.00', total: '226.00', reason: '纸质票在抽屉里找到', ...over,
    });
    const supplement = (d: object, token = fin, file: Buffer | null = pdf) => {
      const req = t.http.post('/api/invoices/supplementary').set(bearer(token)).field('data', JSON.stringify(d));
      return file ? req.attach('file', file, { filename: '补录.pdf', contentType: 'application/pdf' }) : req;
    };

    beforeAll(async () => {
      const flow = (await post('/api/approvals/flows', {
        code: 'INV-SUP-T', name: '发票补录审批', docType: 'INVOICE_SUPPLEMENT', orgId: await t.orgId('HQ'), onMissingApprover: 'ESCALATE_HQ_ADMIN',
        steps: [{ name: '总部审批', condition: null, approvers: [{ kind: 'ROLE', role: 'HQ_ADMIN', relativeTo: 'HQ' }], mode: 'ANY' }],
      }).expect(201)).body;
      flowId = flow.id;
    });

    it('waits for approval with a BL tracking number; appears in the register only when approved', async () => {
      const d = data();
      const res = (await supplement(d).expect(201)).body;
      expect(res).toMatchObject({ status: 'PENDING_APPROVAL', dealerId, total: '226.00' });
      expect(res.trackingNumber).toMatch(/^BL\d{8}-\d{4}$/);
      expect((await get(`/api/invoices?q=${d.elecNumber}`).expect(200)).body.total).toBe(0);
      const again = await supplement(d).expect(409);
      expect(again.body).toMatchObject({ code: ErrorCode.INVOICE_DUPLICATE, details: { existingId: res.id, trackingNumber: res.trackingNumber } });
      const [task] = (await get('/api/approvals/tasks?box=todo&pageSize=200').expect(200)).body.items.filter((x: { docId: string }) => x.docId === res.id);
      expect(task).toMatchObject({ docType: 'INVOICE_SUPPLEMENT', docNumber: res.trackingNumber });
      await post(`/api/approvals/tasks/${task.id}/approve`, {}).expect(200);
      const approved = (await get(`/api/invoices/supplementary/${res.id}`).expect(200)).body;
      expect(approved.status).toBe('APPROVED');
      const inv = (await get(`/api/invoices/${approved.invoiceId}`).expect(200)).body;
      expect(inv).toMatchObject({ source: 'SUPPLEMENTARY', elecNumber: d.elecNumber, total: '226.00', status: 'NORMAL', attachments: [expect.objectContaining({ fileName: '补录.pdf' })] });
      expect((await get(`/api/invoices/supplementary?status=APPROVED`).expect(200)).body.items.map((i: { id: string }) => i.id)).toContain(res.id);
    });

    it('a rejected entry never enters the register', async () => {
      const d = data();
      const res = (await supplement(d).expect(201)).body;
      const [task] = (await get('/api/approvals/tasks?box=todo&pageSize=200').expect(200)).body.items.filter((x: { docId: string }) => x.docId === res.id);
      await post(`/api/approvals/tasks/${task.id}/reject`, { reason: '票面不清' }).expect(200);
      expect((await get(`/api/invoices/supplementary/${res.id}`).expect(200)).body).toMatchObject({ status: 'REJECTED', rejectedReason: '票面不清', invoiceId: null });
      expect((await get(`/api/invoices?q=${d.elecNumber}`).expect(200)).body.total).toBe(0);
    });

    it('bad input: a bad tax id, a bad number, a duplicate of a registered invoice, no file: 4xx, nothing written', async () => {
      const before = Number((await t.sql<{ n: string }>('SELECT count(*) n FROM invoice_supplement'))[0].n);
      expect((await supplement(data({ buyerTaxId: '91350100M000100Y44' })).expect(400)).body).toMatchObject({ code: ErrorCode.TAX_ID_INVALID, details: { field: 'buyerTaxId' } });
      expect((await supplement(data({ sellerTaxId: 'abc' })).expect(400)).body).toMatchObject({ code: ErrorCode.TAX_ID_INVALID, details: { field: 'sellerTaxId' } });
      expect((await supplement(data({ elecNumber: '123' })).expect(400)).body).toMatchObject({ code: ErrorCode.INVOICE_NUMBER_INVALID, details: { field: 'elecNumber' } });
      const [reg] = await t.sql<{ id: string; elec_number: string }>(`SELECT id, elec_number FROM invoice WHERE source = 'ISSUED' AND elec_number IS NOT NULL LIMIT 1`);
      expect((await supplement(data({ elecNumber: reg.elec_number })).expect(409)).body).toMatchObject({ code: ErrorCode.INVOICE_DUPLICATE, details: { existingId: reg.id, label: reg.elec_number } });
      expect((await supplement(data(), fin, null).expect(400)).body).toMatchObject({ code: ErrorCode.VALIDATION_FAILED, details: { field: 'file' } });
      expect((await supplement(data({ total: '1.00' })).expect(400)).body).toMatchObject({ code: ErrorCode.VALIDATION_FAILED, details: { field: 'total' } });
      expect((await t.http.post('/api/invoices/supplementary').set(bearer(fin)).field('data', '{nope').attach('file', pdf, 'a.pdf').expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect(Number((await t.sql<{ n: string }>('SELECT count(*) n FROM invoice_supplement'))[0].n)).toBe(before);
    });

    it('without an applicable flow an entry is approved at once', async () => {
      await post(`/api/approvals/flows/${flowId}/disable`, {}).expect(200);
      const res = (await supplement(data()).expect(201)).body;
      expect(res.status).toBe('APPROVED');
      expect(res.invoiceId).toBeTruthy();
    });
  });

  describe('register import (台账导入)', () => {
    const HEAD = ['序号', '发票代码', '发票号码', '数电发票号码', '销方识别号', '销方名称', '购方识别号', '购买方名称', '开票日期', '金额', '税额', '价税合计', '发票来源', '发票票种', '发票状态', '是否正数发票', '发票风险等级', '开票人', '备注'];
    const book = async (rows: (string | number | Date | null)[][]) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('发票基础信息');
      ws.addRow(['发票基础信息']);
      ws.mergeCells(1, 1, 1, HEAD.length);
      ws.addRow(HEAD);
      rows.forEach((r) => ws.addRow(r));
      ws.addRow([]);
      ws.addRow(['合计', null, null, null, null, null, null, null, null, 1, 1, 2]);
      return Buffer.from(await wb.xlsx.writeBuffer());
    };
    const upload = (data: Buffer) => t.http.post('/api/invoices/import').set(bearer(admin)).attach('file', data, { filename: '台账.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    const E1 = '26110000000000999001';
    const E2 = '26110000000000999002';
    const rows = () => [
      [1, null, null, E1, HQ_TAX, '测试总部', DEALER_TAX, '发票测试经销商', new Date(Date.UTC(2026, 9, 8)), 1000, 130, 1130, '电子发票服务平台', '数电发票（增值税专用发票）', '正常', '是', '正常', '张三', null],
      [2, 44001900111, 123, null, HQ_TAX, '测试总部', '91350100M000100Y44', '外部客户', '2026-10-09', 50, 6.5, 56.5, '增值税发票管理系统', '增值税电子普通发票', '正常', '是', '正常', '张三', null],
      [3, null, null, E2, HQ_TAX, '测试总部', DEALER_TAX, '发票测试经销商', new Date(Date.UTC(2026, 9, 10)), -100, -13, -113, '电子发票服务平台', '数电发票（增值税专用发票）', '正常', '否', '正常', '张三', `被红冲蓝字数电票号码：${E1} 红字发票信息确认单编号：44011200000000000009`],
    ];

    it('bad rows: 400 with every problem by row and column; nothing imported', async () => {
      const bad = rows();
      bad[0][9] = 'abc';
      bad[1][2] = 123456789;
      bad.push([4, null, null, E1, HQ_TAX, '测试总部', DEALER_TAX, '发票测试经销商', 'not a date', 1, 0, 1, '', '数电发票（普通发票）', '正常', '是', '', '', null]);
      const res = await upload(await book(bad)).expect(400);
      expect(res.body.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect(res.body.details.problems).toEqual(expect.arrayContaining([
        { row: 3, column: '金额', code: 'AMOUNT_INVALID' },
        { row: 4, column: '发票号码', code: 'NUMBER_INVALID' },
        { row: 6, column: '开票日期', code: 'DATE_INVALID' },
      ]));
      expect(await t.sql(`SELECT 1 FROM invoice WHERE elec_number = $1`, [E1])).toHaveLength(0);
      const missing = await t.http.post('/api/invoices/import').set(bearer(admin)).attach('file', Buffer.from('not xlsx'), '台账.xlsx').expect(400);
      expect(missing.body.code).toBe(ErrorCode.UNSUPPORTED_FILE);
    });

    it('imports all rows: IMPORTED, buyers linked by tax id, bad tax ids flagged, the red linked to its blue; a second import is refused', async () => {
      const res = (await upload(await book(rows())).expect(200)).body;
      expect(res).toEqual({ imported: 3, linkedToDealers: 2, invalidTaxIds: 1 });
      const got = await t.sql<{ elec_number: string | null; code: string | null; number: string | null; source: string; dealer_id: string | null; invalid_tax_id: boolean; kind: string; blue: string | null; total: string }>(
        `SELECT i.elec_number, i.code, i.number, i.source, i.dealer_id, i.invalid_tax_id, i.kind, b.elec_number blue, i.total::text FROM invoice i LEFT JOIN invoice b ON b.id = i.blue_id
          WHERE i.elec_number IN ($1, $2) OR i.number = '00000123' ORDER BY i.created_at, i.elec_number`,
        [E1, E2],
      );
      expect(got).toEqual(expect.arrayContaining([
        expect.objectContaining({ elec_number: E1, source: 'IMPORTED', dealer_id: dealerId, invalid_tax_id: false, kind: 'BLUE', total: '1130.00' }),
        expect.objectContaining({ code: '044001900111', number: '00000123', dealer_id: null, invalid_tax_id: true }),
        expect.objectContaining({ elec_number: E2, kind: 'RED', blue: E1, total: '-113.00' }),
      ]));
      const dup = await upload(await book(rows())).expect(400);
      expect(dup.body.details.problems).toEqual(expect.arrayContaining([{ row: 3, column: '数电发票号码', code: 'DUPLICATE_EXISTING' }]));
    });
  });
});
