import { monthPeriod, previousMonth } from './statement.service';
import { addDays } from '../../database/business-date';

describe('statement periods and due dates', () => {
  it('gives the first and last day of a month, leap years included', () => {
    expect(monthPeriod('2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(monthPeriod('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(monthPeriod('2026-12')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });

  it('finds the previous month across a year end', () => {
    expect(previousMonth('2027-01-01')).toBe('2026-12');
    expect(previousMonth('2026-11-23')).toBe('2026-10');
  });

  it('adds credit days to a business date as calendar days', () => {
    expect(addDays('2026-11-23', 30)).toBe('2026-12-23');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
