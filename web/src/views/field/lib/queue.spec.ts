import { describe, expect, it } from 'vitest';
import { isOffline, loadQueue, remainingAfter, saveQueue } from './queue';

describe('field offline queue', () => {
  it('keeps items per user and survives garbage', () => {
    const mem = new Map<string, string>();
    const store = { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) };
    saveQueue('u1', [{ kind: 'NOTES', clientId: 'abcdefgh1', deviceAt: '2026-12-07T01:00:00Z', visitId: 'v', notes: 'x' }], store);
    expect(loadQueue('u1', store)).toHaveLength(1);
    expect(loadQueue('u2', store)).toEqual([]);
    mem.set('drp.field.queue.u3', '{not json');
    expect(loadQueue('u3', store)).toEqual([]);
  });

  it('after a sync: done and duplicate leave, a check-in not arrived yet stays, refusals are reported', () => {
    const items = ['a', 'b', 'c', 'd', 'e'].map((c) => ({ kind: 'NOTES' as const, clientId: `${c}xxxxxxx`, deviceAt: '' }));
    const { left, failed } = remainingAfter(items, [
      { clientId: 'axxxxxxx', kind: 'NOTES', status: 'DONE' },
      { clientId: 'bxxxxxxx', kind: 'NOTES', status: 'DUPLICATE' },
      { clientId: 'cxxxxxxx', kind: 'NOTES', status: 'FAILED', code: 'VISIT_NOT_CHECKED_IN' },
      { clientId: 'dxxxxxxx', kind: 'NOTES', status: 'FAILED', code: 'NOT_FOUND' },
    ]);
    expect(left.map((i) => i.clientId)).toEqual(['cxxxxxxx', 'exxxxxxx']);
    expect(failed.map((f) => f.code)).toEqual(['NOT_FOUND']);
  });

  it('a network failure or an offline browser queues; a refusal does not', () => {
    expect(isOffline({ code: 'NETWORK' }, true)).toBe(true);
    expect(isOffline({ code: 'VISIT_ALREADY_OPEN' }, true)).toBe(false);
    expect(isOffline({ code: 'VISIT_ALREADY_OPEN' }, false)).toBe(true);
  });
});
