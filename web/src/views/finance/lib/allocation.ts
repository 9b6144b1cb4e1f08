import { Dec, fmt, isDecimalString } from '@drp/shared';

/**
 * 收款核销: what a person types against each open receivable when allocating a receipt by hand,
 * checked the way the server checks it (ALLOCATION_EXCEEDS_OPEN / ALLOCATION_EXCEEDS_RECEIPT),
 * and the oldest-first split the server applies when no allocation is given.
 */

/** An amount as typed: digits, optional 2 decimals, no sign, no exponent. */
const NUMBER_LIKE = /^-?\d+(\.\d+)?$/;

export type AmountProblem = 'required' | 'format' | 'scale' | 'negative' | 'positive' | 'tooLarge';

/**
 * What is wrong with a typed amount (null when fine). `required`: blank is a problem; `positive`:
 * zero is a problem too (a receipt amount), otherwise zero is fine (an allocation left empty).
 */
export function amountProblem(raw: string | null | undefined, opts: { required?: boolean; positive?: boolean } = {}): AmountProblem | null {
  const s = (raw ?? '').trim();
  if (s === '') return opts.required ? 'required' : null;
  if (!NUMBER_LIKE.test(s)) return 'format';
  if (s.startsWith('-')) return 'negative';
  if (s.split('.')[0].length > 16) return 'tooLarge';
  if (!isDecimalString(s, 2)) return 'scale';
  if (opts.positive && !new Dec(s).greaterThan(0)) return 'positive';
  return null;
}

export interface OpenItem {
  id: string;
  /** what is still owed on it */
  openAmount: string;
  dueDate: string;
  businessDate: string;
  number: string;
}

/** Oldest first, the order the server allocates in: due date, then business date, then number. */
export function oldestFirst<T extends OpenItem>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.businessDate.localeCompare(b.businessDate) || a.number.localeCompare(b.number));
}

/**
 * Split `amount` over open items oldest first: each takes what it still owes until the money runs
 * out. Returns the amount per item id (only items that receive something) and what is left over
 * (the prepayment, 预收款).
 */
export function allocateOldestFirst(amount: string, items: readonly OpenItem[]): { allocations: Map<string, string>; rest: string } {
  let left = new Dec(amount && isDecimalString(amount.trim(), 20) ? amount.trim() : '0');
  const allocations = new Map<string, string>();
  for (const item of oldestFirst(items)) {
    if (!left.greaterThan(0)) break;
    const open = new Dec(item.openAmount);
    if (!open.greaterThan(0)) continue;
    const take = Dec.min(open, left);
    allocations.set(item.id, fmt(take));
    left = left.minus(take);
  }
  return { allocations, rest: fmt(Dec.max(left, 0)) };
}

export type AllocationRowProblem = AmountProblem | 'exceedsOpen';

export interface AllocationCheck {
  /** the problem of each row that has one, by receivable id */
  rowProblems: Map<string, AllocationRowProblem>;
  /** the sum of the well-formed amounts */
  allocated: string;
  /** receipt amount - allocated (negative when allocations exceed the receipt); null while the receipt amount is not a valid amount */
  unallocated: string | null;
  exceedsReceipt: boolean;
  /** at least one row has a non-zero amount */
  any: boolean;
  valid: boolean;
}

/**
 * Check hand-typed allocations: each row at most its open amount, together at most the receipt's
 * amount (or the receipt's unallocated rest when allocating later). Blank rows count as zero.
 */
export function checkAllocations(receiptAmount: string | null | undefined, rows: readonly { id: string; openAmount: string; amount: string }[]): AllocationCheck {
  const rowProblems = new Map<string, AllocationRowProblem>();
  let allocated = new Dec(0);
  let any = false;
  for (const row of rows) {
    const problem = amountProblem(row.amount);
    if (problem) {
      rowProblems.set(row.id, problem);
      continue;
    }
    const s = row.amount.trim();
    if (!s) continue;
    const d = new Dec(s);
    if (d.greaterThan(row.openAmount)) {
      rowProblems.set(row.id, 'exceedsOpen');
      continue;
    }
    if (!d.isZero()) any = true;
    allocated = allocated.plus(d);
  }
  const receiptOk = amountProblem(receiptAmount, { required: true, positive: true }) === null;
  const unallocated = receiptOk ? fmt(new Dec(receiptAmount!.trim()).minus(allocated)) : null;
  const exceedsReceipt = unallocated !== null && new Dec(unallocated).isNegative();
  return {
    rowProblems,
    allocated: fmt(allocated),
    unallocated,
    exceedsReceipt,
    any,
    valid: receiptOk && rowProblems.size === 0 && !exceedsReceipt,
  };
}

/** The wire form of the non-zero rows: `[{ receivableId, amount: "12.50" }]`. */
export function allocationInputs(rows: readonly { id: string; amount: string }[]): { receivableId: string; amount: string }[] {
  return rows
    .filter((r) => r.amount.trim() !== '' && amountProblem(r.amount) === null && !new Dec(r.amount.trim()).isZero())
    .map((r) => ({ receivableId: r.id, amount: fmt(r.amount.trim()) }));
}
