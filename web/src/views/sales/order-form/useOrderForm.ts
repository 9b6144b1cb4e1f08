import { computed, reactive, ref, shallowRef, watch, type InjectionKey } from 'vue';
import type { SalesOrderDto } from '@drp/shared';
import { ApiError } from '@/api/http';
import { errorMessage } from '@/api/errors';
import { salesOrdersApi, type CreateOrderInput, type OrderPreview, type OrderPreviewLine, type UpdateOrderInput } from '@/api/sales';
import type { ProductLite } from '@/api/catalog';
import { t } from '@/i18n';
import { newIdempotencyKey } from '@/views/inventory/docLines';
import { lineProblem } from '../lib/lineProblem';
import {
  buildLineInputs,
  buildPreview,
  checkLines,
  draftsFromOrder,
  emptyOrderLine,
  initialQty,
  isBlankOrderLine,
  previewFingerprint,
  type LineErrors,
  type OrderLineDraft,
} from '../lib/orderLines';

/**
 * The state and logic of the order form: header, lines, the live preview (prices, stock, totals,
 * credit; asked again, debounced, whenever the dealer, the warehouse or a line changes), the checks
 * and the save (POST for a new order with one Idempotency-Key per form, PUT with the version).
 */

export interface OrderHeader {
  dealerId: string | null;
  warehouseId: string | null;
  salesRepId: string | null;
  requestedDate: string | null;
  remark: string;
}

export type SaveOutcome = { kind: 'saved'; order: SalesOrderDto } | { kind: 'invalid' } | { kind: 'error'; error: ApiError };

export interface OrderFormOptions {
  /** may the user type unit prices (orders:manual-price)? */
  manualPrice: () => boolean;
  debounceMs?: number;
}

export function useOrderForm(opts: OrderFormOptions) {
  const header = reactive<OrderHeader>({ dealerId: null, warehouseId: null, salesRepId: null, requestedDate: null, remark: '' });
  const lines = ref<OrderLineDraft[]>([emptyOrderLine()]);
  /** the order being edited (null: a new one) */
  const order = shallowRef<SalesOrderDto | null>(null);

  const preview = shallowRef<OrderPreview | null>(null);
  const previewKeys = shallowRef<string[]>([]);
  const previewLoading = ref(false);
  const previewError = ref<string | null>(null);
  const showErrors = ref(false);
  const saving = ref<'draft' | 'submit' | null>(null);
  const dirty = ref(false);
  let idempotencyKey = newIdempotencyKey();

  // ---- lines ----
  function addLine(): OrderLineDraft {
    const line = emptyOrderLine();
    lines.value.push(line);
    return line;
  }
  function removeLine(key: string): void {
    lines.value = lines.value.filter((l) => l.key !== key);
    if (lines.value.length === 0) lines.value.push(emptyOrderLine());
  }
  function setProduct(line: OrderLineDraft, product: (ProductLite & { minOrderQty?: string | null; orderMultiple?: string | null }) | null): void {
    line.productId = product?.id ?? null;
    line.product = product;
    line.unitPrice = null;
    if (product && line.qty.trim() === '') line.qty = initialQty(product);
  }

  const check = computed(() => checkLines(lines.value));
  const lineCount = computed(() => lines.value.filter((l) => !isBlankOrderLine(l)).length);
  function errorsOf(line: OrderLineDraft): LineErrors {
    if (!showErrors.value || isBlankOrderLine(line)) return {};
    return check.value.lines[line.key] ?? {};
  }

  // ---- live preview ----
  const previewRequest = computed(() => buildPreview({ dealerId: header.dealerId, warehouseId: header.warehouseId, orderId: order.value?.id }, lines.value, opts.manualPrice()));
  const previewByKey = computed(() => {
    const map = new Map<string, OrderPreviewLine>();
    const result = preview.value;
    if (result) previewKeys.value.forEach((key, i) => result.lines[i] && map.set(key, result.lines[i]));
    return map;
  });
  const previewOf = (line: OrderLineDraft): OrderPreviewLine | undefined => previewByKey.value.get(line.key);

  /** products the server refused (their lines are marked), from the last failed preview or save */
  const problemProducts = ref<string[]>([]);
  /** the message of a refusal, naming the products and their quantity rule when the server said so */
  function describe(e: unknown): string {
    const error = ApiError.from(e);
    const problem = lineProblem(error.details);
    problemProducts.value = problem?.productIds ?? [];
    const base = errorMessage(error);
    if (!problem) return base;
    const codes = problem.productIds.map((id) => lines.value.find((l) => l.productId === id)?.product?.code).filter((c): c is string => !!c);
    if (!codes.length) return base;
    const rule = problem.rule ? t('pricing.simulator.qtyRule', { code: codes.join('、'), min: problem.rule.min, multiple: problem.rule.multiple }) : codes.join('、');
    return `${base}（${rule}）`;
  }
  const isProblem = (line: OrderLineDraft) => !!line.productId && problemProducts.value.includes(line.productId);

  let timer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;
  let shown = '';

  async function runPreview(): Promise<void> {
    const request = previewRequest.value;
    if (!request) return;
    const fingerprint = previewFingerprint(request.input);
    const mine = ++seq;
    previewLoading.value = true;
    try {
      const result = await salesOrdersApi.preview(request.input, { silent: true });
      if (mine !== seq) return;
      preview.value = result;
      previewKeys.value = request.keys;
      previewError.value = null;
      problemProducts.value = [];
      shown = fingerprint;
    } catch (e) {
      if (mine !== seq) return;
      if (request.input.lines.length === 0) {
        // nothing to price yet: a server that wants lines for a preview is not an error to show
        preview.value = null;
        previewKeys.value = [];
        previewError.value = null;
      } else {
        previewError.value = describe(e);
      }
    } finally {
      if (mine === seq) previewLoading.value = false;
    }
  }

  function schedulePreview(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void runPreview();
    }, opts.debounceMs ?? 350);
  }

  watch(
    () => previewFingerprint(previewRequest.value?.input ?? null),
    (fingerprint) => {
      if (!fingerprint) {
        if (timer) clearTimeout(timer);
        seq += 1;
        preview.value = null;
        previewKeys.value = [];
        previewError.value = null;
        problemProducts.value = [];
        previewLoading.value = false;
        shown = '';
        return;
      }
      if (fingerprint === shown) return;
      schedulePreview();
    },
  );

  /** the preview being behind what the form shows (typing, or the request on its way) */
  const previewPending = computed(() => previewLoading.value || (!!previewRequest.value && previewFingerprint(previewRequest.value.input) !== shown && !previewError.value));

  // ---- dirty tracking ----
  let tracking = false;
  watch([() => ({ ...header }), lines], () => {
    if (tracking) dirty.value = true;
  }, { deep: true });
  function startTracking(): void {
    // after the watchers of the load have run
    setTimeout(() => {
      tracking = true;
    }, 0);
  }

  function load(saved: SalesOrderDto): void {
    tracking = false;
    order.value = saved;
    header.dealerId = saved.dealerId;
    header.warehouseId = saved.warehouseId;
    header.salesRepId = saved.salesRepId;
    header.requestedDate = saved.requestedDate;
    header.remark = saved.remark ?? '';
    lines.value = saved.lines.length ? draftsFromOrder(saved.lines) : [emptyOrderLine()];
    showErrors.value = false;
    dirty.value = false;
    startTracking();
  }

  // ---- save ----
  async function save(submit: boolean): Promise<SaveOutcome> {
    showErrors.value = true;
    if (!check.value.ok || !header.dealerId || !header.warehouseId) return { kind: 'invalid' };
    const lineInputs = buildLineInputs(lines.value, opts.manualPrice());
    const optional = {
      ...(header.salesRepId ? { salesRepId: header.salesRepId } : {}),
      ...(header.requestedDate ? { requestedDate: header.requestedDate } : {}),
    };
    saving.value = submit ? 'submit' : 'draft';
    try {
      let saved: SalesOrderDto;
      if (order.value) {
        const input: UpdateOrderInput = {
          version: order.value.version,
          warehouseId: header.warehouseId,
          salesRepId: header.salesRepId,
          requestedDate: header.requestedDate,
          remark: header.remark.trim() || null,
          lines: lineInputs,
        };
        saved = await salesOrdersApi.update(order.value.id, input, { silent: true });
      } else {
        const input: CreateOrderInput = { dealerId: header.dealerId, warehouseId: header.warehouseId, ...optional, lines: lineInputs };
        if (header.remark.trim()) input.remark = header.remark.trim();
        saved = await salesOrdersApi.create(input, idempotencyKey, { silent: true });
      }
      order.value = saved;
      dirty.value = false;
      tracking = false;
      return { kind: 'saved', order: saved };
    } catch (e) {
      // the next attempt is another request (the body will differ): a new key
      idempotencyKey = newIdempotencyKey();
      return { kind: 'error', error: ApiError.from(e) };
    } finally {
      saving.value = null;
    }
  }

  return {
    header,
    lines,
    order,
    preview,
    previewLoading,
    previewPending,
    previewError,
    showErrors,
    saving,
    dirty,
    check,
    lineCount,
    addLine,
    removeLine,
    setProduct,
    errorsOf,
    previewOf,
    describe,
    isProblem,
    runPreview,
    load,
    startTracking,
    save,
  };
}

export type OrderForm = ReturnType<typeof useOrderForm>;
export const ORDER_FORM: InjectionKey<OrderForm> = Symbol('orderForm');
