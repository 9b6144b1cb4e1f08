import { readonly, ref, type Ref } from 'vue';

/**
 * The console's one phone breakpoint: at most this many CSS pixels wide is a phone. The same
 * number is used by the global styles (web/src/styles/index.css, `@media (max-width: 767px)`).
 */
export const PHONE_MAX_WIDTH = 767;
export const PHONE_QUERY = `(max-width: ${PHONE_MAX_WIDTH}px)`;

let shared: Ref<boolean> | null = null;

/**
 * `true` while the window is phone-sized (matchMedia, follows rotation and resizing). One media
 * listener for the whole app, shared by every caller.
 */
export function useIsPhone(): Readonly<Ref<boolean>> {
  if (!shared) {
    const media = typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia(PHONE_QUERY) : null;
    const state = ref(media?.matches ?? false);
    media?.addEventListener('change', (e) => (state.value = e.matches));
    shared = state;
  }
  return readonly(shared);
}
