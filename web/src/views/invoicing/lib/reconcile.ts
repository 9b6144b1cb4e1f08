import { Dec, isDecimalString } from '@drp/shared';
import type { Finding, FindingCategory } from '@/api/invoicing';

/** How a finding's two sides are laid out next to each other, and which actions it offers. */

export const COMPARED_FIELDS = ['type', 'issueDate', 'buyerName', 'buyerTaxId', 'amount', 'tax', 'total', 'status'] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];
export const MONEY_FIELDS: readonly ComparedField[] = ['amount', 'tax', 'total'];

/** The platform's 发票状态 words, as the register's status codes. */
const PLATFORM_STATUS: Record<string, string> = {
  正常: 'NORMAL',
  已作废: 'VOIDED',
  '已红冲-全额': 'RED_FULL',
  '已红冲-部分': 'RED_PARTIAL',
  全额红冲: 'RED_FULL',
  部分红冲: 'RED_PARTIAL',
};

/** A status from either side as a register status code (the platform's words mapped). */
export function statusCode(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  const s = String(value).trim();
  return PLATFORM_STATUS[s] ?? s;
}

function same(field: ComparedField, a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || a === '' || b === null || b === undefined || b === '') return true;
  if (MONEY_FIELDS.includes(field) && isDecimalString(String(a), 10) && isDecimalString(String(b), 10)) return new Dec(String(a)).eq(String(b));
  if (field === 'status') return statusCode(a) === statusCode(b);
  if (field === 'issueDate') return String(a).slice(0, 10) === String(b).slice(0, 10);
  if (field === 'buyerTaxId') return String(a).trim().toUpperCase() === String(b).trim().toUpperCase();
  return String(a).trim() === String(b).trim();
}

export interface ComparedRow {
  field: ComparedField;
  platform: unknown;
  system: unknown;
  /** both sides have a value and they differ */
  differs: boolean;
}

export function compareSides(f: Pick<Finding, 'platform' | 'system'>): ComparedRow[] {
  return COMPARED_FIELDS.map((field) => {
    const platform = f.platform?.[field] ?? null;
    const system = f.system?.[field] ?? null;
    return { field, platform, system, differs: !!f.platform && !!f.system && !same(field, platform, system) };
  });
}

export interface FindingActions {
  supplement: boolean;
  correctStatus: boolean;
  explain: boolean;
}

/**
 * The actions a finding offers while it is open: 补录 where the platform has an invoice the system
 * lacks, 以平台状态更正 for a status mismatch, 标记已说明 for
 * anything that is not a plain match. A resolved finding offers none.
 */
export function findingActions(f: Pick<Finding, 'category' | 'resolution' | 'platform' | 'system'>): FindingActions {
  const open = !f.resolution && f.category !== 'MATCHED';
  return {
    supplement: open && !!f.platform && !f.system && f.category === 'MISSING_IN_SYSTEM',
    correctStatus: open && f.category === 'STATUS_MISMATCH' && !!f.system && !!f.platform,
    explain: open,
  };
}

/** Categories that need someone to look (everything but MATCHED), in the order the cards show. */
export const PROBLEM_CATEGORIES: readonly FindingCategory[] = [
  'MISSING_IN_SYSTEM',
  'MISSING_ON_PLATFORM',
  'AMOUNT_MISMATCH',
  'STATUS_MISMATCH',
  'DUPLICATE',
  'INVALID_TAX_ID',
  'RED_WITHOUT_BLUE',
];

/** Two runs' counts side by side with the change from the first to the second. */
export function countDelta(a: Partial<Record<FindingCategory, number>>, b: Partial<Record<FindingCategory, number>>, category: FindingCategory) {
  const x = a[category] ?? 0;
  const y = b[category] ?? 0;
  return { a: x, b: y, delta: y - x };
}

/** The file size people read ("12.3 MB"). */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
