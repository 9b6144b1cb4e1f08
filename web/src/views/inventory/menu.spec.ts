import { describe, expect, it } from 'vitest';
import type { Permission } from '@drp/shared';
import type { PermissionCheck } from '@/stores/auth';
import { buildMenu, type MenuItem } from '@/router/menu';
import { menuRoutes, routes } from '@/router/routes';

function canWith(...perms: Permission[]) {
  const set = new Set<string>(perms);
  return (perm: PermissionCheck) => !perm || (Array.isArray(perm) ? perm.some((p) => set.has(p)) : set.has(perm));
}
const inventoryGroup = (items: MenuItem[]) => items.find((i) => i.path === '/inventory');

describe('the inventory menu (库存管理)', () => {
  it('shows stock, documents, ledger and warehouses to anyone with stock:view, never the create page', () => {
    const group = inventoryGroup(buildMenu(menuRoutes, canWith('stock:view')));
    expect(group?.title).toBe('inventory.menu.group');
    expect(group?.children?.map((c) => c.path)).toEqual(['/stock', '/stock-docs', '/stock/movements', '/warehouses']);
    // 存货价值 only for those who see costs (stock:manage or reports:view), as the server decides
    expect(inventoryGroup(buildMenu(menuRoutes, canWith('stock:view', 'stock:manage')))?.children?.map((c) => c.path)).toEqual([
      '/stock', '/stock-docs', '/stock/movements', '/stock/value', '/warehouses',
    ]);
    expect(inventoryGroup(buildMenu(menuRoutes, canWith('stock:view', 'reports:view')))?.children?.map((c) => c.path)).toContain('/stock/value');
  });

  it('is absent without stock:view (dealers)', () => {
    expect(inventoryGroup(buildMenu(menuRoutes, canWith('orgs:view', 'products:view', 'mall:order')))).toBeUndefined();
  });

  it('needs stock:manage to open the create page', () => {
    const layout = routes.find((r) => r.path === '/');
    const all = layout?.children?.flatMap((r) => [r, ...(r.children ?? [])]) ?? [];
    expect(all.find((r) => r.path === '/stock-docs/new')?.meta?.perm).toBe('stock:manage');
  });
});
