import { deriveAuditMessage, transitionMessage } from './audit-message';

describe('deriveAuditMessage', () => {
  it('sign-in events by action, naming who', () => {
    expect(deriveAuditMessage({ action: 'login', entity: 'auth', actor: { id: 'u', name: '系统管理员' } }, null)).toEqual({ key: 'auth.login', values: { name: '系统管理员' } });
    expect(deriveAuditMessage({ action: 'logout', entity: 'auth' }, '张三')).toEqual({ key: 'auth.logout', values: { name: '张三' } });
  });

  it('a status move from before/after, with the reason', () => {
    expect(deriveAuditMessage({ action: 'reject', entity: 'sales_order', before: { status: 'PENDING_APPROVAL' }, after: { status: 'REJECTED', note: 'price too low' } }, null)).toEqual({
      key: 'transition',
      values: { action: 'reject', entity: 'sales_order', from: 'PENDING_APPROVAL', to: 'REJECTED', note: 'price too low' },
    });
    expect(transitionMessage('receipt', 'reverse', 'ACTIVE', 'REVERSED', null).values).toMatchObject({ from: 'ACTIVE', to: 'REVERSED', note: null });
  });

  it('an unchanged status is no move', () => {
    expect(deriveAuditMessage({ action: 'update', entity: 'user', before: { status: 'ACTIVE', username: 'a' }, after: { status: 'ACTIVE' } }, null)).toEqual({ key: 'generic', values: { action: 'update', entity: 'user', label: 'a' } });
  });

  it('imports, publishing and settings', () => {
    expect(deriveAuditMessage({ action: 'import_products', entity: 'product', after: { created: 3, updated: 1, errors: [] } }, null)).toEqual({ key: 'import', values: { what: 'products', created: 3, updated: 1 } });
    expect(deriveAuditMessage({ action: 'mall_publish', entity: 'product', after: { productIds: ['a', 'b'], published: true } }, null)).toEqual({ key: 'mall_publish', values: { count: 2 } });
    expect(deriveAuditMessage({ action: 'update', entity: 'company_settings', after: { stockControl: 'BLOCK', priceScale: 2 } }, null)).toEqual({ key: 'settings', values: { stockControl: 'BLOCK', priceScale: '2' } });
  });

  it('anything else: action, entity and the label from after, else before', () => {
    expect(deriveAuditMessage({ action: 'create', entity: 'product', after: { code: 'SP0001', name: '矿泉水' } }, null).values).toEqual({ action: 'create', entity: 'product', label: 'SP0001' });
    expect(deriveAuditMessage({ action: 'delete', entity: 'category', before: { code: 'C1' } }, null).values.label).toBe('C1');
    expect(deriveAuditMessage({ action: 'favourite', entity: 'mall_favourite' }, null).values.label).toBeNull();
  });
});
