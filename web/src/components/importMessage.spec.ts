import { describe, expect, it } from 'vitest';
import { loadLocale } from '@/i18n';
import { importMessage } from './importMessage';

describe('importMessage', () => {
  it('translates the server row messages it knows and passes others through', async () => {
    await loadLocale('zh-CN');
    expect(importMessage('required')).toBe('必填');
    expect(importMessage('duplicate of row 5')).toBe('与第 5 行重复');
    expect(importMessage('unknown category DRINK-X')).toBe('分类编码 DRINK-X 不存在');
    expect(importMessage('must be a number >= 0 with at most 4 decimals')).toBe('须为不小于 0 的数字，最多 4 位小数');
    expect(importMessage('something new')).toBe('something new');
    await loadLocale('en');
    expect(importMessage('duplicate of row 5')).toBe('duplicate of row 5');
    await loadLocale('zh-CN');
  });
});
