import { ErrorCode } from '@drp/shared';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/** What the print views read: the company's letterhead, and the detail answers under the caller's scope. */
describe('printing: the letterhead and the documents a print view reads', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(() => t.close());

  it('GET /api/orgs/company answers the HQ letterhead to staff and dealers alike', async () => {
    const [hq] = await t.sql<{ tax_id: string | null }>(`SELECT tax_id FROM organization WHERE code = 'HQ'`);
    const expected = { name: '总部', address: '北京市海淀区中关村大街1号', phone: '010-88886666', taxId: hq.tax_id };
    for (const user of ['admin', 'bj.finance', 'bj.dealer1']) {
      const res = await t.http.get('/api/orgs/company').set(bearer(await t.token(user))).expect(200);
      expect(res.body).toEqual(expected);
    }
  });

  it("the letterhead carries the HQ's tax id once HQ enters one", async () => {
    const admin = await t.token('admin');
    const hq = await t.orgId('HQ');
    const org = (await t.http.get(`/api/orgs/${hq}`).set(bearer(admin)).expect(200)).body;
    await t.http.patch(`/api/orgs/${hq}`).set(bearer(admin)).send({ taxId: '91440101MA5CJQ4N59', version: org.version }).expect(200);
    const res = await t.http.get('/api/orgs/company').set(bearer(await t.token('bj.dealer1'))).expect(200);
    expect(res.body).toMatchObject({ name: '总部', taxId: '91440101MA5CJQ4N59' });
  });

  it('GET /api/orgs/company needs a signed-in user', async () => {
    const res = await t.http.get('/api/orgs/company').expect(401);
    expect(res.body.code).toBe(ErrorCode.UNAUTHENTICATED);
  });

  it('the letterhead route does not hide organisation ids: a bad id is still 400, an unknown one 404', async () => {
    const admin = await t.token('admin');
    expect((await t.http.get('/api/orgs/not-a-uuid').set(bearer(admin)).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await t.http.get('/api/orgs/00000000-0000-4000-8000-000000000000').set(bearer(admin)).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
  });

  it('a dealer reads its own statement and gets 404 for another dealer\'s', async () => {
    const rows = await t.sql<{ id: string; code: string }>(
      `SELECT s.id, o.code FROM statement s JOIN organization o ON o.id = s.dealer_id WHERE o.code IN ('D-BJ001', 'D-SH001') ORDER BY s.created_at`,
    );
    const own = rows.find((r) => r.code === 'D-BJ001');
    const other = rows.find((r) => r.code === 'D-SH001');
    expect(own).toBeDefined();
    expect(other).toBeDefined();
    const dealer = await t.token('bj.dealer1');
    const mine = await t.http.get(`/api/statements/${own!.id}`).set(bearer(dealer)).expect(200);
    expect(mine.body).toMatchObject({ id: own!.id, dealerCode: 'D-BJ001' });
    expect(Array.isArray(mine.body.lines)).toBe(true);
    const theirs = await t.http.get(`/api/statements/${other!.id}`).set(bearer(dealer)).expect(404);
    expect(theirs.body.code).toBe(ErrorCode.NOT_FOUND);
  });
});
