import { ErrorCode } from '@drp/shared';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

describe('users and roles', () => {
  let t: TestApp;
  let admin: string;
  const roleId = async (code: string) => (await t.sql<{ id: string }>('SELECT id FROM role WHERE code = $1', [code]))[0].id;
  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
  });
  afterAll(() => t.close());

  it('lists the built-in roles with their permissions and user counts, and the permission catalogue', async () => {
    const roles = (await t.http.get('/api/roles').set(bearer(admin)).expect(200)).body;
    const codes = roles.items.map((r: { code: string }) => r.code);
    expect(codes).toEqual(expect.arrayContaining(['HQ_ADMIN', 'BRANCH_MANAGER', 'SALES_REP', 'FINANCE', 'WAREHOUSE', 'CUSTOMER_SERVICE', 'DEALER_ADMIN', 'DEALER_STAFF']));
    const rep = roles.items.find((r: { code: string }) => r.code === 'SALES_REP');
    expect(rep).toMatchObject({ builtin: true, dataScope: 'ASSIGNED_DEALERS', userCount: 2 });
    const perms = (await t.http.get('/api/permissions').set(bearer(admin)).expect(200)).body;
    expect(perms).toEqual(expect.arrayContaining([{ code: 'orgs:manage', group: 'org' }, { code: 'audit:view', group: 'system' }]));
  });

  it('creates a user with roles; the new user can sign in and sees what the role allows', async () => {
    const body = { username: 'bj.warehouse', displayName: '库管小刘', password: 'Store#2026', orgId: await t.orgId('BJ'), roleIds: [await roleId('WAREHOUSE')], phone: '13900000099' };
    const res = await t.http.post('/api/users').set(bearer(admin)).send(body).expect(201);
    expect(res.body).toMatchObject({ username: 'bj.warehouse', org: { code: 'BJ' }, roles: [{ code: 'WAREHOUSE' }], status: 'ACTIVE' });
    expect(res.body).not.toHaveProperty('passwordHash');
    const login = await t.http.post('/api/auth/login').send({ username: 'bj.warehouse', password: 'Store#2026' }).expect(200);
    expect(login.body.user.permissions).toContain('stock:manage');
    await t.http.get('/api/users').set(bearer(login.body.accessToken)).expect(403);
    const dup = await t.http.post('/api/users').set(bearer(admin)).send({ ...body, username: 'BJ.Warehouse' }).expect(400);
    expect(dup.body.code).toBe(ErrorCode.VALIDATION_FAILED); // usernames are lowercase
    expect((await t.http.post('/api/users').set(bearer(admin)).send(body).expect(409)).body.code).toBe(ErrorCode.DUPLICATE);
  });

  it('refuses weak passwords, unknown roles and orgs; nothing is written', async () => {
    const before = (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM app_user'))[0].n;
    const base = { username: 'new.user', displayName: '新人', password: 'Good#2026', orgId: await t.orgId('SH'), roleIds: [] as string[] };
    expect((await t.http.post('/api/users').set(bearer(admin)).send({ ...base, password: 'password' }).expect(400)).body.code).toBe(ErrorCode.WEAK_PASSWORD);
    expect((await t.http.post('/api/users').set(bearer(admin)).send({ ...base, roleIds: ['00000000-0000-4000-8000-000000000000'] }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await t.http.post('/api/users').set(bearer(admin)).send({ ...base, orgId: '00000000-0000-4000-8000-000000000000' }).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
    expect((await t.http.post('/api/users').set(bearer(admin)).send({ ...base, email: 'not-an-email' }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM app_user'))[0].n).toBe(before);
  });

  it('a branch manager manages users of its own branch only, and cannot grant more than it has', async () => {
    const mgr = await t.token('bj.manager');
    const base = { displayName: '北京新人', password: 'Good#2026', roleIds: [await roleId('CUSTOMER_SERVICE')] };
    await t.http.post('/api/users').set(bearer(mgr)).send({ ...base, username: 'bj.cs2', orgId: await t.orgId('BJ') }).expect(201);
    await t.http.post('/api/users').set(bearer(mgr)).send({ ...base, username: 'sh.cs2', orgId: await t.orgId('SH') }).expect(404);
    const grant = await t.http.post('/api/users').set(bearer(mgr)).send({ ...base, username: 'bj.boss', orgId: await t.orgId('BJ'), roleIds: [await roleId('HQ_ADMIN')] }).expect(403);
    expect(grant.body.code).toBe(ErrorCode.ROLE_NOT_GRANTABLE);
    // finance holds receipts:manage which a branch manager does not: not grantable either
    expect((await t.http.post('/api/users').set(bearer(mgr)).send({ ...base, username: 'bj.fin2', orgId: await t.orgId('BJ'), roleIds: [await roleId('FINANCE')] }).expect(403)).body.code).toBe(ErrorCode.ROLE_NOT_GRANTABLE);
    const shUser = await t.userId('sh.sales');
    await t.http.get(`/api/users/${shUser}`).set(bearer(mgr)).expect(404);
    await t.http.post(`/api/users/${shUser}/disable`).set(bearer(mgr)).expect(404);
    await t.http.post(`/api/users/${shUser}/reset-password`).set(bearer(mgr)).send({ newPassword: 'Hack#2026x' }).expect(404);
  });

  it('edits a user with versions; changing roles applies to the next request', async () => {
    const id = await t.userId('bj.service');
    const user = (await t.http.get(`/api/users/${id}`).set(bearer(admin)).expect(200)).body;
    const svcToken = await t.token('bj.service');
    await t.http.get('/api/users').set(bearer(svcToken)).expect(403);
    const updated = await t.http.patch(`/api/users/${id}`).set(bearer(admin)).send({ version: user.version, displayName: '赵敏（客服主管）', roleIds: [await roleId('CUSTOMER_SERVICE'), await roleId('BRANCH_MANAGER')] }).expect(200);
    expect(updated.body.roles.map((r: { code: string }) => r.code).sort()).toEqual(['BRANCH_MANAGER', 'CUSTOMER_SERVICE']);
    await t.http.get('/api/users').set(bearer(svcToken)).expect(200);
    expect((await t.http.patch(`/api/users/${id}`).set(bearer(admin)).send({ version: user.version, displayName: 'x' }).expect(409)).body.code).toBe(ErrorCode.STALE_VERSION);
    const [audit] = await t.sql<{ before: { roleIds: string[] }; after: { roleIds: string[] } }>(`SELECT before, after FROM audit_log WHERE entity = 'user' AND entity_id = $1 AND action = 'update'`, [id]);
    expect(audit.after.roleIds).toHaveLength(2);
    expect(audit.before.roleIds).toHaveLength(1);
  });

  it('custom roles: created from the permission list, edited, deleted when unused; built-ins are read-only', async () => {
    const bad = await t.http.post('/api/roles').set(bearer(admin)).send({ code: 'AUDITOR', name: '审计员', dataScope: 'ALL', permissions: ['audit:view', 'launch:missiles'] }).expect(400);
    expect(bad.body).toMatchObject({ code: ErrorCode.UNKNOWN_PERMISSION, details: { unknown: ['launch:missiles'] } });
    const role = (await t.http.post('/api/roles').set(bearer(admin)).send({ code: 'AUDITOR', name: '审计员', nameEn: 'Auditor', dataScope: 'ALL', permissions: ['audit:view', 'orgs:view'] }).expect(201)).body;
    expect(role).toMatchObject({ builtin: false, permissions: ['audit:view', 'orgs:view'], userCount: 0 });
    expect((await t.http.post('/api/roles').set(bearer(admin)).send({ code: 'auditor', name: 'x', dataScope: 'ALL', permissions: [] }).expect(409)).body.code).toBe(ErrorCode.DUPLICATE);
    const edited = (await t.http.patch(`/api/roles/${role.id}`).set(bearer(admin)).send({ version: role.version, permissions: ['audit:view', 'orgs:view', 'users:view'] }).expect(200)).body;
    expect(edited.permissions).toContain('users:view');
    // in use: cannot be deleted
    const u = (await t.http.post('/api/users').set(bearer(admin)).send({ username: 'hq.auditor', displayName: '审计', password: 'Audit#2026', orgId: await t.orgId('HQ'), roleIds: [role.id] }).expect(201)).body;
    expect((await t.http.delete(`/api/roles/${role.id}`).set(bearer(admin)).expect(409)).body.code).toBe(ErrorCode.ROLE_IN_USE);
    await t.http.patch(`/api/users/${u.id}`).set(bearer(admin)).send({ version: u.version, roleIds: [] }).expect(200);
    await t.http.delete(`/api/roles/${role.id}`).set(bearer(admin)).expect(204);
    const builtin = await roleId('SALES_REP');
    expect((await t.http.patch(`/api/roles/${builtin}`).set(bearer(admin)).send({ version: 1, name: 'x' }).expect(409)).body.code).toBe(ErrorCode.ROLE_BUILTIN_READONLY);
    expect((await t.http.delete(`/api/roles/${builtin}`).set(bearer(admin)).expect(409)).body.code).toBe(ErrorCode.ROLE_BUILTIN_READONLY);
  });

  it('assigns dealers to a sales rep (管辖往来单位), which widens what the rep sees', async () => {
    const rep = await t.userId('bj.sales');
    const repToken = await t.token('bj.sales');
    const d3 = await t.orgId('D-BJ003');
    await t.http.get(`/api/orgs/${d3}`).set(bearer(repToken)).expect(404);
    const visible = (await t.http.get('/api/orgs?type=DEALER').set(bearer(repToken)).expect(200)).body.items.map((o: { code: string }) => o.code);
    expect(visible.sort()).toEqual(['D-BJ001', 'D-BJ001-01', 'D-BJ002']);
    const res = await t.http.put(`/api/users/${rep}/dealers`).set(bearer(admin)).send({ dealerIds: [await t.orgId('D-BJ001'), d3] }).expect(200);
    expect(res.body.assignedDealers.map((d: { code: string }) => d.code)).toEqual(['D-BJ001', 'D-BJ003']);
    await t.http.get(`/api/orgs/${d3}`).set(bearer(repToken)).expect(200);
    await t.http.get(`/api/orgs/${await t.orgId('D-BJ002')}`).set(bearer(repToken)).expect(404);
    // a branch manager cannot assign another branch's dealer, and only dealers can be assigned
    const mgr = await t.token('bj.manager');
    const cross = await t.http.put(`/api/users/${rep}/dealers`).set(bearer(mgr)).send({ dealerIds: [await t.orgId('D-SH001')] }).expect(400);
    expect(cross.body.code).toBe(ErrorCode.DEALER_ASSIGNMENT_INVALID);
    const branch = await t.http.put(`/api/users/${rep}/dealers`).set(bearer(admin)).send({ dealerIds: [await t.orgId('SH')] }).expect(400);
    expect(branch.body.code).toBe(ErrorCode.DEALER_ASSIGNMENT_INVALID);
    expect((await t.http.get(`/api/users/${rep}`).set(bearer(admin)).expect(200)).body.assignedDealers).toHaveLength(2);
  });

  it('searches and pages users', async () => {
    const res = await t.http.get(`/api/users?q=${encodeURIComponent('dealer')}&pageSize=2&sort=username`).set(bearer(admin)).expect(200);
    expect(res.body.total).toBe(3);
    expect(res.body.items.map((u: { username: string }) => u.username)).toEqual(['bj.dealer1', 'bj.dealer2']);
    const byRole = await t.http.get(`/api/users?roleId=${await roleId('BRANCH_MANAGER')}`).set(bearer(admin)).expect(200);
    expect(byRole.body.items.map((u: { username: string }) => u.username)).toEqual(expect.arrayContaining(['bj.manager', 'sh.manager']));
  });
});
