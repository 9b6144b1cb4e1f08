import { ErrorCode, ImportProblem } from '@drp/shared';
import { addDays, businessDate } from '../../server/src/database/business-date';
import { JobsService } from '../../server/src/modules/jobs/jobs.service';
import { REPORT_REMINDER_JOB } from '../../server/src/modules/visits/dealer-report-overdue.service';
import { bearer, bootTestApp, TestApp } from '../support/test-app';
import { binary, makeXlsx, readXlsx, XlsxValue } from '../support/xlsx';

const HEADER = ['经销商编码', '日期', '商品编码', '商品名称', '单位', '期末库存', '销量', '进货量'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Issue #14 leftovers: dealers' stock and sales reports uploaded from Excel (all or nothing, every problem
 * by row and column, the caller's scope), and 未上报 — the dealers without a report within the company's
 * N days, listed with their reps and reminded (the button and the daily job; never twice a day).
 * The demo seeds no reports for D-BJ001/2/3, D-SH002 and D-SH004; every other dealer reported up to yesterday.
 */
describe('dealer report upload and missing reports', () => {
  let t: TestApp;
  let today: string;
  let yesterday: string;
  let manager: string;
  let dealer1: string;
  let bj001: string;
  let products: { id: string; code: string }[];
  const reportCount = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM dealer_report'))[0].n;
  const upload = (token: string, path: string, data: Buffer) => t.http.post(path).set(bearer(token)).attach('file', data, { filename: 'report.xlsx', contentType: XLSX });

  beforeAll(async () => {
    t = await bootTestApp();
    today = businessDate(new Date(), 'Asia/Shanghai');
    yesterday = addDays(today, -1);
    manager = await t.token('bj.manager');
    dealer1 = await t.token('bj.dealer1');
    bj001 = await t.orgId('D-BJ001');
    // products in 北京分公司's range (no branch product scope: everything on sale)
    products = await t.sql(`SELECT id, code FROM product WHERE status = 'ON_SALE' ORDER BY code LIMIT 4`);
  });
  afterAll(() => t.close());

  describe('upload', () => {
    it('a dealer downloads its template (its products, today) and uploads it filled: rows left empty are skipped; a second upload corrects', async () => {
      const tpl = await t.http.get('/api/mall/reports/import-template').set(bearer(dealer1)).buffer(true).parse(binary).expect(200);
      expect(tpl.headers['content-type']).toContain('spreadsheetml');
      const [header, ...rows] = await readXlsx(tpl.body);
      expect(header.map((h) => h.replace(/\*$/, ''))).toEqual(HEADER);
      const form = (await t.http.get('/api/mall/reports/form').set(bearer(dealer1)).expect(200)).body as { items: { productCode: string }[] };
      expect(rows.map((r) => r[2])).toEqual(form.items.map((i) => i.productCode));
      rows.forEach((r) => expect(r.slice(0, 2)).toEqual(['D-BJ001', today]));

      const [a, b, c, d] = products;
      const file = await makeXlsx(HEADER, [
        ['D-BJ001', yesterday, a.code, 'x', '瓶', 24, 6, null],
        [null, yesterday, b.code, null, null, '10.5', '0', 12],
        ['', yesterday, c.code, null, null, 0, 3, null],
        ['D-BJ001', yesterday, d.code, null, null, null, null, null], // not counted: skipped
      ]);
      const res = await upload(dealer1, '/api/mall/reports/import', file).expect(200);
      expect(res.body).toEqual({ created: 3, updated: 0, unchanged: 0, reports: 1 });
      const mine = (await t.http.get(`/api/mall/reports?from=${yesterday}&to=${yesterday}`).set(bearer(dealer1)).expect(200)).body.items as { productCode: string; stock: string; sold: string; received: string | null; source: string }[];
      expect(mine.map((r) => [r.productCode, r.stock, r.sold, r.received, r.source]).sort()).toEqual(
        [[a.code, '24.000', '6.000', null, 'IMPORT'], [b.code, '10.500', '0.000', '12.000', 'IMPORT'], [c.code, '0.000', '3.000', null, 'IMPORT']].sort(),
      );

      const again = await upload(dealer1, '/api/mall/reports/import', await makeXlsx(HEADER, [[null, yesterday, a.code, null, null, 20, 6, null], [null, yesterday, b.code, null, null, '10.5', 0, 12]])).expect(200);
      expect(again.body).toEqual({ created: 0, updated: 1, unchanged: 1, reports: 1 });
      const [fixed] = await t.sql<{ stock: string; n: number }>(
        `SELECT r.stock::text, (SELECT count(*)::int FROM dealer_report_history h WHERE h.report_id = r.id) AS n FROM dealer_report r WHERE r.dealer_id = $1 AND r.product_id = $2 AND r.business_date = $3`,
        [bj001, a.id, yesterday],
      );
      expect(fixed).toEqual({ stock: '20.000', n: 1 });
    });

    it('staff upload for several dealers and days of their scope; a bad file lists every problem by row and column and writes nothing', async () => {
      const [a, b] = products;
      const good = await upload(manager, '/api/dealer-reports/import', await makeXlsx(HEADER, [
        ['D-BJ003', addDays(today, -3), a.code, null, null, 5, 1, null],
        ['D-BJ003', addDays(today, -2), a.code, null, null, 4, 1, null],
        ['d-bj003', addDays(today, -2).replace(/-/g, '/'), b.code, null, null, 7, 2, null],
      ])).expect(200);
      expect(good.body).toEqual({ created: 3, updated: 0, unchanged: 0, reports: 2 });

      const before = await reportCount();
      const tomorrow = addDays(today, 1);
      const bad = await upload(manager, '/api/dealer-reports/import', await makeXlsx(HEADER, [
        ['D-BJ002', yesterday, a.code, null, null, 5, 1, null], // row 2: fine, but the file is refused
        ['D-BJ002', yesterday, 'NO-SUCH-CODE', null, null, 5, 1, null], // 3: unknown product
        ['D-BJ002', yesterday, b.code, null, null, -2, 1, null], // 4: negative stock
        ['D-BJ002', yesterday, a.code, null, null, 5, 1, null], // 5: the same product as row 2
        ['D-BJ002', tomorrow, b.code, null, null, 5, '三箱', null], // 6: future date, sold not a number
        ['D-SH001', yesterday, a.code, null, null, 5, 1, null], // 7: another branch's dealer
        ['D-BJ002', '2026-02-30', a.code, null, null, 5, 1, -1], // 8: not a date, negative received
        [null, yesterday, a.code, null, null, 5, null, null], // 9: no dealer, no sold
      ] as XlsxValue[][])).expect(422);
      expect(bad.body.code).toBe(ErrorCode.IMPORT_REJECTED);
      const got = (bad.body.details.errors as ImportProblem[]).map((e) => [e.row, e.column, e.code, e.params]);
      expect(got).toEqual([
        [3, '商品编码', 'UNKNOWN_PRODUCT', { code: 'NO-SUCH-CODE' }],
        [4, '期末库存', 'NEGATIVE', {}],
        [5, '商品编码', 'DUPLICATE_IN_FILE', { row: 2 }],
        [6, '日期', 'DATE_IN_FUTURE', { today }],
        [6, '销量', 'NOT_A_NUMBER', { scale: 3 }],
        [7, '经销商编码', 'UNKNOWN_DEALER', { code: 'D-SH001' }],
        [8, '日期', 'BAD_DATE', {}],
        [8, '进货量', 'NEGATIVE', {}],
        [9, '经销商编码', 'REQUIRED', {}],
        [9, '销量', 'REQUIRED', {}],
      ]);
      expect(bad.body.details.total).toBe(10);
      expect(await reportCount()).toBe(before);

      // no data rows, a file that is not Excel, a missing column
      expect((await upload(manager, '/api/dealer-reports/import', await makeXlsx(HEADER, [])).expect(422)).body.details.errors[0].code).toBe('NO_ROWS');
      expect((await upload(manager, '/api/dealer-reports/import', Buffer.from('not,a,workbook')).expect(400)).body.code).toBe(ErrorCode.UNSUPPORTED_FILE);
      const noCol = await upload(manager, '/api/dealer-reports/import', await makeXlsx(['经销商编码', '日期', '商品编码', '期末库存'], [['D-BJ002', yesterday, a.code, 1]])).expect(422);
      expect(noCol.body.details.errors.map((e: ImportProblem) => [e.column, e.code])).toEqual([['销量', 'COLUMN_MISSING']]);
      expect(await reportCount()).toBe(before);
    });

    it('scope: a dealer reports only for itself, a branch only for its dealers, a dealer cannot use the staff upload', async () => {
      const [a] = products;
      const before = await reportCount();
      const other = await upload(dealer1, '/api/mall/reports/import', await makeXlsx(HEADER, [['D-BJ002', yesterday, a.code, null, null, 1, 1, null]])).expect(422);
      expect(other.body.details.errors).toEqual([expect.objectContaining({ row: 2, column: '经销商编码', code: 'UNKNOWN_DEALER' })]);
      // its sub-dealer is not its to report from the mall either
      const sub = await upload(dealer1, '/api/mall/reports/import', await makeXlsx(HEADER, [['D-BJ001-01', yesterday, a.code, null, null, 1, 1, null]])).expect(422);
      expect(sub.body.details.errors[0].code).toBe('UNKNOWN_DEALER');
      const sh = await upload(await t.token('sh.manager'), '/api/dealer-reports/import', await makeXlsx(HEADER, [['D-BJ001', yesterday, a.code, null, null, 1, 1, null]])).expect(422);
      expect(sh.body.details.errors[0]).toMatchObject({ code: 'UNKNOWN_DEALER', params: { code: 'D-BJ001' } });
      await upload(dealer1, '/api/dealer-reports/import', await makeXlsx(HEADER, [['D-BJ001', yesterday, a.code, null, null, 1, 1, null]])).expect(403);
      await t.http.get(`/api/dealer-reports/import-template?dealerId=${await t.orgId('D-SH001')}`).set(bearer(manager)).expect(404);
      expect(await reportCount()).toBe(before);
      // a staff template for one of its dealers is prefilled with that dealer's products
      const tpl = await readXlsx((await t.http.get(`/api/dealer-reports/import-template?dealerId=${bj001}`).set(bearer(manager)).buffer(true).parse(binary).expect(200)).body);
      expect(tpl.length).toBeGreaterThan(1);
      expect(tpl[1].slice(0, 3)).toEqual(['D-BJ001', today, expect.any(String)]);
    });
  });

  describe('missing reports', () => {
    type Overdue = { dealerCode: string; lastReportDate: string | null; daysSince: number | null; reps: { name: string }[]; remindedAt: string | null; branchName: string | null };
    const overdue = async (token: string) => (await t.http.get('/api/dealer-reports/overdue?pageSize=100').set(bearer(token)).expect(200)).body as { today: string; overdueDays: number; items: Overdue[]; total: number };
    const noticesOf = async (username: string) =>
      (await t.http.get('/api/notifications?pageSize=100').set(bearer(await t.token(username))).expect(200)).body.items.filter((n: { kind: string }) => n.kind === 'REPORT_REMINDER') as { title: string; message: { key: string; params: Record<string, string> }; link: string }[];

    it('lists the dealers of the caller\'s scope with no report within N days (a company setting), never-reported first, with their reps', async () => {
      // D-BJ003 reported 2 days ago (above); D-BJ002 never; D-BJ001 yesterday (above); every other BJ dealer up to yesterday (demo)
      let list = await overdue(manager);
      expect(list).toMatchObject({ today, overdueDays: 7 });
      expect(list.items.map((i) => i.dealerCode)).toEqual(['D-BJ002']);
      expect(list.items[0]).toMatchObject({ lastReportDate: null, daysSince: null, reps: [{ name: '张伟' }], remindedAt: null, branchName: '北京分公司' });

      // a report 9 days old is overdue at N = 7 and not at N = 10
      const admin = await t.token('admin');
      await t.sql(`UPDATE dealer_report SET business_date = business_date - 7 WHERE dealer_id = $1`, [await t.orgId('D-BJ003')]);
      list = await overdue(manager);
      expect(list.items.map((i) => [i.dealerCode, i.lastReportDate, i.daysSince])).toEqual([['D-BJ002', null, null], ['D-BJ003', addDays(today, -9), 9]]);
      const s = (await t.http.get('/api/settings/company').set(bearer(admin)).expect(200)).body;
      await t.http.put('/api/settings/company').set(bearer(admin)).send({ reportOverdueDays: 10, version: s.version }).expect(200);
      expect((await overdue(manager)).items.map((i) => i.dealerCode)).toEqual(['D-BJ002']);
      expect((await t.http.put('/api/settings/company').set(bearer(admin)).send({ reportOverdueDays: 0 }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      await t.http.put('/api/settings/company').set(bearer(admin)).send({ reportOverdueDays: 7 }).expect(200);

      // HQ sees every branch's: Shanghai's two without reports too
      expect((await overdue(admin)).items.map((i) => i.dealerCode)).toEqual(['D-BJ002', 'D-SH002', 'D-SH004', 'D-BJ003']);
      expect((await overdue(await t.token('sh.manager'))).items.map((i) => i.dealerCode)).toEqual(['D-SH002', 'D-SH004']);
      await t.http.get('/api/dealer-reports/overdue').set(bearer(dealer1)).expect(403);
    });

    it('the button reminds the dealers\' users and their reps once a day; the daily job reminds the rest and nobody twice', async () => {
      const res = await t.http.post('/api/dealer-reports/overdue/remind').set(bearer(manager)).send({}).expect(200);
      // D-BJ002: bj.dealer2 and the rep 张伟; D-BJ003: no users of its own, no rep
      expect(res.body).toEqual({ reminded: 2, alreadyToday: 0, notified: 2 });
      const dealerNotices = await noticesOf('bj.dealer2');
      expect(dealerNotices).toEqual([expect.objectContaining({ title: '请上报库存销量：贵司尚未上报过库存销量', message: { key: 'reportNever', params: {} }, link: '/mall/me/report' })]);
      const repNotices = await noticesOf('bj.sales');
      expect(repNotices).toEqual([expect.objectContaining({ message: { key: 'reportOverdue', params: { count: '1', days: '7', dealers: '北京京客隆超市' } }, link: '/replenishment/reports?tab=missing' })]);
      expect((await overdue(manager)).items.every((i) => i.remindedAt !== null)).toBe(true);

      // again the same day: nobody is told twice
      expect((await t.http.post('/api/dealer-reports/overdue/remind').set(bearer(manager)).send({}).expect(200)).body).toEqual({ reminded: 0, alreadyToday: 2, notified: 0 });
      // a picked dealer that is not overdue (or not in scope) is not reminded
      const notDue = await t.http.post('/api/dealer-reports/overdue/remind').set(bearer(manager)).send({ dealerIds: [bj001, await t.orgId('D-SH002')] }).expect(200);
      expect(notDue.body).toEqual({ reminded: 0, alreadyToday: 0, notified: 0 });
      await t.http.post('/api/dealer-reports/overdue/remind').set(bearer(manager)).send({ dealerIds: ['nope'] }).expect(400);

      // the daily job: Shanghai's two now, Beijing's not again
      await t.app.get(JobsService).runNow(REPORT_REMINDER_JOB);
      const rows = await t.sql<{ code: string; trigger: string; notified: number }>(
        `SELECT o.code, r.trigger, r.notified FROM dealer_report_reminder r JOIN organization o ON o.id = r.dealer_id WHERE r.business_date = $1 ORDER BY o.code`,
        [today],
      );
      expect(rows).toEqual([
        { code: 'D-BJ002', trigger: 'MANUAL', notified: 2 },
        { code: 'D-BJ003', trigger: 'MANUAL', notified: 0 },
        { code: 'D-SH002', trigger: 'JOB', notified: 1 },
        { code: 'D-SH004', trigger: 'JOB', notified: 0 },
      ]);
      expect(await noticesOf('bj.dealer2')).toHaveLength(1);
      expect(await noticesOf('bj.sales')).toHaveLength(1);
      expect((await noticesOf('sh.sales')).map((n) => n.message.params.dealers)).toEqual(['浦东好又多批发']);
      await t.app.get(JobsService).runNow(REPORT_REMINDER_JOB);
      expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM dealer_report_reminder'))[0].n).toBe(4);
      expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM notification WHERE kind = 'REPORT_REMINDER'`))[0].n).toBe(3);
    });
  });
});
