import { ref } from 'vue';
import { productsApi } from '@/api/catalog';
import type { ProductOption } from '@/api/inventory';

/**
 * Product code and name by id, for lists whose rows carry only a productId (the movement
 * ledger). Looked up once per product (GET /api/products/:id, a few at a time) and kept for the
 * session; rows re-render when an answer arrives.
 */
const cache = new Map<string, ProductOption | null>();
const pending = new Map<string, Promise<void>>();
const CONCURRENCY = 6;

export function rememberProduct(p: ProductOption): void {
  cache.set(p.id, { id: p.id, code: p.code, name: p.name, spec: p.spec, baseUnit: p.baseUnit });
}

export function useProductNames() {
  const version = ref(0);

  async function fetchOne(id: string): Promise<void> {
    try {
      rememberProduct(await productsApi.get(id, { silent: true }));
    } catch {
      cache.set(id, null);
    }
  }

  /** Look up the products not known yet. */
  async function ensure(ids: string[]): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !cache.has(id) && !pending.has(id));
    const waits = [...new Set(ids)].map((id) => pending.get(id)).filter((p): p is Promise<void> => !!p);
    for (let i = 0; i < missing.length; i += CONCURRENCY) {
      const batch = missing.slice(i, i + CONCURRENCY).map((id) => {
        const p = fetchOne(id).finally(() => pending.delete(id));
        pending.set(id, p);
        return p;
      });
      await Promise.all(batch);
      version.value += 1;
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

  return { ensure, get, remember: rememberProduct };
}
