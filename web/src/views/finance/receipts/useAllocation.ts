import { computed, reactive, ref, type Ref } from 'vue';
import { Dec, fmt, type ReceivableDto } from '@drp/shared';
import { financeApi } from '@/api/finance';
import { useLatestLoad } from '@/composables/useLatestLoad';
import { allocateOldestFirst, allocationInputs, checkAllocations, oldestFirst } from '../lib/allocation';
import { amountEditText } from '@/utils/money';

export type AllocationMode = 'auto' | 'manual';

/** The open receivables of one dealer, oldest due first (late answers of an earlier dealer are dropped). */
export function useOpenReceivables() {
  const { data: items, loading, error, run, set } = useLatestLoad<ReceivableDto[]>([]);

  async function load(dealerId: string | null | undefined): Promise<void> {
    if (!dealerId) return set([]);
    await run(async () => {
      const page = await financeApi.receivables({ dealerId, open: 'true', sort: 'dueDate', pageSize: 200 });
      return oldestFirst(page.items.filter((r) => new Dec(r.openAmount).greaterThan(0)));
    });
  }

  return { items, loading, error, load };
}

/**
 * Allocating an amount (a new receipt's, or the unallocated rest of one) over open receivables:
 * automatically oldest first (a preview of what the server will do), or by hand per receivable.
 */
export function useAllocation(items: Ref<ReceivableDto[]>, amount: () => string) {
  const mode = ref<AllocationMode>('auto');
  const amounts = reactive<Record<string, string>>({});

  const rows = computed(() => items.value.map((r) => ({ id: r.id, openAmount: r.openAmount, amount: amounts[r.id] ?? '' })));
  const check = computed(() => checkAllocations(amount(), rows.value));
  const preview = computed(() => allocateOldestFirst(amount(), items.value));

  /** what goes to receivables and what stays a prepayment, in the current mode (null while the amount is not valid) */
  const outcome = computed<{ allocated: string; prepayment: string; count: number } | null>(() => {
    if (check.value.unallocated === null) return null;
    if (mode.value === 'auto') {
      return { allocated: fmt(new Dec(amount().trim()).minus(preview.value.rest)), prepayment: preview.value.rest, count: preview.value.allocations.size };
    }
    const count = rows.value.filter((r) => r.amount.trim() && !check.value.rowProblems.has(r.id) && !new Dec(r.amount.trim()).isZero()).length;
    return { allocated: check.value.allocated, prepayment: fmt(Dec.max(new Dec(check.value.unallocated), 0)), count };
  });

  function clear(): void {
    for (const key of Object.keys(amounts)) delete amounts[key];
  }

  function fillOldest(): void {
    clear();
    const { allocations } = allocateOldestFirst(amount(), items.value);
    for (const [id, value] of allocations) amounts[id] = amountEditText(value);
  }

  /** the whole open amount of one receivable */
  function fillRow(r: ReceivableDto): void {
    amounts[r.id] = amountEditText(r.openAmount);
  }

  /** manual mode: the allocations to send; automatic: undefined (the server allocates oldest first) */
  function inputs(): { receivableId: string; amount: string }[] | undefined {
    return mode.value === 'manual' ? allocationInputs(rows.value) : undefined;
  }

  /** can be sent: automatic always (once the amount is valid); manual when every row is valid and within the amount */
  const valid = computed(() => (mode.value === 'auto' ? check.value.unallocated !== null : check.value.valid));

  function reset(): void {
    mode.value = 'auto';
    clear();
  }

  return { mode, amounts, rows, check, preview, outcome, valid, clear, fillOldest, fillRow, inputs, reset };
}
