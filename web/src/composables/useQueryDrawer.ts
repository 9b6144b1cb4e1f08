import { ref, shallowRef, watch, type Ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';

/**
 * The detail drawer of a list page, with the open record in the address (`?id=`): a shared link
 * or a reload opens it again, closing it takes the id away. `row` is the list's row, for a first
 * paint while the drawer loads the whole record by `id` (null when the record is not on this page).
 */
export function useQueryDrawer<T extends { id: string }>(items: Ref<readonly T[]>) {
  const route = useRoute();
  const router = useRouter();
  const visible = ref(false);
  const id = ref<string | null>(null);
  const row = shallowRef<T | null>(null);

  function open(record: T): void {
    row.value = record;
    id.value = record.id;
    visible.value = true;
    void router.replace({ query: { ...route.query, id: record.id } });
  }

  watch(
    () => route.query.id,
    (wanted) => {
      if (typeof wanted === 'string' && wanted !== id.value) {
        row.value = items.value.find((r) => r.id === wanted) ?? null;
        id.value = wanted;
        visible.value = true;
      }
    },
    { immediate: true },
  );
  watch(visible, (isOpen) => {
    if (!isOpen && route.query.id) {
      const { id: _id, ...rest } = route.query;
      id.value = null;
      void router.replace({ query: rest });
    }
  });

  return { visible, id, row, open };
}
