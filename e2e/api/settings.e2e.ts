import { ErrorCode, StockControl } from '@drp/shared';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/** Company settings (stock control at order time, price scale): everyone reads, HQ edits, audited, versioned. */
describe('company settings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(() => t.close());

  it('defaults are WARN and 2 decimals; every signed-in user reads them', async () => {
    const res = await t.http.get('/api/settings/company').set(bearer(await t.token('bj.sales'))).expect(200);
    expect(res.body).toEqual({ stockControl: StockControl.WARN, priceScale: 2, visitRadiusM: 500, reportOverdueDays: 7, version: 1 });
    await t.http.get('/api/settings/company').expect(401);
  });

  it('HQ edits them with an audit row; a branch manager may not; bad values and stale versions are refused with nothing written', async () => {
    const admin = bearer(await t.token('admin'));
    await t.http.put('/api/settings/company').set(bearer(await t.token('bj.manager'))).send({ stockControl: 'BLOCK' }).expect(403);
    for (const body of [{ stockControl: 'SOMETIMES' }, { priceScale: 5 }, { priceScale: -1 }, { priceScale: 2.5 }, { unknown: 1 }]) {
      const bad = await t.http.put('/api/settings/company').set(admin).send(body).expect(400);
      expect(bad.body.code).toBe(ErrorCode.VALIDATION_FAILED);
    }
    const ok = await t.http.put('/api/settings/company').set(admin).send({ stockControl: 'BLOCK', priceScale: 3, version: 1 }).expect(200);
    expect(ok.body).toEqual({ stockControl: 'BLOCK', priceScale: 3, visitRadiusM: 500, reportOverdueDays: 7, version: 2 });
    const stale = await t.http.put('/api/settings/company').set(admin).send({ stockControl: 'NONE', version: 1 }).expect(409);
    expect(stale.body.code).toBe(ErrorCode.STALE_VERSION);
    expect((await t.http.get('/api/settings/company').set(admin).expect(200)).body).toMatchObject({ stockControl: 'BLOCK', priceScale: 3 });
    const audit = await t.sql<{ before: unknown; after: unknown }>(`SELECT before, after FROM audit_log WHERE entity = 'company_settings'`);
    expect(audit).toEqual([{ before: { stockControl: 'WARN', priceScale: 2 }, after: { stockControl: 'BLOCK', priceScale: 3 } }]);
  });
});
