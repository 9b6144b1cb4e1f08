// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { PHONE_QUERY, useIsPhone } from './useIsPhone';

/** A window.matchMedia whose answer the test sets, telling its listeners like a browser does. */
function fakeMedia(initial: boolean) {
  const listeners: ((e: { matches: boolean }) => void)[] = [];
  const queries: string[] = [];
  const list = {
    matches: initial,
    addEventListener: (_type: 'change', fn: (e: { matches: boolean }) => void) => listeners.push(fn),
  };
  window.matchMedia = ((query: string) => {
    queries.push(query);
    return list;
  }) as unknown as typeof window.matchMedia;
  return {
    queries,
    listeners,
    set(matches: boolean) {
      list.matches = matches;
      listeners.forEach((fn) => fn({ matches }));
    },
  };
}

describe('useIsPhone', () => {
  it('follows the phone breakpoint, with one media listener for every caller', () => {
    const media = fakeMedia(true);
    const a = useIsPhone();
    const b = useIsPhone();
    expect(PHONE_QUERY).toBe('(max-width: 767px)');
    expect(media.queries).toEqual([PHONE_QUERY]);
    expect(media.listeners).toHaveLength(1);
    expect(a.value).toBe(true);

    // the window grows to a desktop and shrinks back
    media.set(false);
    expect(a.value).toBe(false);
    expect(b.value).toBe(false);
    media.set(true);
    expect(b.value).toBe(true);
  });
});
