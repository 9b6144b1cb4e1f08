import { onBeforeUnmount, onMounted } from 'vue';
import { onBeforeRouteLeave } from 'vue-router';
import { t } from '@/i18n';
import { confirmAction } from './useConfirm';

/**
 * Guards a page with unsaved edits: leaving it inside the app asks first (放弃修改 / 取消), and
 * closing or reloading the tab makes the browser ask too. `dirty` is read at the moment of leaving
 * (a page that has just saved and navigates on returns false).
 */
export function useUnsavedGuard(dirty: () => boolean, message: () => string = () => t('common.unsavedChanges')): void {
  function onBeforeUnload(event: BeforeUnloadEvent): void {
    if (!dirty()) return;
    event.preventDefault();
    event.returnValue = '';
  }
  onMounted(() => window.addEventListener('beforeunload', onBeforeUnload));
  onBeforeUnmount(() => window.removeEventListener('beforeunload', onBeforeUnload));
  onBeforeRouteLeave(() => (dirty() ? confirmAction(message(), { title: t('common.unsavedTitle'), confirmText: t('common.discard') }) : true));
}
