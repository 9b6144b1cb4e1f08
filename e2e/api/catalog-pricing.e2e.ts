import { ErrorCode } from '@drp/shared';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

const levels = (top: number) => Array.from({ length: 10 }, (_, i) => (top - i * 2).toFixed(4));

describe('catalog and pricing', () => {
  let t: TestApp;
  let admin: string;
  let drinks: { id: string };
  let snacks: { id: string };
  let water: { id: string; version: number };
  let juice: { id: string };
  let chips: { id: string };

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
    const food = (await t.http.post('/api/categories').set(bearer(admin)).send({ code: 'T-FOOD', name: '食品饮料' }).expect(201)).body;
    drinks = (await t.http.post('/api/categories').set(bearer(admin)).send({ code: 'T-DRINK', name: '饮料', parentId: food.id }).expect(201)).body;
    snacks = (await t.http.post('/api/categories').set(bearer(admin)).send({ code: 'T-SNACK', name: '零食', parentId: food.id }).expect(201)).body;
    water = (
      await t.http.post('/api/products').set(bearer(admin)).send({
        code: 'T-W001', name: '雪域高山矿泉水 550ml', spec: '550ml×24', brand: '雪域', categoryId: drinks.id, baseUnit: '瓶', barcode: '6901234567892',
        basePrice: '60.0000', levelPrices: levels(50), units: [{ unit: '箱', factor: '24' }], minOrderQty: '24', orderMultiple: '24', mallPublished: true,
      }).expect(201)
    ).body;
    juice = (await t.http.post('/api/products').set(bearer(admin)).send({ code: 'T-J001', name: '橙汁 1L', categoryId: drinks.id, baseUnit: '瓶', basePrice: '35.0000', levelPrices: levels(30) }).expect(201)).body;
    chips = (await t.http.post('/api/products').set(bearer(admin)).send({ code: 'T-C001', name: '薯片 原味', categoryId: snacks.id, baseUnit: '袋', basePrice: '6.0000' }).expect(201)).body;
  });
  afterAll(() => t.close());

  describe('products', () => {
    it('keeps ten level prices, pack units, the effective floor and history', async () => {
      const p = (await t.http.get(`/api/products/${water.id}`).set(bearer(admin)).expect(200)).body;
      expect(p.levelPrices).toEqual(levels(50));
      expect(p).toMatchObject({ floorPrice: null, effectiveFloorPrice: '32.0000', units: [{ unit: '箱', factor: '24.000' }], categoryName: '饮料', taxRate: '0.1300' });
      const hist = (await t.http.get(`/api/products/${water.id}/price-history`).set(bearer(admin)).expect(200)).body;
      expect(hist.filter((h: { kind: string }) => h.kind === 'LEVEL')).toHaveLength(10);
      expect(hist.find((h: { kind: string }) => h.kind === 'BASE')).toMatchObject({ oldPrice: null, newPrice: '60.0000', changedByName: '系统管理员' });
    });

    it('searches by code, name, barcode and brand, and filters by category with its sub-categories', async () => {
      const q = async (s: string) => (await t.http.get(`/api/products?${s}`).set(bearer(admin)).expect(200)).body.items.map((p: { code: string }) => p.code).sort();
      expect(await q('q=T-W')).toEqual(['T-W001']);
      expect(await q(`q=${encodeURIComponent('高山矿泉')}`)).toEqual(['T-W001']);
      expect(await q('q=6901234567892')).toEqual(['T-W001']);
      expect(await q(`q=${encodeURIComponent('雪域')}`)).toEqual(['T-W001']);
      expect(await q(`categoryId=${drinks.id}`)).toEqual(['T-J001', 'T-W001']);
      const food = (await t.sql<{ id: string }>(`SELECT id FROM category WHERE code = 'T-FOOD'`))[0].id;
      expect(await q(`categoryId=${food}`)).toEqual(['T-C001', 'T-J001', 'T-W001']);
    });

    it('refuses bad product input with stable codes and writes nothing', async () => {
      const before = (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM product'))[0].n;
      const base = { code: 'T-BAD', name: '坏数据', categoryId: drinks.id, baseUnit: '个', basePrice: '1' };
      const bad = async (body: object, status: number, code: ErrorCode) => expect((await t.http.post('/api/products').set(bearer(admin)).send(body).expect(status)).body.code).toBe(code);
      await bad({ ...base, basePrice: '1.23456' }, 400, ErrorCode.VALIDATION_FAILED);
      await bad({ ...base, basePrice: 1.5 }, 400, ErrorCode.VALIDATION_FAILED);
      await bad({ ...base, basePrice: '-1' }, 400, ErrorCode.VALIDATION_FAILED);
      await bad({ ...base, levelPrices: ['1', '2'] }, 400, ErrorCode.VALIDATION_FAILED);
      await bad({ ...base, orderMultiple: '0' }, 400, ErrorCode.VALIDATION_FAILED);
      await bad({ ...base, code: 'T-W001' }, 409, ErrorCode.DUPLICATE);
      await bad({ ...base, barcode: '6901234567892' }, 409, ErrorCode.DUPLICATE);
      await bad({ ...base, categoryId: '00000000-0000-4000-8000-000000000000' }, 404, ErrorCode.NOT_FOUND);
      await bad({ ...base, units: [{ unit: '箱', factor: '1' }] }, 400, ErrorCode.VALIDATION_FAILED);
      expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM product'))[0].n).toBe(before);
    });

    it('bulk-edits prices in a grid, all or nothing, with history', async () => {
      const j = (await t.http.get(`/api/products/${juice.id}`).set(bearer(admin)).expect(200)).body;
      const c = (await t.http.get(`/api/products/${chips.id}`).set(bearer(admin)).expect(200)).body;
      // a stale version in one row refuses the whole grid
      const stale = await t.http.put('/api/products/prices').set(bearer(admin)).send({ rows: [{ productId: j.id, version: j.version, basePrice: '36' }, { productId: c.id, version: c.version + 5, basePrice: '7' }] }).expect(409);
      expect(stale.body).toMatchObject({ code: ErrorCode.STALE_VERSION, details: { productId: c.id, productCode: 'T-C001' } });
      expect((await t.http.get(`/api/products/${juice.id}`).set(bearer(admin)).expect(200)).body.basePrice).toBe('35.0000');
      const res = await t.http.put('/api/products/prices').set(bearer(admin)).send({
        rows: [{ productId: j.id, version: j.version, basePrice: '36', levelPrices: [...j.levelPrices.slice(0, 9), '2.0000'] }, { productId: c.id, version: c.version, levelPrices: levels(5.5).map((x, i) => (i < 3 ? x : null)), floorPrice: '1.5' }],
      }).expect(200);
      expect(res.body.find((p: { code: string }) => p.code === 'T-J001')).toMatchObject({ basePrice: '36.0000', effectiveFloorPrice: '2.0000' });
      expect(res.body.find((p: { code: string }) => p.code === 'T-C001')).toMatchObject({ floorPrice: '1.5000', levelPrices: ['5.5000', '3.5000', '1.5000', null, null, null, null, null, null, null] });
      const hist = (await t.http.get(`/api/products/${juice.id}/price-history`).set(bearer(admin)).expect(200)).body;
      expect(hist.filter((h: { kind: string; oldPrice: string | null }) => h.oldPrice !== null).map((h: { kind: string; level: number | null }) => `${h.kind}${h.level ?? ''}`).sort()).toEqual(['BASE', 'LEVEL10']);
    });

    it('a dealer sees only its own level price, no floor and no price history', async () => {
      const dealer = await t.token('bj.dealer1'); // D-BJ001 is level 2
      const p = (await t.http.get(`/api/products/${water.id}`).set(bearer(dealer)).expect(200)).body;
      expect(p.levelPrices).toEqual([null, '48.0000', null, null, null, null, null, null, null, null]);
      expect(p).toMatchObject({ floorPrice: null, effectiveFloorPrice: null, basePrice: '60.0000' });
      // the full product list is the console's (unpublished products too): staff only (dealer-console.e2e)
      expect((await t.http.get('/api/products?q=T-W001').set(bearer(dealer)).expect(403)).body.code).toBe(ErrorCode.STAFF_ONLY);
      expect((await t.http.get(`/api/products/${water.id}/price-history`).set(bearer(dealer)).expect(403)).body.code).toBe(ErrorCode.FORBIDDEN);
      // staff still see every level
      expect((await t.http.get(`/api/products/${water.id}`).set(bearer(await t.token('bj.manager'))).expect(200)).body.levelPrices.every((x: string | null) => x !== null)).toBe(true);
    });

    it('uploads product images to storage and serves them; refuses non-images', async () => {
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
      const img = (await t.http.post(`/api/products/${water.id}/images`).set(bearer(admin)).attach('file', png, { filename: 'water.png', contentType: 'image/png' }).expect(201)).body;
      expect(img.url).toMatch(/^\/api\/files\/[0-9a-f-]{36}\.png$/);
      const file = await t.http.get(img.url).expect(200);
      expect(Buffer.compare(file.body, png)).toBe(0);
      const fake = await t.http.post(`/api/products/${water.id}/images`).set(bearer(admin)).attach('file', Buffer.from('MZ not an image at all'), { filename: 'x.png', contentType: 'image/png' }).expect(400);
      expect(fake.body.code).toBe(ErrorCode.UNSUPPORTED_FILE);
      await t.http.delete(`/api/products/${water.id}/images/${img.id}`).set(bearer(admin)).expect(204);
      await t.http.get(img.url).expect(404);
    });

    it('categories: delete refused while in use or with children', async () => {
      expect((await t.http.delete(`/api/categories/${drinks.id}`).set(bearer(admin)).expect(409)).body.code).toBe(ErrorCode.CATEGORY_IN_USE);
      const food = (await t.sql<{ id: string }>(`SELECT id FROM category WHERE code = 'T-FOOD'`))[0].id;
      expect((await t.http.delete(`/api/categories/${food}`).set(bearer(admin)).expect(409)).body.code).toBe(ErrorCode.CATEGORY_HAS_CHILDREN);
      const empty = (await t.http.post('/api/categories').set(bearer(admin)).send({ code: 'T-EMPTY', name: '空分类' }).expect(201)).body;
      await t.http.delete(`/api/categories/${empty.id}`).set(bearer(admin)).expect(204);
    });

    it('renames the price levels', async () => {
      const res = await t.http.put('/api/price-levels').set(bearer(admin)).send({ levels: [{ level: 1, name: '总代价', nameEn: 'Master distributor' }] }).expect(200);
      expect(res.body[0]).toEqual({ level: 1, name: '总代价', nameEn: 'Master distributor' });
      expect(res.body).toHaveLength(10);
      await t.http.put('/api/price-levels').set(bearer(await t.token('bj.manager'))).send({ levels: [{ level: 1, name: 'x', nameEn: 'x' }] }).expect(403);
    });
  });

  describe('price resolution', () => {
    const resolve = async (dealerCode: string, ids: string[], extra = '', status = 200) =>
      t.http.get(`/api/prices/resolve?dealerId=${await t.orgId(dealerCode)}&productIds=${ids.join(',')}${extra}`).set(bearer(admin)).expect(status);

    it('answers the dealer level price (D-BJ002 is level 3), or the base price where the level is unset', async () => {
      const res = await resolve('D-BJ002', [water.id, chips.id]);
      expect(res.body[0]).toMatchObject({ productId: water.id, unitPrice: '46.0000', source: 'LEVEL', sourceId: '3', levelPrice: '46.0000', basePrice: '60.0000', floorPrice: '32.0000' });
      // chips: levels 1-3 set by the grid test above (level 3 = 1.5), so the level applies
      expect(res.body[1]).toMatchObject({ productId: chips.id, source: 'LEVEL' });
      const d4 = await resolve('D-BJ004', [chips.id]); // level 4: unset -> base
      expect(d4.body[0]).toMatchObject({ source: 'BASE', unitPrice: '6.0000', sourceId: null });
    });

    it('a price book for a dealer wins over its level, with quantity breaks; and names the book', async () => {
      const dealer = await t.orgId('D-BJ001');
      const book = (
        await t.http.post('/api/price-books').set(bearer(admin)).send({
          code: 'T-PB1', name: '华联年度协议价', validFrom: '2026-01-01', validTo: null, dealerIds: [dealer],
          items: [{ productId: water.id, price: '40' }, { productId: water.id, minQty: '240', price: '38.5' }],
        }).expect(201)
      ).body;
      expect(book.items).toHaveLength(2);
      const one = (await resolve('D-BJ001', [water.id, juice.id])).body;
      expect(one[0]).toMatchObject({ source: 'PRICE_BOOK', sourceId: book.id, sourceName: '华联年度协议价', unitPrice: '40.0000' });
      expect(one[1].source).toBe('LEVEL');
      const bulk = (await resolve('D-BJ001', [water.id], '&qty=240')).body;
      expect(bulk[0]).toMatchObject({ unitPrice: '38.5000', qty: '240.000' });
      // another dealer is unaffected
      expect((await resolve('D-BJ002', [water.id])).body[0].source).toBe('LEVEL');
      const hist = (await t.http.get(`/api/products/${water.id}/price-history`).set(bearer(admin)).expect(200)).body;
      expect(hist.filter((h: { kind: string }) => h.kind === 'PRICE_BOOK').map((h: { refName: string }) => h.refName).sort()).toEqual(['华联年度协议价', '华联年度协议价 ≥240']);
    });

    it('a running promotion wins; percent off applies to the dealer\'s own price; a future one does not apply yet', async () => {
      const now = Date.now();
      await t.http.post('/api/promotions').set(bearer(admin)).send({
        code: 'T-PR1', name: '饮料节 9 折', kind: 'PERCENT_OFF', value: '10', categoryIds: [drinks.id], branchIds: [await t.orgId('BJ')],
        startsAt: new Date(now - 3600_000).toISOString(), endsAt: new Date(now + 86400_000).toISOString(),
      }).expect(201);
      await t.http.post('/api/promotions').set(bearer(admin)).send({
        code: 'T-PR2', name: '明日特价', kind: 'SPECIAL_PRICE', value: '1', productIds: [water.id],
        startsAt: new Date(now + 86400_000).toISOString(), endsAt: new Date(now + 2 * 86400_000).toISOString(),
      }).expect(201);
      const bj1 = (await resolve('D-BJ001', [water.id])).body[0];
      expect(bj1).toMatchObject({ source: 'PROMOTION', sourceName: '饮料节 9 折', unitPrice: '36.0000' }); // 10% off the book's 40
      const bj2 = (await resolve('D-BJ002', [juice.id])).body[0];
      expect(bj2.source).toBe('PROMOTION');
      // Shanghai dealers are outside the promotion's branches
      expect((await resolve('D-SH002', [water.id])).body[0].source).toBe('LEVEL');
      // at a future instant the special price applies
      const tomorrow = new Date(now + 86400_000 + 60_000).toISOString();
      expect((await resolve('D-SH002', [water.id], `&at=${encodeURIComponent(tomorrow)}`)).body[0]).toMatchObject({ source: 'PROMOTION', unitPrice: '1.0000' });
    });

    it('refuses bad input: unknown dealer or product, non-dealer, zero quantity, too many decimals', async () => {
      expect((await resolve('BJ', [water.id], '', 400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect((await t.http.get(`/api/prices/resolve?dealerId=00000000-0000-4000-8000-000000000000&productIds=${water.id}`).set(bearer(admin)).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      expect((await resolve('D-BJ001', ['00000000-0000-4000-8000-000000000000'], '', 404)).body.code).toBe(ErrorCode.NOT_FOUND);
      expect((await resolve('D-BJ001', [water.id], '&qty=0', 400)).body.code).toBe(ErrorCode.INVALID_QUANTITY);
      expect((await resolve('D-BJ001', [water.id], '&qty=-5', 400)).body.code).toBe(ErrorCode.INVALID_QUANTITY);
      expect((await resolve('D-BJ001', [water.id], '&qty=1.23456', 400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      await t.http.get('/api/prices/resolve').set(bearer(admin)).expect(400);
    });

    it('strict mode checks the minimum order quantity and the order multiple (water: min 24, multiple 24)', async () => {
      expect((await resolve('D-BJ002', [water.id], '&qty=12&strict=true', 400)).body).toMatchObject({ code: ErrorCode.QTY_BELOW_MINIMUM, details: { productId: water.id } });
      expect((await resolve('D-BJ002', [water.id], '&qty=30&strict=true', 400)).body.code).toBe(ErrorCode.QTY_NOT_MULTIPLE);
      expect((await resolve('D-BJ002', [water.id], '&qty=48&strict=true')).body[0].qty).toBe('48.000');
      // without strict the simulator may ask any positive quantity
      expect((await resolve('D-BJ002', [water.id], '&qty=30')).body[0].qty).toBe('30.000');
    });
  });

  describe('price books and promotions: validation and scope', () => {
    it('refuses expired books, reversed dates, rising quantity breaks, unknown dealers; nothing written', async () => {
      const dealer = await t.orgId('D-BJ002');
      const before = (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM price_book'))[0].n;
      const base = { code: 'T-PBX', name: 'x', validFrom: '2026-01-01', dealerIds: [dealer], items: [{ productId: juice.id, price: '10' }] };
      const bad = async (body: object, status: number, code: ErrorCode) => expect((await t.http.post('/api/price-books').set(bearer(admin)).send({ ...base, ...body }).expect(status)).body.code).toBe(code);
      await bad({ validTo: '2026-01-31' }, 400, ErrorCode.PRICE_BOOK_EXPIRED);
      await bad({ validFrom: '2027-02-01', validTo: '2027-01-01' }, 400, ErrorCode.PRICE_BOOK_DATES_INVALID);
      await bad({ items: [{ productId: juice.id, price: '10' }, { productId: juice.id, minQty: '100', price: '11' }] }, 400, ErrorCode.QUANTITY_BREAK_INVALID);
      await bad({ items: [{ productId: juice.id, price: '10.12345' }] }, 400, ErrorCode.VALIDATION_FAILED);
      await bad({ dealerIds: [await t.orgId('BJ')] }, 404, ErrorCode.NOT_FOUND);
      await bad({ items: [{ productId: '00000000-0000-4000-8000-000000000000', price: '1' }] }, 404, ErrorCode.NOT_FOUND);
      expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM price_book'))[0].n).toBe(before);
    });

    it('refuses a promotion ending before it starts, or a percent of 100', async () => {
      const base = { code: 'T-PRX', name: 'x', kind: 'SPECIAL_PRICE', value: '1', productIds: [juice.id], startsAt: '2026-12-10T00:00:00Z', endsAt: '2026-12-20T00:00:00Z' };
      expect((await t.http.post('/api/promotions').set(bearer(admin)).send({ ...base, endsAt: '2026-12-01T00:00:00Z' }).expect(400)).body.code).toBe(ErrorCode.PROMOTION_WINDOW_INVALID);
      expect((await t.http.post('/api/promotions').set(bearer(admin)).send({ ...base, kind: 'PERCENT_OFF', value: '100' }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect((await t.http.post('/api/promotions').set(bearer(admin)).send({ ...base, productIds: [] }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    });

    it('a dealer sees only its own price books, and only itself among their dealers', async () => {
      const d1 = await t.orgId('D-BJ001');
      const d2 = await t.orgId('D-BJ002');
      const shared = (await t.http.post('/api/price-books').set(bearer(admin)).send({ code: 'T-PB-SHARED', name: '北京联合价', validFrom: '2026-01-01', dealerIds: [d1, d2], items: [{ productId: juice.id, price: '9' }] }).expect(201)).body;
      const own2 = (await t.http.post('/api/price-books').set(bearer(admin)).send({ code: 'T-PB-D2', name: '京客隆专属', validFrom: '2026-01-01', dealerIds: [d2], items: [{ productId: juice.id, price: '8.8' }] }).expect(201)).body;
      const dealer1 = await t.token('bj.dealer1');
      const list = (await t.http.get('/api/price-books').set(bearer(dealer1)).expect(200)).body.items;
      expect(list.map((b: { code: string }) => b.code).sort()).toEqual(['PB-BJ001', 'T-PB-SHARED', 'T-PB1']);
      expect(list.find((b: { code: string }) => b.code === 'T-PB-SHARED').dealers.map((d: { code: string }) => d.code)).toEqual(['D-BJ001']);
      await t.http.get(`/api/price-books/${own2.id}`).set(bearer(dealer1)).expect(404);
      await t.http.get(`/api/price-books/${shared.id}`).set(bearer(dealer1)).expect(200);
      // price simulation is the console's: a dealer's user may not resolve prices at all (dealer-console.e2e)
      expect((await t.http.get(`/api/prices/resolve?dealerId=${d2}&productIds=${juice.id}`).set(bearer(dealer1)).expect(403)).body.code).toBe(ErrorCode.STAFF_ONLY);
      // the Shanghai manager sees its own branch's book, none of the Beijing ones
      const sh = (await t.http.get('/api/price-books').set(bearer(await t.token('sh.manager'))).expect(200)).body.items.map((b: { code: string }) => b.code);
      expect(sh).toEqual(['PB-SH-VIP']);
    });

    it('branch product scope: a branch restricted to snacks sees and prices only snacks', async () => {
      const bj = await t.orgId('BJ');
      await t.http.put(`/api/branches/${bj}/product-scope`).set(bearer(await t.token('bj.manager'))).send({ categoryIds: [snacks.id], productIds: [] }).expect(403);
      const scope = (await t.http.put(`/api/branches/${bj}/product-scope`).set(bearer(admin)).send({ categoryIds: [snacks.id], productIds: [] }).expect(200)).body;
      expect(scope).toMatchObject({ restricted: true, categories: [{ code: 'T-SNACK' }] });
      const mgr = await t.token('bj.manager');
      const seen = (await t.http.get('/api/products?q=T-').set(bearer(mgr)).expect(200)).body.items.map((p: { code: string }) => p.code);
      expect(seen).toEqual(['T-C001']);
      await t.http.get(`/api/products/${water.id}`).set(bearer(mgr)).expect(404);
      // the nested office inherits Beijing's range; Shanghai is unrestricted
      const office = await t.token('bj.sales');
      expect((await t.http.get('/api/products?q=T-').set(bearer(office)).expect(200)).body.items.map((p: { code: string }) => p.code)).toEqual(['T-C001']);
      expect((await t.http.get('/api/products?q=T-').set(bearer(await t.token('sh.manager'))).expect(200)).body.total).toBe(3);
      const out = await t.http.get(`/api/prices/resolve?dealerId=${await t.orgId('D-BJ002')}&productIds=${water.id}`).set(bearer(admin)).expect(400);
      expect(out.body.code).toBe(ErrorCode.PRODUCT_OUT_OF_SCOPE);
      await t.http.put(`/api/branches/${bj}/product-scope`).set(bearer(admin)).send({ categoryIds: [], productIds: [] }).expect(200);
      expect((await t.http.get('/api/products?q=T-').set(bearer(mgr)).expect(200)).body.total).toBe(3);
    });

    it('branch product scope: the deepest organisation with rules decides, by category or by single product', async () => {
      const bj = await t.orgId('BJ');
      const office = await t.orgId('BJ-CY');
      const underOffice = await t.orgId('D-BJ004');
      const underBj = await t.orgId('D-BJ002');
      const resolve = (dealer: string, product: string) => t.http.get(`/api/prices/resolve?dealerId=${dealer}&productIds=${product}`).set(bearer(admin));
      try {
        await t.http.put(`/api/branches/${bj}/product-scope`).set(bearer(admin)).send({ categoryIds: [snacks.id], productIds: [] }).expect(200);
        await t.http.put(`/api/branches/${office}/product-scope`).set(bearer(admin)).send({ categoryIds: [], productIds: [water.id] }).expect(200);
        // the office's own rule (one product) decides for its dealer: water in, Beijing's snacks out
        expect((await resolve(underOffice, water.id).expect(200)).body[0].productId).toBe(water.id);
        expect((await resolve(underOffice, chips.id).expect(400)).body.code).toBe(ErrorCode.PRODUCT_OUT_OF_SCOPE);
        // a dealer right under Beijing keeps Beijing's rule
        expect((await resolve(underBj, chips.id).expect(200)).body[0].productId).toBe(chips.id);
        expect((await resolve(underBj, water.id).expect(400)).body.code).toBe(ErrorCode.PRODUCT_OUT_OF_SCOPE);
        // the office's rules cleared: Beijing's decide for its dealer again
        await t.http.put(`/api/branches/${office}/product-scope`).set(bearer(admin)).send({ categoryIds: [], productIds: [] }).expect(200);
        expect((await resolve(underOffice, water.id).expect(400)).body.code).toBe(ErrorCode.PRODUCT_OUT_OF_SCOPE);
        expect((await resolve(underOffice, chips.id).expect(200)).body[0].productId).toBe(chips.id);
      } finally {
        await t.http.put(`/api/branches/${office}/product-scope`).set(bearer(admin)).send({ categoryIds: [], productIds: [] }).expect(200);
        await t.http.put(`/api/branches/${bj}/product-scope`).set(bearer(admin)).send({ categoryIds: [], productIds: [] }).expect(200);
      }
    });
  });
});
