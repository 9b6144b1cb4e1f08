import { ErrorCode, MallContentDto, Paged } from '@drp/shared';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

const ZERO_UUID = '00000000-0000-4000-8000-000000000000';

/**
 * Scope deviations closed in issue #11 (ARCHITECTURE §5: out-of-scope reads answer 404, the same
 * as an unknown id, so ids cannot be probed): mall contents aimed at another branch, products
 * outside the caller's product range, someone else's notification and delegation, and the
 * delegate a manager may name.
 */
describe('scope deviations (issue #11)', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
    for (const u of ['admin', 'bj.manager', 'bj.sales', 'sh.manager', 'bj.dealer1']) tok[u] = await t.token(u);
  });
  afterAll(() => t.close());

  const tok: Record<string, string> = {};
  const get = (user: string, url: string) => t.http.get(url).set(bearer(tok[user]));
  const post = (user: string, url: string, body: object = {}) => t.http.post(url).set(bearer(tok[user])).send(body);
  const del = (user: string, url: string) => t.http.delete(url).set(bearer(tok[user]));
  /** the error body without what names the id asked for */
  const shape = (body: { statusCode: number; code: string; message: string; details?: Record<string, unknown> }, id: string) =>
    JSON.parse(JSON.stringify({ statusCode: body.statusCode, code: body.code, message: body.message, details: body.details }).split(id).join('<id>'));

  describe('mall contents aimed at a branch', () => {
    const day = 86_400_000;
    const made: Record<string, string> = {};
    beforeAll(async () => {
      const now = Date.now();
      for (const [title, org] of [['SD-全体', null], ['SD-总部', 'HQ'], ['SD-北京', 'BJ'], ['SD-朝阳', 'BJ-CY'], ['SD-上海', 'SH']] as const) {
        const body = { kind: 'BANNER', title, startsAt: new Date(now - day).toISOString(), endsAt: new Date(now + day).toISOString(), branchIds: org ? [await t.orgId(org)] : [] };
        made[title] = ((await post('admin', '/api/mall/contents', body)).body as MallContentDto).id;
        expect(made[title]).toBeDefined();
      }
    });
    const listed = async (user: string) =>
      ((await get(user, '/api/mall/contents?q=SD-&pageSize=50').expect(200)).body as Paged<MallContentDto>).items.map((c) => c.title).sort();

    it('HQ sees every content', async () => {
      expect(await listed('admin')).toEqual(['SD-上海', 'SD-全体', 'SD-北京', 'SD-总部', 'SD-朝阳']);
      await get('admin', `/api/mall/contents/${made['SD-上海']}`).expect(200);
    });

    it("branch staff see the contents for everyone, for their branch or inside it, or above it; another branch's is 404 (was readable by list and id)", async () => {
      // 北京 staff: the Shanghai banner was listed and readable by id before
      expect(await listed('bj.manager')).toEqual(['SD-全体', 'SD-北京', 'SD-总部', 'SD-朝阳']);
      const shByBj = await get('bj.manager', `/api/mall/contents/${made['SD-上海']}`).expect(404);
      const unknown = await get('bj.manager', `/api/mall/contents/${ZERO_UUID}`).expect(404);
      expect(shape(shByBj.body, made['SD-上海'])).toEqual(shape(unknown.body, ZERO_UUID));
      await get('bj.manager', `/api/mall/contents/${made['SD-朝阳']}`).expect(200);
      await get('bj.manager', `/api/mall/contents/${made['SD-总部']}`).expect(200);
      // 上海 staff: nothing of Beijing or its office
      expect(await listed('sh.manager')).toEqual(['SD-上海', 'SD-全体', 'SD-总部']);
      await get('sh.manager', `/api/mall/contents/${made['SD-北京']}`).expect(404);
      await get('sh.manager', `/api/mall/contents/${made['SD-朝阳']}`).expect(404);
      await get('sh.manager', `/api/mall/contents/${made['SD-上海']}`).expect(200);
      // a sales rep (its branch record and its assigned dealers): its branch and above, not the office beside its dealers
      expect(await listed('bj.sales')).toEqual(['SD-全体', 'SD-北京', 'SD-总部']);
      await get('bj.sales', `/api/mall/contents/${made['SD-朝阳']}`).expect(404);
      // the staff list agrees with what their dealers see on the mall home
      const home = (await get('bj.dealer1', '/api/mall/home').expect(200)).body as { banners: MallContentDto[] };
      expect(home.banners.map((b) => b.title).filter((x) => x.startsWith('SD-')).sort()).toEqual(['SD-全体', 'SD-北京', 'SD-总部']);
    });
  });

  describe('a product outside the caller\'s product range answers as an unknown one', () => {
    let inside: string;
    let outside: string;
    let stopped: string;
    let bj: string;
    let dealer: string;
    let wh: string;
    beforeAll(async () => {
      const cat = async (code: string) => (await post('admin', '/api/categories', { code, name: `范围 ${code}` }).expect(201)).body.id as string;
      const product = async (code: string, categoryId: string, extra: object = {}) =>
        (await post('admin', '/api/products', { code, name: `商品 ${code}`, categoryId, baseUnit: '箱', basePrice: '10.0000', mallPublished: true, ...extra }).expect(201)).body.id as string;
      const cIn = await cat('SD-IN');
      const cOut = await cat('SD-OUT');
      inside = await product('SD-IN1', cIn);
      stopped = await product('SD-IN2', cIn, { status: 'DISCONTINUED' });
      outside = await product('SD-OUT1', cOut);
      bj = await t.orgId('BJ');
      dealer = await t.orgId('D-BJ001');
      [{ id: wh }] = await t.sql<{ id: string }>('SELECT id FROM warehouse WHERE org_id = $1 ORDER BY code LIMIT 1', [bj]);
      await t.http.put(`/api/branches/${bj}/product-scope`).set(bearer(admin)).send({ categoryIds: [cIn], productIds: [] }).expect(200);
    });
    afterAll(async () => {
      await t.http.put(`/api/branches/${bj}/product-scope`).set(bearer(admin)).send({ categoryIds: [], productIds: [] }).expect(200);
    });

    const notFoundLike = async (res: { status: number; body: never }, ask: (id: string) => Promise<{ status: number; body: never }>) => {
      expect(res.status).toBe(404);
      const unknown = await ask(ZERO_UUID);
      expect(unknown.status).toBe(404);
      expect(shape(res.body, outside)).toEqual(shape(unknown.body, ZERO_UUID));
      expect((res.body as { code: string }).code).toBe(ErrorCode.NOT_FOUND);
      expect(JSON.stringify(res.body)).not.toContain('SD-OUT1');
    };

    it('console: price resolve, order preview and order creation by branch staff: 404 NOT_FOUND (was 400 PRODUCT_OUT_OF_SCOPE naming the code)', async () => {
      const resolve = async (id: string) => get('bj.manager', `/api/prices/resolve?dealerId=${dealer}&productIds=${id}`) as never;
      await notFoundLike(await resolve(outside), resolve);
      const preview = async (id: string) => post('bj.manager', '/api/sales-orders/preview', { dealerId: dealer, warehouseId: wh, lines: [{ productId: id, qty: '1' }] }) as never;
      await notFoundLike(await preview(outside), preview);
      const before = (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM sales_order'))[0].n;
      const create = async (id: string) => post('bj.manager', '/api/sales-orders', { dealerId: dealer, warehouseId: wh, lines: [{ productId: id, qty: '1' }] }) as never;
      await notFoundLike(await create(outside), create);
      expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM sales_order'))[0].n).toBe(before);
      // mixed with an unknown one: one 404 naming both ids, as unknown ones
      const both = await get('bj.manager', `/api/prices/resolve?dealerId=${dealer}&productIds=${outside},${ZERO_UUID}`);
      expect(both.status).toBe(404);
      expect((both.body.details.ids as string[]).sort()).toEqual([outside, ZERO_UUID].sort());
    });

    it('allowed cases keep their answers: in range works, a visible discontinued product keeps its code, HQ keeps the named refusal for a dealer of the branch', async () => {
      expect((await get('bj.manager', `/api/prices/resolve?dealerId=${dealer}&productIds=${inside}`)).status).toBe(200);
      expect((await post('bj.manager', '/api/sales-orders/preview', { dealerId: dealer, warehouseId: wh, lines: [{ productId: inside, qty: '1' }] })).status).toBe(200);
      const disc = await post('bj.manager', '/api/sales-orders/preview', { dealerId: dealer, warehouseId: wh, lines: [{ productId: stopped, qty: '1' }] });
      expect(disc.body.code).toBe(ErrorCode.PRODUCT_DISCONTINUED);
      // HQ sees the product: the dealer's branch range is a rule to tell, not a secret
      const hq = await get('admin', `/api/prices/resolve?dealerId=${dealer}&productIds=${outside}`);
      expect(hq.status).toBe(400);
      expect(hq.body).toMatchObject({ code: ErrorCode.PRODUCT_OUT_OF_SCOPE, details: { productIds: [outside] } });
      await get('bj.manager', `/api/products/${outside}`).expect(404);
      await get('admin', `/api/products/${outside}`).expect(200);
    });

    it('mall: a dealer adding an out-of-range product to its cart: 404 as an unknown id (was 400 PRODUCT_OUT_OF_SCOPE); nothing written', async () => {
      const add = async (id: string) => post('bj.dealer1', '/api/mall/cart/items', { productId: id, qty: '1' }) as never;
      await notFoundLike(await add(outside), add);
      await get('bj.dealer1', `/api/mall/products/${outside}`).expect(404);
      expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM mall_cart_item WHERE product_id = $1', [outside]))[0].n).toBe(0);
      // in range: added
      expect(((await add(inside)) as { status: number }).status).toBeLessThan(300);
      await del('bj.dealer1', `/api/mall/cart/items/${inside}`).expect((r) => expect(r.status).toBeLessThan(300));
    });
  });

  describe('notifications and delegations of someone else', () => {
    it("marking someone else's notification read: 404 (was 200) and it stays unread; one's own: 200, again 200", async () => {
      const bjMgr = await t.userId('bj.manager');
      const [{ id }] = await t.sql<{ id: string }>(`INSERT INTO notification (user_id, kind, title) VALUES ($1, 'SYSTEM', 'SD 通知') RETURNING id`, [bjMgr]);
      const other = await post('sh.manager', `/api/notifications/${id}/read`).expect(404);
      const unknown = await post('sh.manager', `/api/notifications/${ZERO_UUID}/read`).expect(404);
      expect(shape(other.body, id)).toEqual(shape(unknown.body, ZERO_UUID));
      expect((await t.sql<{ read_at: Date | null }>('SELECT read_at FROM notification WHERE id = $1', [id]))[0].read_at).toBeNull();
      const mine = await post('bj.manager', `/api/notifications/${id}/read`).expect(200);
      expect(typeof mine.body.unread).toBe('number');
      expect((await t.sql<{ read_at: Date | null }>('SELECT read_at FROM notification WHERE id = $1', [id]))[0].read_at).not.toBeNull();
      await post('bj.manager', `/api/notifications/${id}/read`).expect(200);
      await post('sh.manager', '/api/notifications/read-all').expect(200);
    });

    it("deleting someone else's delegation: 404 (was 204) and it stays; one's own: 204", async () => {
      const period = { startsAt: new Date(Date.now() + 86_400_000).toISOString(), endsAt: new Date(Date.now() + 3 * 86_400_000).toISOString() };
      const { id } = (await post('bj.manager', '/api/approvals/delegations', { delegateId: await t.userId('bj.finance'), ...period }).expect(201)).body;
      const other = await del('sh.manager', `/api/approvals/delegations/${id}`).expect(404);
      const unknown = await del('sh.manager', `/api/approvals/delegations/${ZERO_UUID}`).expect(404);
      expect(shape(other.body, id)).toEqual(shape(unknown.body, ZERO_UUID));
      await del('admin', `/api/approvals/delegations/${id}`).expect(404);
      expect((await t.sql('SELECT 1 FROM approval_delegation WHERE id = $1', [id])).length).toBe(1);
      await del('bj.manager', `/api/approvals/delegations/${id}`).expect(204);
      expect((await t.sql('SELECT 1 FROM approval_delegation WHERE id = $1', [id])).length).toBe(0);
      // a running one of one's own ends now; ending it again is still one's own: 204
      const running = (await post('bj.manager', '/api/approvals/delegations', { delegateId: await t.userId('bj.finance'), startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: period.endsAt }).expect(201)).body.id;
      await del('bj.manager', `/api/approvals/delegations/${running}`).expect(204);
      await del('bj.manager', `/api/approvals/delegations/${running}`).expect(204);
      expect((await get('bj.manager', '/api/approvals/delegations').expect(200)).body).toEqual([]);
    });

    it("naming a delegate: a manager only a staff user in its own scope (another branch's: 404 as unknown; a dealer's user: 400 STAFF_ONLY); HQ any staff user", async () => {
      const period = { startsAt: new Date(Date.now() + 86_400_000).toISOString(), endsAt: new Date(Date.now() + 2 * 86_400_000).toISOString() };
      const name = async (user: string, delegate: string) => post(user, '/api/approvals/delegations', { delegateId: delegate, ...period });
      const before = (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM approval_delegation'))[0].n;
      const outside = await name('bj.manager', await t.userId('sh.manager'));
      expect(outside.status).toBe(404);
      expect(shape(outside.body, await t.userId('sh.manager'))).toEqual(shape((await name('bj.manager', ZERO_UUID)).body, ZERO_UUID));
      const dealerUser = await name('bj.manager', await t.userId('bj.dealer1'));
      expect(dealerUser.status).toBe(400);
      expect(dealerUser.body).toMatchObject({ code: ErrorCode.VALIDATION_FAILED, details: { field: 'delegateId', rule: 'STAFF_ONLY' } });
      // another branch's dealer user is not even visible
      expect((await name('bj.manager', await t.userId('sh.dealer1'))).status).toBe(404);
      expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM approval_delegation'))[0].n).toBe(before);
      // allowed: a colleague of the branch; HQ: any staff user, but not a dealer's
      expect((await name('bj.manager', await t.userId('bj.sales'))).status).toBe(201);
      expect((await name('admin', await t.userId('sh.manager'))).status).toBe(201);
      expect((await name('admin', await t.userId('bj.dealer1'))).body).toMatchObject({ code: ErrorCode.VALIDATION_FAILED, details: { rule: 'STAFF_ONLY' } });
    });
  });
});
