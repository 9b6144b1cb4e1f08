/**
 * Simplified Chinese, the default language: the first screens' words (`zh-CN.core.ts`, in the first
 * download) and the rest (`zh-CN.rest.ts`, loaded lazily), whole. The app loads the two parts
 * separately (i18n/index.ts); this file is the schema and what unit specs read. `en.ts` must have
 * exactly the same keys (a unit test checks). vue-i18n treats `{`, `}`, `@`, `|` and `$` specially:
 * keep them out of plain text.
 */
import core from './zh-CN.core';
import rest from './zh-CN.rest';

const zhCN = { ...core, ...rest };

export type MessageSchema = typeof zhCN;
export default zhCN;
