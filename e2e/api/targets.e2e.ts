import { achievementRate, dailyPace, Dec, ErrorCode, fmt, monthProgress, ReceiptMethod } from '@drp/shared';
import type { Achievement, Dashboard, ImportProblem, SalesTarget } from '@drp/shared';
import { businessDate } from '../../server/src/database/business-date';
import { bearer, bootTestApp, TestApp } from '../support/test-app';
import { binary, makeXlsx, readXlsx, XlsxValue } from '../support/xlsx';

/**
 * Issue #16: targets (销售计划) per branch, office and rep, imported from Excel all or nothing;
 * achievement month and year to date with the pace needed, equal to the documents; dashboards per
 * role; scope everywhere (bj.manager sees its subtree only).
 */
describe('targets, achievement and dashboards', () => {
  let t: TestApp;
  let admin: string;
  let manager: string;
  let finance: string;
  let rep: string;
  let today: string;
  let month: string;
  let ids: Record<string, string>;
  const HEADER = ['月份', '机构编码', '业务员', '销售目标', '回款目标'];
  const NEXT_YEAR = String(new Date().getFullYear() + 1);

  beforeAll(async () => {
    t = await bootTestApp();
    [admin, manager, finance, rep] = await Promise.all([t.token('admin'), t.token('bj.manager'), t.token('bj.finance'), t.token('bj.sales')]);
    today = businessDate(new Date(), 'Asia/Shanghai');
    month = today.slice(0, 7);
    ids = {
      BJ: await t.orgId('BJ'), CY: await t.orgId('BJ-CY'), SH: await t.orgId('SH'), GZ: await t.orgId('GZ'),
      bjSales: await t.userId('bj.sales'), shSales: await t.userId('sh.sales'), dealer: await t.orgId('D-BJ001'),
    };
  });
  afterAll(() => t.close());

  const upload = (token: string, data: Buffer) =>
    t.http.post('/api/reports/targets/import').set(bearer(token)).attach('file', data, { filename: 'targets.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  const count = async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM sales_target`))[0].n;

  /** The documents' own figures, by SQL written here: sales = shipments − returns (tax included), collections = active receipts. */
  async function documents(from: string, to: string, key: { orgCode?: string; rep?: string }): Promise<{ sales: string; collections: string }> {
    const dealerFilter = key.orgCode
      ? `d.path LIKE (SELECT path FROM organization WHERE code = '${key.orgCode}') || '%'`
      : `EXISTS (SELECT 1 FROM user_dealer ud JOIN app_user u ON u.id = ud.user_id JOIN organization ad ON ad.id = ud.dealer_id WHERE u.username = '${key.rep}' AND d.path LIKE ad.path || '%')`;
    const repFilter = key.rep ? `so.sales_rep_id = (SELECT id FROM app_user WHERE username = '${key.rep}')` : dealerFilter;
    const [r] = await t.sql<{ shipped: string; returned: string; received: string }>(
      `SELECT (SELECT COALESCE(sum(s.amount), 0) FROM shipment s JOIN sales_order so ON so.id = s.order_id JOIN organization d ON d.id = s.dealer_id WHERE s.business_date BETWEEN $1 AND $2 AND ${repFilter})::text AS shipped,
              (SELECT COALESCE(sum(r.amount), 0) FROM sales_return r JOIN sales_order so ON so.id = r.order_id JOIN organization d ON d.id = r.dealer_id WHERE r.business_date BETWEEN $1 AND $2 AND ${repFilter})::text AS returned,
              (SELECT COALESCE(sum(rc.amount), 0) FROM receipt rc JOIN organization d ON d.id = rc.dealer_id WHERE rc.status = 'ACTIVE' AND rc.business_date BETWEEN $1 AND $2 AND ${dealerFilter})::text AS received`,
      [from, to],
    );
    return { sales: fmt(new Dec(r.shipped).minus(r.returned)), collections: fmt(r.received) };
  }

  describe('import', () => {
    it('the template names the columns and lists the organisations and reps the caller may target', async () => {
      const res = await t.http.get('/api/reports/targets/import-template').set(bearer(manager)).buffer(true).parse(binary).expect(200);
      const rows = await readXlsx(res.body);
      expect(rows[0]).toEqual(['月份*', '机构编码', '业务员', '销售目标*', '回款目标*']);
      expect(rows.length).toBeGreaterThan(1);
    });

    it('a clean file creates, a second one updates by month and key (organisation or rep)', async () => {
      const rows: XlsxValue[][] = [
        [`${NEXT_YEAR}-01`, 'BJ', '', 300000, 250000],
        [`${NEXT_YEAR}-01`, 'BJ-CY', '', '120000.50', '100000'],
        [`${NEXT_YEAR}-02`, 'BJ', '', 280000, 240000],
        [`${NEXT_YEAR}-01`, '', 'bj.sales', 90000, 80000],
      ];
      const first = await upload(manager, await makeXlsx(HEADER, rows)).expect(200);
      expect(first.body).toEqual({ created: 4, updated: 0 });
      const again = await upload(manager, await makeXlsx(HEADER, [[`${NEXT_YEAR}-01`, 'bj', '', 310000, 250000], [`${NEXT_YEAR}-01`, '', 'BJ.SALES', 95000, 80000]])).expect(200);
      expect(again.body).toEqual({ created: 0, updated: 2 });
      const list = await t.http.get(`/api/reports/targets?month=${NEXT_YEAR}-01`).set(bearer(manager)).expect(200);
      const byKey = new Map((list.body.items as SalesTarget[]).map((x) => [x.orgCode ?? x.repUsername, x]));
      expect(list.body.total).toBe(3);
      expect(byKey.get('BJ')).toMatchObject({ orgId: ids.BJ, orgName: '北京分公司', salesTarget: '310000.00', collectionTarget: '250000.00', version: 2 });
      expect(byKey.get('BJ-CY')).toMatchObject({ salesTarget: '120000.50', collectionTarget: '100000.00', version: 1 });
      expect(byKey.get('bj.sales')).toMatchObject({ repId: ids.bjSales, repName: '张伟', salesTarget: '95000.00' });
      // the year's export holds what was imported, in the template's columns
      const exported = await readXlsx((await t.http.get(`/api/reports/targets/export?year=${NEXT_YEAR}`).set(bearer(manager)).buffer(true).parse(binary).expect(200)).body);
      expect(exported[0]).toEqual(['月份*', '机构编码', '业务员', '销售目标*', '回款目标*']);
      expect(exported).toContainEqual([`${NEXT_YEAR}-01`, 'BJ-CY', '', '120000.50', '100000.00']);
    });

    it('a file with bad rows is refused whole (422 IMPORT_REJECTED), every problem by row and column; nothing written', async () => {
      const before = await count();
      const rows: XlsxValue[][] = [
        [`${NEXT_YEAR}-03`, 'BJ', '', 1000, 900], // good
        [`${NEXT_YEAR}-13`, 'BJ', '', 1000, 900], // row 3: bad month
        [`${NEXT_YEAR}-03`, 'SH', '', 1000, 900], // row 4: another branch (out of bj.manager's scope)
        [`${NEXT_YEAR}-03`, 'D-BJ001', '', 1000, 900], // row 5: a dealer is not a branch or office
        [`${NEXT_YEAR}-03`, 'BJ-CY', 'bj.sales', 1000, 900], // row 6: both
        [`${NEXT_YEAR}-03`, '', 'sh.sales', 1000, 900], // row 7: a rep of another branch
        [`${NEXT_YEAR}-03`, 'BJ-CY', '', -5, '12.345'], // row 8: negative, 3 decimals
        [`${NEXT_YEAR}-03`, 'bj', '', 2000, 1000], // row 9: BJ twice in the file
        ['', '', '', '', ''],
        [`${NEXT_YEAR}-03`, 'BJ-CY', '', '', 100], // row 11 (row 10 empty, skipped): missing sales target
      ];
      const res = await upload(manager, await makeXlsx(HEADER, rows)).expect(422);
      expect(res.body.code).toBe(ErrorCode.IMPORT_REJECTED);
      const problems = (res.body.details.errors as ImportProblem[]).map((e) => [e.row, e.column, e.code]);
      expect(problems).toEqual([
        [3, '月份', 'BAD_MONTH'],
        [4, '机构编码', 'UNKNOWN_ORG'],
        [5, '机构编码', 'UNKNOWN_ORG'],
        [6, '业务员', 'ORG_OR_REP'],
        [7, '业务员', 'UNKNOWN_USER'],
        [8, '回款目标', 'NOT_A_NUMBER'],
        [8, '销售目标', 'NOT_A_NUMBER'],
        [9, '机构编码', 'DUPLICATE_IN_FILE'],
        [11, '销售目标', 'REQUIRED'],
      ]);
      expect(res.body.details.total).toBe(9);
      expect(await count()).toBe(before);
      // HQ may target Shanghai; a file that is not xlsx is refused with its own code
      expect((await upload(admin, await makeXlsx(HEADER, [[`${NEXT_YEAR}-03`, 'SH', '', 1000, 900]])).expect(200)).body).toEqual({ created: 1, updated: 0 });
      const csv = await t.http.post('/api/reports/targets/import').set(bearer(admin)).attach('file', Buffer.from('a,b'), { filename: 'x.csv' }).expect(400);
      expect(csv.body.code).toBe(ErrorCode.UNSUPPORTED_FILE);
      const noColumns = await upload(admin, await makeXlsx(['月份', '机构编码'], [[`${NEXT_YEAR}-03`, 'BJ']])).expect(422);
      expect(noColumns.body.details.errors.map((e: ImportProblem) => e.code)).toEqual(['COLUMN_MISSING', 'COLUMN_MISSING']);
    });
  });

  describe('one by one', () => {
    it('creates, refuses a second for the same month and key, edits with the version read, deletes', async () => {
      const body = { month: `${NEXT_YEAR}-06`, orgId: ids.CY, salesTarget: '50000.00', collectionTarget: '40000' };
      const created = await t.http.post('/api/reports/targets').set(bearer(manager)).send(body).expect(201);
      expect(created.body).toMatchObject({ month: `${NEXT_YEAR}-06`, orgId: ids.CY, orgCode: 'BJ-CY', salesTarget: '50000.00', collectionTarget: '40000.00', version: 1 });
      expect((await t.http.post('/api/reports/targets').set(bearer(manager)).send(body).expect(409)).body.code).toBe(ErrorCode.DUPLICATE);
      const id = created.body.id as string;
      const edited = await t.http.put(`/api/reports/targets/${id}`).set(bearer(manager)).send({ salesTarget: '55000', collectionTarget: '40000', version: 1 }).expect(200);
      expect(edited.body).toMatchObject({ salesTarget: '55000.00', version: 2 });
      expect((await t.http.put(`/api/reports/targets/${id}`).set(bearer(manager)).send({ salesTarget: '1', collectionTarget: '1', version: 1 }).expect(409)).body.code).toBe(ErrorCode.STALE_VERSION);
      const audit = await t.sql<{ action: string }>(`SELECT action FROM audit_log WHERE entity = 'sales_target' AND entity_id = $1 ORDER BY created_at`, [id]);
      expect(audit.map((a) => a.action)).toEqual(['create', 'update']);
      await t.http.delete(`/api/reports/targets/${id}`).set(bearer(manager)).expect(204);
      await t.http.get(`/api/reports/targets/${id}`).set(bearer(manager)).expect(404);
    });

    it('refuses bad input with stable codes and nothing written', async () => {
      const before = await count();
      const post = (b: object) => t.http.post('/api/reports/targets').set(bearer(manager)).send(b);
      expect((await post({ month: `${NEXT_YEAR}-7`, orgId: ids.CY, salesTarget: '1', collectionTarget: '1' }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect((await post({ month: `${NEXT_YEAR}-07`, orgId: ids.CY, repId: ids.bjSales, salesTarget: '1', collectionTarget: '1' }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect((await post({ month: `${NEXT_YEAR}-07`, orgId: ids.CY, salesTarget: '-1', collectionTarget: '1' }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect((await post({ month: `${NEXT_YEAR}-07`, orgId: ids.CY, salesTarget: '1.005', collectionTarget: '1' }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      // a dealer is not a target organisation; another branch is out of scope: both as if they did not exist
      expect((await post({ month: `${NEXT_YEAR}-07`, orgId: ids.dealer, salesTarget: '1', collectionTarget: '1' }).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      expect((await post({ month: `${NEXT_YEAR}-07`, orgId: ids.SH, salesTarget: '1', collectionTarget: '1' }).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      expect((await post({ month: `${NEXT_YEAR}-07`, repId: ids.shSales, salesTarget: '1', collectionTarget: '1' }).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      expect(await count()).toBe(before);
    });

    it('permissions and scope: finance reads but does not set; a rep reads no plans; bj.manager never sees Shanghai', async () => {
      await t.http.post('/api/reports/targets').set(bearer(finance)).send({ month: `${NEXT_YEAR}-08`, orgId: ids.BJ, salesTarget: '1', collectionTarget: '1' }).expect(403);
      await t.http.get('/api/reports/targets').set(bearer(finance)).expect(200);
      await t.http.get('/api/reports/targets').set(bearer(rep)).expect(403);
      const all = await t.http.get(`/api/reports/targets?year=${NEXT_YEAR}&pageSize=100`).set(bearer(admin)).expect(200);
      const sh = (all.body.items as SalesTarget[]).find((x) => x.orgCode === 'SH')!;
      expect(sh).toBeDefined();
      const mine = await t.http.get(`/api/reports/targets?year=${NEXT_YEAR}&pageSize=100`).set(bearer(manager)).expect(200);
      expect((mine.body.items as SalesTarget[]).map((x) => x.orgCode ?? x.repUsername).sort()).toEqual(['BJ', 'BJ', 'BJ-CY', 'bj.sales']);
      await t.http.get(`/api/reports/targets/${sh.id}`).set(bearer(manager)).expect(404);
      await t.http.put(`/api/reports/targets/${sh.id}`).set(bearer(manager)).send({ salesTarget: '1', collectionTarget: '1', version: 1 }).expect(404);
      await t.http.delete(`/api/reports/targets/${sh.id}`).set(bearer(manager)).expect(404);
    });
  });

  describe('achievement', () => {
    beforeAll(async () => {
      // this month's targets, set by HQ (an update when the demo has them already)
      await upload(admin, await makeXlsx(HEADER, [
        [month, 'BJ', '', 500000, 400000], [month, 'BJ-CY', '', 100000, 80000], [month, 'SH', '', 450000, 350000], [month, '', 'bj.sales', 200000, 150000],
        // January's BJ target counts into the year to date (unless this is January: then it is the row above)
        ...(month.endsWith('-01') ? [] : [[`${month.slice(0, 4)}-01`, 'BJ', '', 111111.11, 100000]]),
      ])).expect(200);
    });

    const find = (rows: Achievement[], name: string) => rows.find((r) => r.name === name)!;

    it('month and year to date equal the documents, with rates and the pace needed for the rest of the month', async () => {
      const res = await t.http.get(`/api/reports/achievement?month=${month}`).set(bearer(admin)).expect(200);
      const rows = res.body as Achievement[];
      const { asOf, daysLeft } = monthProgress(month, today);
      const first = `${month}-01`;
      const yearFirst = `${month.slice(0, 4)}-01-01`;
      for (const [name, key] of [['北京分公司', { orgCode: 'BJ' }], ['朝阳办事处', { orgCode: 'BJ-CY' }], ['上海分公司', { orgCode: 'SH' }], ['张伟', { rep: 'bj.sales' }]] as const) {
        const row = find(rows, name);
        const m = await documents(first, today, key);
        const y = await documents(yearFirst, today, key);
        expect(row).toMatchObject({ month, asOf, daysLeft, salesActual: m.sales, collectionActual: m.collections, ytdSalesActual: y.sales, ytdCollectionActual: y.collections });
        expect(row.salesRate).toBe(achievementRate(m.sales, row.salesTarget));
        expect(row.dailyPaceNeeded).toBe(dailyPace(row.salesTarget, m.sales, daysLeft));
        expect(row.dailyCollectionPaceNeeded).toBe(dailyPace(row.collectionTarget, m.collections, daysLeft));
      }
      const bj = find(rows, '北京分公司');
      expect(bj).toMatchObject({ kind: 'ORG', salesTarget: '500000.00', collectionTarget: '400000.00' });
      // year to date: the targets of January..this month (January's counted once when this month is January)
      const ytd = await t.sql<{ s: string }>(`SELECT sum(sales_target)::text AS s FROM sales_target WHERE org_id = $1 AND month BETWEEN $2::date AND $3::date`, [ids.BJ, yearFirst, first]);
      expect(bj.ytdSalesTarget).toBe(fmt(ytd[0].s));
      expect(find(rows, '张伟')).toMatchObject({ kind: 'REP', key: { orgId: null, repId: ids.bjSales } });
    });

    it('a new receipt moves the collections by exactly its amount, the sales not at all', async () => {
      const before = find((await t.http.get(`/api/reports/achievement?month=${month}`).set(bearer(manager)).expect(200)).body, '北京分公司');
      await t.http.post('/api/receipts').set(bearer(admin)).send({ dealerId: ids.dealer, amount: '1234.56', method: ReceiptMethod.BANK_TRANSFER, allocations: [] }).expect(201);
      const after = find((await t.http.get(`/api/reports/achievement?month=${month}`).set(bearer(manager)).expect(200)).body, '北京分公司');
      expect(after.collectionActual).toBe(fmt(new Dec(before.collectionActual).plus('1234.56')));
      expect(after.ytdCollectionActual).toBe(fmt(new Dec(before.ytdCollectionActual).plus('1234.56')));
      expect(after.salesActual).toBe(before.salesActual);
      // the rep is credited with its assigned dealer's receipt (D-BJ001 is bj.sales's)
      const repRow = find((await t.http.get(`/api/reports/achievement?month=${month}&kind=REP`).set(bearer(admin)).expect(200)).body, '张伟');
      expect(repRow.collectionActual).toBe((await documents(`${month}-01`, today, { rep: 'bj.sales' })).collections);
    });

    it('scope: bj.manager sees its organisations and reps, never Shanghai; figures as HQ sees them', async () => {
      const mine = (await t.http.get(`/api/reports/achievement?month=${month}`).set(bearer(manager)).expect(200)).body as Achievement[];
      expect(mine.map((r) => r.name)).not.toContain('上海分公司');
      expect(mine.map((r) => r.name)).toEqual(expect.arrayContaining(['北京分公司', '朝阳办事处', '张伟']));
      const hq = (await t.http.get(`/api/reports/achievement?month=${month}`).set(bearer(admin)).expect(200)).body as Achievement[];
      expect(find(mine, '北京分公司')).toEqual(find(hq, '北京分公司'));
      expect((await t.http.get(`/api/reports/achievement?month=${month}-01`).set(bearer(admin)).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    });

    it('a month that is over has no pace; one not begun has no actual yet', async () => {
      const rows = (await t.http.get(`/api/reports/achievement?month=${NEXT_YEAR}-01`).set(bearer(admin)).expect(200)).body as Achievement[];
      const bj = find(rows, '北京分公司');
      expect(bj).toMatchObject({ asOf: null, salesActual: '0.00', salesRate: '0.0000', dailyPaceNeeded: fmt(new Dec(bj.salesTarget).div(31)) });
      const past = (await t.http.get(`/api/reports/achievement?month=${NEXT_YEAR}-01&asOf=${NEXT_YEAR}-02-03`).set(bearer(admin)).expect(200)).body as Achievement[];
      expect(find(past, '北京分公司')).toMatchObject({ asOf: `${NEXT_YEAR}-01-31`, daysLeft: 0, dailyPaceNeeded: null });
    });
  });

  describe('dashboard', () => {
    const sums = async (from: string, to: string, orgCode?: string) => {
      const f = orgCode ? `AND d.path LIKE (SELECT path FROM organization WHERE code = '${orgCode}') || '%'` : '';
      const [r] = await t.sql<{ sales: string; margin: string; coll: string; overdue: string; n: number }>(
        `SELECT ((SELECT COALESCE(sum(s.amount),0) FROM shipment s JOIN organization d ON d.id = s.dealer_id WHERE s.business_date BETWEEN $1 AND $2 ${f})
               - (SELECT COALESCE(sum(r.amount),0) FROM sales_return r JOIN organization d ON d.id = r.dealer_id WHERE r.business_date BETWEEN $1 AND $2 ${f}))::text AS sales,
                ((SELECT COALESCE(sum(l.amount - l.tax_amount - l.cost_amount),0) FROM shipment s JOIN shipment_line l ON l.shipment_id = s.id JOIN organization d ON d.id = s.dealer_id WHERE s.business_date BETWEEN $1 AND $2 ${f})
               - (SELECT COALESCE(sum(l.amount - l.tax_amount - l.cost_amount),0) FROM sales_return r JOIN sales_return_line l ON l.return_id = r.id JOIN organization d ON d.id = r.dealer_id WHERE r.business_date BETWEEN $1 AND $2 ${f}))::text AS margin,
                (SELECT COALESCE(sum(rc.amount),0) FROM receipt rc JOIN organization d ON d.id = rc.dealer_id WHERE rc.status = 'ACTIVE' AND rc.business_date BETWEEN $1 AND $2 ${f})::text AS coll,
                (SELECT COALESCE(sum(rv.open_amount),0) FROM receivable rv JOIN organization d ON d.id = rv.dealer_id WHERE rv.open_amount > 0 AND rv.due_date < $2 ${f})::text AS overdue,
                (SELECT count(*)::int FROM receivable rv JOIN organization d ON d.id = rv.dealer_id WHERE rv.open_amount > 0 AND rv.due_date < $2 ${f}) AS n`,
        [from, to],
      );
      return { sales: fmt(r.sales), margin: fmt(r.margin), coll: fmt(r.coll), overdue: fmt(r.overdue), n: r.n };
    };
    const tile = (d: Dashboard, key: string) => d.tiles.find((x) => x.key === key)!;

    it('HQ: sales, margin, collections month to date and past-due receivables over everything; achievement by branch; tiles link into the analysis', async () => {
      const d = (await t.http.get('/api/reports/dashboard').set(bearer(admin)).expect(200)).body as Dashboard;
      expect(d).toMatchObject({ role: 'HQ', today, month });
      const s = await sums(`${month}-01`, today);
      expect(d.tiles.map((x) => x.key)).toEqual(['salesMtd', 'marginMtd', 'collectionsMtd', 'overdueReceivables']);
      expect(tile(d, 'salesMtd').value).toBe(s.sales);
      expect(tile(d, 'marginMtd').value).toBe(s.margin);
      expect(tile(d, 'collectionsMtd').value).toBe(s.coll);
      expect(tile(d, 'overdueReceivables')).toMatchObject({ value: s.overdue, count: s.n });
      expect(tile(d, 'salesMtd').link).toEqual({ path: '/reports/analysis', query: { measures: 'sales,returns,netSales', dimensions: 'branch,day', from: `${month}-01`, to: today } });
      expect(d.achievement.map((a) => a.name)).toEqual(expect.arrayContaining(['上海分公司', '北京分公司']));
      // branches only: an office rolls up into its branch, reps are the branches' business
      expect(d.achievement.map((a) => a.name)).not.toContain('朝阳办事处');
      expect(d.achievement.every((a) => a.kind === 'ORG')).toBe(true);
    });

    it('branch manager: its subtree only, its own target with the pace; achievement of its organisations and reps', async () => {
      const d = (await t.http.get('/api/reports/dashboard').set(bearer(manager)).expect(200)).body as Dashboard;
      expect(d).toMatchObject({ role: 'MANAGER', subject: '北京分公司' });
      const s = await sums(`${month}-01`, today, 'BJ');
      expect(tile(d, 'salesMtd')).toMatchObject({ value: s.sales, target: '500000.00', rate: achievementRate(s.sales, '500000.00'), pace: dailyPace('500000.00', s.sales, monthProgress(month, today).daysLeft) });
      expect(tile(d, 'collectionsMtd').value).toBe(s.coll);
      expect(tile(d, 'overdueReceivables')).toMatchObject({ value: s.overdue, count: s.n });
      expect(d.achievement.map((a) => a.name)).toEqual(expect.arrayContaining(['北京分公司', '朝阳办事处', '张伟']));
      expect(d.achievement.map((a) => a.name)).not.toContain('上海分公司');
    });

    it('rep: its day (orders, sales, collections) and its month against its target', async () => {
      const d = (await t.http.get('/api/reports/dashboard').set(bearer(rep)).expect(200)).body as Dashboard;
      expect(d).toMatchObject({ role: 'REP', subject: '张伟' });
      expect(d.tiles.map((x) => x.key)).toEqual(['ordersToday', 'salesToday', 'collectionsToday', 'salesAchievement', 'collectionAchievement']);
      const [orders] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM sales_order WHERE sales_rep_id = $1 AND business_date = $2 AND status NOT IN ('DRAFT', 'CANCELLED', 'REJECTED')`, [ids.bjSales, today]);
      expect(tile(d, 'ordersToday').value).toBe(String(orders.n));
      const day = await documents(today, today, { rep: 'bj.sales' });
      expect(tile(d, 'salesToday').value).toBe(day.sales);
      expect(tile(d, 'collectionsToday').value).toBe(day.collections);
      const m = await documents(`${month}-01`, today, { rep: 'bj.sales' });
      expect(tile(d, 'salesAchievement')).toMatchObject({ value: m.sales, target: '200000.00', rate: achievementRate(m.sales, '200000.00') });
      expect(tile(d, 'salesAchievement').link.query).toMatchObject({ repId: ids.bjSales });
      expect(d.achievement).toHaveLength(1);
    });

    it('finance: collections today and this month, past-due receivables, uninvoiced shipments; a dealer has no console dashboard', async () => {
      const d = (await t.http.get('/api/reports/dashboard').set(bearer(finance)).expect(200)).body as Dashboard;
      expect(d.role).toBe('FINANCE');
      expect(d.tiles.map((x) => x.key)).toEqual(['collectionsToday', 'collectionsMtd', 'overdueReceivables', 'uninvoiced']);
      const s = await sums(`${month}-01`, today, 'BJ');
      expect(tile(d, 'collectionsMtd')).toMatchObject({ value: s.coll, target: '400000.00' });
      expect(tile(d, 'collectionsToday').value).toBe((await sums(today, today, 'BJ')).coll);
      const uninvoiced = (await t.http.get('/api/invoices/uninvoiced?pageSize=1').set(bearer(finance)).expect(200)).body;
      expect(tile(d, 'uninvoiced').value).toBe(uninvoiced.totals.uninvoicedAmount);
      await t.http.get('/api/reports/dashboard').set(bearer(await t.token('bj.dealer1'))).expect(403);
    });
  });
});
