import type { App, Directive, DirectiveBinding } from 'vue';
import { useAuthStore, type PermissionCheck } from '@/stores/auth';

/**
 * `v-perm="'orgs:manage'"` (or a list, any of which suffices) removes the element when the user
 * lacks the permission. Buttons only: the server enforces every permission regardless.
 */
function apply(el: HTMLElement, binding: DirectiveBinding<PermissionCheck>): void {
  if (!useAuthStore().can(binding.value)) el.parentNode?.removeChild(el);
}

export const vPerm: Directive<HTMLElement, PermissionCheck> = {
  mounted: apply,
};

export function setupPermDirective(app: App): void {
  app.directive('perm', vPerm);
}

declare module 'vue' {
  interface ComponentCustomProperties {
    vPerm: typeof vPerm;
  }
}
