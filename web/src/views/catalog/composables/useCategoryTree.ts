import { computed, ref, shallowRef } from 'vue';
import type { CategoryTreeNode } from '@drp/shared';
import { categoriesApi } from '@/api/catalog';

/**
 * The product category tree (GET /api/categories/tree), loaded once and shared by the product
 * page, the product form, promotions and the branch product range. `refresh()` after a change.
 */
const roots = shallowRef<CategoryTreeNode[]>([]);
const loading = ref(false);
const loaded = ref(false);
let pending: Promise<CategoryTreeNode[]> | null = null;

const byId = computed(() => {
  const map = new Map<string, CategoryTreeNode>();
  const walk = (nodes: CategoryTreeNode[]) =>
    nodes.forEach((n) => {
      map.set(n.id, n);
      walk(n.children ?? []);
    });
  walk(roots.value);
  return map;
});

function refresh(): Promise<CategoryTreeNode[]> {
  if (!pending) {
    loading.value = true;
    pending = categoriesApi
      .tree()
      .then((tree) => {
        roots.value = tree;
        loaded.value = true;
        return tree;
      })
      .finally(() => {
        loading.value = false;
        pending = null;
      });
  }
  return pending;
}

function ensure(): Promise<CategoryTreeNode[]> {
  return loaded.value ? Promise.resolve(roots.value) : refresh();
}

/** the chain from a root down to `id` (inclusive) */
function pathTo(id: string): CategoryTreeNode[] {
  const chain: CategoryTreeNode[] = [];
  let node = byId.value.get(id);
  while (node) {
    chain.unshift(node);
    node = node.parentId ? byId.value.get(node.parentId) : undefined;
  }
  return chain;
}

/** products in a category including its sub-categories */
function totalProducts(node: CategoryTreeNode): number {
  return node.productCount + (node.children ?? []).reduce((n, c) => n + totalProducts(c), 0);
}

export function useCategoryTree() {
  return { roots, loading, loaded, byId, refresh, ensure, pathTo, totalProducts };
}
