// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createI18n } from 'vue-i18n';
import { defineComponent, h } from 'vue';
import { ApprovalDocType, type NotificationDto } from '@drp/shared';
import zhCN from '@/i18n/locales/zh-CN';
import en from '@/i18n/locales/en';
import { useServerWords } from './useServerWords';

/** Runs `use` with the composable inside a component of the given language, as the pages do. */
function withWords<T>(locale: 'zh-CN' | 'en', use: (words: ReturnType<typeof useServerWords>) => T): T {
  let out!: T;
  const i18n = createI18n({ legacy: false, locale, messages: { 'zh-CN': zhCN, en } });
  mount(
    defineComponent({
      setup() {
        out = use(useServerWords());
        return () => h('div');
      },
    }),
    { global: { plugins: [i18n] } },
  );
  return out;
}

/** The notifications as the bell and the lists show them: "title | body". */
const word = (locale: 'zh-CN' | 'en', items: NotificationDto[]): string[] => withWords(locale, (w) => items.map((n) => `${w.title(n)} | ${w.body(n) ?? '-'}`));

const base = { id: '1', kind: 'ORDER_STATUS', link: null, readAt: null, createdAt: '2026-12-03T00:00:00Z' } as const;
const notes: NotificationDto[] = [
  { ...base, title: '订单 SO-1：已审核', body: '无需审批，自动通过', message: { key: 'orderStatus', params: { number: 'SO-1', status: 'APPROVED' }, note: 'autoApproved' } },
  { ...base, kind: 'REJECTED', title: 'SO-2 被驳回', body: '库存紧张', message: { key: 'rejected', params: { number: 'SO-2' } } },
  {
    ...base,
    kind: 'TASK',
    title: '待审批：SO-3',
    body: '经理审批 · 某经销商 超额 ¥7,000.00',
    message: { key: 'task', params: { number: 'SO-3', step: '经理审批' }, summary: { docType: ApprovalDocType.CREDIT_OVERRIDE, values: { party: '某经销商', amount: '7000.00' } } },
  },
  // written before messages had keys: the stored text as it is
  { ...base, title: '订单 SO-4：已发货', body: null, message: null },
];

describe('useServerWords', () => {
  it('words a notification in English from its key, keeps a person\'s words (a reason) as written', () => {
    expect(word('en', notes)).toEqual([
      'Order SO-1: Approved | No approval needed: approved automatically',
      'SO-2 rejected | 库存紧张',
      'To approve: SO-3 | 经理审批 · 某经销商, ¥7,000.00 over the limit',
      '订单 SO-4：已发货 | -',
    ]);
  });

  it('words an approval summary for its document type, and keeps the stored line without values', () => {
    const text = withWords('en', (words) => [
      words.summary(ApprovalDocType.STOCK_ADJUSTMENT, { party: '北京分仓', amount: '3000', lines: 2 }, '北京分仓 盘点 2 行 ¥3,000.00'),
      words.summary(ApprovalDocType.RECEIPT_REVERSAL, null, '某经销商 冲销 ¥500.00'),
    ]);
    expect(text).toEqual(['北京分仓, count of 2 line(s), ¥3,000.00', '某经销商 冲销 ¥500.00']);
  });

  it('words it in Chinese the same as the stored text', () => {
    expect(word('zh-CN', notes).slice(0, 3)).toEqual(notes.slice(0, 3).map((n) => `${n.title} | ${n.body}`));
  });
});
