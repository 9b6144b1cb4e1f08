import type { FormItemRule } from 'element-plus';
import { t, te } from '@/i18n';
import { ApiError } from '@/api/http';
import { errorMessage } from '@/api/errors';
import type { InvoiceNumbers, InvoiceType, RowProblem } from '@/api/invoicing';
import { numberProblems, type NumberProblem } from './numbers';
import { taxIdProblem } from './taxId';

/** The words of the invoice forms' checks and of the server's invoice errors (i18n: invoice.*). */

export function typeName(type: string | null | undefined): string {
  if (!type) return '';
  return te(`invoice.type.${type}`) ? t(`invoice.type.${type}`) : type;
}

export function numberProblemText(p: NumberProblem, type: InvoiceType | string): string {
  if (p.problem === 'REQUIRED') return t(`invoice.number.REQUIRED.${p.field}`);
  return t(`invoice.number.${p.problem}`, { type: typeName(type), lengths: p.field === 'code' ? p.lengths : '' });
}

/** el-form rules for the number fields of an invoice of the type `type()` reads now. */
export function numberRules(type: () => InvoiceType | '' | null | undefined, model: () => InvoiceNumbers): Record<'elecNumber' | 'code' | 'number', FormItemRule[]> {
  const rule = (field: 'elecNumber' | 'code' | 'number'): FormItemRule[] => [
    {
      trigger: 'blur',
      validator: (_r, _v, cb) => {
        const ty = type();
        const p = numberProblems(ty, model()).find((x) => x.field === field);
        if (p && ty) cb(new Error(numberProblemText(p, ty)));
        else cb();
      },
    },
  ];
  return { elecNumber: rule('elecNumber'), code: rule('code'), number: rule('number') };
}

export function taxIdText(raw: string | null | undefined, required = true): string | null {
  const p = taxIdProblem(raw, required);
  return p ? t(`invoice.taxId.${p}`) : null;
}

export function taxIdRule(value: () => string | null | undefined, required = true): FormItemRule[] {
  return [
    {
      trigger: 'blur',
      validator: (_r, _v, cb) => {
        const text = taxIdText(value(), required);
        if (text) cb(new Error(text));
        else cb();
      },
    },
  ];
}

const FIELD_KEYS: Record<string, string> = {
  buyerTaxId: 'invoice.fields.buyerTaxId',
  sellerTaxId: 'invoice.fields.sellerTaxId',
  elecNumber: 'invoice.fields.elecNumber',
  code: 'invoice.fields.code',
  number: 'invoice.fields.number',
};

/**
 * An API error in words, with what the invoice errors' details add: the field a bad tax id or
 * number is in, the existing invoice a duplicate names, what a line has left, the columns a
 * workbook lacks. Everything else as the app words any error.
 */
export function invoiceErrorText(error: unknown): string {
  const e = ApiError.from(error);
  const d = (e.details ?? {}) as Record<string, unknown>;
  const base = errorMessage(e);
  const field = typeof d.field === 'string' && FIELD_KEYS[d.field] ? t(FIELD_KEYS[d.field]) : '';
  switch (e.code) {
    case 'TAX_ID_INVALID':
    case 'INVOICE_NUMBER_INVALID':
      return field ? `${field}：${base}` : base;
    case 'INVOICE_DUPLICATE':
      return typeof d.label === 'string' ? t('invoice.supplement.duplicate', { label: d.label }) : base;
    case 'INVOICE_QTY_EXCEEDS_UNINVOICED':
      return typeof d.left === 'string' ? `${base}（${t('invoice.create.problems.EXCEEDS_UNINVOICED', { left: d.left })}）` : base;
    case 'PLATFORM_EXPORT_COLUMNS_MISSING':
      return Array.isArray(d.missing) ? t('invoice.import.missingColumns', { columns: d.missing.join('、') }) : base;
    default:
      return base;
  }
}

/** A row problem of an import, worded from its code. */
export function rowProblemText(p: RowProblem): string {
  const key = `invoice.import.problems.${p.code}`;
  if (te(key)) return t(key, { ...(p.params ?? {}) });
  const general = `errors.${p.code}`;
  if (te(general)) return t(general);
  return t('invoice.import.problems.unknown', { code: p.code });
}

/** The row problems an import's 400 carries (details.problems, or the catalog import's details.errors). */
export function rowProblems(error: unknown): RowProblem[] | null {
  const d = (ApiError.from(error).details ?? {}) as { problems?: unknown; errors?: unknown };
  const list = Array.isArray(d.problems) ? d.problems : Array.isArray(d.errors) ? d.errors : null;
  return list as RowProblem[] | null;
}
