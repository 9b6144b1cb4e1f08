import { ElMessage, ElMessageBox } from 'element-plus';
import { t } from '@/i18n';

/**
 * Ask before a destructive action. Resolves true when confirmed, false when cancelled
 * (never rejects), so callers write `if (!(await confirmAction(...))) return;`.
 */
export async function confirmAction(
  message: string,
  options: { title?: string; type?: 'warning' | 'info' | 'error'; confirmText?: string; danger?: boolean } = {},
): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, options.title ?? t('common.tip'), {
      type: options.type ?? 'warning',
      confirmButtonText: options.confirmText ?? t('common.confirm'),
      cancelButtonText: t('common.cancel'),
      confirmButtonClass: options.danger ? 'el-button--danger' : undefined,
      autofocus: false,
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * 停用/启用 with a confirmation: asks with the page's own message, calls disable or enable,
 * toasts the outcome and lets the page reload. Errors are toasted by the HTTP client.
 * Resolves true when the status changed.
 */
export async function toggleStatusConfirmed(opts: {
  active: boolean;
  /** i18n keys of the two questions, given `{ name }` */
  confirmKeys: { disable: string; enable: string };
  name: string;
  disable: () => Promise<unknown>;
  enable: () => Promise<unknown>;
  after?: () => Promise<unknown> | unknown;
}): Promise<boolean> {
  const disabling = opts.active;
  const ok = await confirmAction(t(disabling ? opts.confirmKeys.disable : opts.confirmKeys.enable, { name: opts.name }), {
    type: disabling ? 'warning' : 'info',
    danger: disabling,
    confirmText: disabling ? t('common.disable') : t('common.enable'),
  });
  if (!ok) return false;
  try {
    await (disabling ? opts.disable() : opts.enable());
  } catch {
    return false; // toast shown by the client
  }
  ElMessage.success(t(disabling ? 'common.disabled' : 'common.enabled'));
  await opts.after?.();
  return true;
}
