import { Dec, isDecimalString } from '@drp/shared';
import type { UninvoicedLine } from '@/api/invoicing';

/**
 * Choosing shipment lines for an invoice: a line may be taken whole or split by quantity (the
 * rest stays uninvoiced); the amount is the quantity at the shipment's unit price.
 */

export interface PickedLine {
  line: UninvoicedLine;
  /** quantity to invoice, decimal string (3 dp) */
  qty: string;
}

export type PickProblem = 'QTY_INVALID' | 'QTY_NOT_POSITIVE' | 'EXCEEDS_UNINVOICED';

export function pickProblem(p: PickedLine): PickProblem | null {
  const q = p.qty.trim();
  if (!isDecimalString(q, 3)) return 'QTY_INVALID';
  if (new Dec(q).lte(0)) return 'QTY_NOT_POSITIVE';
  if (new Dec(q).gt(p.line.uninvoicedQty)) return 'EXCEEDS_UNINVOICED';
  return null;
}

/** The amount of a picked quantity: the whole line's uninvoiced amount when all of it is taken. */
export function pickedAmount(p: PickedLine): string {
  if (!isDecimalString(p.qty.trim(), 3)) return '0.00';
  if (new Dec(p.qty).eq(p.line.uninvoicedQty)) return new Dec(p.line.uninvoicedAmount).toFixed(2);
  return new Dec(p.qty).times(p.line.unitPrice).toFixed(2);
}

export interface PickTotals {
  lines: number;
  amount: string;
  /** every picked line is of one dealer (an invoice has one buyer) */
  oneDealer: boolean;
  dealerId: string | null;
  ok: boolean;
}

export function pickTotals(picked: readonly PickedLine[]): PickTotals {
  const dealers = new Set(picked.map((p) => p.line.dealerId));
  const amount = picked.reduce((sum, p) => sum.plus(pickedAmount(p)), new Dec(0));
  const oneDealer = dealers.size <= 1;
  return {
    lines: picked.length,
    amount: amount.toFixed(2),
    oneDealer,
    dealerId: dealers.size === 1 ? [...dealers][0] : null,
    ok: picked.length > 0 && oneDealer && picked.every((p) => !pickProblem(p)),
  };
}

/** The YYYY-MM of this month in the browser's calendar (the list's default month). */
export function thisMonth(now: Date = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
}
