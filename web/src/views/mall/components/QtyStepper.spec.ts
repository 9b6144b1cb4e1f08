// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { i18n } from '@/i18n';
import QtyStepper from './QtyStepper.vue';

// the auto-imported component styles are not loadable in jsdom
vi.mock('element-plus/es/components/base/style/css', () => ({}));
vi.mock('element-plus/es/components/icon/style/css', () => ({}));

const stubs = { 'el-icon': { template: '<i><slot /></i>' } };
const make = (modelValue: string, minOrderQty = '24', orderMultiple = '12') =>
  mount(QtyStepper, { props: { modelValue, rule: { minOrderQty, orderMultiple }, testid: 'q' }, global: { plugins: [i18n], stubs } });

describe('QtyStepper', () => {
  it('+ and − move by the order multiple', async () => {
    const w = make('36');
    await w.get('[data-testid="q-plus"]').trigger('click');
    await w.get('[data-testid="q-minus"]').trigger('click');
    expect(w.emitted('update:modelValue')).toEqual([['48'], ['24']]);
  });

  it('− at the minimum does not go below it: it tells the parent instead (the cart asks to remove the line)', async () => {
    const w = make('24');
    await w.get('[data-testid="q-minus"]').trigger('click');
    expect(w.emitted('update:modelValue')).toBeUndefined();
    expect(w.emitted('below')).toHaveLength(1);
  });

  it('a typed quantity is rounded up to a valid one when the box is left', async () => {
    const w = make('24');
    const box = w.get('[data-testid="q-input"]');
    await box.setValue('25');
    await box.trigger('blur');
    expect(w.emitted('update:modelValue')).toEqual([['36']]);
    await w.setProps({ modelValue: '36' });
    // rubbish falls back to the minimum
    await box.setValue('abc');
    await box.trigger('blur');
    expect(w.emitted('update:modelValue')?.at(-1)).toEqual(['24']);
    await w.setProps({ modelValue: '24' });
    // rubbish at the minimum: nothing to tell, but the box shows the quantity again
    await box.setValue('x');
    await box.trigger('blur');
    expect(w.emitted('update:modelValue')).toHaveLength(2);
    expect((box.element as HTMLInputElement).value).toBe('24');
  });

  it('disabled: nothing moves', async () => {
    const w = mount(QtyStepper, { props: { modelValue: '24', rule: { minOrderQty: '24', orderMultiple: '12' }, disabled: true, testid: 'q' }, global: { plugins: [i18n], stubs } });
    expect(w.get('[data-testid="q-plus"]').attributes('disabled')).toBeDefined();
    expect(w.get('[data-testid="q-input"]').attributes('disabled')).toBeDefined();
  });
});
