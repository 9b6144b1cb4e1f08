import { describe, expect, it } from 'vitest';
import { useLatestLoad } from './useLatestLoad';

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('useLatestLoad', () => {
  it('keeps only the newest answer, whatever order the answers come in', async () => {
    const l = useLatestLoad<string[]>([]);
    const first = deferred<string[]>();
    const second = deferred<string[]>();
    const a = l.run(() => first.promise);
    const b = l.run(() => second.promise);
    second.resolve(['new']);
    expect(await b).toBe(true);
    first.resolve(['old']);
    expect(await a).toBe(false);
    expect(l.data.value).toEqual(['new']);
    expect(l.loading.value).toBe(false);
  });

  it('a failure empties the data and keeps the reason; a superseded failure is ignored', async () => {
    const l = useLatestLoad<string[]>([]);
    await l.run(async () => ['x']);
    const boom = new Error('boom');
    expect(await l.run(() => Promise.reject(boom))).toBe(false);
    expect(l.data.value).toEqual([]);
    expect(l.error.value).toBe(boom);

    const late = deferred<string[]>();
    const stale = l.run(() => late.promise);
    await l.run(async () => ['y']);
    late.reject(new Error('late'));
    await stale;
    expect(l.data.value).toEqual(['y']);
    expect(l.error.value).toBeNull();
  });

  it('set shows a value at once and forgets the load still out', async () => {
    const l = useLatestLoad<string | null>(null);
    const out = deferred<string | null>();
    const pending = l.run(() => out.promise);
    expect(l.loading.value).toBe(true);
    l.set('row');
    expect(l.loading.value).toBe(false);
    out.resolve('from server');
    await pending;
    expect(l.data.value).toBe('row');
  });
});
