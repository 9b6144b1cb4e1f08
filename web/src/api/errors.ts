import { t, te } from '@/i18n';
import { ApiError } from './http';

/**
 * The user-facing text for an API error: the translation of its `code` (`errors.<CODE>`) when we
 * have one, else the server's own message, else a generic line.
 */
export function errorMessage(error: unknown): string {
  const apiError = ApiError.from(error);
  const key = `errors.${apiError.code}`;
  if (te(key)) {
    const details = (apiError.details ?? {}) as Record<string, unknown>;
    const seconds = typeof details.retryAfterSeconds === 'number' ? details.retryAfterSeconds : 60;
    // a refused password says why (passwordProblem's code, `password.reason.<CODE>`)
    if (apiError.code === 'WEAK_PASSWORD' && typeof details.reason === 'string' && te(`password.reason.${details.reason}`)) {
      return t(`password.reason.${details.reason}`);
    }
    const text = t(key, { seconds });
    // Validation failures: the server's message names the field; show it after ours.
    if (apiError.code === 'VALIDATION_FAILED' && apiError.message && apiError.message !== text) {
      return `${text}（${apiError.message}）`;
    }
    return text;
  }
  return apiError.message || t('errors.UNKNOWN');
}
