import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createI18n } from 'vue-i18n';
import { defineComponent, h } from 'vue';
import type { NotificationDto } from '@drp/shared';
import zhCN from '@/i18n/locales/zh-CN';
import en from '@/i18n/locales/en';
import { useNotificationText } from './useNotificationText';

/** Words the notifications in a component of the given language, as the bell and the lists do. */
function word(locale: 'zh-CN' | 'en', items: NotificationDto[]): string[] {
  const i18n = createI18n({ legacy: false, locale, messages: { 'zh-CN': zhCN, en } });
  const view = defineComponent({
    setup() {
      const text = useNotificationText();
      return () => h('ul', items.map((n) => h('li', `${text.title(n)} | ${text.body(n) ?? '-'}`)));
    },
  });
  return mount(view, { global: { plugins: [i18n] } }).findAll('li').map((li) => li.text());
}

const base = { id: '1', kind: 'ORDER_STATUS', link: null, readAt: null, createdAt: '2026-12-03T00:00:00Z' } as const;
const notes: NotificationDto[] = [
  { ...base, title: '订单 SO-1：已审核', body: '无需审批，自动通过', message: { key: 'orderStatus', params: { number: 'SO-1', status: 'APPROVED' }, note: 'autoApproved' } },
  { ...base, kind: 'REJECTED', title: 'SO-2 被驳回', body: '库存紧张', message: { key: 'rejected', params: { number: 'SO-2' } } },
  { ...base, kind: 'TASK', title: '待审批：SO-3', body: '经理审批 · 某经销商 ¥7,000.00', message: { key: 'task', params: { number: 'SO-3', step: '经理审批' } } },
  // written before messages had keys: the stored text as it is
  { ...base, title: '订单 SO-4：已发货', body: null, message: null },
];

describe('useNotificationText', () => {
  it('words a notification in English from its key, keeps a person\'s words (a reason) as written', () => {
    expect(word('en', notes)).toEqual([
      'Order SO-1: Approved | No approval needed: approved automatically',
      'SO-2 rejected | 库存紧张',
      'To approve: SO-3 | 经理审批 · 某经销商 ¥7,000.00',
      '订单 SO-4：已发货 | -',
    ]);
  });

  it('words it in Chinese the same as the stored text', () => {
    expect(word('zh-CN', notes).slice(0, 3)).toEqual(notes.slice(0, 3).map((n) => `${n.title} | ${n.body}`));
  });
});
