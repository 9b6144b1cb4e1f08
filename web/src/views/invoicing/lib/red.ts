import { Dec, isDecimalString } from '@drp/shared';
import type { InvoiceLine, Money3 } from '@/api/invoicing';

/**
 * Red-letter (红冲) arithmetic shown in the form: what a partial red takes from each line, the tax
 * from the line's rate, and whether it stays within what is left of the blue invoice. The user
 * types positive amounts (the part to cancel); the red invoice carries them negative.
 */

export interface RedLineInput {
  invoiceLineId: string;
  /** amount before tax to cancel on this line, decimal string */
  amount: string;
  qty?: string;
}

export type RedLineProblem = 'AMOUNT_INVALID' | 'AMOUNT_NOT_POSITIVE' | 'EXCEEDS_LINE' | 'QTY_INVALID' | 'EXCEEDS_QTY';

export interface RedPlan {
  amount: string;
  tax: string;
  total: string;
  /** per line id: its problem */
  problems: Record<string, RedLineProblem>;
  /** the red is larger than what is left of the blue */
  exceedsLeft: boolean;
  /** nothing chosen */
  empty: boolean;
  ok: boolean;
}

/** What of a line may still be red-lettered: the server's figure when it sends one, else the line. */
export function lineLeft(line: Pick<InvoiceLine, 'amount' | 'leftAmount'>): string {
  return line.leftAmount ?? line.amount;
}

/** The tax of an amount at a rate (2 dp, half up). */
export function taxOf(amount: string, rate: string): string {
  return new Dec(amount).times(new Dec(rate || '0')).toFixed(2);
}

/** The amount for a quantity at the line's unit price (2 dp), or '' when it cannot be told. */
export function amountForQty(qty: string, line: Pick<InvoiceLine, 'unitPrice'>): string {
  if (!line.unitPrice || !isDecimalString(qty, 3)) return '';
  return new Dec(qty).times(line.unitPrice).toFixed(2);
}

export function redPlan(lines: readonly InvoiceLine[], inputs: readonly RedLineInput[], left: Money3 | null): RedPlan {
  const byId = new Map(lines.map((l) => [l.id, l]));
  const problems: Record<string, RedLineProblem> = {};
  let amount = new Dec(0);
  let tax = new Dec(0);
  for (const input of inputs) {
    const line = byId.get(input.invoiceLineId);
    if (!line) continue;
    const a = input.amount.trim();
    if (!isDecimalString(a, 2)) {
      problems[line.id] = 'AMOUNT_INVALID';
      continue;
    }
    if (new Dec(a).lte(0)) {
      problems[line.id] = 'AMOUNT_NOT_POSITIVE';
      continue;
    }
    if (new Dec(a).gt(new Dec(lineLeft(line)).abs())) problems[line.id] = 'EXCEEDS_LINE';
    if (input.qty) {
      if (!isDecimalString(input.qty, 3) || new Dec(input.qty).lte(0)) problems[line.id] = 'QTY_INVALID';
      else if (line.leftQty ?? line.qty) {
        if (new Dec(input.qty).gt(new Dec((line.leftQty ?? line.qty) as string).abs())) problems[line.id] = 'EXCEEDS_QTY';
      }
    }
    amount = amount.plus(a);
    tax = tax.plus(taxOf(a, line.taxRate));
  }
  const total = amount.plus(tax);
  const exceedsLeft = !!left && (amount.gt(new Dec(left.amount).abs()) || total.gt(new Dec(left.total).abs()));
  const empty = inputs.length === 0;
  return {
    amount: amount.toFixed(2),
    tax: tax.toFixed(2),
    total: total.toFixed(2),
    problems,
    exceedsLeft,
    empty,
    ok: !empty && !exceedsLeft && Object.keys(problems).length === 0,
  };
}

/** Whether anything is left to red-letter (a fully red-lettered or voided blue has nothing). */
export function hasLeft(left: Money3 | null | undefined): boolean {
  return !!left && new Dec(left.total).abs().gt(0);
}
