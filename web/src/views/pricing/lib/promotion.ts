import { Dec, PromotionKind, type PromotionDto } from '@drp/shared';
import { formatPrice } from '@/utils/money';

/** What a promotion is doing at an instant: 进行中 / 未开始 / 已结束 / 已停用. */
export type PromotionState = 'RUNNING' | 'UPCOMING' | 'ENDED' | 'DISABLED';

/**
 * The state at `now`, with the server's window rule: active when starts <= now < ends. A disabled
 * promotion is DISABLED whatever its dates.
 */
export function promotionState(p: Pick<PromotionDto, 'status' | 'startsAt' | 'endsAt'>, now: Date | number = Date.now()): PromotionState {
  if (p.status === 'DISABLED') return 'DISABLED';
  const at = typeof now === 'number' ? now : now.getTime();
  if (at < Date.parse(p.startsAt)) return 'UPCOMING';
  if (at >= Date.parse(p.endsAt)) return 'ENDED';
  return 'RUNNING';
}

export const STATE_TAG: Record<PromotionState, 'success' | 'primary' | 'info' | 'warning'> = {
  RUNNING: 'success',
  UPCOMING: 'primary',
  ENDED: 'info',
  DISABLED: 'warning',
};

/**
 * A percent off in Chinese retail terms: 8 % off is "92 折", 15 % off "85 折", 5.5 % off "94.5 折".
 */
export function discountZhe(percentOff: string): string {
  return new Dec(100).minus(percentOff).toFixed();
}

/** The value as people read it; the caller supplies the words ("特价 ¥{price}" / "减 {percent}%"). */
export function promotionValueParts(p: Pick<PromotionDto, 'kind' | 'value'>): { kind: PromotionKind; price?: string; percent?: string; zhe?: string } {
  if (p.kind === PromotionKind.SPECIAL_PRICE) return { kind: p.kind, price: formatPrice(p.value) };
  return { kind: p.kind, percent: new Dec(p.value).toFixed(), zhe: discountZhe(p.value) };
}

/** The end must come after the start (PROMOTION_WINDOW_INVALID otherwise). */
export function windowValid(startsAt: string | null | undefined, endsAt: string | null | undefined): boolean {
  if (!startsAt || !endsAt) return true;
  return Date.parse(endsAt) > Date.parse(startsAt);
}
