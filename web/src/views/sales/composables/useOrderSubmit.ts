import { h } from 'vue';
import { ElMessage, ElMessageBox } from 'element-plus';
import { ErrorCode, type SalesOrderDto } from '@drp/shared';
import { t } from '@/i18n';
import { ApiError } from '@/api/http';
import { errorMessage } from '@/api/errors';
import { salesOrdersApi, type CreditExceededDetails } from '@/api/sales';
import { formatAmount } from '@/utils/money';
import { creditRefusal } from '../lib/credit';

/**
 * Submitting an order, with the credit refusal in words: 422 CREDIT_LIMIT_EXCEEDED shows the
 * limit, what is used, this order and the excess; a user with credit:override may then submit
 * over the limit with a reason (overrideCredit + overrideReason).
 */

export type SubmitOutcome = { ok: true; order: SalesOrderDto } | { ok: false; refusal: CreditExceededDetails | null; error: ApiError | null };

/** The refusal's figures as one sentence (amounts without the yuan sign: the message carries it). */
export function refusalText(r: CreditExceededDetails): string {
  return t('sales.credit.refusedBody', {
    limit: formatAmount(r.limit),
    exposure: formatAmount(r.exposure),
    available: formatAmount(r.available),
    orderTotal: formatAmount(r.orderTotal),
    excess: formatAmount(r.excess),
  });
}

/** Ask for the reason to let an order through over its limit; null when the user backs out. */
async function askOverrideReason(refusal: CreditExceededDetails | null): Promise<string | null> {
  const message = h('div', { class: 'credit-override-message', 'data-testid': 'credit-override-box' }, [
    refusal ? h('p', { style: 'margin: 0 0 8px' }, refusalText(refusal)) : null,
    h('p', { style: 'margin: 0' }, t('sales.credit.overridePrompt', { excess: refusal ? formatAmount(refusal.excess) : '—' })),
  ]);
  try {
    const { value } = await ElMessageBox.prompt(message, t('sales.credit.overrideTitle'), {
      type: 'warning',
      confirmButtonText: t('sales.credit.override'),
      cancelButtonText: t('common.cancel'),
      inputType: 'textarea',
      inputValidator: (v: string) => (v && v.trim() ? (v.trim().length <= 200 ? true : t('sales.return.reasonLength')) : t('sales.credit.overrideReasonRequired')),
      autofocus: false,
    });
    return value.trim();
  } catch {
    return null;
  }
}

export async function showRefusal(refusal: CreditExceededDetails | null, fallback: string): Promise<void> {
  const message = h('div', { 'data-testid': 'credit-refusal-box' }, [
    h('p', { style: 'margin: 0 0 8px' }, refusal ? refusalText(refusal) : fallback),
    h('p', { style: 'margin: 0; color: var(--el-text-color-secondary)' }, t('sales.credit.refusedHint')),
  ]);
  await ElMessageBox.alert(message, t('sales.credit.refusedTitle'), { type: 'error', confirmButtonText: t('common.confirm') }).catch(() => undefined);
}

/**
 * Submit `order` (its current `version`). Errors other than the credit refusal are toasted; the
 * refusal is shown in a box, with the override offered when `canOverride`.
 */
export async function submitOrder(order: Pick<SalesOrderDto, 'id' | 'version'>, opts: { canOverride: boolean }): Promise<SubmitOutcome> {
  try {
    return { ok: true, order: await salesOrdersApi.submit(order.id, { version: order.version }, { silent: true }) };
  } catch (e) {
    const error = ApiError.from(e);
    if (error.code !== ErrorCode.CREDIT_LIMIT_EXCEEDED) {
      ElMessage.error({ message: errorMessage(error), grouping: true });
      return { ok: false, refusal: null, error };
    }
    const refusal = creditRefusal(error.details);
    if (!opts.canOverride) {
      await showRefusal(refusal, errorMessage(error));
      return { ok: false, refusal, error };
    }
    const outcome = await overrideSubmit(order, refusal);
    return outcome ?? { ok: false, refusal, error };
  }
}

/**
 * Submit over the credit limit: asks for the reason, then submits with overrideCredit. Resolves
 * null when the user backs out.
 */
export async function overrideSubmit(order: Pick<SalesOrderDto, 'id' | 'version'>, refusal: CreditExceededDetails | null): Promise<SubmitOutcome | null> {
  const reason = await askOverrideReason(refusal);
  if (reason === null) return null;
  try {
    const submitted = await salesOrdersApi.submit(order.id, { version: order.version, overrideCredit: true, overrideReason: reason }, { silent: true });
    return { ok: true, order: submitted };
  } catch (e) {
    const error = ApiError.from(e);
    ElMessage.error({ message: errorMessage(error), grouping: true });
    return { ok: false, refusal: error.code === ErrorCode.CREDIT_LIMIT_EXCEEDED ? creditRefusal(error.details) : refusal, error };
  }
}
