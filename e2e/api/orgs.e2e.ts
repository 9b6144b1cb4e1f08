import { ErrorCode } from '@drp/shared';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

describe('organisations: create, edit, move, disable, delete', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
  });
  afterAll(() => t.close());

  const create = (body: object, token = admin) => t.http.post('/api/orgs').set(bearer(token)).send(body);
  const get = async (id: string) => (await t.http.get(`/api/orgs/${id}`).set(bearer(admin)).expect(200)).body;
  const count = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM organization'))[0].n;

  it('creates a branch under HQ and a dealer under it with dealer fields and defaults', async () => {
    const branch = (await create({ code: 'WH', name: '武汉分公司', type: 'BRANCH', parentId: await t.orgId('HQ'), region: '湖北省武汉市', longitude: 114.3, latitude: 30.6 }).expect(201)).body;
    expect(branch).toMatchObject({ code: 'WH', type: 'BRANCH', depth: 1, status: 'ACTIVE', priceLevel: null, version: 1 });
    const dealer = (await create({ code: 'D-WH001', name: '汉口批发部', type: 'DEALER', parentId: branch.id, priceLevel: 3, settlementMethod: 'MONTHLY', phone: '027-8888 6666' }).expect(201)).body;
    expect(dealer).toMatchObject({ parentId: branch.id, depth: 2, priceLevel: 3, settlementMethod: 'MONTHLY' });
    const plain = (await create({ code: 'D-WH002', name: '武昌商行', type: 'DEALER', parentId: branch.id }).expect(201)).body;
    expect(plain).toMatchObject({ priceLevel: 1, settlementMethod: 'CASH' });
    expect((await get(branch.id)).childCount).toBe(2);
    const audit = await t.sql<{ action: string; entity_id: string }>(`SELECT action, entity_id FROM audit_log WHERE entity = 'org' AND entity_id = $1`, [dealer.id]);
    expect(audit).toEqual([{ action: 'create', entity_id: dealer.id }]);
  });

  it('refuses bad input with stable codes and writes nothing', async () => {
    const before = await count();
    const hq = await t.orgId('HQ');
    const dealer = await t.orgId('D-BJ002');
    expect((await create({ code: 'BJ', name: '重复', type: 'BRANCH', parentId: hq }).expect(409)).body.code).toBe(ErrorCode.DUPLICATE);
    expect((await create({ code: 'bj', name: '大小写重复', type: 'BRANCH', parentId: hq }).expect(409)).body.code).toBe(ErrorCode.DUPLICATE);
    expect((await create({ code: 'X-BR', name: '经销商下的分公司', type: 'BRANCH', parentId: dealer }).expect(400)).body.code).toBe(ErrorCode.ORG_INVALID_PARENT);
    expect((await create({ code: 'X-HQ', name: '第二个总部', type: 'HQ', parentId: hq }).expect(400)).body.code).toBe(ErrorCode.ORG_INVALID_PARENT);
    expect((await create({ code: 'X-LV', name: '分公司带价格等级', type: 'BRANCH', parentId: hq, priceLevel: 3 }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await create({ code: 'X-L11', name: '等级越界', type: 'DEALER', parentId: hq, priceLevel: 11 }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await create({ code: 'bad code!', name: 'x', type: 'DEALER', parentId: hq }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await create({ code: 'X-PH', name: 'x', type: 'DEALER', parentId: hq, phone: 'call me' }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await create({ code: 'X-NP', name: 'x', type: 'DEALER', parentId: '00000000-0000-4000-8000-000000000000' }).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
    expect(await count()).toBe(before);
  });

  it('edits with optimistic versions: a stale version is a 409 and changes nothing', async () => {
    const id = await t.orgId('D-GZ002');
    const org = await get(id);
    const ok = await t.http.patch(`/api/orgs/${id}`).set(bearer(admin)).send({ version: org.version, contact: '新联系人', priceLevel: 6, remark: null }).expect(200);
    expect(ok.body).toMatchObject({ contact: '新联系人', priceLevel: 6, version: org.version + 1 });
    const stale = await t.http.patch(`/api/orgs/${id}`).set(bearer(admin)).send({ version: org.version, contact: '覆盖' }).expect(409);
    expect(stale.body.code).toBe(ErrorCode.STALE_VERSION);
    expect((await get(id)).contact).toBe('新联系人');
    const [entry] = await t.sql<{ before: Record<string, unknown>; after: Record<string, unknown> }>(`SELECT before, after FROM audit_log WHERE entity_id = $1 AND action = 'update'`, [id]);
    expect(entry.before).toEqual({ contact: '蒋欣', priceLevel: 5 });
    expect(entry.after).toEqual({ contact: '新联系人', priceLevel: 6 });
    const branchLevel = await t.http.patch(`/api/orgs/${await t.orgId('GZ')}`).set(bearer(admin)).send({ version: 1, priceLevel: 2 }).expect(400);
    expect(branchLevel.body.code).toBe(ErrorCode.VALIDATION_FAILED);
  });

  it('moving an organisation moves its whole subtree (paths and depths follow)', async () => {
    const d1 = await t.orgId('D-BJ001');
    const sub = await t.orgId('D-BJ001-01');
    const cy = await t.orgId('BJ-CY');
    const before = await get(d1);
    const moved = await t.http.post(`/api/orgs/${d1}/move`).set(bearer(admin)).send({ parentId: cy, version: before.version }).expect(200);
    expect(moved.body).toMatchObject({ parentId: cy, depth: 3 });
    const rows = await t.sql<{ code: string; path: string; depth: number }>(`SELECT code, path, depth FROM organization WHERE id = ANY($1) ORDER BY code`, [[d1, sub, cy]]);
    const cyRow = rows.find((r) => r.code === 'BJ-CY')!;
    expect(rows.find((r) => r.code === 'D-BJ001')!.path).toBe(`${cyRow.path}${d1}/`);
    expect(rows.find((r) => r.code === 'D-BJ001-01')).toMatchObject({ path: `${cyRow.path}${d1}/${sub}/`, depth: 4 });
    const tree = (await t.http.get('/api/orgs/tree').set(bearer(admin)).expect(200)).body;
    const bj = tree[0].children.find((n: { code: string }) => n.code === 'BJ');
    const cyNode = bj.children.find((n: { code: string }) => n.code === 'BJ-CY');
    expect(cyNode.children.map((n: { code: string }) => n.code)).toContain('D-BJ001');
    expect(cyNode.children.find((n: { code: string }) => n.code === 'D-BJ001').children.map((n: { code: string }) => n.code)).toEqual(['D-BJ001-01']);
    // the sales rep assigned to D-BJ001 still sees its sub-dealer at the new place
    const rep = await t.token('bj.sales');
    await t.http.get(`/api/orgs/${sub}`).set(bearer(rep)).expect(200);
  });

  it('refuses moves into the own subtree, under a wrong type, of HQ, and with a stale version', async () => {
    const bj = await t.orgId('BJ');
    const cy = await t.orgId('BJ-CY');
    const bjOrg = await get(bj);
    expect((await t.http.post(`/api/orgs/${bj}/move`).set(bearer(admin)).send({ parentId: cy, version: bjOrg.version }).expect(400)).body.code).toBe(ErrorCode.ORG_MOVE_INTO_OWN_SUBTREE);
    expect((await t.http.post(`/api/orgs/${bj}/move`).set(bearer(admin)).send({ parentId: bj, version: bjOrg.version }).expect(400)).body.code).toBe(ErrorCode.ORG_MOVE_INTO_OWN_SUBTREE);
    expect((await t.http.post(`/api/orgs/${bj}/move`).set(bearer(admin)).send({ parentId: await t.orgId('D-SH002'), version: bjOrg.version }).expect(400)).body.code).toBe(ErrorCode.ORG_INVALID_PARENT);
    expect((await t.http.post(`/api/orgs/${await t.orgId('HQ')}/move`).set(bearer(admin)).send({ parentId: bj, version: 1 }).expect(409)).body.code).toBe(ErrorCode.ORG_IS_ROOT);
    expect((await t.http.post(`/api/orgs/${cy}/move`).set(bearer(admin)).send({ parentId: await t.orgId('SH'), version: 99 }).expect(409)).body.code).toBe(ErrorCode.STALE_VERSION);
  });

  it('deleting: refused with children or users (disable instead), allowed for an unused leaf', async () => {
    const withChildren = await t.http.delete(`/api/orgs/${await t.orgId('SH')}`).set(bearer(admin)).expect(409);
    expect(withChildren.body.code).toBe(ErrorCode.ORG_HAS_CHILDREN);
    expect(withChildren.body.message).toMatch(/disable/i);
    const withUsers = await t.http.delete(`/api/orgs/${await t.orgId('D-SH001')}`).set(bearer(admin)).expect(409);
    expect(withUsers.body.code).toBe(ErrorCode.ORG_HAS_DOCUMENTS);
    expect(withUsers.body.message).toMatch(/disable/i);
    expect((await t.http.delete(`/api/orgs/${await t.orgId('HQ')}`).set(bearer(admin)).expect(409)).body.code).toBe(ErrorCode.ORG_IS_ROOT);
    const leaf = await t.orgId('D-SH004');
    await t.http.delete(`/api/orgs/${leaf}`).set(bearer(admin)).expect(204);
    await t.http.get(`/api/orgs/${leaf}`).set(bearer(admin)).expect(404);
    expect((await t.sql(`SELECT 1 FROM audit_log WHERE action = 'delete' AND entity_id = $1`, [leaf])).length).toBe(1);
  });

  it('disabling cascades down the subtree and stops its users; enabling needs an active parent', async () => {
    const gz = await t.orgId('GZ');
    const res = await t.http.post(`/api/orgs/${gz}/disable`).set(bearer(admin)).expect(200);
    expect(res.body.status).toBe('DISABLED');
    const statuses = await t.sql<{ status: string }>(`SELECT DISTINCT status FROM organization WHERE path LIKE (SELECT path FROM organization WHERE id = $1) || '%'`, [gz]);
    expect(statuses).toEqual([{ status: 'DISABLED' }]);
    const [entry] = await t.sql<{ summary: string }>(`SELECT summary FROM audit_log WHERE action = 'disable' AND entity_id = $1`, [gz]);
    expect(entry.summary).toBe('disabled GZ 广州办事处 and 3 below it');
    const child = await t.orgId('D-GZ001');
    expect((await t.http.post(`/api/orgs/${child}/enable`).set(bearer(admin)).expect(409)).body.code).toBe(ErrorCode.ORG_PARENT_DISABLED);
    expect((await create({ code: 'D-GZ009', name: '停用下新建', type: 'DEALER', parentId: gz }).expect(409)).body.code).toBe(ErrorCode.ORG_PARENT_DISABLED);
    await t.http.post(`/api/orgs/${gz}/enable`).set(bearer(admin)).expect(200);
    await t.http.post(`/api/orgs/${child}/enable`).set(bearer(admin)).expect(200);
    // users of a disabled dealer cannot sign in
    const d2 = await t.orgId('D-BJ002');
    await t.http.post(`/api/orgs/${d2}/disable`).set(bearer(admin)).expect(200);
    expect((await t.http.post('/api/auth/login').send({ username: 'bj.dealer2', password: 'Demo#2026' }).expect(403)).body.code).toBe(ErrorCode.ACCOUNT_DISABLED);
    expect((await t.http.post(`/api/orgs/${await t.orgId('HQ')}/disable`).set(bearer(admin)).expect(409)).body.code).toBe(ErrorCode.ORG_IS_ROOT);
  });

  it('a branch manager manages below its branch, not its own branch nor other branches', async () => {
    const mgr = await t.token('bj.manager');
    const bj = await t.orgId('BJ');
    const created = await create({ code: 'D-BJ077', name: '大兴经销商', type: 'DEALER', parentId: bj }, mgr).expect(201);
    expect(created.body.parentId).toBe(bj);
    expect((await t.http.patch(`/api/orgs/${bj}`).set(bearer(mgr)).send({ version: 1, name: '改名' }).expect(403)).body.code).toBe(ErrorCode.FORBIDDEN);
    expect((await create({ code: 'D-SH077', name: '跨区', type: 'DEALER', parentId: await t.orgId('SH') }, mgr).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
    await t.http.post(`/api/orgs/${created.body.id}/move`).set(bearer(mgr)).send({ parentId: await t.orgId('SH'), version: 1 }).expect(404);
    // a sales rep may look but not touch
    await create({ code: 'D-BJ078', name: 'x', type: 'DEALER', parentId: bj }, await t.token('bj.sales')).expect(403);
  });
});
