import type { RouteRecordRaw } from 'vue-router';
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

/**
 * The sidebar, built from the same route records the router uses, keeping only what `can`
 * allows: a leaf needs its `meta.perm`; a group needs its own `meta.perm` and at least one
 * visible child. Hidden routes (`hideInMenu`) and routes without a title are skipped.
 */
export function buildMenu(routes: readonly RouteRecordRaw[], can: (perm: PermissionCheck) => boolean): MenuItem[] {
  const items: MenuItem[] = [];
  for (const route of [...routes].sort(byOrder)) {
    const meta = route.meta ?? {};
    if (meta.hideInMenu || !meta.title || !can(meta.perm)) continue;
    if (route.children?.length) {
      const children = buildMenu(route.children, can);
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
