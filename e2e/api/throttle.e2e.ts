import { ErrorCode } from '@drp/shared';
import { bearer, bootTestApp, DEMO_PASSWORD, TestApp } from '../support/test-app';

/**
 * Issue #11 (abuse): failed sign-ins, wrong current passwords and wrong invite codes are throttled
 * by client address and by (account, address) — never by account alone, so nobody can lock the
 * real owner out — and answer 429 with Retry-After; passwords follow the one shared rule
 * (passwordProblem): not the username, not a common password, not the demo password outside the demo.
 * The app trusts X-Forwarded-For from loopback (TRUST_PROXY) so each test can speak from its own address.
 */
describe('throttles and the password rule', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({ TRUST_PROXY: 'loopback', LOGIN_ADDRESS_MAX_FAILURES: '10', LOGIN_MAX_FAILURES: '5', LOGIN_LOCK_SECONDS: '120' });
  });
  afterAll(() => t.close());

  const login = (ip: string, username: string, password = DEMO_PASSWORD) => t.http.post('/api/auth/login').set('X-Forwarded-For', ip).send({ username, password });
  const auditCount = async (action: string) => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = $1`, [action]))[0].n;
  const expectLimited = (res: { status: number; body: { code: string; details: { retryAfterSeconds: number; scope: string } }; headers: Record<string, string> }, scope: string) => {
    expect(res.status).toBe(429);
    expect(res.body.code).toBe(ErrorCode.LOGIN_RATE_LIMITED);
    expect(res.body.details.scope).toBe(scope);
    expect(Number(res.headers['retry-after'])).toBe(res.body.details.retryAfterSeconds);
    expect(res.body.details.retryAfterSeconds).toBeGreaterThan(0);
  };

  it('a burst of bad sign-ins from one address: the address is locked after 10, the rest answer 429 with Retry-After and write no audit row', async () => {
    const failedBefore = await auditCount('login_failed');
    const locksBefore = await auditCount('throttle_lock');
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => login('10.1.0.1', `nobody.${i}`, 'Wrong#pass1')));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    for (const r of answers.filter((a) => a.status === 429)) expectLimited(r, 'login');
    expect((await auditCount('login_failed')) - failedBefore).toBe(10);
    expect((await auditCount('throttle_lock')) - locksBefore).toBe(1);
    // the address is locked for every account, even with the right password; other addresses are not
    expectLimited(await login('10.1.0.1', 'bj.manager'), 'login');
    await login('10.1.0.2', 'bj.manager').expect(200);
  });

  it('an attacker hammering admin locks only itself; the owner signs in from elsewhere; guesses spread over addresses are slowed per address', async () => {
    const attacker = await Promise.all(Array.from({ length: 5 }, () => login('10.2.0.1', 'admin', 'Wrong#pass1')));
    expect(attacker.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expectLimited(await login('10.2.0.1', 'admin'), 'login');
    expectLimited(await login('10.2.0.1', 'admin', 'Wrong#pass1'), 'login');
    // the same address may still try another account (its own limit is 10)
    await login('10.2.0.1', 'bj.manager').expect(200);
    await login('10.2.0.9', 'admin').expect(200);

    // one wrong guess from each of 6 addresses: from the 5th on, the account is under attack and each guessing address waits 2^n s
    for (let i = 1; i <= 6; i++) await login(`10.3.0.${i}`, 'admin', 'Wrong#pass1').expect(401);
    const slowed = await login('10.3.0.6', 'admin', 'Wrong#pass1');
    expectLimited(slowed, 'login');
    expect(slowed.body.details.retryAfterSeconds).toBeLessThanOrEqual(2);
    await login('10.3.0.1', 'admin', 'Wrong#pass1').expect(401); // an address that guessed before the 5th failure is not slowed yet
    // the owner, from an address that did not guess, is never held up
    await login('10.3.0.99', 'admin').expect(200);
  });

  it('change-password: five wrong current passwords lock that user from that address (429), the password is unchanged', async () => {
    const s = (await login('10.4.0.9', 'bj.finance').expect(200)).body;
    const change = (ip: string, oldPassword: string) =>
      t.http.post('/api/auth/change-password').set(bearer(s.accessToken)).set('X-Forwarded-For', ip).send({ oldPassword, newPassword: 'Better#2027' });
    for (let i = 0; i < 5; i++) expect((await change('10.4.0.1', 'Wrong#pass1').expect(400)).body.code).toBe(ErrorCode.WRONG_PASSWORD);
    expectLimited(await change('10.4.0.1', DEMO_PASSWORD), 'password');
    await login('10.4.0.9', 'bj.finance').expect(200);
  });

  it('activation: five wrong invite codes lock the address (429), the right code works from another address', async () => {
    const admin = (await login('10.5.0.9', 'admin').expect(200)).body.accessToken;
    const inv = (
      await t.http.post('/api/mall/dealer-accounts/invite').set(bearer(admin)).send({ dealerId: await t.orgId('D-GZ001'), displayName: '限流', phone: '13703030009', username: 'gz.throttle' }).expect(201)
    ).body;
    const activate = (ip: string, code: string, password = 'Gz#Thr0ttle26') => t.http.post('/api/auth/activate').set('X-Forwarded-For', ip).send({ code, password });
    for (let i = 0; i < 5; i++) expect((await activate('10.5.0.1', 'WRONGCODE234').expect(400)).body.code).toBe(ErrorCode.INVITE_INVALID);
    expectLimited(await activate('10.5.0.1', inv.inviteCode), 'invite');
    // a refused password writes nothing: the code stays usable
    const common = await activate('10.5.0.2', inv.inviteCode, 'P@ssw0rd!').expect(400);
    expect(common.body).toMatchObject({ code: ErrorCode.WEAK_PASSWORD, details: { field: 'password', reason: 'COMMON' } });
    const named = await activate('10.5.0.2', inv.inviteCode, 'Gz.Throttle#1').expect(400);
    expect(named.body.details.reason).toBe('CONTAINS_USERNAME');
    await activate('10.5.0.2', inv.inviteCode).expect(204);
    await login('10.5.0.2', 'gz.throttle', 'Gz#Thr0ttle26').expect(200);
  });

  it('refuses the username and common passwords wherever a password is set, with a stable reason; nothing is written', async () => {
    const admin = (await login('10.6.0.9', 'admin').expect(200)).body.accessToken;
    const users = (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM app_user'))[0].n;
    const base = { username: 'pw.rule', displayName: '规则', orgId: await t.orgId('SH'), roleIds: [] as string[] };
    const named = await t.http.post('/api/users').set(bearer(admin)).send({ ...base, password: 'X#Pw.Rule2027' }).expect(400);
    expect(named.body).toMatchObject({ code: ErrorCode.WEAK_PASSWORD, details: { field: 'password', reason: 'CONTAINS_USERNAME' } });
    const common = await t.http.post('/api/users').set(bearer(admin)).send({ ...base, password: 'Password123!' }).expect(400);
    expect(common.body.details).toMatchObject({ field: 'password', reason: 'COMMON' });
    expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM app_user'))[0].n).toBe(users);

    const id = await t.userId('sh.sales');
    const reset = await t.http.post(`/api/users/${id}/reset-password`).set(bearer(admin)).send({ newPassword: 'Sh.Sales#2027' }).expect(400);
    expect(reset.body.details).toMatchObject({ field: 'newPassword', reason: 'CONTAINS_USERNAME' });
    await login('10.6.0.9', 'sh.sales').expect(200);

    const s = (await login('10.6.0.9', 'sh.manager').expect(200)).body;
    const change = await t.http.post('/api/auth/change-password').set(bearer(s.accessToken)).send({ oldPassword: DEMO_PASSWORD, newPassword: 'Admin@123' }).expect(400);
    expect(change.body.details).toMatchObject({ field: 'newPassword', reason: 'COMMON' });
    await login('10.6.0.9', 'sh.manager').expect(200);
    // with demo data on, the demo password stays usable
    await t.http.post(`/api/users/${id}/reset-password`).set(bearer(admin)).send({ newPassword: DEMO_PASSWORD }).expect(204);
  });

  it('outside the demo (DEMO_DATA=false) the published demo password is refused everywhere', async () => {
    const prod = await bootTestApp({ DEMO_DATA: 'false' });
    try {
      const admin = await prod.token('admin');
      const id = await prod.userId('sh.sales');
      const reset = await prod.http.post(`/api/users/${id}/reset-password`).set(bearer(admin)).send({ newPassword: DEMO_PASSWORD }).expect(400);
      expect(reset.body).toMatchObject({ code: ErrorCode.WEAK_PASSWORD, details: { field: 'newPassword', reason: 'DEMO_PASSWORD' } });
      const change = await prod.http.post('/api/auth/change-password').set(bearer(admin)).send({ oldPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD }).expect(400);
      expect(change.body.details.reason).toBe('DEMO_PASSWORD');
      const create = await prod.http
        .post('/api/users')
        .set(bearer(admin))
        .send({ username: 'prod.user', displayName: '生产', password: DEMO_PASSWORD, orgId: await prod.orgId('SH'), roleIds: [] })
        .expect(400);
      expect(create.body.details.reason).toBe('DEMO_PASSWORD');
      await prod.http.post(`/api/users/${id}/reset-password`).set(bearer(admin)).send({ newPassword: 'Prod#Sales2027' }).expect(204);
    } finally {
      await prod.close();
    }
  });
});
