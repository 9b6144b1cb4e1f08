import { computed, ref, watch } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import type { AnalysisResult } from '@drp/shared';
import { reportsApi } from '@/api/reports';
import { useLatestLoad } from '@/composables/useLatestLoad';
import { todayText } from '@/views/finance/lib/period';
import { buildPivot, rowsFor } from '../lib/pivot';
import { cloneState, engineQuery, queryFromState, stateFromQuery, wireParams, type AnalysisState } from '../lib/query';
import { presetState, type PresetKey } from '../lib/presets';

interface Loaded {
  /** the state the answer is for */
  state: AnalysisState;
  result: AnalysisResult;
}

/** Two parameter sets alike, whatever their order. */
const sameParams = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  JSON.stringify(Object.entries(a).sort(([x], [y]) => x.localeCompare(y))) === JSON.stringify(Object.entries(b).sort(([x], [y]) => x.localeCompare(y)));
const sameQuery = (a: AnalysisState, b: AnalysisState) => sameParams(wireParams(engineQuery(a)), wireParams(engineQuery(b)));

/**
 * The analysis page's state: the address bar is the source of truth (a preset, a dashboard tile
 * or a shared link opens exactly its analysis; back and forward work). `draft` is the form being
 * edited; `apply` writes it to the address, which loads it. Chart, chart measure and sort only
 * change the view: they never ask the server again.
 */
export function useAnalysis(preset: () => PresetKey) {
  const route = useRoute();
  const router = useRouter();
  const base = computed(() => presetState(preset(), todayText()));
  const current = ref<AnalysisState>(stateFromQuery(route.query, base.value));
  const draft = ref<AnalysisState>(cloneState(current.value));
  const { data: loaded, loading, error, run } = useLatestLoad<Loaded | null>(null);

  async function load(state: AnalysisState): Promise<void> {
    if (state.measures.length === 0) return;
    await run(async () => ({ state, result: await reportsApi.analysis(engineQuery(state)) }));
  }

  watch(
    () => route.query,
    (query) => {
      const next = stateFromQuery(query, base.value);
      const refetch = !loaded.value || !sameQuery(loaded.value.state, next) || !!error.value;
      current.value = next;
      draft.value = cloneState(next);
      if (refetch) void load(next);
      else if (loaded.value) loaded.value = { ...loaded.value, state: next };
    },
    { immediate: true },
  );

  /** Show `state`: written to the address (replace: filters are no history steps); the same query asks again. */
  async function apply(state: AnalysisState = draft.value): Promise<void> {
    const query = queryFromState(state);
    if (sameParams(query, route.query)) {
      await load(state);
      return;
    }
    await router.replace({ path: route.path, query });
  }

  /** A view-only change (chart, chart measure, sort) of what is shown. */
  function view(patch: Partial<Pick<AnalysisState, 'chart' | 'chartMeasure' | 'sort'>>): void {
    void apply({ ...current.value, ...patch });
  }

  function reset(): void {
    void router.replace({ path: route.path, query: queryFromState(base.value) });
  }

  const shown = computed(() => loaded.value?.state ?? null);
  const result = computed(() => loaded.value?.result ?? null);
  const lines = computed(() => {
    const s = shown.value;
    const r = result.value;
    if (!s || !r) return [];
    const levels = Object.fromEntries(s.dimensions.slice(0, -1).map((_, i) => [i + 1, rowsFor(r, s.dimensions, s.dimensions.slice(0, i + 1))]));
    return buildPivot({ dimensions: s.dimensions, rows: r.rows, totals: r.totals, levels, sort: s.sort });
  });

  return { current, draft, shown, result, lines, loading, error, apply, view, reset, reload: () => load(current.value) };
}
