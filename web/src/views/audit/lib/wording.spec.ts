import { describe, expect, it } from 'vitest';
import type { AuditLogDto } from '@drp/shared';
import { i18n, loadLocale } from '@/i18n';
import { auditLine, type Words } from './wording';

const w: Words = { t: (k, v) => (v ? i18n.global.t(k, v) : i18n.global.t(k)), te: (k) => i18n.global.te(k) };
type Row = Pick<AuditLogDto, 'messageKey' | 'messageValues' | 'summary' | 'actorName' | 'action' | 'entity'>;
const row = (messageKey: string | null, messageValues: Row['messageValues'], extra: Partial<Row> = {}): Row => ({
  messageKey, messageValues, summary: 'stored english summary', actorName: '系统管理员', action: 'update', entity: 'product', ...extra,
});

describe('auditLine', () => {
  it('words each key in Chinese, with no raw codes or server English', async () => {
    await loadLocale('zh-CN');
    expect(auditLine(w, row('auth.login', { name: '系统管理员' }, { action: 'login', entity: 'auth' }))).toBe('系统管理员 登录系统');
    expect(auditLine(w, row('auth.logout', { name: null }, { action: 'logout', entity: 'auth', actorName: '张三' }))).toBe('张三 退出登录');
    expect(auditLine(w, row('transition', { action: 'reject', entity: 'sales_order', from: 'PENDING_APPROVAL', to: 'REJECTED', note: '价格过低' }))).toBe('销售订单：待审批 → 已驳回（价格过低）');
    expect(auditLine(w, row('transition', { action: 'reverse', entity: 'receipt', from: 'ACTIVE', to: 'REVERSED', note: null }))).toBe('收款单：有效 → 已冲销');
    expect(auditLine(w, row('import', { what: 'products', created: 3, updated: 1 }))).toBe('导入商品：新增 3 条，更新 1 条');
    expect(auditLine(w, row('mall_publish', { count: 2 }))).toBe('商城上架 2 种商品');
    expect(auditLine(w, row('settings', { stockControl: 'BLOCK', priceScale: '2' }))).toBe('公司设置：可用量控制 禁止超量，单价小数位数 2');
    expect(auditLine(w, row('generic', { action: 'create', entity: 'product', label: 'SP0001' }))).toBe('新增商品 SP0001');
    expect(auditLine(w, row('generic', { action: 'checkout', entity: 'mall_cart', label: null }))).toBe('商城下单购物车');
  });

  it('unknown codes become words, never the code', async () => {
    await loadLocale('zh-CN');
    const line = auditLine(w, row('generic', { action: 'frobnicate', entity: 'gizmo', label: 'X1' }));
    expect(line).toBe('操作记录 X1');
    expect(auditLine(w, row('transition', { entity: 'sales_order', from: 'WEIRD', to: 'REJECTED', note: null }))).toBe('销售订单：其他状态 → 已驳回');
  });

  it('English readers get English', async () => {
    await loadLocale('en');
    expect(auditLine(w, row('auth.login', { name: 'admin' }))).toBe('admin signed in');
    expect(auditLine(w, row('transition', { entity: 'sales_order', from: 'PENDING_APPROVAL', to: 'REJECTED', note: 'price too low' }))).toMatch(/Pending approval → Rejected \(price too low\)$/);
    await loadLocale('zh-CN');
  });

  it('a row without a key (or a key from a newer server) shows the stored summary', async () => {
    await loadLocale('zh-CN');
    expect(auditLine(w, row(null, null))).toBe('stored english summary');
    expect(auditLine(w, row('brand_new', {}))).toBe('stored english summary');
  });
});
