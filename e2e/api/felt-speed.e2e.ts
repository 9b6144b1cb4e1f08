import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import type { LoginWarningsDto, MallProductDetailDto, Paged, ProductDto, StockMovementDto } from '@drp/shared';
import { ErrorCode } from '@drp/shared';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/** The answer's headers and body bytes as sent (undecoded: supertest would unzip them). */
async function rawGet(app: TestApp['app'], url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const server = app.getHttpServer() as http.Server;
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: url, headers }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      })
      .on('error', reject);
  });
}

/**
 * Speed a person feels (issue #12) and its small companions: compressed API answers (never the
 * Excel downloads), precompressed web assets chosen by Accept-Encoding, the movement ledger naming
 * its products (no lookup per row), products by id in one request (the price simulator, the price
 * book drawer), the sign-in reminder of customer service counting the mall orders waiting for
 * review, and the demo products' pictures.
 */
describe('felt speed: compression, one request instead of many, reminders, demo pictures', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
  });
  afterAll(() => t.close());

  const get = (tok: string, url: string) => t.http.get(url).set(bearer(tok));
  const post = (tok: string, url: string, body: object = {}) => t.http.post(url).set(bearer(tok)).send(body);

  describe('compressed API answers', () => {
    it('a large JSON answer is gzipped for a client that accepts it (Vary: Accept-Encoding), and decodes to the same JSON', async () => {
      const res = await rawGet(t.app, '/api/products?pageSize=100', { authorization: `Bearer ${admin}`, 'accept-encoding': 'gzip' });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(res.headers.vary).toMatch(/Accept-Encoding/i);
      const json = gunzipSync(res.body);
      expect((JSON.parse(json.toString('utf8')) as Paged<ProductDto>).items).toHaveLength(100);
      // it pays: a fifth of the size or better
      expect(res.body.length).toBeLessThan(json.length / 5);
    });

    it('brotli when asked; nothing for a client that accepts no encoding, for small answers or with x-no-compression', async () => {
      const br = await rawGet(t.app, '/api/products?pageSize=50', { authorization: `Bearer ${admin}`, 'accept-encoding': 'br' });
      expect(br.headers['content-encoding']).toBe('br');
      expect((JSON.parse(brotliDecompressSync(br.body).toString('utf8')) as Paged<ProductDto>).items).toHaveLength(50);
      const plain = await get(admin, '/api/products?pageSize=50').set('Accept-Encoding', 'identity').expect(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect((plain.body as Paged<ProductDto>).items).toHaveLength(50);
      const small = await t.http.get('/api/health').set('Accept-Encoding', 'gzip').expect(200);
      expect(small.headers['content-encoding']).toBeUndefined();
      const opted = await get(admin, '/api/products?pageSize=50').set('Accept-Encoding', 'gzip').set('x-no-compression', '1').expect(200);
      expect(opted.headers['content-encoding']).toBeUndefined();
    });

    it('an Excel download is sent as it is (a zip already): no Content-Encoding, a valid workbook', async () => {
      const res = await rawGet(t.app, '/api/products/export?sort=code', { authorization: `Bearer ${admin}`, 'accept-encoding': 'gzip, br' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/spreadsheetml/);
      expect(res.headers['content-encoding']).toBeUndefined();
      const body = res.body;
      expect(body.subarray(0, 2).toString('latin1')).toBe('PK');
      expect(body.length).toBeGreaterThan(5000);
    });

    it('errors stay JSON and readable when compressed', async () => {
      const res = await get(admin, '/api/products?ids=not-a-uuid').set('Accept-Encoding', 'gzip').expect(400);
      expect(res.body.code).toBe(ErrorCode.VALIDATION_FAILED);
    });
  });

  describe('one request instead of one per product', () => {
    it('the movement ledger names its products: code, name and unit on every row, as the product table has them', async () => {
      const page = (await get(admin, '/api/stock/movements?pageSize=50').expect(200)).body as Paged<StockMovementDto>;
      expect(page.items.length).toBe(50);
      const products = await t.sql<{ id: string; code: string; name: string; base_unit: string }>('SELECT id, code, name, base_unit FROM product WHERE id = ANY($1)', [
        [...new Set(page.items.map((m) => m.productId))],
      ]);
      const byId = new Map(products.map((p) => [p.id, p]));
      for (const m of page.items) {
        const p = byId.get(m.productId)!;
        expect({ code: m.productCode, name: m.productName, unit: m.baseUnit }).toEqual({ code: p.code, name: p.name, unit: p.base_unit });
      }
    });

    it('GET /api/products?ids= answers exactly those products in one request, base prices included', async () => {
      const rows = await t.sql<{ id: string; code: string; base_price: string }>("SELECT id, code, base_price FROM product WHERE status = 'ON_SALE' ORDER BY code LIMIT 30");
      const res = (await get(admin, `/api/products?ids=${rows.map((r) => r.id).join(',')}&pageSize=30`).expect(200)).body as Paged<ProductDto>;
      expect(res.total).toBe(30);
      expect(res.items.map((p) => p.code).sort()).toEqual(rows.map((r) => r.code).sort());
      for (const p of res.items) expect(Number(p.basePrice)).toBe(Number(rows.find((r) => r.id === p.id)!.base_price));
    });

    it('ids: a bad id or more than 200 is a 400 VALIDATION_FAILED; an unknown id is left out', async () => {
      expect((await get(admin, '/api/products?ids=123').expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      const many = Array.from({ length: 201 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      expect((await get(admin, `/api/products?ids=${many.join(',')}`).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      const [one] = await t.sql<{ id: string }>('SELECT id FROM product ORDER BY code LIMIT 1');
      const res = (await get(admin, `/api/products?ids=${one.id},00000000-0000-4000-8000-000000000001`).expect(200)).body as Paged<ProductDto>;
      expect(res.items.map((p) => p.id)).toEqual([one.id]);
    });
  });

  describe('the sign-in reminder of customer service counts the mall orders waiting for review', () => {
    const pendingIn = async (branch: string) =>
      (
        await t.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM sales_order o JOIN organization d ON d.id = o.dealer_id
           WHERE o.status = 'PENDING_REVIEW' AND o.source = 'MALL' AND d.path LIKE (SELECT path FROM organization WHERE code = $1) || '%'`,
          [branch],
        )
      )[0].n;

    it('bj.service sees the count of its branch; a new mall order adds one, its review takes it away; finance, other branches and dealers see none', async () => {
      const service = await t.token('bj.service');
      const before = ((await get(service, '/api/me/warnings').expect(200)).body as LoginWarningsDto).pendingReviews;
      expect(before).toBe(await pendingIn('BJ'));

      // the dealer places a mall order
      const d1 = await t.token('bj.dealer1');
      await t.http.delete('/api/mall/cart').set(bearer(d1)).expect(200);
      const [p] = await t.sql<{ id: string }>(
        `SELECT p.id FROM product p JOIN stock s ON s.product_id = p.id JOIN warehouse w ON w.id = s.warehouse_id
         WHERE w.code = 'WH-BJ' AND p.mall_published AND p.status = 'ON_SALE' AND p.min_order_qty = 1 AND p.order_multiple = 1 AND s.on_hand - s.reserved >= 50
         ORDER BY p.code LIMIT 1`,
      );
      await post(d1, '/api/mall/cart/items', { productId: p.id, qty: '2' }).expect(200);
      const address = (await post(d1, '/api/mall/addresses', { contact: '收货人', phone: '13800000000', region: '北京市', address: '测试路1号' }).expect(201)).body as { id: string };
      const order = (await post(d1, '/api/mall/orders', { addressId: address.id }).set('Idempotency-Key', 'felt-speed-0001').expect(201)).body as { id: string };

      const after = (await get(service, '/api/me/warnings').expect(200)).body as LoginWarningsDto;
      expect(after.pendingReviews).toBe(before + 1);
      expect(after.pendingReviews).toBe(await pendingIn('BJ'));
      // HQ's administrator reviews everything: all branches
      expect(((await get(admin, '/api/me/warnings').expect(200)).body as LoginWarningsDto).pendingReviews).toBe(await pendingIn('HQ'));
      // Shanghai's manager may review, but not Beijing's orders
      expect(((await get(await t.token('sh.manager'), '/api/me/warnings').expect(200)).body as LoginWarningsDto).pendingReviews).toBe(await pendingIn('SH'));
      // no orders:review: nothing to count
      expect(((await get(await t.token('bj.finance'), '/api/me/warnings').expect(200)).body as LoginWarningsDto).pendingReviews).toBe(0);
      expect(((await get(d1, '/api/me/warnings').expect(200)).body as LoginWarningsDto).pendingReviews).toBe(0);

      // reviewed (rejected here): no longer waiting
      await post(service, `/api/sales-orders/${order.id}/review`, { accept: false, reason: '测试' }).expect(200);
      expect(((await get(service, '/api/me/warnings').expect(200)).body as LoginWarningsDto).pendingReviews).toBe(before);
    });

    it('without a token: 401', async () => {
      await t.http.get('/api/me/warnings').expect(401);
    });
  });

  describe('demo product pictures', () => {
    it('demo products carry a generated PNG picture, served by /api/files, each under 30 KB', async () => {
      const [{ n }] = await t.sql<{ n: number }>("SELECT count(*)::int AS n FROM product_image WHERE file_name LIKE 'demo-%'");
      expect(n).toBeGreaterThanOrEqual(20);
      const [row] = await t.sql<{ id: string; code: string }>("SELECT p.id, p.code FROM product p JOIN product_image i ON i.product_id = p.id WHERE i.file_name LIKE 'demo-%' AND p.mall_published AND p.status = 'ON_SALE' ORDER BY p.code LIMIT 1");
      const product = (await get(admin, `/api/products/${row.id}`).expect(200)).body as ProductDto;
      expect(product.images).toHaveLength(1);
      expect(product.images[0].fileName).toBe(`demo-${row.code}.png`);
      const file = await rawGet(t.app, product.images[0].url, {});
      expect(file.status).toBe(200);
      expect(file.headers['content-type']).toMatch(/image\/png/);
      const png = file.body;
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(png.readUInt32BE(16)).toBe(256); // width
      expect(png.length).toBeLessThanOrEqual(30 * 1024);
      // the mall shows it too
      const inMall = (await get(await t.token('bj.dealer1'), `/api/mall/products/${row.id}`).expect(200)).body as MallProductDetailDto;
      expect(inMall.images.map((i) => i.url)).toEqual([product.images[0].url]);
    });
  });
});

// another app in the same process: each runs after the one before is closed
describe('precompressed web assets', () => {
  let w: TestApp;
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'drp-web-br-'));
  const js = `export const answer = ${JSON.stringify('x'.repeat(4000))};\n`;
  beforeAll(async () => {
    fs.mkdirSync(path.join(dist, 'assets'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>DRP</title><div id="app"></div>');
    fs.writeFileSync(path.join(dist, 'assets', 'app-abc123.js'), js);
    fs.writeFileSync(path.join(dist, 'assets', 'app-abc123.js.br'), brotliCompressSync(js));
    fs.writeFileSync(path.join(dist, 'assets', 'app-abc123.js.gz'), gzipSync(js));
    w = await bootTestApp({ WEB_DIST: dist });
  });
  afterAll(async () => {
    await w.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  it('sends the brotli copy to a client that takes br, the gzip copy to one that takes gzip only, the file to others', async () => {
    const br = await rawGet(w.app, '/assets/app-abc123.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/^text\/javascript/);
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.body).toEqual(brotliCompressSync(js));

    const gz = await rawGet(w.app, '/assets/app-abc123.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(js);

    // br refused with q=0: gzip
    const q0 = await rawGet(w.app, '/assets/app-abc123.js', { 'accept-encoding': 'br;q=0, gzip' });
    expect(q0.headers['content-encoding']).toBe('gzip');

    const plain = await rawGet(w.app, '/assets/app-abc123.js', { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/Accept-Encoding/i);
    expect(plain.body.toString()).toBe(js);
  });

  it('the app shell is revalidated; a missing hashed asset is a 404, not the app; the copies are not served by name, nothing outside the build', async () => {
    const shell = await w.http.get('/mall').set('Accept-Encoding', 'gzip').expect(200);
    expect(shell.headers['cache-control']).toBe('no-cache');
    expect(shell.text).toContain('<div id="app">');
    await w.http.get('/assets/app-old999.js').expect(404);
    await w.http.get('/assets/app-abc123.js.br').expect(404);
    await w.http.get('/assets/..%2F..%2Fetc%2Fpasswd').expect(404);
  });
});

describe('demo pictures on another data folder', () => {
    it('a start on another data folder draws the missing demo pictures again', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drp-data-'));
      const other = await bootTestApp({ DATA_DIR: dataDir });
      try {
        const keys = await other.sql<{ storage_key: string }>("SELECT storage_key FROM product_image WHERE file_name LIKE 'demo-%'");
        expect(keys.length).toBeGreaterThanOrEqual(20);
        for (const k of keys) expect(fs.existsSync(path.join(dataDir, 'uploads', k.storage_key))).toBe(true);
        await other.http.get(`/api/files/${keys[0].storage_key}`).expect(200).expect('Content-Type', /image\/png/);
      } finally {
        await other.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
});
