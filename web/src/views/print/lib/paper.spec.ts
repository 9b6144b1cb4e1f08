import { describe, expect, it } from 'vitest';
import { DEFAULT_PAPER, isPaperKey, pageCss, pickPaper } from './paper';

describe('print papers', () => {
  it('knows A4 and the two 241 mm continuous forms', () => {
    expect(isPaperKey('a4')).toBe(true);
    expect(isPaperKey('241x140')).toBe(true);
    expect(isPaperKey('241x280')).toBe(true);
    expect(isPaperKey('letter')).toBe(false);
    expect(isPaperKey(undefined)).toBe(false);
  });

  it('takes the query, else the remembered paper, else A4', () => {
    expect(pickPaper('241x140', 'a4')).toBe('241x140');
    expect(pickPaper('bogus', '241x280')).toBe('241x280');
    expect(pickPaper(undefined, null)).toBe(DEFAULT_PAPER);
    expect(DEFAULT_PAPER).toBe('a4');
  });

  it('writes the @page rule with the size and a page counter in the language given', () => {
    const zh = pageCss('241x140', (page, pages) => `第 ${page} / ${pages} 页`);
    expect(zh).toContain('size: 241mm 140mm');
    expect(zh).toContain('content: "第 " counter(page) " / " counter(pages) " 页"');
    expect(pageCss('a4', (page, pages) => `Page ${page} of ${pages}`)).toContain('size: 210mm 297mm');
  });
});
