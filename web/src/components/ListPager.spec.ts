// @vitest-environment jsdom
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ref } from 'vue';
import { mount } from '@vue/test-utils';
import { i18n, loadAllWords, loadLocale } from '@/i18n';
import ListPager from './ListPager.vue';

// the auto-imported component styles are not loadable in jsdom
vi.mock('element-plus/es/components/base/style/css', () => ({}));
vi.mock('element-plus/es/components/pagination/style/css', () => ({}));
vi.mock('element-plus/es/components/select/style/css', () => ({}));
vi.mock('element-plus/es/components/option/style/css', () => ({}));
vi.mock('element-plus/es/components/input/style/css', () => ({}));

function pager(total: number, totalIsEstimate?: boolean, props: { layout?: string; size?: 'small' } = {}) {
  const list = {
    page: ref(1),
    pageSize: ref(20),
    total: ref(total),
    result: ref(totalIsEstimate === undefined ? { total } : { total, totalIsEstimate }),
    onPageChange: () => undefined,
    onSizeChange: () => undefined,
  };
  return mount(ListPager, { props: { list, ...props }, global: { plugins: [i18n] } });
}

describe('ListPager', () => {
  beforeAll(async () => {
    await loadAllWords();
    await loadLocale('zh-CN');
  });
  // other specs in this worker read Chinese
  afterAll(() => loadLocale('zh-CN'));

  it('shows an exact total as Element Plus words it, and no estimate', () => {
    const w = pager(13);
    expect(w.find('[data-testid="pager-total-estimate"]').exists()).toBe(false);
    expect(w.find('.el-pagination__total').text()).toContain('13');
    expect(w.find('.el-pagination__total').text()).not.toContain('约');
  });

  it('words an estimated total "约 N 条" in Chinese and "about N" in English', async () => {
    const zh = pager(10013, true);
    const totals = zh.findAll('.el-pagination__total');
    expect(totals).toHaveLength(1);
    expect(totals[0].text()).toBe('约 10013 条');
    await loadLocale('en');
    const en = pager(10013, true);
    expect(en.find('[data-testid="pager-total-estimate"]').text()).toBe('about 10013');
    await loadLocale('zh-CN');
  });

  it('an answer that says its total is exact (totalIsEstimate false) shows it as exact', () => {
    const w = pager(42, false);
    expect(w.find('[data-testid="pager-total-estimate"]').exists()).toBe(false);
    expect(w.find('.el-pagination__total').text()).toContain('42');
  });

  it('in a drawer (small, no page sizes) an estimate is still worded as one', () => {
    const w = pager(5000, true, { layout: 'total, prev, pager, next', size: 'small' });
    expect(w.find('.el-pagination').classes()).toContain('el-pagination--small');
    expect(w.find('[data-testid="pager-total-estimate"]').text()).toBe('约 5000 条');
    expect(w.find('.el-pagination__sizes').exists()).toBe(false);
  });
});
