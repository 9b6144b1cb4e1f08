import { achievementRate, dailyPace, daysInMonth, isMonth, monthBounds, monthProgress, monthsToDate } from './targets';

describe('targets arithmetic', () => {
  it('months: validity, length (leap years), bounds, months to date', () => {
    expect(isMonth('2026-12')).toBe(true);
    expect(isMonth('2026-13')).toBe(false);
    expect(isMonth('2026-1')).toBe(false);
    expect(daysInMonth('2024-02')).toBe(29);
    expect(daysInMonth('2026-02')).toBe(28);
    expect(monthBounds('2026-11')).toEqual({ first: '2026-11-01', last: '2026-11-30' });
    expect(monthsToDate('2026-03')).toEqual(['2026-01', '2026-02', '2026-03']);
  });

  it('progress: today counts as a day left; before the month nothing is in; after it no day is left', () => {
    expect(monthProgress('2026-12', '2026-12-06')).toEqual({ asOf: '2026-12-06', daysLeft: 26 });
    expect(monthProgress('2026-12', '2026-12-31')).toEqual({ asOf: '2026-12-31', daysLeft: 1 });
    expect(monthProgress('2026-12', '2026-11-30')).toEqual({ asOf: null, daysLeft: 31 });
    expect(monthProgress('2026-11', '2026-12-06')).toEqual({ asOf: '2026-11-30', daysLeft: 0 });
  });

  it('rate: 4 decimals half up, null without a target', () => {
    expect(achievementRate('85320.00', '100000.00')).toBe('0.8532');
    expect(achievementRate('2', '3')).toBe('0.6667');
    expect(achievementRate('120', '100')).toBe('1.2000');
    expect(achievementRate('50', '0')).toBeNull();
  });

  it('pace: the gap over the days left, 0 when met, null when the month is over', () => {
    // 100,000 target, 40,000 sold, 26 days left: 60,000 / 26 = 2307.6923... -> 2307.69
    expect(dailyPace('100000.00', '40000.00', 26)).toBe('2307.69');
    expect(dailyPace('100.00', '100.01', 5)).toBe('0.00');
    expect(dailyPace('100.00', '10.00', 0)).toBeNull();
    // returns can make the actual negative: the whole target and more is left
    expect(dailyPace('100.00', '-20.00', 4)).toBe('30.00');
  });
});
