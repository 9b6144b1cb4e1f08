import { describe, expect, it } from 'vitest';
import type { Permission } from '@drp/shared';
import type { PermissionCheck } from '@/stores/auth';
import { buildMenu, type MenuItem } from '@/router/menu';
import { menuRoutes } from '@/router/routes';

function canWith(...perms: Permission[]) {
  const set = new Set<string>(perms);
  return (perm: PermissionCheck) => !perm || (Array.isArray(perm) ? perm.some((p) => set.has(p)) : set.has(perm));
}
const financeGroup = (items: MenuItem[]) => items.find((i) => i.path === '/finance');

describe('the finance menu (财务管理)', () => {
  it('shows every finance page to anyone with finance:view, dealers included', () => {
    const group = financeGroup(buildMenu(menuRoutes, canWith('finance:view', 'mall:order')));
    expect(group?.title).toBe('finance.menu.group');
    expect(group?.children?.map((c) => c.path)).toEqual(['/finance/credit', '/finance/receipts', '/finance/receivables', '/finance/ledger', '/finance/aging', '/finance/statements']);
  });

  it('is absent without finance:view', () => {
    expect(financeGroup(buildMenu(menuRoutes, canWith('orgs:view', 'stock:view')))).toBeUndefined();
  });

  it('comes after the earlier groups (order 60)', () => {
    const group = menuRoutes.find((r) => r.path === '/finance');
    expect(group?.meta?.order).toBe(60);
    expect(group?.meta?.perm).toBe('finance:view');
  });
});
