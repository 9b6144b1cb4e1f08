import { describe, expect, it } from 'vitest';
import { barPercent, monthShare, progressTone, rateText } from './achievement';

describe('achievement display', () => {
  it('words the rate and caps the bar', () => {
    expect(rateText('0.8532')).toBe('85.3%');
    expect(rateText('1.2000')).toBe('120.0%');
    expect(rateText(null)).toBe('—');
    expect(barPercent('0.8532')).toBe(85.3);
    expect(barPercent('1.5')).toBe(100);
    expect(barPercent('-0.1')).toBe(0);
    expect(barPercent(null)).toBe(0);
  });

  it('is behind when less is done than the share of the month gone', () => {
    expect(monthShare('2026-12', '2026-12-06').toFixed(4)).toBe('0.1935');
    expect(monthShare('2026-12', null).toNumber()).toBe(0);
    expect(monthShare('2026-11', '2026-11-30').toNumber()).toBe(1);
    expect(progressTone('0.10', '2026-12', '2026-12-06')).toBe('warning');
    expect(progressTone('0.25', '2026-12', '2026-12-06')).toBe('normal');
    expect(progressTone('1.0000', '2026-12', '2026-12-06')).toBe('success');
    expect(progressTone(null, '2026-12', '2026-12-06')).toBe('normal');
  });
});
