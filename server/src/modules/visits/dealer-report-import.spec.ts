import { normaliseDay } from './dealer-report-import.service';

describe('normaliseDay (the 日期 column of a report upload)', () => {
  it('reads a date as people type it', () => {
    expect(normaliseDay('2026-12-01')).toBe('2026-12-01');
    expect(normaliseDay('2026/12/1')).toBe('2026-12-01');
    expect(normaliseDay('2026.1.5')).toBe('2026-01-05');
    expect(normaliseDay(' 2026年12月1日 ')).toBe('2026-12-01');
    expect(normaliseDay('2024-02-29')).toBe('2024-02-29');
  });

  it('refuses what is not a real date', () => {
    for (const bad of ['2026-02-30', '2025-02-29', '2026-13-01', '46000', '12/01/2026', '2026-12', '', 'yesterday']) expect(normaliseDay(bad)).toBeNull();
  });
});
