import { ErrorCode } from '@drp/shared';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/**
 * Dealers in the console (issue #12): a dealer's user belongs in the mall. The console-only
 * endpoints answer 403 STAFF_ONLY to it even though its role holds products:view / prices:view /
 * finance:view (needed by the mall); staff keep them; the mall's own endpoints keep working.
 */
describe('dealer users and the console-only endpoints', () => {
  let t: TestApp;
  let dealer: string;
  let productId: string;
  let dealerId: string;
  beforeAll(async () => {
    t = await bootTestApp();
    dealer = await t.token('bj.dealer1');
    [{ id: productId }] = await t.sql<{ id: string }>(`SELECT id FROM product ORDER BY code LIMIT 1`);
    dealerId = await t.orgId('D-BJ001');
  });
  afterAll(() => t.close());

  const consoleOnly = (): [string, string][] => [
    ['price simulation', `/api/prices/resolve?dealerId=${dealerId}&productIds=${productId}`],
    ['approval inbox', '/api/approvals/tasks'],
    ['approval instances', '/api/approvals/instances?docId=00000000-0000-4000-8000-000000000000'],
    ['delegations', '/api/approvals/delegations'],
    ['aging', '/api/finance/aging?groupBy=dealer'],
    ['product list (unpublished included)', '/api/products?pageSize=5'],
    ['product import template', '/api/products/import-template'],
    ['price import template', '/api/prices/import-template'],
    ['product export', '/api/products/export'],
    ['promotions admin (list)', '/api/promotions'],
  ];

  it.each([['bj.dealer1'], ['bj.dealer2'], ['sh.dealer1']])('%s: every console-only GET answers 403 STAFF_ONLY', async (user) => {
    const token = await t.token(user);
    for (const [what, path] of consoleOnly()) {
      const res = await t.http.get(path).set(bearer(token));
      expect({ what, status: res.status, code: res.body.code }).toEqual({ what, status: 403, code: ErrorCode.STAFF_ONLY });
    }
  });

  it('a promotion by id and the promotion / approval writes are refused as STAFF_ONLY too, and nothing is written', async () => {
    const [promo] = await t.sql<{ id: string }>(`SELECT id FROM promotion LIMIT 1`);
    expect(promo).toBeDefined();
    expect((await t.http.get(`/api/promotions/${promo.id}`).set(bearer(dealer)).expect(403)).body.code).toBe(ErrorCode.STAFF_ONLY);
    const before = await t.sql<{ n: number }>(`SELECT count(*)::int n FROM promotion`);
    const body = { code: 'DLR-PROMO', name: 'x', kind: 'DISCOUNT', validFrom: '2026-01-01', productIds: [productId] };
    expect((await t.http.post('/api/promotions').set(bearer(dealer)).send(body).expect(403)).body.code).toBe(ErrorCode.STAFF_ONLY);
    expect((await t.http.post(`/api/promotions/${promo.id}/disable`).set(bearer(dealer)).expect(403)).body.code).toBe(ErrorCode.STAFF_ONLY);
    expect((await t.http.post('/api/approvals/delegations').set(bearer(dealer)).send({}).expect(403)).body.code).toBe(ErrorCode.STAFF_ONLY);
    expect(await t.sql<{ n: number }>(`SELECT count(*)::int n FROM promotion`)).toEqual(before);
  });

  it('staff keep every console-only endpoint', async () => {
    const admin = await t.token('admin');
    for (const [what, path] of consoleOnly()) {
      const res = await t.http.get(path).set(bearer(admin));
      expect({ what, status: res.status }).toEqual({ what, status: 200 });
    }
    const manager = await t.token('bj.manager');
    await t.http.get('/api/approvals/tasks').set(bearer(manager)).expect(200);
    await t.http.get('/api/finance/aging?groupBy=dealer').set(bearer(manager)).expect(200);
  });

  it('the mall and what it reads still answer the dealer', async () => {
    await t.http.get('/api/mall/home').set(bearer(dealer)).expect(200);
    await t.http.get('/api/mall/catalog?pageSize=5').set(bearer(dealer)).expect(200);
    await t.http.get('/api/mall/orders').set(bearer(dealer)).expect(200);
    await t.http.get(`/api/credit/accounts/${dealerId}`).set(bearer(dealer)).expect(200);
    await t.http.get('/api/statements/list').set(bearer(dealer)).expect(200);
    await t.http.get('/api/notifications').set(bearer(dealer)).expect(200);
  });

  it('without a token a console-only endpoint is 401, not 403', async () => {
    expect((await t.http.get('/api/approvals/tasks').expect(401)).body.code).toBe(ErrorCode.UNAUTHENTICATED);
  });
});
