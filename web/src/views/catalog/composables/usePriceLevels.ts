import { computed, ref, shallowRef } from 'vue';
import type { PriceLevelDto } from '@drp/shared';
import { priceLevelsApi } from '@/api/catalog';
import { currentLocale, t } from '@/i18n';

/**
 * The ten wholesale price levels and their configurable names (GET /api/price-levels), loaded
 * once; `levelName(n)` answers in the current language and falls back to the built-in label.
 */
const levels = shallowRef<PriceLevelDto[]>([]);
const loaded = ref(false);
let pending: Promise<PriceLevelDto[]> | null = null;

export const LEVEL_NUMBERS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

function refresh(): Promise<PriceLevelDto[]> {
  if (!pending) {
    pending = priceLevelsApi
      .list()
      .then((list) => {
        levels.value = list;
        loaded.value = true;
        return list;
      })
      .finally(() => {
        pending = null;
      });
  }
  return pending;
}

function ensure(): Promise<PriceLevelDto[]> {
  return loaded.value ? Promise.resolve(levels.value) : refresh().catch(() => []);
}

function set(list: PriceLevelDto[]): void {
  levels.value = list;
  loaded.value = true;
}

function levelName(level: number | null | undefined): string {
  if (level === null || level === undefined) return '';
  const found = levels.value.find((l) => l.level === level);
  if (found) return currentLocale() === 'en' ? found.nameEn || found.name : found.name;
  return t(`org.priceLevels.l${level}`);
}

export function usePriceLevels() {
  const names = computed(() => LEVEL_NUMBERS.map((n) => levelName(n)));
  return { levels, loaded, names, refresh, ensure, set, levelName };
}
