import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@drp/shared';
import { businessDate } from '../../server/src/database/business-date';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/**
 * Issue #14, store visits (跑店): plan -> check-in on site and off site (haversine distance against the
 * dealer's stored position, the company radius) -> counts (the dealer's report for the day, source
 * VISIT) -> photos -> an order for the dealer -> check-out; the offline batch written once however often
 * it is sent; the bad paths (second open visit, check-out twice or before check-in, coordinates out of
 * range, a dealer outside the rep's assignment or branch) each a 4xx with a stable code and nothing written;
 * the supervisor's board, coverage and KPIs; a dealer sees who visited it.
 */
describe('store visits', () => {
  let t: TestApp;
  let rep: string;
  let shRep: string;
  let manager: string;
  let shManager: string;
  let today: string;
  let bj1: string;
  let bj2: string;
  let bj3: string;
  let warehouse: string;
  /** the demo's weekly plans falling on today (bj.sales's dealers D-BJ001 / D-BJ002, both visited below) */
  let seededPlanned: number;
  // D-BJ002 (北京京客隆超市) is stored at 39.9227, 116.4424
  const atBj2 = { lat: 39.9237, lng: 116.4424 }; // 0.001 degree north: 111 m
  const cid = () => randomUUID();
  const count = async (sql: string, params: unknown[] = []) => (await t.sql<{ n: number }>(sql, params))[0].n;

  beforeAll(async () => {
    t = await bootTestApp();
    [rep, shRep, manager, shManager] = await Promise.all(['bj.sales', 'sh.sales', 'bj.manager', 'sh.manager'].map((u) => t.token(u)));
    today = businessDate(new Date(), 'Asia/Shanghai');
    [bj1, bj2, bj3] = await Promise.all(['D-BJ001', 'D-BJ002', 'D-BJ003'].map((c) => t.orgId(c)));
    [{ id: warehouse }] = await t.sql<{ id: string }>(`SELECT w.id FROM warehouse w JOIN organization o ON o.id = w.org_id WHERE o.code = 'BJ' LIMIT 1`);
    // the demo's visits end before today; any open one would make the first check-in a 409
    expect(await count(`SELECT count(*)::int AS n FROM visit v JOIN app_user u ON u.id = v.rep_id WHERE u.username = 'bj.sales' AND v.check_out_at IS NULL`)).toBe(0);
    seededPlanned = (await t.http.get(`/api/visit-plans/route?date=${today}`).set(bearer(rep)).expect(200)).body.stops.length;
  });
  afterAll(() => t.close());

  const checkIn = (token: string, body: Record<string, unknown>) => t.http.post('/api/visits/check-in').set(bearer(token)).send({ clientId: cid(), ...body });

  let planId: string;
  let visitId: string;

  it('a rep plans its own visit; a manager plans weekly for its rep; the route lists them in order', async () => {
    const own = await t.http.post('/api/visit-plans').set(bearer(rep)).send({ dealerId: bj2, planDate: today, purpose: '月度盘点', tasks: ['STOCK_COUNT', 'DISPLAY_CHECK'], routeOrder: 1 }).expect(201);
    planId = own.body.id;
    expect(own.body).toMatchObject({ dealerId: bj2, planDate: today, recurrence: 'NONE', tasks: ['STOCK_COUNT', 'DISPLAY_CHECK'] });
    const [{ id: repId }] = await t.sql<{ id: string }>(`SELECT id FROM app_user WHERE username = 'bj.sales'`);
    const weekly = await t.http.post('/api/visit-plans').set(bearer(manager)).send({ repId, dealerId: bj1, planDate: today, recurrence: 'WEEKLY', tasks: ['COLLECT_PAYMENT'], routeOrder: 2 }).expect(201);
    expect(weekly.body).toMatchObject({ repId, recurrence: 'WEEKLY', weekday: expect.any(Number) });
    const route = await t.http.get(`/api/visit-plans/route?date=${today}`).set(bearer(rep)).expect(200);
    const ours = route.body.stops.filter((s: { planId: string }) => [planId, weekly.body.id].includes(s.planId));
    expect(ours.map((s: { dealerId: string }) => s.dealerId)).toEqual([bj2, bj1]);
    // a rep plans only its own; a dealer outside its assignment, or another branch's, is not found
    const [{ id: shRepId }] = await t.sql<{ id: string }>(`SELECT id FROM app_user WHERE username = 'sh.sales'`);
    await t.http.post('/api/visit-plans').set(bearer(rep)).send({ repId: shRepId, dealerId: bj2, planDate: today }).expect(404);
    await t.http.post('/api/visit-plans').set(bearer(rep)).send({ dealerId: bj3, planDate: today }).expect(404);
    await t.http.post('/api/visit-plans').set(bearer(manager)).send({ repId: shRepId, dealerId: bj2, planDate: today }).expect(404);
    const bad = await t.http.post('/api/visit-plans').set(bearer(rep)).send({ dealerId: bj2, planDate: today, tasks: ['DANCE'] }).expect(400);
    expect(bad.body.code).toBe(ErrorCode.VALIDATION_FAILED);
  });

  it('refuses coordinates out of range, a dealer outside the assignment and another branch\'s rep — nothing written', async () => {
    const before = await count(`SELECT count(*)::int AS n FROM visit`);
    for (const body of [{ dealerId: bj2, lat: 91, lng: 116 }, { dealerId: bj2, lat: 39.9, lng: -181 }, { dealerId: bj2, lat: '39.9', lng: 116.4 }, { dealerId: bj2 }]) {
      const res = await checkIn(rep, body).expect(400);
      expect(res.body.code).toBe(ErrorCode.VALIDATION_FAILED);
    }
    expect((await checkIn(rep, { dealerId: bj3, ...atBj2 }).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
    expect((await checkIn(shRep, { dealerId: bj2, ...atBj2 }).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
    // a plan that is not the rep's
    await checkIn(shRep, { dealerId: await t.orgId('D-SH001'), planId, lat: 31.2397, lng: 121.4844 }).expect(404);
    expect(await count(`SELECT count(*)::int AS n FROM visit`)).toBe(before);
  });

  it('check-in on site records the distance; a second open visit is 409; the same client id answers the same visit', async () => {
    const clientId = cid();
    const res = await t.http.post('/api/visits/check-in').set(bearer(rep)).send({ dealerId: bj2, planId, ...atBj2, accuracy: 12, clientId, deviceAt: new Date().toISOString() }).expect(201);
    visitId = res.body.id;
    expect(res.body).toMatchObject({ dealerId: bj2, planId, distanceM: 111, offSite: false, radiusM: 500, checkOutAt: null, date: today });
    const again = await t.http.post('/api/visits/check-in').set(bearer(rep)).send({ dealerId: bj2, planId, ...atBj2, clientId }).expect(201);
    expect(again.body.id).toBe(visitId);
    const second = await checkIn(rep, { dealerId: bj1, lat: 39.9139, lng: 116.4109 }).expect(409);
    expect(second.body).toMatchObject({ code: ErrorCode.VISIT_ALREADY_OPEN, details: { visitId } });
    expect(await count(`SELECT count(*)::int AS n FROM visit WHERE rep_id = (SELECT rep_id FROM visit WHERE id = $1) AND check_out_at IS NULL`, [visitId])).toBe(1);
    expect((await t.http.get('/api/visits/current').set(bearer(rep)).expect(200)).body.id).toBe(visitId);
  });

  it('counts during the visit become the dealer\'s report for the day with source VISIT (last figures listed to prefill)', async () => {
    const sheet = (await t.http.get(`/api/visits/${visitId}/counts`).set(bearer(rep)).expect(200)).body as { productId: string; lastStock: string | null }[];
    expect(sheet.length).toBeGreaterThanOrEqual(2);
    const lines = sheet.slice(0, 2).map((p, i) => ({ productId: p.productId, stock: String(20 + i), sold: String(3 + i) }));
    const res = await t.http.post(`/api/visits/${visitId}/counts`).set(bearer(rep)).send({ lines }).expect(201);
    expect(res.body).toMatchObject({ dealerId: bj2, date: today });
    const list = await t.http.get(`/api/dealer-reports?dealerId=${bj2}&from=${today}&to=${today}&pageSize=100`).set(bearer(manager)).expect(200);
    for (const l of lines) expect(list.body.items.find((r: { productId: string }) => r.productId === l.productId)).toMatchObject({ source: 'VISIT', stock: `${l.stock}.000`, sold: `${l.sold}.000` });
    expect(await count(`SELECT count(*)::int AS n FROM dealer_report WHERE visit_id = $1`, [visitId])).toBe(2);
    const after = (await t.http.get(`/api/visits/${visitId}/counts`).set(bearer(rep)).expect(200)).body as { productId: string; countedStock: string | null }[];
    expect(after.find((p) => p.productId === lines[0].productId)?.countedStock).toBe('20.000');
    // a negative count is refused
    expect((await t.http.post(`/api/visits/${visitId}/counts`).set(bearer(rep)).send({ lines: [{ productId: lines[0].productId, stock: '-1', sold: '0' }] }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
  });

  it('photos: an image is stored; a non-image is 400 and one over the limit 413, nothing written', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
    const ok = await t.http.post(`/api/visits/${visitId}/photos`).set(bearer(rep)).attach('file', png, { filename: 'shelf.png', contentType: 'image/png' }).expect(201);
    expect(ok.body.url).toMatch(/^\/api\/files\/[0-9a-f-]{36}\.png$/);
    await t.http.get(ok.body.url).expect(200);
    const fake = await t.http.post(`/api/visits/${visitId}/photos`).set(bearer(rep)).attach('file', Buffer.from('MZ this is not a picture'), { filename: 'x.png', contentType: 'image/png' }).expect(400);
    expect(fake.body.code).toBe(ErrorCode.UNSUPPORTED_FILE);
    const pdf = await t.http.post(`/api/visits/${visitId}/photos`).set(bearer(rep)).attach('file', Buffer.from('%PDF-1.4'), { filename: 'x.pdf', contentType: 'application/pdf' }).expect(400);
    expect(pdf.body.code).toBe(ErrorCode.UNSUPPORTED_FILE);
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(3 * 1024 * 1024, 7)]);
    const huge = await t.http.post(`/api/visits/${visitId}/photos`).set(bearer(rep)).attach('file', big, { filename: 'big.jpg', contentType: 'image/jpeg' }).expect(413);
    expect(huge.body.code).toBe(ErrorCode.PAYLOAD_TOO_LARGE);
    expect(await count(`SELECT count(*)::int AS n FROM visit_photo WHERE visit_id = $1`, [visitId])).toBe(1);
    expect((await t.http.get(`/api/visits/${visitId}/photos`).set(bearer(manager)).expect(200)).body).toHaveLength(1);
  });

  it('an order for the dealer: source VISIT at the dealer\'s own price, linked to the visit', async () => {
    const sheet = (await t.http.get(`/api/visits/${visitId}/counts`).set(bearer(rep)).expect(200)).body as { productId: string }[];
    const productId = sheet[0].productId;
    const [price] = (await t.http.get(`/api/prices/resolve?dealerId=${bj2}&productIds=${productId}`).set(bearer(rep)).expect(200)).body;
    const order = await t.http.post(`/api/visits/${visitId}/order`).set(bearer(rep)).send({ warehouseId: warehouse, lines: [{ productId, qty: '2' }] }).expect(201);
    expect(order.body).toMatchObject({ source: 'VISIT', dealerId: bj2, status: 'DRAFT' });
    expect(order.body.lines[0]).toMatchObject({ productId, unitPrice: price.unitPrice });
    expect((await t.http.get(`/api/visits/${visitId}`).set(bearer(rep)).expect(200)).body.orderId).toBe(order.body.id);
  });

  it('check-out records the duration; twice is 409; notes are kept', async () => {
    await t.http.patch(`/api/visits/${visitId}`).set(bearer(rep)).send({ competitorNotes: '竞品降价 5%', displayNotes: '端架陈列完好' }).expect(200);
    const out = await t.http.post(`/api/visits/${visitId}/check-out`).set(bearer(rep)).send({ notes: '店主要求下周送货' }).expect(200);
    expect(out.body).toMatchObject({ id: visitId, distanceM: 111, offSite: false, notes: '店主要求下周送货', competitorNotes: '竞品降价 5%', displayNotes: '端架陈列完好', photoCount: 1, countLines: 2 });
    expect(out.body.checkOutAt).not.toBeNull();
    expect(out.body.durationS).toBeGreaterThanOrEqual(0);
    const twice = await t.http.post(`/api/visits/${visitId}/check-out`).set(bearer(rep)).send({}).expect(409);
    expect(twice.body.code).toBe(ErrorCode.VISIT_ALREADY_CHECKED_OUT);
    // another rep cannot touch it
    await t.http.post(`/api/visits/${visitId}/check-out`).set(bearer(shRep)).send({}).expect(404);
  });

  it('an unplanned check-in far from the dealer is flagged off site', async () => {
    // at D-BJ002's position, about 2.8 km from D-BJ001 (39.9139, 116.4109)
    const res = await checkIn(rep, { dealerId: bj1, lat: 39.9227, lng: 116.4424 }).expect(201);
    expect(res.body.offSite).toBe(true);
    expect(res.body.distanceM).toBeGreaterThan(2500);
    expect(res.body.distanceM).toBeLessThan(3100);
    expect(res.body.planId).toBeNull();
    await t.http.post(`/api/visits/${res.body.id}/check-out`).set(bearer(rep)).send({}).expect(200);
  });

  it('the offline batch: applied in order, once — sent again it writes nothing; the phone\'s times are kept', async () => {
    const visitClientId = cid();
    // a visit of today's business day (the board and the dealer's list below count it as today's): 40 to 10
    // minutes ago, or, in the first 80 minutes of the day (Asia/Shanghai, UTC+8 all year), within them
    let intoDay = Date.now() - Date.parse(`${today}T00:00:00+08:00`);
    if (intoDay < 4000) {
      await new Promise((r) => setTimeout(r, 4000));
      intoDay += 4000;
    }
    const spanS = Math.min(30 * 60, Math.floor(intoDay / 2000));
    const outMs = Date.now() - Math.min(10 * 60_000, Math.floor(intoDay / 4000) * 1000);
    const inAt = new Date(outMs - spanS * 1000).toISOString();
    const outAt = new Date(outMs).toISOString();
    const sheet = (await t.http.get(`/api/visits/${visitId}/counts`).set(bearer(rep)).expect(200)).body as { productId: string }[];
    const items = [
      { kind: 'CHECK_IN', clientId: visitClientId, deviceAt: inAt, dealerId: bj2, ...atBj2, accuracy: 30 },
      { kind: 'COUNTS', clientId: cid(), deviceAt: inAt, visitClientId, lines: [{ productId: sheet[2 % sheet.length].productId, stock: '7', sold: '1' }] },
      { kind: 'NOTES', clientId: cid(), deviceAt: outAt, visitClientId, notes: '地下室没有信号' },
      { kind: 'CHECK_OUT', clientId: cid(), deviceAt: outAt, visitClientId },
    ];
    const first = await t.http.post('/api/visits/sync').set(bearer(rep)).send({ items }).expect(200);
    expect(first.body.items.map((i: { status: string }) => i.status)).toEqual(['DONE', 'DONE', 'DONE', 'DONE']);
    const vid = first.body.items[0].visitId;
    const snapshot = async () => ({
      visits: await count(`SELECT count(*)::int AS n FROM visit WHERE client_id = $1`, [visitClientId]),
      reports: await count(`SELECT count(*)::int AS n FROM dealer_report WHERE visit_id = $1`, [vid]),
      history: await count(`SELECT count(*)::int AS n FROM dealer_report_history`),
      audit: await count(`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'visit' AND entity_id = $1`, [vid]),
    });
    const once = await snapshot();
    expect(once).toMatchObject({ visits: 1, reports: 1 });
    const second = await t.http.post('/api/visits/sync').set(bearer(rep)).send({ items }).expect(200);
    expect(second.body.items.map((i: { status: string }) => i.status)).toEqual(['DUPLICATE', 'DUPLICATE', 'DUPLICATE', 'DUPLICATE']);
    expect(second.body.items.every((i: { visitId: string }) => i.visitId === vid)).toBe(true);
    expect(await snapshot()).toEqual(once);
    const v = (await t.http.get(`/api/visits/${vid}`).set(bearer(rep)).expect(200)).body;
    expect(v).toMatchObject({ notes: '地下室没有信号', checkInDeviceAt: inAt, checkOutDeviceAt: outAt, durationS: spanS, offSite: false });
    expect(v.checkOutAt).not.toBeNull();
  });

  it('check-out before check-in is 409 (VISIT_NOT_CHECKED_IN), the rest of the batch still applies', async () => {
    const res = await t.http.post('/api/visits/sync').set(bearer(rep)).send({
      items: [
        { kind: 'CHECK_OUT', clientId: cid(), visitClientId: cid() },
        { kind: 'CHECK_IN', clientId: cid(), dealerId: bj2, lat: 95, lng: 116 },
        { kind: 'CHECK_IN', clientId: cid(), dealerId: bj3, ...atBj2 },
      ],
    }).expect(200);
    expect(res.body.items.map((i: { status: string; code?: string }) => [i.status, i.code])).toEqual([
      ['FAILED', ErrorCode.VISIT_NOT_CHECKED_IN],
      ['FAILED', ErrorCode.VALIDATION_FAILED],
      ['FAILED', ErrorCode.NOT_FOUND],
    ]);
    expect(await count(`SELECT count(*)::int AS n FROM visit WHERE check_out_at IS NULL`)).toBe(0);
  });

  it('the supervisor: the rep\'s day (planned vs done, off site, photos, counts), coverage and KPIs; another branch sees none of it', async () => {
    const board = (await t.http.get(`/api/visits/board?from=${today}&to=${today}`).set(bearer(manager)).expect(200)).body;
    const zhang = board.reps.find((r: { repName: string }) => r.repName === '张伟');
    expect(zhang.days).toHaveLength(1);
    expect(zhang.days[0]).toMatchObject({ date: today, planned: seededPlanned + 2, plannedDone: seededPlanned + 2, done: 3, offSite: 1, photos: 1, countLines: 3 });
    expect(board.visits.map((v: { id: string }) => v.id)).toContain(visitId);
    const sh = (await t.http.get(`/api/visits/board?from=${today}&to=${today}`).set(bearer(shManager)).expect(200)).body;
    expect(sh.reps.map((r: { repName: string }) => r.repName)).not.toContain('张伟');
    expect(sh.visits.map((v: { id: string }) => v.id)).not.toContain(visitId);
    await t.http.get(`/api/visits/${visitId}`).set(bearer(shManager)).expect(404);
    // a rep sees only itself
    const own = (await t.http.get(`/api/visits/board?from=${today}&to=${today}`).set(bearer(rep)).expect(200)).body;
    expect(own.reps.map((r: { repName: string }) => r.repName)).toEqual(['张伟']);

    const kpis = (await t.http.get(`/api/visits/kpis?from=${today}&to=${today}`).set(bearer(manager)).expect(200)).body;
    expect(kpis.items.find((k: { repName: string }) => k.repName === '张伟')).toMatchObject({ visits: 3, daysWorked: 1, visitsPerDay: '3.0', onSiteRate: '0.667', ordersTaken: 1, planned: seededPlanned + 2, plannedDone: seededPlanned + 2 });

    const coverage = (await t.http.get('/api/visits/coverage?days=7').set(bearer(manager)).expect(200)).body;
    const byCode = new Map(coverage.items.map((i: { dealerCode: string }) => [i.dealerCode, i]));
    expect(byCode.get('D-BJ002')).toMatchObject({ lastVisit: today, daysSince: 0, stale: false });
    expect(byCode.get('D-BJ003')).toMatchObject({ stale: true });
    expect(byCode.has('D-SH001')).toBe(false);
  });

  it('a dealer sees who visited it, and only its own visits', async () => {
    const dealer = await t.token('bj.dealer2');
    const list = (await t.http.get(`/api/visits?from=${today}&to=${today}`).set(bearer(dealer)).expect(200)).body;
    expect(list.items.length).toBeGreaterThanOrEqual(2);
    expect(list.items.every((v: { dealerId: string; repName: string }) => v.dealerId === bj2 && v.repName === '张伟')).toBe(true);
    await t.http.post('/api/visits/check-in').set(bearer(dealer)).send({ dealerId: bj2, ...atBj2, clientId: cid() }).expect(403);
  });

  it('the on-site radius is a company setting', async () => {
    const admin = await t.token('admin');
    const s = (await t.http.get('/api/settings/company').set(bearer(admin)).expect(200)).body;
    expect(s.visitRadiusM).toBe(500);
    await t.http.put('/api/settings/company').set(bearer(admin)).send({ visitRadiusM: 100, version: s.version }).expect(200);
    const res = await checkIn(rep, { dealerId: bj2, ...atBj2 }).expect(201);
    expect(res.body).toMatchObject({ distanceM: 111, offSite: true, radiusM: 100 });
    await t.http.post(`/api/visits/${res.body.id}/check-out`).set(bearer(rep)).send({}).expect(200);
    expect((await t.http.put('/api/settings/company').set(bearer(admin)).send({ visitRadiusM: 5 }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
  });
});
