import { computed, reactive } from 'vue';
import type { ProductDto } from '@drp/shared';
import type { BulkPriceRow } from '@/api/catalog';
import { ALL_CELLS, cellProblem, draftOf, isCellChanged, rowChanges, type PriceCell, type PriceDraft } from '../lib/priceGrid';

interface Entry {
  /** the product as the server sent it when editing began (its version goes back with the save) */
  product: ProductDto;
  draft: PriceDraft;
}

/**
 * The edits of the price grid, kept per product across pages and searches until saved or
 * discarded. Rows come and go with the list; an edited row keeps the version it was edited from.
 */
export function usePriceGrid() {
  const entries = reactive<Record<string, Entry>>({});

  function hasChanges(id: string): boolean {
    const e = entries[id];
    return !!e && rowChanges(e.product, e.draft) !== null;
  }

  /** take in a freshly loaded page: new rows get a draft, untouched rows follow the server */
  function absorb(products: ProductDto[]): void {
    for (const p of products) {
      if (!entries[p.id] || !hasChanges(p.id)) entries[p.id] = { product: p, draft: draftOf(p) };
    }
  }

  function draft(id: string): PriceDraft {
    return entries[id].draft;
  }

  function changed(id: string, cell: PriceCell): boolean {
    const e = entries[id];
    return !!e && isCellChanged(e.product, e.draft, cell);
  }

  function problem(id: string, cell: PriceCell) {
    const e = entries[id];
    return e ? cellProblem(e.draft, cell) : null;
  }

  const changedRows = computed<BulkPriceRow[]>(() =>
    Object.values(entries)
      .map((e) => rowChanges(e.product, e.draft))
      .filter((r): r is BulkPriceRow => r !== null),
  );

  /** changed rows with a cell that cannot be saved */
  const invalidIds = computed(() =>
    Object.values(entries)
      .filter((e) => rowChanges(e.product, e.draft) !== null && ALL_CELLS.some((c) => cellProblem(e.draft, c) !== null))
      .map((e) => e.product.id),
  );

  function codeOf(id: string): string {
    return entries[id]?.product.code ?? id;
  }

  function discard(id?: string): void {
    const ids = id ? [id] : Object.keys(entries);
    ids.forEach((x) => entries[x] && (entries[x].draft = draftOf(entries[x].product)));
  }

  /** after a save or a reload of one product: the server's copy becomes the base again */
  function replace(products: ProductDto[]): void {
    products.forEach((p) => (entries[p.id] = { product: p, draft: draftOf(p) }));
  }

  function productByCode(code: string): ProductDto | undefined {
    return Object.values(entries).find((e) => e.product.code.toLowerCase() === code.toLowerCase())?.product;
  }

  return { entries, absorb, draft, changed, problem, hasChanges, changedRows, invalidIds, codeOf, discard, replace, productByCode };
}
