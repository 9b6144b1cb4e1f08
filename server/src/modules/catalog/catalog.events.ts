/**
 * The catalog's domain events (declaration merging on the kernel's DomainEvents). Pricing owns
 * price_history and depends on the catalog, so the catalog announces its price changes instead of
 * writing the history itself.
 */

/** One changed price of a product: its base (retail) price, a wholesale level price or its floor price. */
export interface ProductPriceChange {
  productId: string;
  kind: 'BASE' | 'LEVEL' | 'FLOOR';
  /** 1..10 for a LEVEL price */
  level?: number | null;
  /** decimal strings; null: the price was not set before / is cleared */
  old: string | null;
  new: string | null;
}

declare module '../../kernel/events' {
  interface DomainEvents {
    /**
     * Base, level or floor prices of products changed in this transaction (a product form, the
     * price grid, an Excel import). `effectiveDate` (YYYY-MM-DD) defaults to the business day.
     * Pricing's `onFinal` subscriber writes the price history in the same transaction.
     */
    ProductPricesChanged: { changes: ProductPriceChange[]; source: 'PRODUCT' | 'PRICE_GRID' | 'IMPORT'; effectiveDate?: string };
  }
}
