import { ErrorCode } from '@drp/shared';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/**
 * The principal (roles, permissions, scope) is cached in the server process and re-read only when
 * its version moves (migration PrincipalVersion: triggers bump it in the same transaction as the
 * change). Every case warms the cache with two requests first, then checks that the change takes
 * effect on the very next request: disabling, role changes, role permission edits, dealer
 * assignments, organisation changes and moves, and session revoke / logout / expiry.
 */
describe('principal cache: every change applies on the next request', () => {
  let t: TestApp;
  let admin: string;
  const roleId = async (code: string) => (await t.sql<{ id: string }>('SELECT id FROM role WHERE code = $1', [code]))[0].id;
  const login = async (username: string, password = 'Demo#2026') => {
    const res = await t.http.post('/api/auth/login').send({ username, password }).expect(200);
    return res.body as { accessToken: string; refreshToken: string };
  };
  const user = async (id: string) => (await t.http.get(`/api/users/${id}`).set(bearer(admin)).expect(200)).body as { id: string; version: number };
  const visibleCodes = async (token: string) =>
    ((await t.http.get('/api/orgs?pageSize=200').set(bearer(token)).expect(200)).body.items as { code: string }[]).map((o) => o.code).sort();
  /** the same request twice: the second one is answered from the cache */
  const warm = async (token: string, path: string, status: number) => {
    await t.http.get(path).set(bearer(token)).expect(status);
    await t.http.get(path).set(bearer(token)).expect(status);
  };

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
  });
  afterAll(() => t.close());

  it('disabling a user refuses their live token on the next request; enabling lets them sign in again', async () => {
    const s = await login('bj.finance');
    await warm(s.accessToken, '/api/auth/me', 200);
    const id = await t.userId('bj.finance');
    await t.http.post(`/api/users/${id}/disable`).set(bearer(admin)).expect(200);
    await t.http.get('/api/auth/me').set(bearer(s.accessToken)).expect(401);
    await t.http.get('/api/orgs').set(bearer(s.accessToken)).expect(401);
    await t.http.post(`/api/users/${id}/enable`).set(bearer(admin)).expect(200);
    const again = await login('bj.finance');
    await t.http.get('/api/auth/me').set(bearer(again.accessToken)).expect(200);
  });

  it("changing a user's roles applies on the next request, both ways", async () => {
    const id = await t.userId('bj.service');
    const token = (await login('bj.service')).accessToken;
    await warm(token, '/api/users', 403);
    const u = await user(id);
    await t.http.patch(`/api/users/${id}`).set(bearer(admin)).send({ version: u.version, roleIds: [await roleId('CUSTOMER_SERVICE'), await roleId('BRANCH_MANAGER')] }).expect(200);
    await t.http.get('/api/users').set(bearer(token)).expect(200);
    await t.http.get('/api/users').set(bearer(token)).expect(200);
    const u2 = await user(id);
    await t.http.patch(`/api/users/${id}`).set(bearer(admin)).send({ version: u2.version, roleIds: [await roleId('CUSTOMER_SERVICE')] }).expect(200);
    const denied = await t.http.get('/api/users').set(bearer(token)).expect(403);
    expect(denied.body.code).toBe(ErrorCode.FORBIDDEN);
  });

  it("editing a role's permissions applies to every holder on the next request", async () => {
    const role = (await t.http.post('/api/roles').set(bearer(admin)).send({ code: 'CACHE_PROBE', name: '缓存探针', dataScope: 'ALL', permissions: ['orgs:view'] }).expect(201)).body;
    await t.http.post('/api/users').set(bearer(admin)).send({ username: 'hq.probe', displayName: '探针', password: 'Probe#2026', orgId: await t.orgId('HQ'), roleIds: [role.id] }).expect(201);
    const token = (await login('hq.probe', 'Probe#2026')).accessToken;
    await warm(token, '/api/orgs', 200);
    await warm(token, '/api/users', 403);
    const edited = (await t.http.patch(`/api/roles/${role.id}`).set(bearer(admin)).send({ version: role.version, permissions: ['users:view'] }).expect(200)).body;
    await t.http.get('/api/users').set(bearer(token)).expect(200);
    await t.http.get('/api/orgs').set(bearer(token)).expect(403);
    // the role's data scope: from every organisation to assigned dealers only (none assigned)
    const back = (await t.http.patch(`/api/roles/${role.id}`).set(bearer(admin)).send({ version: edited.version, permissions: ['orgs:view'] }).expect(200)).body;
    await warm(token, '/api/orgs', 200);
    const all = await visibleCodes(token);
    expect(all).toEqual(expect.arrayContaining(['HQ', 'BJ', 'SH', 'D-BJ001']));
    await t.http.patch(`/api/roles/${role.id}`).set(bearer(admin)).send({ version: back.version, dataScope: 'ASSIGNED_DEALERS' }).expect(200);
    const narrowed = await visibleCodes(token);
    expect(narrowed.length).toBeLessThan(all.length);
    expect(narrowed).not.toContain('D-BJ001');
    expect((await t.http.get('/api/auth/me').set(bearer(token)).expect(200)).body.scopeKinds).toEqual(['ASSIGNED_DEALERS']);
  });

  it('assigning dealers to a rep widens what the rep sees on the next request', async () => {
    const rep = await t.userId('bj.sales');
    const token = (await login('bj.sales')).accessToken;
    const d3 = await t.orgId('D-BJ003');
    await warm(token, `/api/orgs/${d3}`, 404);
    await t.http.put(`/api/users/${rep}/dealers`).set(bearer(admin)).send({ dealerIds: [await t.orgId('D-BJ001'), await t.orgId('D-BJ002'), d3] }).expect(200);
    await t.http.get(`/api/orgs/${d3}`).set(bearer(token)).expect(200);
    await t.http.put(`/api/users/${rep}/dealers`).set(bearer(admin)).send({ dealerIds: [await t.orgId('D-BJ001'), await t.orgId('D-BJ002')] }).expect(200);
    await t.http.get(`/api/orgs/${d3}`).set(bearer(token)).expect(404);
  });

  it("moving a user to another organisation applies to their scope on the next request", async () => {
    const id = await t.userId('sh.manager');
    const token = (await login('sh.manager')).accessToken;
    await warm(token, '/api/orgs', 200);
    expect(await visibleCodes(token)).toEqual(['D-SH001', 'D-SH002', 'D-SH003', 'D-SH004', 'SH']);
    const u = await user(id);
    await t.http.patch(`/api/users/${id}`).set(bearer(admin)).send({ version: u.version, orgId: await t.orgId('GZ') }).expect(200);
    const now = await visibleCodes(token);
    expect(now).toContain('GZ');
    expect(now).not.toContain('SH');
  });

  it("moving the user's organisation in the tree applies to their scope on the next request", async () => {
    const token = (await login('bj.dealer1')).accessToken;
    await warm(token, '/api/orgs', 200);
    expect(await visibleCodes(token)).toEqual(['D-BJ001', 'D-BJ001-01']);
    const d1 = await t.orgId('D-BJ001');
    const before = (await t.http.get(`/api/orgs/${d1}`).set(bearer(admin)).expect(200)).body;
    await t.http.post(`/api/orgs/${d1}/move`).set(bearer(admin)).send({ parentId: await t.orgId('BJ-CY'), version: before.version }).expect(200);
    // a stale principal would still carry the old path and match nothing
    expect(await visibleCodes(token)).toEqual(['D-BJ001', 'D-BJ001-01']);
    await t.http.get(`/api/orgs/${await t.orgId('D-BJ001-01')}`).set(bearer(token)).expect(200);
  });

  it('logout, a revoked session and an expired session are refused on the next request', async () => {
    const a = await login('sh.sales');
    await warm(a.accessToken, '/api/auth/me', 200);
    await t.http.post('/api/auth/logout').set(bearer(a.accessToken)).send({ refreshToken: a.refreshToken }).expect(204);
    await t.http.get('/api/auth/me').set(bearer(a.accessToken)).expect(401);

    // revoked by another server process (written straight to the database)
    const b = await login('sh.sales');
    const other = await login('sh.sales');
    await warm(b.accessToken, '/api/auth/me', 200);
    await warm(other.accessToken, '/api/auth/me', 200);
    const sid = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sid as string;
    await t.sql('UPDATE auth_session SET revoked_at = now(), revoke_reason = $2 WHERE id = $1', [sid(b.accessToken), 'test']);
    await t.http.get('/api/auth/me').set(bearer(b.accessToken)).expect(401);
    // the user's other login is untouched
    await t.http.get('/api/auth/me').set(bearer(other.accessToken)).expect(200);

    await t.sql(`UPDATE auth_session SET expires_at = now() - interval '1 second' WHERE id = $1`, [sid(other.accessToken)]);
    await t.http.get('/api/auth/me').set(bearer(other.accessToken)).expect(401);
  });

  it('a role link written by another process (straight to the database) applies on the next request', async () => {
    const id = await t.userId('bj.service');
    const token = (await login('bj.service')).accessToken;
    await warm(token, '/api/users', 403);
    await t.sql('INSERT INTO user_role (user_id, role_id) VALUES ($1, $2)', [id, await roleId('BRANCH_MANAGER')]);
    await t.http.get('/api/users').set(bearer(token)).expect(200);
    await t.sql('DELETE FROM user_role WHERE user_id = $1 AND role_id = $2', [id, await roleId('BRANCH_MANAGER')]);
    await t.http.get('/api/users').set(bearer(token)).expect(403);
  });
});
