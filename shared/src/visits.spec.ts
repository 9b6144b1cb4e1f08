import { distanceMeters, isoWeekday, judgeCheckIn, planOccursOn, validCoordinates } from './visits';

describe('visit rules', () => {
  it('haversine distance: zero, known city pairs, symmetric', () => {
    const tiananmen = { lat: 39.9087, lng: 116.3975 };
    expect(distanceMeters(tiananmen, tiananmen)).toBe(0);
    // Beijing (39.9042, 116.4074) to Shanghai (31.2304, 121.4737): about 1,067 km
    const km = distanceMeters({ lat: 39.9042, lng: 116.4074 }, { lat: 31.2304, lng: 121.4737 }) / 1000;
    expect(km).toBeGreaterThan(1060);
    expect(km).toBeLessThan(1075);
    // 0.001 degree of latitude is about 111 m anywhere
    expect(distanceMeters({ lat: 39.9, lng: 116.4 }, { lat: 39.901, lng: 116.4 })).toBe(111);
    const a = { lat: 31.2397, lng: 121.4844 };
    const b = { lat: 31.2293, lng: 121.5258 };
    expect(distanceMeters(a, b)).toBe(distanceMeters(b, a));
    // across the antimeridian: short, not half the world
    expect(distanceMeters({ lat: 0, lng: 179.999 }, { lat: 0, lng: -179.999 })).toBeLessThan(300);
  });

  it('off site only beyond the radius; the radius itself is on site; no stored position cannot be judged', () => {
    const dealer = { lat: 39.9, lng: 116.4 };
    expect(judgeCheckIn({ lat: 39.9, lng: 116.4 }, dealer, 500)).toEqual({ distanceM: 0, offSite: false });
    expect(judgeCheckIn({ lat: 39.9045, lng: 116.4 }, dealer, 500)).toEqual({ distanceM: 500, offSite: false });
    expect(judgeCheckIn({ lat: 39.9046, lng: 116.4 }, dealer, 500)).toEqual({ distanceM: 511, offSite: true });
    expect(judgeCheckIn({ lat: 39.95, lng: 116.4 }, dealer, 10000).offSite).toBe(false);
    expect(judgeCheckIn({ lat: 39.95, lng: 116.4 }, { lat: null, lng: null }, 500)).toEqual({ distanceM: null, offSite: false });
  });

  it('coordinates out of range are not positions', () => {
    expect(validCoordinates({ lat: 39.9, lng: 116.4 })).toBe(true);
    expect(validCoordinates({ lat: 90, lng: -180 })).toBe(true);
    expect(validCoordinates({ lat: 91, lng: 0 })).toBe(false);
    expect(validCoordinates({ lat: 0, lng: 180.5 })).toBe(false);
    expect(validCoordinates({ lat: Number.NaN, lng: 0 })).toBe(false);
    expect(validCoordinates({ lat: '39', lng: 0 })).toBe(false);
  });

  it('plans: one-off on its date; weekly on its weekday between its first and last date', () => {
    expect(isoWeekday('2026-12-07')).toBe(1); // a Monday
    expect(isoWeekday('2026-12-06')).toBe(7);
    const once = { planDate: '2026-12-08', recurrence: 'NONE' as const, weekday: null, untilDate: null };
    expect(planOccursOn(once, '2026-12-08')).toBe(true);
    expect(planOccursOn(once, '2026-12-15')).toBe(false);
    const tuesdays = { planDate: '2026-12-01', recurrence: 'WEEKLY' as const, weekday: 2, untilDate: '2026-12-22' };
    expect(planOccursOn(tuesdays, '2026-12-08')).toBe(true);
    expect(planOccursOn(tuesdays, '2026-12-09')).toBe(false);
    expect(planOccursOn(tuesdays, '2026-11-24')).toBe(false);
    expect(planOccursOn(tuesdays, '2026-12-29')).toBe(false);
  });
});
