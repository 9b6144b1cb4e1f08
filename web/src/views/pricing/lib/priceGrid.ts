import type { ProductDto } from '@drp/shared';
import type { BulkPriceRow } from '@/api/catalog';
import { blankToNull, priceText, samePrice } from '@/utils/money';
import { decimalProblem } from '@/utils/decimalInput';

/**
 * 批量调价: each product's prices as typed in the grid, compared with what the server sent, so
 * only changed rows (and in them only changed fields) are saved.
 */
export interface PriceDraft {
  basePrice: string;
  /** ten texts, level 1 first; '' = unset */
  levelPrices: string[];
  /** '' = no explicit floor (the level-10 price is the floor) */
  floorPrice: string;
}

/** a cell of the grid: 'base', 'floor' or the level number 1..10 */
export type PriceCell = 'base' | 'floor' | number;

export const PRICE_RULE = { scale: 4, min: '0' } as const;

export function draftOf(p: Pick<ProductDto, 'basePrice' | 'levelPrices' | 'floorPrice'>): PriceDraft {
  return {
    basePrice: priceText(p.basePrice),
    levelPrices: Array.from({ length: 10 }, (_, i) => priceText(p.levelPrices[i] ?? null)),
    floorPrice: priceText(p.floorPrice),
  };
}

function cellValue(d: PriceDraft, cell: PriceCell): string {
  if (cell === 'base') return d.basePrice;
  if (cell === 'floor') return d.floorPrice;
  return d.levelPrices[cell - 1] ?? '';
}

function originalValue(p: Pick<ProductDto, 'basePrice' | 'levelPrices' | 'floorPrice'>, cell: PriceCell): string | null {
  if (cell === 'base') return p.basePrice;
  if (cell === 'floor') return p.floorPrice;
  return p.levelPrices[cell - 1] ?? null;
}

/** the typed value differs from the saved one ("3.5" equals "3.5000"; '' equals null) */
export function isCellChanged(p: Pick<ProductDto, 'basePrice' | 'levelPrices' | 'floorPrice'>, d: PriceDraft, cell: PriceCell): boolean {
  return !samePrice(originalValue(p, cell), cellValue(d, cell));
}

/** what is wrong with a typed cell, or null; the base price may not be empty */
export function cellProblem(d: PriceDraft, cell: PriceCell): 'required' | ReturnType<typeof decimalProblem> {
  const v = cellValue(d, cell).trim();
  if (v === '') return cell === 'base' ? 'required' : null;
  return decimalProblem(v, PRICE_RULE);
}

export const ALL_CELLS: PriceCell[] = ['base', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 'floor'];

/**
 * The row to send for one product, or null when nothing changed: the base price and the floor
 * only when changed, the level prices all ten (null = unset) when any of them changed.
 */
export function rowChanges(p: Pick<ProductDto, 'id' | 'version' | 'basePrice' | 'levelPrices' | 'floorPrice'>, d: PriceDraft): BulkPriceRow | null {
  const row: BulkPriceRow = { productId: p.id, version: p.version };
  let changed = false;
  if (isCellChanged(p, d, 'base')) {
    row.basePrice = d.basePrice.trim();
    changed = true;
  }
  if (d.levelPrices.some((_, i) => isCellChanged(p, d, i + 1))) {
    row.levelPrices = d.levelPrices.map((v) => blankToNull(v));
    changed = true;
  }
  if (isCellChanged(p, d, 'floor')) {
    row.floorPrice = blankToNull(d.floorPrice);
    changed = true;
  }
  return changed ? row : null;
}

/** the effective floor of a draft: the explicit floor, else the level-10 price, else none */
export function effectiveFloor(d: PriceDraft): string | null {
  return blankToNull(d.floorPrice) ?? blankToNull(d.levelPrices[9]);
}
