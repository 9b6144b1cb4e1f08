import { Dec, PriceSource, fmt, lineAmount, sum, type ResolvedPrice } from '@drp/shared';

/** A resolved price with the figures the simulator shows next to it. */
export interface SimulatorLine extends ResolvedPrice {
  /** qty x unit price, rounded to cents */
  amount: string;
  /** what the same quantity costs at the base price minus the amount (>= 0 is a saving) */
  saving: string;
  /** the unit price falls below the floor (a manual price like that would need approval) */
  belowFloor: boolean;
}

export function simulatorLine(r: ResolvedPrice): SimulatorLine {
  const amount = lineAmount(r.qty, r.unitPrice);
  const atBase = lineAmount(r.qty, r.basePrice);
  return {
    ...r,
    amount,
    saving: fmt(new Dec(atBase).minus(amount), 'amount'),
    belowFloor: r.floorPrice !== null && new Dec(r.unitPrice).lessThan(r.floorPrice),
  };
}

export function simulatorTotals(lines: SimulatorLine[]): { amount: string; saving: string; bySource: Record<PriceSource, number> } {
  const bySource = { PROMOTION: 0, PRICE_BOOK: 0, LEVEL: 0, BASE: 0 } as Record<PriceSource, number>;
  lines.forEach((l) => (bySource[l.source] += 1));
  return { amount: sum(lines.map((l) => l.amount)), saving: sum(lines.map((l) => l.saving)), bySource };
}
