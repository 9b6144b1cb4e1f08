import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ErrorCode } from '@drp/shared';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

describe('API conventions: error body, validation, paging, idempotency, request ids, health, docs', () => {
  let t: TestApp;
  let admin: string;
  let hq: string;
  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
    hq = await t.orgId('HQ');
  });
  afterAll(() => t.close());

  const orgCount = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM organization'))[0].n;

  it('an empty body is a 400 VALIDATION_FAILED naming every bad field, and nothing is written', async () => {
    const before = await orgCount();
    const res = await t.http.post('/api/orgs').set(bearer(admin)).send({}).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: ErrorCode.VALIDATION_FAILED, message: expect.any(String) });
    const fields = res.body.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['code', 'name', 'type', 'parentId']));
    expect(await orgCount()).toBe(before);
  });

  it('unknown fields are refused', async () => {
    const res = await t.http.post('/api/orgs').set(bearer(admin)).send({ code: 'X1', name: 'X', type: 'BRANCH', parentId: hq, isAdmin: true }).expect(400);
    expect(res.body.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(res.body.details).toEqual([{ field: 'isAdmin', messages: ['property isAdmin should not exist'] }]);
  });

  it('malformed JSON is a 400 MALFORMED_JSON', async () => {
    const res = await t.http.post('/api/orgs').set(bearer(admin)).set('Content-Type', 'application/json').send('{"code": "X1",').expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: ErrorCode.MALFORMED_JSON });
  });

  it('wrong types are refused with the field named', async () => {
    const res = await t.http.post('/api/orgs').set(bearer(admin)).send({ code: 12, name: ['x'], type: 'SHOP', parentId: 'nope', latitude: 'north' }).expect(400);
    const fields = res.body.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['code', 'latitude', 'name', 'parentId', 'type']);
    const login = await t.http.post('/api/auth/login').send({ username: 5, password: null }).expect(400);
    expect(login.body.code).toBe(ErrorCode.VALIDATION_FAILED);
  });

  it('a malformed id in the path is a 400, an unknown one a 404', async () => {
    expect((await t.http.get('/api/orgs/not-a-uuid').set(bearer(admin)).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await t.http.get('/api/orgs/00000000-0000-4000-8000-000000000000').set(bearer(admin)).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
  });

  it('unknown API routes answer JSON 404 ROUTE_NOT_FOUND', async () => {
    const res = await t.http.get('/api/no-such-thing').set(bearer(admin)).expect(404);
    expect(res.body.code).toBe(ErrorCode.ROUTE_NOT_FOUND);
  });

  it('a missing permission is a 403 FORBIDDEN naming it', async () => {
    const res = await t.http.post('/api/roles').set(bearer(await t.token('bj.manager'))).send({ code: 'R1', name: 'r', dataScope: 'ORG_SUBTREE', permissions: [] }).expect(403);
    expect(res.body).toMatchObject({ code: ErrorCode.FORBIDDEN, details: { missing: ['roles:manage'] } });
  });

  it('lists are paged with total, page and pageSize; sorting only by known fields', async () => {
    const res = await t.http.get('/api/orgs?type=DEALER&page=2&pageSize=5&sort=-code').set(bearer(admin)).expect(200);
    expect(res.body).toMatchObject({ page: 2, pageSize: 5, total: 13 });
    expect(res.body.items).toHaveLength(5);
    const codes = res.body.items.map((o: { code: string }) => o.code);
    expect([...codes].sort().reverse()).toEqual(codes);
    expect((await t.http.get('/api/orgs?sort=password').set(bearer(admin)).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await t.http.get('/api/orgs?pageSize=1000').set(bearer(admin)).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await t.http.get('/api/orgs?page=0').set(bearer(admin)).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    const search = await t.http.get(`/api/orgs?q=${encodeURIComponent('华联')}`).set(bearer(admin)).expect(200);
    expect(search.body.items.map((o: { code: string }) => o.code).sort()).toEqual(['D-BJ001', 'D-BJ001-01']);
    // LIKE wildcards in q are literal, on every list that searches (each list has rows, none of them holds a % or _)
    for (const path of ['/api/orgs', '/api/visit-plans', '/api/visits', '/api/dealer-reports']) {
      expect({ path, total: (await t.http.get(path).set(bearer(admin)).expect(200)).body.total > 0 }).toEqual({ path, total: true });
      for (const q of ['%25', '_']) expect({ path, q, total: (await t.http.get(`${path}?q=${q}`).set(bearer(admin)).expect(200)).body.total }).toEqual({ path, q, total: 0 });
    }
  });

  it('Idempotency-Key: a retry returns the first answer, another body with the same key is a 409', async () => {
    const body = { code: 'IDEM-1', name: '幂等测试办事处', type: 'BRANCH', parentId: hq };
    const first = await t.http.post('/api/orgs').set(bearer(admin)).set('Idempotency-Key', 'key-org-000001').send(body).expect(201);
    const retry = await t.http.post('/api/orgs').set(bearer(admin)).set('Idempotency-Key', 'key-org-000001').send(body).expect(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM organization WHERE code = 'IDEM-1'`))[0].n).toBe(1);
    const clash = await t.http.post('/api/orgs').set(bearer(admin)).set('Idempotency-Key', 'key-org-000001').send({ ...body, name: 'other' }).expect(409);
    expect(clash.body.code).toBe(ErrorCode.IDEMPOTENCY_KEY_REUSED);
  });

  it('Idempotency-Key: a failed first attempt releases the key; keys are per user', async () => {
    const bad = { code: 'IDEM-2', name: '失败再试', type: 'DEALER', parentId: '00000000-0000-4000-8000-000000000000' };
    await t.http.post('/api/orgs').set(bearer(admin)).set('Idempotency-Key', 'key-org-000002').send(bad).expect(404);
    const good = { ...bad, parentId: await t.orgId('BJ') };
    await t.http.post('/api/orgs').set(bearer(admin)).set('Idempotency-Key', 'key-org-000002').send(good).expect(201);
    const other = await t.http.post('/api/orgs').set(bearer(await t.token('bj.manager'))).set('Idempotency-Key', 'key-org-000002').send({ ...good, code: 'IDEM-3' }).expect(201);
    expect(other.body.code).toBe('IDEM-3');
    expect((await t.http.post('/api/orgs').set(bearer(admin)).set('Idempotency-Key', 'short').send(good).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
  });

  it('echoes or creates a request id and puts it in error bodies', async () => {
    const res = await t.http.get('/api/orgs/00000000-0000-4000-8000-000000000000').set(bearer(admin)).set('X-Request-Id', 'trace-abc-123').expect(404);
    expect(res.headers['x-request-id']).toBe('trace-abc-123');
    expect(res.body.requestId).toBe('trace-abc-123');
    const fresh = await t.http.get('/api/health').expect(200);
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('health reports the database; OpenAPI is served', async () => {
    const res = await t.http.get('/api/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', database: 'up', jobs: 'disabled' });
    const docs = await t.http.get('/api/docs-json').expect(200);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/orgs', '/api/users', '/api/audit-logs']));
  });
});

describe('the web app is served at / with history-mode fallback, the API stays JSON', () => {
  let t: TestApp;
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'drp-web-'));
  beforeAll(async () => {
    fs.mkdirSync(path.join(dist, 'assets'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>DRP</title><div id="app"></div>');
    fs.writeFileSync(path.join(dist, 'assets', 'app-abc123.js'), 'console.log(1)');
    t = await bootTestApp({ WEB_DIST: dist });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  it('serves index.html for / and for client routes such as /orgs and /mall', async () => {
    for (const p of ['/', '/orgs', '/mall', '/users/123']) {
      const res = await t.http.get(p).expect(200);
      expect(res.text).toContain('<div id="app">');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves hashed assets with long caching', async () => {
    const res = await t.http.get('/assets/app-abc123.js').expect(200);
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('keeps /api errors as JSON, malformed bodies included', async () => {
    expect((await t.http.get('/api/nope').expect(404)).body.code).toBe(ErrorCode.ROUTE_NOT_FOUND);
    const bad = await t.http.post('/api/auth/login').set('Content-Type', 'application/json').send('{oops').expect(400);
    expect(bad.body.code).toBe(ErrorCode.MALFORMED_JSON);
  });
});
