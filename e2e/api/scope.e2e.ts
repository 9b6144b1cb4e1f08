import { bearer, bootTestApp, TestApp } from '../support/test-app';

/**
 * The data-scope matrix: for every list and get endpoint, a user of one branch or dealer sees
 * nothing of another, and out-of-scope ids answer 404 (never 403, so ids cannot be probed).
 */
describe('data scope', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  let userIds: Record<string, string>;
  const codesOf = (items: { code: string }[]) => items.map((o) => o.code).sort();

  beforeAll(async () => {
    t = await bootTestApp();
    ids = Object.fromEntries((await t.sql<{ code: string; id: string }>('SELECT code, id FROM organization')).map((r) => [r.code, r.id]));
    userIds = Object.fromEntries((await t.sql<{ username: string; id: string }>('SELECT username, id FROM app_user')).map((r) => [r.username, r.id]));
    // some audited activity in every branch
    const admin = await t.token('admin');
    for (const code of ['D-BJ003', 'D-SH003', 'D-GZ003']) {
      const org = (await t.http.get(`/api/orgs/${ids[code]}`).set(bearer(admin)).expect(200)).body;
      await t.http.patch(`/api/orgs/${org.id}`).set(bearer(admin)).send({ version: org.version, remark: `checked ${code}` }).expect(200);
    }
  });
  afterAll(() => t.close());

  const visibleOrgs = async (username: string) => codesOf((await t.http.get('/api/orgs?pageSize=200').set(bearer(await t.token(username))).expect(200)).body.items);
  const treeCodes = async (username: string) => {
    const out: string[] = [];
    const walk = (nodes: { code: string; children: unknown[] }[]) => nodes.forEach((n) => (out.push(n.code), walk(n.children as never)));
    walk((await t.http.get('/api/orgs/tree').set(bearer(await t.token(username))).expect(200)).body);
    return out.sort();
  };

  it('HQ sees every organisation', async () => {
    expect(await visibleOrgs('admin')).toHaveLength(Object.keys(ids).length);
    expect(await visibleOrgs('hq.vp')).toHaveLength(Object.keys(ids).length);
  });

  it('a branch manager sees its own subtree only (nested office included), in lists and the tree', async () => {
    const expected = ['BJ', 'BJ-CY', 'D-BJ001', 'D-BJ001-01', 'D-BJ002', 'D-BJ003', 'D-BJ004'];
    expect(await visibleOrgs('bj.manager')).toEqual(expected);
    expect(await treeCodes('bj.manager')).toEqual(expected);
    expect(await visibleOrgs('sh.manager')).toEqual(['D-SH001', 'D-SH002', 'D-SH003', 'D-SH004', 'SH']);
  });

  it('a sales rep sees its branch record and its assigned dealers (with sub-dealers) only', async () => {
    expect(await visibleOrgs('bj.sales')).toEqual(['BJ', 'D-BJ001', 'D-BJ001-01', 'D-BJ002']);
  });

  it('a dealer sees itself and its sub-dealers; another dealer nothing of it', async () => {
    expect(await visibleOrgs('bj.dealer1')).toEqual(['D-BJ001', 'D-BJ001-01']);
    expect(await treeCodes('bj.dealer1')).toEqual(['D-BJ001', 'D-BJ001-01']);
    expect(await visibleOrgs('bj.dealer2')).toEqual(['D-BJ002']);
    expect(await visibleOrgs('sh.dealer1')).toEqual(['D-SH001']);
  });

  const matrix: [string, string[]][] = [
    ['bj.manager', ['SH', 'D-SH001', 'GZ', 'D-GZ001', 'HQ', 'D-HQ001']],
    ['sh.manager', ['BJ', 'D-BJ001', 'BJ-CY', 'D-BJ004', 'HQ']],
    ['bj.sales', ['D-BJ003', 'D-BJ004', 'BJ-CY', 'SH', 'D-SH001']],
    ['bj.dealer1', ['BJ', 'D-BJ002', 'HQ', 'D-SH001']],
    ['bj.dealer2', ['D-BJ001', 'D-BJ001-01', 'BJ']],
    ['sh.dealer1', ['D-SH002', 'SH', 'D-BJ001']],
  ];

  it.each(matrix)('%s gets 404 for organisations outside its scope, on every org endpoint', async (username, outside) => {
    const token = await t.token(username);
    const visible = await visibleOrgs(username);
    for (const code of outside) {
      const id = ids[code];
      expect((await t.http.get(`/api/orgs/${id}`).set(bearer(token))).status).toBe(404);
      // filtering by an outside parent lists only children that are themselves in scope
      const children = codesOf((await t.http.get(`/api/orgs?parentId=${id}`).set(bearer(token)).expect(200)).body.items);
      expect(children.filter((c) => !visible.includes(c))).toEqual([]);
      expect((await t.http.get(`/api/orgs?within=${id}`).set(bearer(token))).status).toBe(404);
    }
  });

  it('users: a branch sees its own people (and its dealers\'), never another branch\'s', async () => {
    const mgr = await t.token('bj.manager');
    const list = (await t.http.get('/api/users?pageSize=200').set(bearer(mgr)).expect(200)).body.items.map((u: { username: string }) => u.username).sort();
    expect(list).toEqual(['bj.dealer1', 'bj.dealer2', 'bj.finance', 'bj.manager', 'bj.sales', 'bj.service']);
    for (const other of ['sh.manager', 'sh.sales', 'sh.dealer1', 'admin', 'hq.vp']) {
      await t.http.get(`/api/users/${userIds[other]}`).set(bearer(mgr)).expect(404);
    }
    expect((await t.http.get(`/api/users?orgId=${ids.SH}`).set(bearer(mgr)).expect(200)).body.total).toBe(0);
    const sh = (await t.http.get('/api/users?pageSize=200').set(bearer(await t.token('sh.manager'))).expect(200)).body.items.map((u: { username: string }) => u.username);
    expect(sh.every((u: string) => u.startsWith('sh.'))).toBe(true);
    const dealer = (await t.http.get('/api/users').set(bearer(await t.token('bj.dealer1'))).expect(200)).body.items.map((u: { username: string }) => u.username);
    expect(dealer).toEqual(['bj.dealer1']);
  });

  it('audit log: each scope reads only entries of its own organisations', async () => {
    const entries = async (username: string) =>
      (await t.http.get('/api/audit-logs?pageSize=200').set(bearer(await t.token(username))).expect(200)).body.items as { orgId: string; summary: string }[];
    const all = await entries('admin');
    expect(all.some((e) => e.summary?.includes('D-SH003'))).toBe(true);
    const bj = await entries('bj.manager');
    expect(bj.some((e) => e.summary?.includes('D-BJ003'))).toBe(true);
    expect(bj.some((e) => e.summary?.includes('D-SH003') || e.summary?.includes('D-GZ003'))).toBe(false);
    const bjOrgs = new Set(['BJ', 'BJ-CY', 'D-BJ001', 'D-BJ001-01', 'D-BJ002', 'D-BJ003', 'D-BJ004'].map((c) => ids[c]));
    expect(bj.every((e) => bjOrgs.has(e.orgId))).toBe(true);
    // a filter by an out-of-scope entity finds nothing rather than leaking
    expect((await t.http.get(`/api/audit-logs?entityId=${ids['D-SH003']}`).set(bearer(await t.token('bj.manager'))).expect(200)).body.total).toBe(0);
    // dealers have no audit permission
    await t.http.get('/api/audit-logs').set(bearer(await t.token('bj.dealer1'))).expect(403);
  });

  it('a user with several roles reads the union of their scopes', async () => {
    const admin = await t.token('admin');
    const rep = (await t.http.get(`/api/users/${userIds['bj.sales']}`).set(bearer(admin)).expect(200)).body;
    const finance = (await t.sql<{ id: string }>(`SELECT id FROM role WHERE code = 'FINANCE'`))[0].id;
    await t.http.patch(`/api/users/${rep.id}`).set(bearer(admin)).send({ version: rep.version, roleIds: [...rep.roles.map((r: { id: string }) => r.id), finance] }).expect(200);
    expect(await visibleOrgs('bj.sales')).toEqual(['BJ', 'BJ-CY', 'D-BJ001', 'D-BJ001-01', 'D-BJ002', 'D-BJ003', 'D-BJ004']);
    const me = (await t.http.get('/api/auth/me').set(bearer(await t.token('bj.sales'))).expect(200)).body;
    expect(me.permissions).toEqual(expect.arrayContaining(['visits:manage', 'receipts:manage']));
    expect(me.scopeKinds.sort()).toEqual(['ASSIGNED_DEALERS', 'ORG_SUBTREE']);
  });
});
