import { computed, ref, shallowRef, watch } from 'vue';
import { useRoute } from 'vue-router';
import type { AxiosRequestConfig } from 'axios';
import type { CompanyHeaderDto } from '@drp/shared';
import { orgsApi } from '@/api/orgs';
import { isApiError } from '@/api/http';

/**
 * The document a print view shows and the company's letterhead, read through the detail APIs
 * (silently: the view shows what went wrong itself). A document the caller may not see answers
 * 404 (scope), a malformed id 400: both are the not-found state.
 */
export function usePrintDoc<T>(fetch: (id: string, config: AxiosRequestConfig) => Promise<T>) {
  const route = useRoute();
  const doc = shallowRef<T | null>(null);
  const company = shallowRef<CompanyHeaderDto | null>(null);
  const loading = ref(true);
  const error = shallowRef<unknown>(null);
  const notFound = computed(() => isApiError(error.value) && (error.value.status === 404 || error.value.status === 400));

  async function load(): Promise<void> {
    const id = typeof route.params.id === 'string' ? route.params.id : '';
    loading.value = true;
    error.value = null;
    try {
      const [d, c] = await Promise.all([fetch(id, { silent: true }), company.value ? Promise.resolve(company.value) : orgsApi.company({ silent: true })]);
      doc.value = d;
      company.value = c;
    } catch (e) {
      doc.value = null;
      error.value = e;
    } finally {
      loading.value = false;
    }
  }

  watch(() => route.params.id, () => void load(), { immediate: true });
  return { doc, company, loading, error, notFound, load };
}
