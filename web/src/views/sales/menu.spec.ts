import { describe, expect, it } from 'vitest';
import type { Permission } from '@drp/shared';
import type { PermissionCheck } from '@/stores/auth';
import { buildMenu, type MenuItem } from '@/router/menu';
import { menuRoutes, routes } from '@/router/routes';
import zhCN from '@/i18n/locales/sales.zh-CN';
import en from '@/i18n/locales/sales.en';

function canWith(...perms: Permission[]) {
  const set = new Set<string>(perms);
  return (perm: PermissionCheck) => !perm || (Array.isArray(perm) ? perm.some((p) => set.has(p)) : set.has(perm));
}
const salesGroup = (items: MenuItem[]) => items.find((i) => i.path === '/sales');
const allRoutes = () => routes.find((r) => r.path === '/')?.children?.flatMap((r) => [r, ...(r.children ?? [])]) ?? [];

type Tree = { [key: string]: string | Tree };
const keys = (tree: Tree, prefix = ''): string[] =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`)));
const leaves = (tree: Tree): string[] => Object.values(tree).flatMap((v) => (typeof v === 'string' ? [v] : leaves(v)));

describe('the sales menu (销售管理)', () => {
  it('shows orders, shipments, returns and backorders to anyone with orders:view, never the form or the detail page', () => {
    const group = salesGroup(buildMenu(menuRoutes, canWith('orders:view')));
    expect(group?.title).toBe('sales.menu.group');
    expect(group?.children?.map((c) => c.path)).toEqual(['/sales/orders', '/sales/shipments', '/sales/returns', '/sales/backorders']);
  });

  it('is absent without orders:view', () => {
    expect(salesGroup(buildMenu(menuRoutes, canWith('orgs:view', 'products:view', 'stock:view')))).toBeUndefined();
  });

  it('needs orders:create for the form and orders:view for the detail', () => {
    const all = allRoutes();
    expect(all.find((r) => r.path === '/sales/orders/new')?.meta?.perm).toBe('orders:create');
    expect(all.find((r) => r.path === '/sales/orders/:id/edit')?.meta?.perm).toBe('orders:create');
    expect(all.find((r) => r.path === '/sales/orders/:id')?.meta?.perm).toBe('orders:view');
  });
});

describe('sales messages', () => {
  it('have the same keys in both languages, none empty, none with characters vue-i18n would parse by accident', () => {
    expect(keys(en as unknown as Tree).sort()).toEqual(keys(zhCN as unknown as Tree).sort());
    for (const m of [...leaves(zhCN as unknown as Tree), ...leaves(en as unknown as Tree)]) {
      expect(m.trim()).not.toBe('');
      expect(m).not.toMatch(/[@|$]/);
      // braces only as {placeholders}
      expect(m.replace(/\{[a-zA-Z]+\}/g, '')).not.toMatch(/[{}]/);
    }
  });
});
