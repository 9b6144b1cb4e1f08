/**
 * The credit decision (ARCHITECTURE §6), once for server and web: the server's commit and preview
 * (finance CreditService), the order approval's "over credit" fact and the web's order form and
 * mall cart all call these, so they cannot disagree.
 */
import { Dec, fmt } from './money';

export type CreditModeName = 'NONE' | 'WARN' | 'BLOCK';

/** OK: passes silently; WARN: passes with a warning; BLOCK: refused; OVERRIDDEN: a refusal let through by credit:override. */
export type CreditOutcome = 'OK' | 'WARN' | 'BLOCK' | 'OVERRIDDEN';
/** What a WARN / BLOCK / OVERRIDDEN is about: the limit, or overdue receivables. */
export type CreditReason = 'LIMIT' | 'OVERDUE';

export interface CreditDecisionInput {
  mode: CreditModeName;
  limit: string;
  /** the dealer's exposure without this order (what the order already commits taken out) */
  exposure: string;
  /** what the order would commit (its total) */
  adding: string;
  /**
   * What the order commits already (a submitted order being edited; 0 for a first submit). A
   * change that does not raise it is not checked: lowering an order never meets a refusal.
   */
  committed?: string;
  /** the account refuses orders while the dealer has overdue receivables (any mode) */
  blockOnOverdue?: boolean;
  /** the dealer has a receivable past due (`isOverdue`) */
  overdue?: boolean;
  /** the caller asks to let a refusal through (the server checks credit:override) */
  override?: boolean;
}

export interface CreditDecision {
  outcome: CreditOutcome;
  reason: CreditReason | null;
  /** the error code of a refusal (BLOCK, or the refusal an OVERRIDDEN let through) */
  code: 'CREDIT_LIMIT_EXCEEDED' | 'CREDIT_OVERDUE_BLOCKED' | null;
  limit: string;
  exposure: string;
  orderTotal: string;
  /** limit - exposure, before this order (may be negative) */
  available: string;
  /** limit - exposure - this order (may be negative) */
  after: string;
  /** exposure + this order - limit, when positive; else 0.00 */
  excess: string;
  /** a limit is in force (mode not NONE) and this order goes past it */
  overLimit: boolean;
}

/** Available credit: limit − exposure (may be negative), to the cent. */
export function availableCredit(a: { limit: string; exposure: string }): string {
  return fmt(new Dec(a.limit).minus(a.exposure));
}

/** Over the limit where a limit is in force: mode not NONE and a positive excess. */
export function isOverLimit(c: { mode: CreditModeName; excess: string }): boolean {
  return c.mode !== 'NONE' && new Dec(c.excess).greaterThan(0);
}

/**
 * The credit check of an order committing `adding` on top of `exposure`:
 * - nothing is checked unless the order raises what it commits (`adding` > `committed`);
 * - blockOnOverdue with an overdue receivable refuses (CREDIT_OVERDUE_BLOCKED), whatever the mode;
 * - past the limit: BLOCK refuses (CREDIT_LIMIT_EXCEEDED), WARN warns, NONE ignores it;
 * - WARN with an overdue receivable warns;
 * - a refusal with `override` becomes OVERRIDDEN.
 */
export function creditDecision(i: CreditDecisionInput): CreditDecision {
  const exposure = new Dec(i.exposure);
  const adding = new Dec(i.adding);
  const excessRaw = exposure.plus(adding).minus(i.limit);
  const excess = fmt(Dec.max(excessRaw, 0));
  const overLimit = isOverLimit({ mode: i.mode, excess });
  const raises = adding.greaterThan(i.committed ?? '0');
  let outcome: CreditOutcome = 'OK';
  let reason: CreditReason | null = null;
  if (raises && i.blockOnOverdue && i.overdue) {
    outcome = 'BLOCK';
    reason = 'OVERDUE';
  } else if (raises && overLimit) {
    outcome = i.mode === 'BLOCK' ? 'BLOCK' : 'WARN';
    reason = 'LIMIT';
  } else if (raises && i.overdue && i.mode === 'WARN') {
    outcome = 'WARN';
    reason = 'OVERDUE';
  }
  const code = outcome === 'BLOCK' ? (reason === 'OVERDUE' ? 'CREDIT_OVERDUE_BLOCKED' : 'CREDIT_LIMIT_EXCEEDED') : null;
  if (outcome === 'BLOCK' && i.override) outcome = 'OVERRIDDEN';
  const available = availableCredit({ limit: i.limit, exposure: i.exposure });
  return {
    outcome,
    reason,
    code,
    limit: fmt(i.limit),
    exposure: fmt(exposure),
    orderTotal: fmt(adding),
    available,
    after: fmt(new Dec(available).minus(adding)),
    excess,
    overLimit,
  };
}
