import { describe, expect, it } from 'vitest';
import { PromotionKind } from '@drp/shared';
import { discountZhe, promotionState, promotionValueParts, windowValid } from './promotion';

const p = { status: 'ACTIVE' as const, startsAt: '2026-11-01T00:00:00.000Z', endsAt: '2026-12-01T00:00:00.000Z' };

describe('promotion state', () => {
  it('is upcoming before the start, running from the start, ended at the end', () => {
    expect(promotionState(p, new Date('2026-10-31T23:59:59.999Z'))).toBe('UPCOMING');
    expect(promotionState(p, new Date('2026-11-01T00:00:00.000Z'))).toBe('RUNNING');
    expect(promotionState(p, Date.parse('2026-11-20T08:00:00Z'))).toBe('RUNNING');
    // the end is exclusive, like the server's starts <= at < ends
    expect(promotionState(p, new Date('2026-12-01T00:00:00.000Z'))).toBe('ENDED');
  });

  it('a disabled promotion is disabled whatever the dates', () => {
    expect(promotionState({ ...p, status: 'DISABLED' }, Date.parse('2026-11-20T00:00:00Z'))).toBe('DISABLED');
  });

  it('the window must end after it starts', () => {
    expect(windowValid(p.startsAt, p.endsAt)).toBe(true);
    expect(windowValid(p.startsAt, p.startsAt)).toBe(false);
    expect(windowValid(p.endsAt, p.startsAt)).toBe(false);
    expect(windowValid(null, p.endsAt)).toBe(true);
  });
});

describe('promotion value', () => {
  it('reads a percent off as 折 and a special price as a price', () => {
    expect(discountZhe('8')).toBe('92');
    expect(discountZhe('15.0000')).toBe('85');
    expect(discountZhe('5.5')).toBe('94.5');
    expect(promotionValueParts({ kind: PromotionKind.PERCENT_OFF, value: '8.0000' })).toEqual({ kind: PromotionKind.PERCENT_OFF, percent: '8', zhe: '92' });
    expect(promotionValueParts({ kind: PromotionKind.SPECIAL_PRICE, value: '12.3000' })).toEqual({ kind: PromotionKind.SPECIAL_PRICE, price: '12.30' });
  });
});
