import { describe, expect, it } from 'vitest';
import { i18n, loadLocale } from '@/i18n';
import { yuan } from '@/utils/money';
import { qtyRoundedText, reorderReport, stepReason, type Words } from './words';

const w: Words = { t: (k, v) => (v ? i18n.global.t(k, v) : i18n.global.t(k)), te: (k) => i18n.global.te(k) };

describe('mall words (issue #12)', () => {
  it('a credit note on the timeline is worded by its code, a person\'s note stays', async () => {
    await loadLocale('zh-CN');
    expect(stepReason(w, { note: null, reason: { code: 'CREDIT_OVERDUE', values: {} } }, yuan)).toBe('有逾期未付的应收款');
    expect(stepReason(w, { note: null, reason: { code: 'CREDIT_LIMIT', values: { limit: '1000', exposure: '900', orderTotal: '200', excess: '100' } } }, yuan)).toBe(
      '超出信用额度 ¥100.00（额度 ¥1,000.00，已占用 ¥900.00，本单 ¥200.00）',
    );
    expect(stepReason(w, { note: '重复下单', reason: null }, yuan)).toBe('重复下单');
    await loadLocale('en');
    expect(stepReason(w, { note: null, reason: { code: 'CREDIT_OVERDUE', values: {} } }, yuan)).toBe('There are overdue receivables');
    await loadLocale('zh-CN');
  });

  it('reorder says what happened: nothing added is no success; skipped lines say why; changed quantities say so', async () => {
    await loadLocale('zh-CN');
    const none = reorderReport(w, { added: 0, skipped: [{ productId: 'p', productCode: 'SP0020', productName: '冰红茶', code: 'PRODUCT_NOT_PUBLISHED', reason: 'SP0020 is not offered in the mall' }], adjusted: [] });
    expect(none.type).toBe('error');
    expect(none.title).toBe('没有商品加入购物车');
    expect(none.details).toEqual(['以下商品未能加入：', '冰红茶（SP0020）：商城已不再销售该商品']);
    expect(none.details.join()).not.toMatch(/offered|SP0020 is/);
    const some = reorderReport(w, {
      added: 2,
      skipped: [],
      adjusted: [{ productId: 'q', productName: '矿泉水', from: '20.000', to: '30.000', minOrderQty: '6.000', orderMultiple: '6.000' }],
    });
    expect(some).toEqual({ type: 'warning', title: '已将 2 种商品加入购物车', details: ['矿泉水：数量由 20 调整为 30（起订量 6，须为 6 的整数倍）'] });
    expect(reorderReport(w, { added: 1, skipped: [] }).type).toBe('success');
    const unknown = reorderReport(w, { added: 1, skipped: [{ productId: 'x', productCode: 'X1', productName: '某商品', code: 'SOMETHING_NEW', reason: 'english' }] });
    expect(unknown.details[1]).toBe('某商品（X1）：目前无法订购');
  });

  it('quantity rules are stated, and a changed quantity says why', async () => {
    await loadLocale('zh-CN');
    expect(qtyRoundedText(w, '20', '30', '起订 15瓶，按 15瓶 递增')).toBe('数量已由 20 调整为 30（起订 15瓶，按 15瓶 递增）');
    expect(qtyRoundedText(w, '30', '30', '起订 15瓶，按 15瓶 递增')).toBeNull();
    expect(qtyRoundedText(w, 'abc', '15', '起订 15瓶，按 15瓶 递增')).toBeNull();
  });
});
