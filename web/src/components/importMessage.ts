import { t } from '@/i18n';

/**
 * The server writes import row problems in English (`required`, `duplicate of row 5`...). This maps
 * the known ones to the current language and passes anything else through unchanged.
 */
const PATTERNS: [RegExp, string, (m: RegExpExecArray) => Record<string, string>][] = [
  [/^required$/, 'required', () => ({})],
  [/^column missing$/, 'columnMissing', () => ({})],
  [/^too many rows$/, 'tooManyRows', () => ({})],
  [/^The sheet has no data rows$/, 'noRows', () => ({})],
  [/^at most (\d+) characters$/, 'maxLength', (m) => ({ n: m[1] })],
  [/^must be a number >= 0 with at most (\d+) decimals$/, 'decimal', (m) => ({ n: m[1] })],
  [/^must be above 0$/, 'positive', () => ({})],
  [/^duplicate of row (\d+)$/, 'duplicateRow', (m) => ({ row: m[1] })],
  [/^unknown category (.+)$/, 'unknownCategory', (m) => ({ code: m[1] })],
  [/^unknown product (.+)$/, 'unknownProduct', (m) => ({ code: m[1] })],
  [/^already used by product (.+)$/, 'barcodeTaken', (m) => ({ code: m[1] })],
  [/^letters, digits, _ or - only$/, 'codePattern', () => ({})],
  [/^4-32 digits or letters$/, 'barcodePattern', () => ({})],
  [/^a decimal below 1, such as 0\.13$/, 'taxRate', () => ({})],
  [/^在售 or 停售$/, 'status', () => ({})],
  [/^是 or 否$/, 'yesNo', () => ({})],
];

export function importMessage(message: string): string {
  for (const [re, key, params] of PATTERNS) {
    const m = re.exec(message.trim());
    if (m) return t(`catalog.import.messages.${key}`, params(m));
  }
  return message;
}
