import { describe, expect, it } from 'vitest';
import type { RouteRecordRaw } from 'vue-router';
import { ALL_PERMISSIONS, BUILTIN_ROLES, BuiltinRole, type Permission } from '@drp/shared';
import type { PermissionCheck } from '@/stores/auth';
import { buildMenu, firstLeaf, pageAllowed } from './menu';
import { menuRoutes } from './routes';

const Dummy = { render: () => null };

function canWith(...perms: Permission[]) {
  const set = new Set<string>(perms);
  return (perm: PermissionCheck) => !perm || (Array.isArray(perm) ? perm.length === 0 || perm.some((p) => set.has(p)) : set.has(perm));
}

const fixture: RouteRecordRaw[] = [
  { path: '/b', component: Dummy, meta: { title: 'b', order: 2, perm: 'orders:view' } },
  { path: '/a', component: Dummy, meta: { title: 'a', order: 1 } },
  { path: '/hidden', component: Dummy, meta: { title: 'hidden', hideInMenu: true } },
  { path: '/untitled', component: Dummy },
  {
    path: '/group',
    meta: { title: 'group', order: 3 },
    children: [
      { path: '/g2', component: Dummy, meta: { title: 'g2', order: 2, perm: 'users:view' } },
      { path: '/g1', component: Dummy, meta: { title: 'g1', order: 1, perm: ['orgs:view', 'orgs:manage'] } },
    ],
  },
];

describe('buildMenu', () => {
  it('keeps permitted items in order and skips hidden or untitled routes', () => {
    const menu = buildMenu(fixture, canWith('orders:view', 'users:view', 'orgs:manage'));
    expect(menu.map((m) => m.path)).toEqual(['/a', '/b', '/group']);
    expect(menu[2].children?.map((c) => c.path)).toEqual(['/g1', '/g2']);
  });

  it('drops items without the permission and groups left empty', () => {
    const menu = buildMenu(fixture, canWith());
    expect(menu.map((m) => m.path)).toEqual(['/a']);
  });

  it('a list of permissions needs any one of them', () => {
    const menu = buildMenu(fixture, canWith('orgs:view'));
    expect(menu.map((m) => m.path)).toEqual(['/a', '/group']);
    expect(menu[1].children?.map((c) => c.path)).toEqual(['/g1']);
  });

  it('firstLeaf finds the first openable page', () => {
    expect(firstLeaf(buildMenu(fixture, canWith('users:view')).slice(1))).toBe('/g2');
  });
});

describe('the console menu', () => {
  const paths = (items: ReturnType<typeof buildMenu>): string[] =>
    items.flatMap((i) => (i.children ? [i.path, ...paths(i.children)] : [i.path]));

  it('gives an HQ admin every admin page but not the dealer mall', () => {
    const admin = canWith('orgs:view', 'orgs:manage', 'users:view', 'users:manage', 'roles:view', 'roles:manage', 'audit:view');
    expect(paths(buildMenu(menuRoutes, admin))).toEqual(['/dashboard', '/approvals', '/approvals/inbox', '/mall-admin', '/mall-admin/accounts', '/system', '/orgs', '/users', '/roles', '/audit-logs']);
  });

  it('gives everyone the approval inbox and HQ the flow configuration (审批中心, after stock, before sales)', () => {
    expect(paths(buildMenu(menuRoutes, canWith()))).toEqual(['/dashboard', '/approvals', '/approvals/inbox']);
    const hq = canWith('approvals:configure', 'stock:view', 'orders:view');
    const menu = buildMenu(menuRoutes, hq);
    expect(menu.map((m) => m.path)).toEqual(['/dashboard', '/inventory', '/approvals', '/sales']);
    const group = menu.find((m) => m.path === '/approvals');
    expect(group?.title).toBe('approval.menu.group');
    expect(group?.children?.map((c) => c.path)).toEqual(['/approvals/inbox', '/approvals/flows']);
  });

  it('never lists the flow editor pages or the notification centre', () => {
    const all = paths(buildMenu(menuRoutes, canWith('approvals:configure')));
    expect(all.filter((p) => p.startsWith('/approvals/flows/') || p === '/notifications')).toEqual([]);
  });

  it('gives a dealer admin its org, its users and the mall, no roles, audit log or staff-only configuration', () => {
    const dealer = canWith('orgs:view', 'users:view', 'products:view', 'orders:view', 'mall:order', 'finance:view');
    expect(paths(buildMenu(menuRoutes, dealer, true))).toEqual([
      '/dashboard', '/mall', '/catalog', '/products', '/approvals', '/approvals/inbox', '/sales', '/sales/orders', '/sales/shipments', '/sales/returns',
      '/finance', '/finance/credit', '/finance/receipts', '/finance/receivables', '/finance/ledger', '/finance/aging', '/finance/statements', '/system', '/orgs', '/users',
    ]);
  });

  it('keeps staff-only pages (经营商品范围) from dealers\' users, also when opened by address', () => {
    const scope = menuRoutes.flatMap((r) => r.children ?? []).find((r) => r.path === '/product-scope')!;
    const viewer = canWith('products:view');
    expect(pageAllowed(scope.meta!, viewer, false)).toBe(true);
    expect(pageAllowed(scope.meta!, viewer, true)).toBe(false);
    expect(pageAllowed({ perm: 'products:view' }, viewer, true)).toBe(true);
  });

  it('gives a sales rep only the org tree among the admin pages', () => {
    const rep = canWith('orgs:view', 'products:view', 'orders:view');
    expect(paths(buildMenu(menuRoutes, rep))).toEqual([
      '/dashboard', '/catalog', '/products', '/product-scope', '/approvals', '/approvals/inbox', '/sales', '/sales/orders', '/sales/shipments', '/sales/returns', '/sales/backorders', '/system', '/orgs',
    ]);
  });

  describe('商城管理 (mall admin)', () => {
    const MALL_ADMIN = ['/mall-admin/settings', '/mall-admin/contents', '/mall-admin/accounts', '/mall-admin/review'];
    const mallAdminOf = (role: BuiltinRole): string[] | undefined => {
      const def = BUILTIN_ROLES.find((r) => r.code === role);
      const group = buildMenu(menuRoutes, canWith(...(def?.permissions ?? []))).find((m) => m.path === '/mall-admin');
      return group?.children?.map((c) => c.path);
    };

    it('gives HQ admins and branch managers every page, after sales and before finance', () => {
      expect(mallAdminOf(BuiltinRole.HQ_ADMIN)).toEqual(MALL_ADMIN);
      expect(mallAdminOf(BuiltinRole.BRANCH_MANAGER)).toEqual(MALL_ADMIN);
      const top = buildMenu(menuRoutes, canWith(...ALL_PERMISSIONS)).map((m) => m.path);
      expect(top.indexOf('/mall-admin')).toBe(top.indexOf('/sales') + 1);
      expect(top.indexOf('/finance')).toBe(top.indexOf('/mall-admin') + 1);
      const group = buildMenu(menuRoutes, canWith(...ALL_PERMISSIONS)).find((m) => m.path === '/mall-admin');
      expect(group?.title).toBe('mallAdmin.menu.group');
      expect(group?.icon).toBe('mallAdmin');
    });

    it('gives customer service the review queue and the read-only settings and contents, but not dealer accounts', () => {
      expect(mallAdminOf(BuiltinRole.CUSTOMER_SERVICE)).toEqual(['/mall-admin/settings', '/mall-admin/contents', '/mall-admin/review']);
    });

    it('is hidden from roles that only read products (dealers, sales reps, finance, warehouse, executives)', () => {
      for (const role of [BuiltinRole.DEALER_ADMIN, BuiltinRole.DEALER_STAFF, BuiltinRole.SALES_REP, BuiltinRole.FINANCE, BuiltinRole.WAREHOUSE, BuiltinRole.HQ_EXECUTIVE]) {
        expect([role, mallAdminOf(role)]).toEqual([role, undefined]);
      }
    });

    it('each page keeps its own permission: accounts need users:manage, the queue orders:review', () => {
      expect(paths(buildMenu(menuRoutes, canWith('orders:review'))).filter((p) => p.startsWith('/mall-admin'))).toEqual(['/mall-admin', '/mall-admin/review']);
      expect(paths(buildMenu(menuRoutes, canWith('users:manage', 'products:view'))).filter((p) => p.startsWith('/mall-admin'))).toEqual([
        '/mall-admin',
        '/mall-admin/settings',
        '/mall-admin/contents',
        '/mall-admin/accounts',
      ]);
    });
  });
});
