// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { i18n } from '@/i18n';
import MoneyText from './MoneyText.vue';
import DueText from './DueText.vue';

describe('MoneyText', () => {
  it('groups thousands and shows negative amounts in red', () => {
    const negative = mount(MoneyText, { props: { value: '-1234.5' } });
    expect(negative.text()).toBe('-1,234.50');
    expect(negative.classes()).toContain('is-negative');
    const plain = mount(MoneyText, { props: { value: '-1234.5', plain: true } });
    expect(plain.classes()).not.toContain('is-negative');
  });

  it('marks positive amounts red only when asked (overdue), greys zero when muted, dashes a missing value', () => {
    expect(mount(MoneyText, { props: { value: '10', danger: true } }).classes()).toContain('is-negative');
    expect(mount(MoneyText, { props: { value: '0.00', muted: true } }).classes()).toContain('is-zero');
    expect(mount(MoneyText, { props: { value: null } }).text()).toBe('—');
  });
});

describe('DueText', () => {
  const render = (props: { daysOverdue: number; settled?: boolean }) => mount(DueText, { props, global: { plugins: [i18n] } });

  it('says how late a receivable is', () => {
    expect(render({ daysOverdue: -5 }).text()).toBe('5 天后到期');
    expect(render({ daysOverdue: 0 }).text()).toBe('今日到期');
    const late = render({ daysOverdue: 45 });
    expect(late.text()).toBe('逾期 45 天');
    expect(late.classes()).toContain('is-longOverdue');
    expect(render({ daysOverdue: 45, settled: true }).text()).toBe('已结清');
  });
});
