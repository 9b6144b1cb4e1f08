import fc from 'fast-check';
import { PERIOD_DIMENSIONS } from './analysis';
import { addMonthsTo, comparePeriod, daysInclusive, isCalendarDay, isoWeekKey, periodKey, periodRange, shiftDay } from './analysis-period';

describe('analysis periods', () => {
  it('keys a day by each period', () => {
    expect(periodKey('2026-11-05', 'day')).toBe('2026-11-05');
    expect(periodKey('2026-11-05', 'week')).toBe('2026-W45');
    expect(periodKey('2026-11-05', 'month')).toBe('2026-11');
    expect(periodKey('2026-11-05', 'quarter')).toBe('2026-Q4');
    expect(periodKey('2026-03-31', 'quarter')).toBe('2026-Q1');
    expect(periodKey('2026-04-01', 'quarter')).toBe('2026-Q2');
    expect(periodKey('2026-11-05', 'year')).toBe('2026');
  });

  it('ISO weeks: the Thursday decides the year', () => {
    expect(isoWeekKey('2021-01-03')).toBe('2020-W53'); // a Sunday still in 2020's last week
    expect(isoWeekKey('2021-01-04')).toBe('2021-W01');
    expect(isoWeekKey('2024-12-30')).toBe('2025-W01'); // a Monday already in 2025's first week
    expect(isoWeekKey('2026-12-31')).toBe('2026-W53');
    expect(isoWeekKey('2027-01-03')).toBe('2026-W53');
  });

  it('a key covers the days it names, and malformed keys are refused', () => {
    expect(periodRange('week', '2026-W45')).toEqual({ from: '2026-11-02', to: '2026-11-08' });
    expect(periodRange('week', '2020-W53')).toEqual({ from: '2020-12-28', to: '2021-01-03' });
    expect(periodRange('week', '2025-W53')).toBeNull(); // 2025 has 52 ISO weeks
    expect(periodRange('month', '2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(periodRange('quarter', '2026-Q4')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(periodRange('year', '2026')).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(periodRange('day', '2026-02-30')).toBeNull();
    expect(periodRange('month', '2026-13')).toBeNull();
    expect(periodRange('quarter', '2026-Q5')).toBeNull();
  });

  it('every day lies in the range of its own key (property)', () => {
    const day = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, fc.constantFrom(...PERIOD_DIMENSIONS), (d, dim) => {
        const r = periodRange(dim, periodKey(d, dim));
        expect(r).not.toBeNull();
        expect(r!.from <= d && d <= r!.to).toBe(true);
        expect(periodKey(r!.from, dim)).toBe(periodKey(d, dim));
        expect(periodKey(r!.to, dim)).toBe(periodKey(d, dim));
      }),
    );
  });

  it('calendar helpers', () => {
    expect(isCalendarDay('2024-02-29')).toBe(true);
    expect(isCalendarDay('2025-02-29')).toBe(false);
    expect(isCalendarDay('2025-2-1')).toBe(false);
    expect(addMonthsTo('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonthsTo('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonthsTo('2026-03-15', -3)).toBe('2025-12-15');
    expect(daysInclusive('2026-01-01', '2026-12-31')).toBe(365);
  });

  describe('同比 (yoy)', () => {
    it('the same days a year before, shifted 12 months', () => {
      expect(comparePeriod('2026-11-11', '2026-11-20', 'yoy')).toEqual({ from: '2025-11-11', to: '2025-11-20', shift: { months: 12 } });
    });
    it('a whole February compares with the whole February before, the 29th included', () => {
      expect(comparePeriod('2025-02-01', '2025-02-28', 'yoy')).toEqual({ from: '2024-02-01', to: '2024-02-29', shift: { months: 12 } });
      expect(shiftDay('2024-02-29', { months: 12 })).toBe('2025-02-28');
    });
    it('a year of months compares with the year before', () => {
      expect(comparePeriod('2026-01-01', '2026-12-31', 'yoy')).toEqual({ from: '2025-01-01', to: '2025-12-31', shift: { months: 12 } });
    });
  });

  describe('环比 (mom)', () => {
    it('one whole month: the month before (a short month after a long one)', () => {
      expect(comparePeriod('2026-03-01', '2026-03-31', 'mom')).toEqual({ from: '2026-02-01', to: '2026-02-28', shift: { months: 1 } });
      expect(comparePeriod('2026-02-01', '2026-02-28', 'mom')).toEqual({ from: '2026-01-01', to: '2026-01-31', shift: { months: 1 } });
    });
    it('a quarter of whole months: the three months before, across the year end', () => {
      expect(comparePeriod('2026-01-01', '2026-03-31', 'mom')).toEqual({ from: '2025-10-01', to: '2025-12-31', shift: { months: 3 } });
      expect(comparePeriod('2026-03-01', '2026-05-31', 'mom')).toEqual({ from: '2025-12-01', to: '2026-02-28', shift: { months: 3 } });
    });
    it('any other span: the same number of days right before', () => {
      expect(comparePeriod('2026-11-11', '2026-11-20', 'mom')).toEqual({ from: '2026-11-01', to: '2026-11-10', shift: { days: 10 } });
      expect(comparePeriod('2026-03-01', '2026-03-01', 'mom')).toEqual({ from: '2026-02-28', to: '2026-02-28', shift: { days: 1 } });
    });
    it('every compared day lands inside the asked period (property)', () => {
      const day = fc.date({ min: new Date('2010-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      fc.assert(
        fc.property(day, fc.integer({ min: 0, max: 400 }), fc.constantFrom('yoy' as const, 'mom' as const), fc.integer({ min: 0, max: 1000 }), (from, len, compare, pick) => {
          const to = new Date(Date.parse(`${from}T00:00:00Z`) + len * 86_400_000).toISOString().slice(0, 10);
          const p = comparePeriod(from, to, compare);
          if (compare === 'mom' || len < 365) expect(p.to < from).toBe(true);
          const n = daysInclusive(p.from, p.to);
          const d = new Date(Date.parse(`${p.from}T00:00:00Z`) + (pick % n) * 86_400_000).toISOString().slice(0, 10);
          const moved = shiftDay(d, p.shift);
          expect(moved >= from && moved <= to).toBe(true);
        }),
      );
    });
  });
});
