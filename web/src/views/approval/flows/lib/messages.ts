import { ErrorCode } from '@drp/shared';
import { ApiError } from '@/api/http';
import { errorMessage } from '@/api/errors';
import { t } from '@/i18n';

/**
 * What to tell the user when the server refuses a flow save or an enable. DUPLICATE names the
 * flow that already applies (details.flow) or the code that is taken, instead of the generic
 * "编码或名称已被使用"; other codes get the app's usual text.
 */
export function flowErrorMessage(error: unknown): string {
  const err = ApiError.from(error);
  const details = (err.details ?? {}) as { field?: unknown; flow?: unknown; entity?: unknown; codes?: unknown };
  if (err.code === ErrorCode.DUPLICATE) {
    if (details.field === 'orgId') return typeof details.flow === 'string' ? t('approvalFlow.errors.activeExists', { flow: details.flow }) : err.message || errorMessage(err);
    if (details.field === 'code') return t('approvalFlow.errors.codeTaken');
  }
  if (err.code === ErrorCode.VALIDATION_FAILED && details.field === 'orgId') return t('approvalFlow.errors.orgNotAllowed');
  if (err.code === ErrorCode.NOT_FOUND && details.entity === 'role') {
    return t('approvalFlow.errors.unknownRole', { codes: Array.isArray(details.codes) ? details.codes.join(', ') : '' });
  }
  if (err.code === ErrorCode.NOT_FOUND && details.entity === 'user') return t('approvalFlow.errors.unknownUser');
  if (err.code === ErrorCode.STALE_VERSION) return t('approvalFlow.form.stale');
  return errorMessage(err);
}

/** The header field a refusal is about (shown under that field), if any. */
export function flowErrorField(error: unknown): 'code' | 'orgId' | null {
  const err = ApiError.from(error);
  const field = (err.details as { field?: unknown } | undefined)?.field;
  if ((err.code === ErrorCode.DUPLICATE || err.code === ErrorCode.VALIDATION_FAILED) && (field === 'code' || field === 'orgId')) return field;
  return null;
}
