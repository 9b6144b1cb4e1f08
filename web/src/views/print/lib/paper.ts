/**
 * The papers a document prints on, chosen on the print view:
 * - A4: 210 x 297 mm sheets (laser printers);
 * - 241 x 140 mm and 241 x 280 mm: the continuous forms (连续打印纸, 二等分 and 整张) that Chinese
 *   offices feed to dot-matrix printers for 发货单 and 收款单.
 * `pageCss` is the one place the `@page` rule is made; the print layout puts it in a <style> element.
 */
export const PAPERS = {
  a4: { width: 210, height: 297, margin: '12mm 12mm 14mm' },
  '241x140': { width: 241, height: 140, margin: '6mm 8mm 8mm' },
  '241x280': { width: 241, height: 280, margin: '8mm 8mm 10mm' },
} as const;

export type PaperKey = keyof typeof PAPERS;
export const PAPER_KEYS = Object.keys(PAPERS) as PaperKey[];
export const DEFAULT_PAPER: PaperKey = 'a4';

export function isPaperKey(value: unknown): value is PaperKey {
  return typeof value === 'string' && (PAPER_KEYS as string[]).includes(value);
}

/** The paper from a query value, else the remembered one, else A4. */
export function pickPaper(query: unknown, remembered: unknown): PaperKey {
  if (isPaperKey(query)) return query;
  if (isPaperKey(remembered)) return remembered;
  return DEFAULT_PAPER;
}

/**
 * The `@page` rule for a paper, with the page number in the bottom margin ("第 1 / 3 页"; the
 * label words come from the caller so the number follows the UI language).
 */
export function pageCss(key: PaperKey, pageLabel: (page: string, pages: string) => string): string {
  const p = PAPERS[key];
  const counter = pageLabel('" counter(page) "', '" counter(pages) "');
  return `@page { size: ${p.width}mm ${p.height}mm; margin: ${p.margin}; @bottom-center { content: "${counter}"; font-size: 9pt; color: #555; } }`;
}
