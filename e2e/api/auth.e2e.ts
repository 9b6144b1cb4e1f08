import { ErrorCode } from '@drp/shared';
import { bearer, bootTestApp, DEMO_PASSWORD, TestApp } from '../support/test-app';

describe('auth: login, refresh rotation, logout, lockout, disabled accounts, passwords', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({ LOGIN_LOCK_SECONDS: '120' });
  });
  afterAll(() => t.close());

  const login = (username: string, password = DEMO_PASSWORD) => t.http.post('/api/auth/login').send({ username, password });

  it('signs in with username and password and answers the user with roles, org and permissions', async () => {
    const res = await login('bj.manager').expect(200);
    expect(res.body).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
    expect(res.body.user).toMatchObject({ username: 'bj.manager', org: { code: 'BJ', type: 'BRANCH' }, roles: [{ code: 'BRANCH_MANAGER' }] });
    expect(res.body.user.permissions).toContain('orgs:manage');
    expect(res.body.user.permissions).not.toContain('roles:manage');
    expect(res.body.user).not.toHaveProperty('passwordHash');
    const me = await t.http.get('/api/auth/me').set(bearer(res.body.accessToken)).expect(200);
    expect(me.body.username).toBe('bj.manager');
    // the sign-in is in the audit trail
    const [row] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'login' AND actor_name = '王建国'`);
    expect(row.n).toBeGreaterThan(0);
  });

  it('usernames are case-insensitive; wrong password and unknown user answer the same 401', async () => {
    await login('BJ.Manager').expect(200);
    const wrong = await login('bj.finance', 'Wrong#2026').expect(401);
    const unknown = await login('nobody.here', 'Wrong#2026').expect(401);
    expect(wrong.body.code).toBe(ErrorCode.INVALID_CREDENTIALS);
    expect(unknown.body).toMatchObject({ statusCode: 401, code: ErrorCode.INVALID_CREDENTIALS, message: wrong.body.message });
  });

  it('rejects requests without a valid access token', async () => {
    const none = await t.http.get('/api/auth/me').expect(401);
    expect(none.body.code).toBe(ErrorCode.UNAUTHENTICATED);
    await t.http.get('/api/auth/me').set(bearer('not.a.jwt')).expect(401);
  });

  it('rotates refresh tokens: each works once; reusing a spent one ends the whole login', async () => {
    const first = (await login('bj.service').expect(200)).body;
    const second = (await t.http.post('/api/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await t.http.get('/api/auth/me').set(bearer(second.accessToken)).expect(200);
    const third = (await t.http.post('/api/auth/refresh').send({ refreshToken: second.refreshToken }).expect(200)).body;

    // the spent first token comes back: refused, and the family is revoked
    const reuse = await t.http.post('/api/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
    expect(reuse.body.code).toBe(ErrorCode.REFRESH_TOKEN_REUSED);
    const after = await t.http.post('/api/auth/refresh').send({ refreshToken: third.refreshToken }).expect(401);
    expect(after.body.code).toBe(ErrorCode.REFRESH_TOKEN_INVALID);
    await t.http.get('/api/auth/me').set(bearer(third.accessToken)).expect(401);
    // another login of the same user is unaffected
    const other = (await login('bj.service').expect(200)).body;
    await t.http.get('/api/auth/me').set(bearer(other.accessToken)).expect(200);
  });

  it('an unknown refresh token is refused', async () => {
    const res = await t.http.post('/api/auth/refresh').send({ refreshToken: 'x'.repeat(43) }).expect(401);
    expect(res.body.code).toBe(ErrorCode.REFRESH_TOKEN_INVALID);
  });

  it('logout ends the access and refresh tokens of that login', async () => {
    const s = (await login('sh.sales').expect(200)).body;
    await t.http.post('/api/auth/logout').set(bearer(s.accessToken)).send({ refreshToken: s.refreshToken }).expect(204);
    await t.http.get('/api/auth/me').set(bearer(s.accessToken)).expect(401);
    await t.http.post('/api/auth/refresh').send({ refreshToken: s.refreshToken }).expect(401);
  });

  it('five failed logins in a minute lock the account (429 with Retry-After), even for the right password; other accounts are unaffected', async () => {
    for (let i = 0; i < 5; i++) await login('bj.dealer2', 'Wrong#pass1').expect(401);
    const locked = await login('bj.dealer2').expect(429);
    expect(locked.body.code).toBe(ErrorCode.LOGIN_RATE_LIMITED);
    expect(locked.body.details.retryAfterSeconds).toBeGreaterThan(60);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(60);
    await login('sh.dealer1').expect(200);
    // when the lock has passed, the right password works again
    await t.sql(`UPDATE login_throttle SET locked_until = now() - interval '1 second' WHERE username LIKE 'login:bj.dealer2@%'`);
    await login('bj.dealer2').expect(200);
  });

  it('four failures then a success do not lock', async () => {
    for (let i = 0; i < 4; i++) await login('sh.manager', 'Wrong#pass1').expect(401);
    await login('sh.manager').expect(200);
    await login('sh.manager', 'Wrong#pass1').expect(401);
    await login('sh.manager').expect(200);
  });

  it('a disabled account cannot sign in and its live tokens stop working; enabling restores it', async () => {
    const adminToken = await t.token('admin');
    const victim = (await login('bj.finance').expect(200)).body;
    const id = await t.userId('bj.finance');
    await t.http.post(`/api/users/${id}/disable`).set(bearer(adminToken)).expect(200);
    await t.http.get('/api/auth/me').set(bearer(victim.accessToken)).expect(401);
    await t.http.post('/api/auth/refresh').send({ refreshToken: victim.refreshToken }).expect(401);
    const denied = await login('bj.finance').expect(403);
    expect(denied.body.code).toBe(ErrorCode.ACCOUNT_DISABLED);
    // a wrong password on a disabled account still says only "wrong credentials"
    expect((await login('bj.finance', 'Wrong#2026').expect(401)).body.code).toBe(ErrorCode.INVALID_CREDENTIALS);
    await t.http.post(`/api/users/${id}/enable`).set(bearer(adminToken)).expect(200);
    await login('bj.finance').expect(200);
  });

  it('admins cannot disable themselves', async () => {
    const res = await t.http.post(`/api/users/${await t.userId('admin')}/disable`).set(bearer(await t.token('admin'))).expect(409);
    expect(res.body.code).toBe(ErrorCode.CANNOT_DISABLE_SELF);
  });

  it('changes the own password: checks the current one and the strength rule; other logins end', async () => {
    const a = (await login('gz.nobody', 'x').expect(401)).body;
    expect(a.code).toBe(ErrorCode.INVALID_CREDENTIALS);
    const s1 = (await login('sh.dealer1').expect(200)).body;
    const s2 = (await login('sh.dealer1').expect(200)).body;
    const wrong = await t.http.post('/api/auth/change-password').set(bearer(s1.accessToken)).send({ oldPassword: 'nope', newPassword: 'Better#2027' }).expect(400);
    expect(wrong.body.code).toBe(ErrorCode.WRONG_PASSWORD);
    const weak = await t.http.post('/api/auth/change-password').set(bearer(s1.accessToken)).send({ oldPassword: DEMO_PASSWORD, newPassword: 'short' }).expect(400);
    expect(weak.body.code).toBe(ErrorCode.WEAK_PASSWORD);
    await t.http.post('/api/auth/change-password').set(bearer(s1.accessToken)).send({ oldPassword: DEMO_PASSWORD, newPassword: 'Better#2027' }).expect(204);
    await t.http.get('/api/auth/me').set(bearer(s1.accessToken)).expect(200);
    await t.http.get('/api/auth/me').set(bearer(s2.accessToken)).expect(401);
    await login('sh.dealer1').expect(401);
    await login('sh.dealer1', 'Better#2027').expect(200);
  });

  it('an admin reset sets a new password and ends the user\'s logins', async () => {
    const s = (await login('sh.manager').expect(200)).body;
    const id = await t.userId('sh.manager');
    const weak = await t.http.post(`/api/users/${id}/reset-password`).set(bearer(await t.token('admin'))).send({ newPassword: 'abc' }).expect(400);
    expect(weak.body.code).toBe(ErrorCode.WEAK_PASSWORD);
    await t.http.post(`/api/users/${id}/reset-password`).set(bearer(await t.token('admin'))).send({ newPassword: 'Reset#2026x' }).expect(204);
    await t.http.get('/api/auth/me').set(bearer(s.accessToken)).expect(401);
    await login('sh.manager', 'Reset#2026x').expect(200);
  });
});
