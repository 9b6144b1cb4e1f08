import { diff } from './audit.service';

describe('audit diff', () => {
  it('keeps only changed fields of an update, ignoring bookkeeping columns', () => {
    const [b, a] = diff({ name: 'A', phone: '1', version: 1, updatedAt: new Date(0) }, { name: 'B', phone: '1', version: 2, updatedAt: new Date() });
    expect(b).toEqual({ name: 'A' });
    expect(a).toEqual({ name: 'B' });
  });
  it('keeps whole records for creates and deletes, without secrets', () => {
    const [b, a] = diff(null, { username: 'x', passwordHash: 'secret', createdAt: new Date('2026-01-01T00:00:00Z') });
    expect(b).toBeNull();
    expect(a).toEqual({ username: 'x', createdAt: '2026-01-01T00:00:00.000Z' });
  });
  it('records a field that became null', () => {
    expect(diff({ remark: 'x' }, { remark: null })).toEqual([{ remark: 'x' }, { remark: null }]);
  });
});
