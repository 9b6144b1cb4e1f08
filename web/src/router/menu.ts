import type { RouteMeta, RouteRecordRaw } from 'vue-router';
import type { IconName } from '@/utils/icons';
import type { PermissionCheck } from '@/stores/auth';

export interface MenuItem {
  /** route path; for a group, a unique index */
  path: string;
  /** i18n key */
  title: string;
  icon?: IconName;
  children?: MenuItem[];
}

const byOrder = (a: RouteRecordRaw, b: RouteRecordRaw) => (a.meta?.order ?? 100) - (b.meta?.order ?? 100);

/** May the user open a page with this meta: its permission, and no staff-only page for a dealer's user. The router guard and the menu both ask this. */
export function pageAllowed(meta: RouteMeta, can: (perm: PermissionCheck) => boolean, dealerUser: boolean): boolean {
  return can(meta.perm) && !(meta.staffOnly && dealerUser);
}

/**
 * The sidebar, built from the same route records the router uses, keeping only what the user
 * may open (`pageAllowed`): a group needs that too, and at least one visible child. Hidden routes
 * (`hideInMenu`) and routes without a title are skipped.
 */
export function buildMenu(routes: readonly RouteRecordRaw[], can: (perm: PermissionCheck) => boolean, dealerUser = false): MenuItem[] {
  const items: MenuItem[] = [];
  for (const route of [...routes].sort(byOrder)) {
    const meta = route.meta ?? {};
    if (meta.hideInMenu || !meta.title || !pageAllowed(meta, can, dealerUser)) continue;
    if (route.children?.length) {
      const children = buildMenu(route.children, can, dealerUser);
      if (children.length === 0) continue;
      items.push({ path: route.path, title: meta.title, icon: meta.icon, children });
    } else {
      items.push({ path: route.path, title: meta.title, icon: meta.icon });
    }
  }
  return items;
}

/** The first page of the menu the user may open (where to land after login). */
export function firstLeaf(items: MenuItem[]): string | undefined {
  for (const item of items) {
    if (!item.children) return item.path;
    const leaf = firstLeaf(item.children);
    if (leaf) return leaf;
  }
  return undefined;
}
