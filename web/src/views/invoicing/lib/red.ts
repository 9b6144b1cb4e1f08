import { Dec, isDecimalString, splitTax } from '@drp/shared';
import type { InvoiceLine, Money3 } from '@/api/invoicing';

/**
 * Red-letter (红冲) arithmetic shown in the form. For a partial red the user types, per blue line,
 * the tax-inclusive value to cancel (价税合计, positive) and optionally a quantity; the form splits
 * it into amount and tax at the line's rate, adds it all up and refuses more than a line has left
 * (`line.redLeft`) or more than the blue invoice has left (`invoice.redLeft`) before the server does.
 */

export interface RedLineInput {
  invoiceLineId: string;
  /** tax-inclusive value to cancel on this line, decimal string */
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

/** What of a line may still be red-lettered (tax-inclusive): the server's figure, else the line's total. */
export function lineLeft(line: Pick<InvoiceLine, 'total' | 'redLeft'>): string {
  return new Dec(line.redLeft?.total ?? line.total).abs().toFixed(2);
}

/** The quantity of a line left to red-letter, when the line has one. */
export function lineLeftQty(line: Pick<InvoiceLine, 'qty' | 'redLeft'>): string | null {
  const q = line.redLeft ? line.redLeft.qty : line.qty;
  return q === null || q === undefined ? null : new Dec(q).abs().toFixed();
}

/**
 * The tax-inclusive value of a quantity of a line: all that is left when the whole quantity left
 * is taken, else the line's total per unit times the quantity (2 dp); '' when it cannot be told.
 */
export function amountForQty(qty: string, line: Pick<InvoiceLine, 'qty' | 'total' | 'redLeft'>): string {
  if (!isDecimalString(qty, 3) || !line.qty || new Dec(line.qty).isZero()) return '';
  const leftQty = lineLeftQty(line);
  if (leftQty !== null && new Dec(qty).eq(leftQty)) return lineLeft(line);
  return new Dec(line.total).abs().div(new Dec(line.qty).abs()).times(qty).toFixed(2);
}

export function redPlan(lines: readonly InvoiceLine[], inputs: readonly RedLineInput[], left: Money3 | null): RedPlan {
  const byId = new Map(lines.map((l) => [l.id, l]));
  const problems: Record<string, RedLineProblem> = {};
  let total = new Dec(0);
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
    if (new Dec(a).gt(lineLeft(line))) problems[line.id] = 'EXCEEDS_LINE';
    if (input.qty) {
      const leftQty = lineLeftQty(line);
      if (!isDecimalString(input.qty, 3) || new Dec(input.qty).lte(0)) problems[line.id] = 'QTY_INVALID';
      else if (leftQty !== null && new Dec(input.qty).gt(leftQty)) problems[line.id] = 'EXCEEDS_QTY';
    }
    total = total.plus(a);
    tax = tax.plus(splitTax(a, line.taxRate || '0').tax);
  }
  const exceedsLeft = !!left && total.gt(new Dec(left.total).abs());
  const empty = inputs.length === 0;
  return {
    amount: total.minus(tax).toFixed(2),
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
