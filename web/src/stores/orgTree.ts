import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { OrgTreeNode } from '@drp/shared';
import { orgsApi } from '@/api/orgs';
import { useAuthStore } from './auth';

/**
 * The organisation tree the current user can see (GET /api/orgs/tree), shared by the org page
 * and every org picker. Cached per user; `refresh()` after any change to organisations.
 */
export const useOrgTreeStore = defineStore('orgTree', () => {
  const roots = shallowRef<OrgTreeNode[]>([]);
  const loading = ref(false);
  const loadedFor = ref<string | null>(null);
  let pending: Promise<OrgTreeNode[]> | null = null;

  const byId = computed(() => {
    const map = new Map<string, OrgTreeNode>();
    const walk = (nodes: OrgTreeNode[]) =>
      nodes.forEach((n) => {
        map.set(n.id, n);
        walk(n.children ?? []);
      });
    walk(roots.value);
    return map;
  });

  async function refresh(): Promise<OrgTreeNode[]> {
    const userId = useAuthStore().me?.id ?? null;
    if (!pending) {
      loading.value = true;
      pending = orgsApi
        .tree()
        .then((tree) => {
          roots.value = tree;
          loadedFor.value = userId;
          return tree;
        })
        .finally(() => {
          loading.value = false;
          pending = null;
        });
    }
    return pending;
  }

  /** Load unless already loaded for this user. */
  async function ensure(): Promise<OrgTreeNode[]> {
    const userId = useAuthStore().me?.id ?? null;
    if (loadedFor.value === userId && roots.value.length) return roots.value;
    return refresh();
  }

  /** ids of `id` and everything below it */
  function subtreeIds(id: string): Set<string> {
    const out = new Set<string>();
    const walk = (n: OrgTreeNode) => {
      out.add(n.id);
      (n.children ?? []).forEach(walk);
    };
    const start = byId.value.get(id);
    if (start) walk(start);
    return out;
  }

  /** the chain of ancestors from the root down to `id` (inclusive) */
  function pathTo(id: string): OrgTreeNode[] {
    const chain: OrgTreeNode[] = [];
    let node = byId.value.get(id);
    while (node) {
      chain.unshift(node);
      node = node.parentId ? byId.value.get(node.parentId) : undefined;
    }
    return chain;
  }

  function reset(): void {
    roots.value = [];
    loadedFor.value = null;
  }

  return { roots, loading, byId, refresh, ensure, subtreeIds, pathTo, reset };
});
