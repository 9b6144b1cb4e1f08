import { creditDecision, type CreditModeName, type MallCartDto } from '@drp/shared';

/**
 * Whether the cart's total goes past the dealer's credit limit (a limit in force, the mode not
 * NONE): the shared `creditDecision` the server checks the order with, on the cart's figures.
 */
export function overCredit(credit: MallCartDto['credit'] | null | undefined, total: string | null | undefined): boolean {
  if (!credit || !total) return false;
  return creditDecision({ mode: credit.mode as CreditModeName, limit: credit.limit, exposure: credit.exposure, adding: total }).overLimit;
}
