import { describe, expect, it } from 'vitest';
import { problemText } from './problem';

describe('problemText', () => {
  const labels: Record<string, string> = { 'errors.PRODUCT_DISCONTINUED': '商品已停售' };
  const t = (k: string) => labels[k] ?? k;
  const te = (k: string) => k in labels;
  it('uses the label of the code, else the server message', () => {
    expect(problemText({ code: 'PRODUCT_DISCONTINUED', message: 'discontinued' }, t, te)).toBe('商品已停售');
    expect(problemText({ code: 'SOMETHING_NEW', message: 'server words' }, t, te)).toBe('server words');
    expect(problemText(null, t, te)).toBe('');
  });
});
