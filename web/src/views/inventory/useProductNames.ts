import { ref } from 'vue';
import { productsApi } from '@/api/catalog';
import type { ProductOption } from '@/api/inventory';

/**
 * Product code and name by id, kept for the session. Lists that carry the names (the movement
 * ledger's rows do) hand them over with `rememberRows`, so nothing is asked; `ensure` looks up the
 * few that arrive as a bare id (a product chosen through the address) in one request.
 */
const cache = new Map<string, ProductOption | null>();
const pending = new Map<string, Promise<void>>();

export function rememberProduct(p: ProductOption): void {
  cache.set(p.id, { id: p.id, code: p.code, name: p.name, spec: p.spec, baseUnit: p.baseUnit });
}

/** Names carried by list rows (movement ledger): no request. */
export function rememberRows(rows: { productId: string; productCode: string; productName: string; baseUnit?: string }[]): void {
  for (const r of rows) {
    const known = cache.get(r.productId);
    cache.set(r.productId, { ...known, id: r.productId, code: r.productCode, name: r.productName, baseUnit: r.baseUnit ?? known?.baseUnit });
  }
}

export function useProductNames() {
  const version = ref(0);

  /** Look up the products not known yet, in one request (GET /api/products?ids=…). */
  async function ensure(ids: string[]): Promise<void> {
    const unique = [...new Set(ids)];
    const missing = unique.filter((id) => !cache.has(id) && !pending.has(id));
    const waits = unique.map((id) => pending.get(id)).filter((p): p is Promise<void> => !!p);
    if (missing.length) {
      const batch = productsApi
        .byIds(missing)
        .then((found) => found.forEach(rememberProduct))
        .catch(() => undefined)
        .finally(() => {
          // unknown or unreadable: shown as such rather than loading forever
          for (const id of missing) {
            if (!cache.has(id)) cache.set(id, null);
            pending.delete(id);
          }
        });
      missing.forEach((id) => pending.set(id, batch));
      waits.push(batch);
    }
    if (waits.length) {
      await Promise.all(waits);
      version.value += 1;
    }
  }

  /** The product, undefined while unknown, null when it cannot be read. */
  function get(id: string): ProductOption | null | undefined {
    void version.value; // re-render when answers arrive
    return cache.get(id);
  }

  function rows(list: Parameters<typeof rememberRows>[0]): void {
    rememberRows(list);
    version.value += 1;
  }

  return { ensure, get, remember: rememberProduct, rememberRows: rows };
}
