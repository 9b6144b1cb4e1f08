import { DealerAccountDto, DealerInviteDto, ErrorCode, UserStatus } from '@drp/shared';
import { MaintenanceJob } from '../../server/src/modules/jobs/maintenance.job';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/**
 * Table ownership (issue #10): writes that moved to the owning module keep their behaviour.
 * - the mall's dealer logins are written by users (app_user, user_role, user_invite) and their
 *   sessions ended by auth (UserDisabled), in the same transaction as the disable;
 * - the console's password reset and disable end sessions the same way;
 * - mall publishing flips product.mall_published through catalog (ProductService) and is audited;
 * - the maintenance job purges through auth (sessions, throttles) and the idempotency interceptor.
 */
describe('ownership: writes through the owning module', () => {
  let t: TestApp;
  let admin: string;
  const PASSWORD = 'Owner#2026x';

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
  });
  afterAll(() => t.close());

  const post = (token: string, url: string, body: object = {}) => t.http.post(url).set(bearer(token)).send(body);
  const login = (username: string, password = PASSWORD) => t.http.post('/api/auth/login').send({ username, password });
  const sessions = (userId: string) =>
    t.sql<{ revoked_at: Date | null; revoke_reason: string | null }>('SELECT revoked_at, revoke_reason FROM auth_session WHERE user_id = $1 ORDER BY created_at', [userId]);

  it('mall dealer login: invite (INVITED, one role), activate, sign in; disable ends its sessions at once; enable brings it back ACTIVE', async () => {
    const dealerId = await t.orgId('D-BJ001');
    const inv = (await post(admin, '/api/mall/dealer-accounts/invite', { dealerId, displayName: '所有权测试', username: 'own.staff1', role: 'DEALER_STAFF' }).expect(201)).body as DealerInviteDto;
    expect(inv.username).toBe('own.staff1');
    const [u] = await t.sql<{ status: string; roles: string[]; invites: number }>(
      `SELECT u.status, array(SELECT r.code FROM user_role ur JOIN role r ON r.id = ur.role_id WHERE ur.user_id = u.id) AS roles,
              (SELECT count(*)::int FROM user_invite i WHERE i.user_id = u.id) AS invites
         FROM app_user u WHERE u.id = $1`,
      [inv.userId],
    );
    expect(u).toEqual({ status: UserStatus.INVITED, roles: ['DEALER_STAFF'], invites: 1 });
    // no password before activation
    expect((await login('own.staff1', PASSWORD).expect(401)).body.code).toBe(ErrorCode.INVALID_CREDENTIALS);
    const act = await t.http.post('/api/auth/activate').send({ code: inv.inviteCode, password: PASSWORD });
    expect([200, 204]).toContain(act.status);
    // a spent code: INVITE_INVALID
    expect((await t.http.post('/api/auth/activate').send({ code: inv.inviteCode, password: PASSWORD }).expect(400)).body.code).toBe(ErrorCode.INVITE_INVALID);
    const signedIn = (await login('own.staff1').expect(200)).body as { accessToken: string };
    await t.http.get('/api/auth/me').set(bearer(signedIn.accessToken)).expect(200);
    const [{ last_login_at }] = await t.sql<{ last_login_at: Date | null }>('SELECT last_login_at FROM app_user WHERE id = $1', [inv.userId]);
    expect(last_login_at).not.toBeNull();

    const disabled = (await post(admin, `/api/mall/dealer-accounts/${inv.userId}/disable`).expect(200)).body as DealerAccountDto;
    expect(disabled.status).toBe(UserStatus.DISABLED);
    expect((await sessions(inv.userId)).map((s) => s.revoke_reason)).toEqual(['DISABLED']);
    await t.http.get('/api/auth/me').set(bearer(signedIn.accessToken)).expect(401);
    const [audit] = await t.sql<{ action: string; before: { status: string }; after: { status: string } }>(
      `SELECT action, before, after FROM audit_log WHERE entity = 'user' AND entity_id = $1 AND action = 'disable'`,
      [inv.userId],
    );
    expect(audit).toEqual({ action: 'disable', before: { status: 'ACTIVE' }, after: { status: 'DISABLED' } });

    const enabled = (await post(admin, `/api/mall/dealer-accounts/${inv.userId}/enable`).expect(200)).body as DealerAccountDto;
    expect(enabled.status).toBe(UserStatus.ACTIVE);
    await login('own.staff1').expect(200);
  });

  it('a disabled login that never activated goes back to INVITED; a refused disable (of the own login) ends no session', async () => {
    const dealerId = await t.orgId('D-BJ002');
    const inv = (await post(admin, '/api/mall/dealer-accounts/invite', { dealerId, displayName: '未激活', username: 'own.pending1' }).expect(201)).body as DealerInviteDto;
    const again = (await post(admin, `/api/mall/dealer-accounts/${inv.userId}/reinvite`).expect(200)).body as DealerInviteDto;
    // the first code stopped working
    expect((await t.http.post('/api/auth/activate').send({ code: inv.inviteCode, password: PASSWORD }).expect(400)).body.code).toBe(ErrorCode.INVITE_INVALID);
    await post(admin, `/api/mall/dealer-accounts/${inv.userId}/disable`).expect(200);
    expect(((await post(admin, `/api/mall/dealer-accounts/${inv.userId}/enable`).expect(200)).body as DealerAccountDto).status).toBe(UserStatus.INVITED);
    const act = await t.http.post('/api/auth/activate').send({ code: again.inviteCode, password: PASSWORD, username: 'own.pending1b' });
    expect([200, 204]).toContain(act.status);
    await login('own.pending1b').expect(200);
    // a dealer admin may not disable itself: refused, its session stays
    const d1 = (await login('bj.dealer1', 'Demo#2026').expect(200)).body as { accessToken: string; user: { id: string } };
    expect((await post(d1.accessToken, `/api/mall/dealer-accounts/${d1.user.id}/disable`)).status).toBeGreaterThanOrEqual(400);
    await t.http.get('/api/auth/me').set(bearer(d1.accessToken)).expect(200);
  });

  it('console: a password reset and a disable end every login of the user (auth, in the same transaction)', async () => {
    const salesId = await t.userId('sh.sales');
    const a = (await login('sh.sales', 'Demo#2026').expect(200)).body as { accessToken: string };
    await post(admin, `/api/users/${salesId}/reset-password`, { newPassword: PASSWORD }).expect(204);
    await t.http.get('/api/auth/me').set(bearer(a.accessToken)).expect(401);
    expect((await sessions(salesId)).map((s) => s.revoke_reason)).toEqual(['PASSWORD_RESET']);
    const b = (await login('sh.sales').expect(200)).body as { accessToken: string };
    await post(admin, `/api/users/${salesId}/disable`).expect(200);
    await t.http.get('/api/auth/me').set(bearer(b.accessToken)).expect(401);
    expect((await sessions(salesId)).map((s) => s.revoke_reason)).toEqual(['PASSWORD_RESET', 'DISABLED']);
    await post(admin, `/api/users/${salesId}/enable`).expect(200);
    // a change of one's own password ends the other logins only
    const c = (await login('sh.sales').expect(200)).body as { accessToken: string };
    const d = (await login('sh.sales').expect(200)).body as { accessToken: string };
    await post(d.accessToken, '/api/auth/change-password', { oldPassword: PASSWORD, newPassword: `${PASSWORD}y` }).expect(204);
    await t.http.get('/api/auth/me').set(bearer(c.accessToken)).expect(401);
    await t.http.get('/api/auth/me').set(bearer(d.accessToken)).expect(200);
  });

  it('mall publishing flips product.mall_published through catalog, bumps the version and is audited; a no-op writes nothing', async () => {
    const [p] = await t.sql<{ id: string; code: string; version: number }>(`SELECT id, code, version FROM product WHERE mall_published AND status = 'ON_SALE' ORDER BY code LIMIT 1`);
    const auditCount = async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'product' AND action IN ('mall_publish', 'mall_unpublish')`))[0].n;
    const before = await auditCount();
    expect((await post(admin, '/api/mall/publish', { productIds: [p.id], published: false }).expect(200)).body).toEqual({ updated: 1 });
    const [off] = await t.sql<{ mall_published: boolean; version: number }>('SELECT mall_published, version FROM product WHERE id = $1', [p.id]);
    expect(off).toEqual({ mall_published: false, version: p.version + 1 });
    const [entry] = await t.sql<{ summary: string; after: { productIds: string[]; published: boolean } }>(
      `SELECT summary, after FROM audit_log WHERE entity = 'product' AND action = 'mall_unpublish' ORDER BY created_at DESC LIMIT 1`,
    );
    expect(entry.after).toEqual({ productIds: [p.id], published: false });
    expect(entry.summary).toContain(p.code);
    // again: nothing changes, nothing audited
    expect((await post(admin, '/api/mall/publish', { productIds: [p.id], published: false }).expect(200)).body).toEqual({ updated: 0 });
    expect(await auditCount()).toBe(before + 1);
    expect((await post(admin, '/api/mall/publish', { productIds: [p.id], published: true }).expect(200)).body).toEqual({ updated: 1 });
    expect(await auditCount()).toBe(before + 2);
    // an unknown id: 404, nothing changed
    const unknown = '00000000-0000-4000-8000-000000000001';
    expect((await post(admin, '/api/mall/publish', { productIds: [p.id, unknown], published: false }).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
    expect((await t.sql<{ mall_published: boolean }>('SELECT mall_published FROM product WHERE id = $1', [p.id]))[0].mall_published).toBe(true);
  });

  it('the maintenance job purges old sessions, idle throttles and day-old idempotency keys (through auth and the interceptor), and keeps the rest', async () => {
    const userId = await t.userId('admin');
    await t.sql(`DELETE FROM login_throttle`);
    await t.sql(`INSERT INTO auth_session (user_id, expires_at) VALUES ($1, now() - interval '30 days')`, [userId]);
    await t.sql(`INSERT INTO auth_session (user_id, expires_at, revoked_at, revoke_reason) VALUES ($1, now() + interval '30 days', now() - interval '8 days', 'LOGOUT')`, [userId]);
    await t.sql(`INSERT INTO auth_session (user_id, expires_at, revoked_at, revoke_reason) VALUES ($1, now() + interval '30 days', now() - interval '1 day', 'LOGOUT')`, [userId]);
    await t.sql(`INSERT INTO login_throttle (username, window_start, failures, updated_at) VALUES ('own.idle', now() - interval '2 hours', 2, now() - interval '2 hours')`);
    await t.sql(`INSERT INTO login_throttle (username, window_start, failures, locked_until, updated_at) VALUES ('own.locked', now() - interval '2 hours', 0, now() + interval '1 hour', now() - interval '2 hours')`);
    await t.sql(`INSERT INTO login_throttle (username, window_start, failures, updated_at) VALUES ('own.recent', now(), 1, now())`);
    await t.sql(`INSERT INTO idempotency_key (user_id, key, method, path, request_hash, created_at) VALUES ($1, 'own-old-0001', 'POST', '/api/x', repeat('a', 64), now() - interval '2 days')`, [userId]);
    await t.sql(`INSERT INTO idempotency_key (user_id, key, method, path, request_hash) VALUES ($1, 'own-new-0001', 'POST', '/api/x', repeat('a', 64))`, [userId]);
    const oldSessions = (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM auth_session WHERE expires_at < now() - interval '7 days' OR revoked_at < now() - interval '7 days'`))[0].n;

    const result = await t.app.get(MaintenanceJob).run();
    expect(result.sessions).toBe(oldSessions);
    expect(result.throttles).toBe(1);
    expect(result.keys).toBeGreaterThanOrEqual(1);
    expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM auth_session WHERE expires_at < now() - interval '7 days' OR revoked_at < now() - interval '7 days'`))[0].n).toBe(0);
    expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM auth_session WHERE user_id = $1 AND revoked_at > now() - interval '2 days'`, [userId]))[0].n).toBeGreaterThanOrEqual(1);
    expect((await t.sql<{ username: string }>(`SELECT username FROM login_throttle WHERE username LIKE 'own.%' ORDER BY username`)).map((r) => r.username)).toEqual(['own.locked', 'own.recent']);
    expect((await t.sql<{ key: string }>(`SELECT key FROM idempotency_key WHERE key LIKE 'own-%' ORDER BY key`)).map((r) => r.key)).toEqual(['own-new-0001']);
  });
});
