import { ErrorCode } from '@drp/shared';
import { bearer, bootTestApp, DEMO_PASSWORD, TestApp } from '../support/test-app';

/**
 * Issue #11 at the edge: NUL characters and absurd nesting are refused with 400 before any route
 * (they answered 500: PostgreSQL 22021, a stack overflow), security headers on every answer, and
 * X-Forwarded-For believed only from configured proxies.
 */
describe('hardening at the edge', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
  }, 120_000);
  afterAll(() => t?.close());

  const nested = (depth: number) => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = { a: v };
    return v;
  };

  it('a NUL character in the query, the path or the body answers 400 VALIDATION_FAILED, also before signing in', async () => {
    const q = await t.http.get('/api/orgs?q=a%00b').set(bearer(admin)).expect(400);
    expect(q.body).toMatchObject({ code: ErrorCode.VALIDATION_FAILED, details: [{ field: 'url' }] });
    await t.http.get('/api/products/%00').set(bearer(admin)).expect(400);
    const login = await t.http.post('/api/auth/login').send({ username: 'ad\u0000min', password: DEMO_PASSWORD }).expect(400);
    expect(login.body).toMatchObject({ code: ErrorCode.VALIDATION_FAILED, details: [{ field: 'username' }] });
    const key = await t.http.post('/api/auth/login').send({ ['user\u0000name']: 'admin', password: DEMO_PASSWORD }).expect(400);
    expect(key.body.code).toBe(ErrorCode.VALIDATION_FAILED);
    const inLines = await t.http.post('/api/sales-orders/preview').set(bearer(admin)).send({ dealerId: 'x', lines: [{ productId: 'y', remark: 'a\u0000' }] }).expect(400);
    expect(inLines.body.details).toEqual([{ field: 'lines.0.remark', messages: ['must not contain a NUL character'] }]);
  });

  it('JSON nested deeper than 32 levels answers 400 MALFORMED_JSON (1,500 levels used to overflow the stack)', async () => {
    for (const depth of [40, 1500]) {
      const res = await t.http.post('/api/auth/login').set('Content-Type', 'application/json').send(JSON.stringify({ username: nested(depth), password: 'x' })).expect(400);
      expect(res.body).toMatchObject({ code: ErrorCode.MALFORMED_JSON, details: { maxDepth: 32 } });
    }
    // an ordinary order body is far below the limit
    await t.http.post('/api/auth/login').send({ username: 'admin', password: DEMO_PASSWORD }).expect(200);
  });

  it('security headers: a CSP the app runs under, no framing, nosniff, referrer policy; HSTS only over HTTPS', async () => {
    const res = await t.http.get('/api/health').expect(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('X-Forwarded-For is not believed without TRUST_PROXY: the audit log keeps the real address', async () => {
    await t.http.post('/api/auth/login').set('X-Forwarded-For', '203.0.113.9').send({ username: 'bj.sales', password: DEMO_PASSWORD }).expect(200);
    const rows = await t.sql<{ ip: string | null }>(`SELECT ip FROM audit_log WHERE action = 'login' AND actor_name = (SELECT display_name FROM app_user WHERE username = 'bj.sales') ORDER BY created_at DESC LIMIT 1`);
    expect(rows[0].ip).not.toBe('203.0.113.9');
  });
});
