import { describe, expect, it } from 'vitest';
import type { ImportProblem } from '@drp/shared';
import { loadLocale } from '@/i18n';
import { importMessage } from './importMessage';

describe('importMessage', () => {
  it('words each import problem from its code and parameters, in the current language', async () => {
    await loadLocale('zh-CN');
    expect(importMessage({ code: 'REQUIRED', params: {} })).toBe('必填');
    expect(importMessage({ code: 'DUPLICATE_IN_FILE', params: { row: 5 } })).toBe('与第 5 行重复');
    expect(importMessage({ code: 'UNKNOWN_CATEGORY', params: { code: 'DRINK-X' } })).toBe('分类编码 DRINK-X 不存在');
    expect(importMessage({ code: 'NOT_A_NUMBER', params: { scale: 4 } })).toBe('须为不小于 0 的数字，最多 4 位小数');
    expect(importMessage({ code: 'TOO_MANY_ROWS', params: { max: 20000 } })).toBe('行数过多，每个文件最多 20000 行');
    expect(importMessage({ code: 'NUMBER_LOST_DIGITS', params: { digits: 15 } })).toBe('数字超过 15 位，Excel 会丢失末尾数字：请以文本格式填写（如前加英文单引号）');
    await loadLocale('en');
    expect(importMessage({ code: 'DUPLICATE_IN_FILE', params: { row: 5 } })).toBe('duplicate of row 5');
    expect(importMessage({ code: 'TOO_LONG', params: { max: 32 } })).toBe('at most 32 characters');
    expect(importMessage({ code: 'BARCODE_TAKEN', params: { code: 'X-002' } })).toBe('already used by product X-002');
    expect(importMessage({ code: 'NUMBER_LOST_DIGITS', params: { digits: 15 } })).toBe('a number of more than 15 digits loses digits in Excel: type it as text (e.g. with a leading apostrophe)');
    await loadLocale('zh-CN');
  });

  it('shows a code it does not know (a newer server) as the code', async () => {
    await loadLocale('zh-CN');
    expect(importMessage({ code: 'SOMETHING_NEW', params: {} } as unknown as ImportProblem)).toBe('SOMETHING_NEW');
  });
});
