import { describe, expect, it } from 'vitest';
import { dealerConsoleRedirect } from './guard';

describe('dealerConsoleRedirect', () => {
  it('sends a dealer who orders from any console page to the mall', () => {
    for (const path of ['/orders', '/sales/orders', '/pricing/simulator', '/approval/inbox', '/finance/aging', '/catalog/products', '/dashboard', '/profile', '/403']) {
      expect(dealerConsoleRedirect(path, 'x', true, true)).toBe('/mall');
    }
  });
  it('leaves mall pages alone', () => {
    expect(dealerConsoleRedirect('/mall', 'mall-home', true, true)).toBeNull();
    expect(dealerConsoleRedirect('/mall/orders/1', 'mall-order', true, true)).toBeNull();
    // '/mallx' is not the mall
    expect(dealerConsoleRedirect('/mallx', 'not-found', true, true)).toBe('/mall');
  });
  it('a dealer who may not order sees 403, not a redirect loop', () => {
    expect(dealerConsoleRedirect('/orders', 'x', true, false)).toEqual({ name: 'forbidden' });
    expect(dealerConsoleRedirect('/403', 'forbidden', true, false)).toBeNull();
  });
  it('staff stay where they go', () => {
    expect(dealerConsoleRedirect('/orders', 'x', false, true)).toBeNull();
    expect(dealerConsoleRedirect('/pricing/simulator', 'x', false, false)).toBeNull();
  });
});
