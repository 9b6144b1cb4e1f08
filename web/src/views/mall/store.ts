import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { MallCartDto, MallCategoryDto, MallReorderResult } from '@drp/shared';
import { mallApi, mallCartApi } from '@/api/mall';

/**
 * What the mall's pages share: the cart (its badge in the tab bar), the categories (home, catalog
 * and the 分类 page) and the skipped lines of the last reorder (shown once on the cart page).
 */
export const useMallStore = defineStore('mall', () => {
  const cart = shallowRef<MallCartDto | null>(null);
  const cartCount = ref(0);
  const categories = shallowRef<MallCategoryDto[] | null>(null);
  const lastReorder = shallowRef<MallReorderResult | null>(null);

  function setCart(next: MallCartDto): MallCartDto {
    cart.value = next;
    cartCount.value = next.lineCount;
    return next;
  }

  async function loadCart(): Promise<MallCartDto> {
    return setCart(await mallCartApi.get());
  }

  /** The badge only: quiet on failure. */
  async function refreshCount(): Promise<void> {
    try {
      await loadCart();
    } catch {
      // the badge keeps what it had
    }
  }

  async function loadCategories(force = false): Promise<MallCategoryDto[]> {
    if (!categories.value || force) categories.value = await mallApi.categories();
    return categories.value;
  }

  function reset(): void {
    cart.value = null;
    cartCount.value = 0;
    categories.value = null;
    lastReorder.value = null;
  }

  return { cart, cartCount, categories, lastReorder, setCart, loadCart, refreshCount, loadCategories, reset };
});
