import { describe, expect, it } from 'vitest';
import { fileNameFromDisposition } from './download';

describe('fileNameFromDisposition', () => {
  it('prefers the UTF-8 name and decodes it', () => {
    const header = `attachment; filename="%E5%95%86%E5%93%81.xlsx"; filename*=UTF-8''%E5%95%86%E5%93%81-20261123.xlsx`;
    expect(fileNameFromDisposition(header)).toBe('商品-20261123.xlsx');
  });
  it('falls back to the plain name, or null', () => {
    expect(fileNameFromDisposition('attachment; filename="prices.xlsx"')).toBe('prices.xlsx');
    expect(fileNameFromDisposition('attachment')).toBeNull();
    expect(fileNameFromDisposition(undefined)).toBeNull();
  });
});
