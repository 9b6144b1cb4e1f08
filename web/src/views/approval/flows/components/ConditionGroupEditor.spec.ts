// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { reactive } from 'vue';
import { createPinia } from 'pinia';
import ElementPlus from 'element-plus';
import { ApprovalDocType } from '@drp/shared';
import { i18n } from '@/i18n';
import type { GroupDraft } from '../lib/flowDraft';
import ConditionGroupEditor from './ConditionGroupEditor.vue';

// the component resolver imports each Element Plus component's CSS, which Node cannot load
vi.mock('element-plus/es/components/base/style/css', () => ({}));
vi.mock('element-plus/es/components/button/style/css', () => ({}));
vi.mock('element-plus/es/components/input/style/css', () => ({}));
vi.mock('element-plus/es/components/select/style/css', () => ({}));
vi.mock('element-plus/es/components/option/style/css', () => ({}));
vi.mock('element-plus/es/components/radio-group/style/css', () => ({}));
vi.mock('element-plus/es/components/radio-button/style/css', () => ({}));
vi.mock('element-plus/es/components/tooltip/style/css', () => ({}));

const SO = ApprovalDocType.SALES_ORDER;

function render(group: GroupDraft, problems: Record<string, string> = {}) {
  return mount(ConditionGroupEditor, {
    props: { group, docType: SO, path: 'condition', problems: problems as never, testId: 'cond' },
    global: { plugins: [i18n, createPinia(), ElementPlus] },
  });
}

describe('the condition builder', () => {
  it('shows each row with its fact, operator and a value box that fits, joined by 或 in an any-group', async () => {
    const group = reactive<GroupDraft>({
      key: 1,
      op: 'any',
      items: [
        { key: 2, fact: 'belowFloor', operator: 'eq', value: true },
        { key: 3, fact: 'dealerLevel', operator: 'in', value: ['8', '9'] },
        { key: 4, fact: 'amount', operator: 'gt', value: '3000' },
      ],
    });
    const w = render(group);
    await flushPromises();
    expect(w.get('[data-testid="cond-0-fact"]').text()).toContain('低于底价');
    expect(w.get('[data-testid="cond-0-value"]').text()).toContain('是');
    expect(w.get('[data-testid="cond-1-op"]').text()).toContain('属于');
    expect(w.get('[data-testid="cond-1-value"]').text()).toContain('8 级');
    expect(w.get('[data-testid="cond-1-value"]').text()).toContain('9 级');
    expect((w.get('[data-testid="cond-2-value"] input').element as HTMLInputElement).value).toBe('3000');
    expect(w.findAll('.cond-group__joiner').map((j) => j.text())).toEqual(['', '或', '或']);
  });

  it('adds rows and one level of groups, and removes them', async () => {
    const group = reactive<GroupDraft>({ key: 1, op: 'all', items: [{ key: 2, fact: 'amount', operator: 'gt', value: '5000' }] });
    const w = render(group);
    await w.get('[data-testid="cond-add"]').trigger('click');
    expect(group.items).toHaveLength(2);
    await w.get('[data-testid="cond-add-group"]').trigger('click');
    expect(group.items[2]).toMatchObject({ op: 'any', items: [{ fact: 'amount', operator: 'gt', value: '' }] });
    // a nested group cannot hold another group
    expect(w.find('[data-testid="cond-2-add"]').exists()).toBe(true);
    expect(w.find('[data-testid="cond-2-add-group"]').exists()).toBe(false);
    await w.get('[data-testid="cond-2-remove"]').trigger('click');
    await w.get('[data-testid="cond-1-remove"]').trigger('click');
    expect(group.items.map((i) => ('fact' in i ? i.value : 'group'))).toEqual(['5000']);
  });

  it('shows the problems at their rows and groups', () => {
    const group = reactive<GroupDraft>({
      key: 1,
      op: 'all',
      items: [
        { key: 2, fact: 'amount', operator: 'gt', value: 'abc' },
        { key: 3, op: 'any', items: [] },
      ],
    });
    const w = render(group, { 'condition.items.0': 'BAD_VALUE', 'condition.items.1': 'EMPTY_GROUP' });
    expect(w.get('[data-testid="cond-0-error"]').text()).toBe('请输入数字，最多 4 位小数');
    expect(w.get('[data-testid="cond-1-error"]').text()).toBe('条件组中至少需要一个条件');
  });
});
