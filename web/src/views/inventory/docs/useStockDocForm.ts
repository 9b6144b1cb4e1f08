import { computed, reactive, ref, shallowRef, watch, type InjectionKey } from 'vue';
import { Dec, fmt, StockDocType, type StockDocDto, type StockRowDto, type WarehouseDto } from '@drp/shared';
import { stockApi, stockDocsApi, type ProductOption } from '@/api/inventory';
import { ApiError } from '@/api/http';
import {
  buildDocInput,
  describeShortages,
  emptyLine,
  exceedsAvailable,
  isBlankLine,
  isSigned,
  lineChange,
  newIdempotencyKey,
  onHandAfter,
  validateLines,
  type AdjustMode,
  type DocError,
  type LineDraft,
  type LineErrors,
  type LineStock,
  type ShortageInfo,
} from '../docLines';

/** The most lines a document takes (the server's limit). */
export const MAX_DOC_LINES = 500;

/** What a failed post tells the form to show (beyond per-line and shortage messages). */
export type SubmitOutcome =
  | { ok: true; doc: StockDocDto }
  | { ok: false; kind: 'lines' | 'shortage' | 'header' | 'other'; error?: ApiError };

/**
 * The state and behaviour of the stock-document form (入库 / 调拨 / 盘点): header, lines, the
 * stock of each line's product in the source warehouse, validation mirroring the server, and
 * the post with its Idempotency-Key. The page and the lines editor only lay it out.
 */
export function useStockDocForm(initialType: StockDocType, initialWarehouseId: string | null = null) {
  const header = reactive({
    type: initialType,
    warehouseId: initialWarehouseId as string | null,
    toWarehouseId: null as string | null,
    reason: '',
    remark: '',
  });
  const mode = ref<AdjustMode>('counted');
  const lines = ref<LineDraft[]>([emptyLine(), emptyLine(), emptyLine()]);
  /** one key per opened form: a double click or a retry cannot post twice */
  const idempotencyKey = ref(newIdempotencyKey());
  const submitting = ref(false);
  const touched = ref(false);
  const submitted = ref(false);

  /** validation shown once the user tried to post (then kept live) */
  const showErrors = ref(false);
  /** problems the server found on lines (product out of range, bad quantity), by line key */
  const serverLineErrors = ref<Record<string, string>>({});
  const headerErrors = reactive({ warehouseId: '', toWarehouseId: '', reason: '' });
  const shortages = shallowRef<ShortageInfo[]>([]);

  const warehouses = shallowRef<WarehouseDto[]>([]);
  const warehouseName = (id: string | null | undefined) => (id ? warehouses.value.find((w) => w.id === id)?.name : undefined);

  // ---- stock of each line's product in the (source) warehouse ----
  const stock = ref<Record<string, LineStock | null>>({});
  const stockLoading = ref<Record<string, boolean>>({});
  const stockKey = (productId: string) => `${header.warehouseId}/${productId}`;

  async function fetchStock(productId: string): Promise<void> {
    const warehouseId = header.warehouseId;
    if (!warehouseId) return;
    const key = `${warehouseId}/${productId}`;
    if (key in stock.value || stockLoading.value[key]) return;
    stockLoading.value = { ...stockLoading.value, [key]: true };
    try {
      const page = await stockApi.list({ warehouseId, productId, pageSize: 1 }, { silent: true });
      const row = page.items[0];
      // no stock row yet: nothing on hand
      stock.value = { ...stock.value, [key]: row ? { onHand: row.onHand, reserved: row.reserved, available: row.available } : { onHand: '0.000', reserved: '0.000', available: '0.000' } };
    } catch {
      stock.value = { ...stock.value, [key]: null };
    } finally {
      const { [key]: _done, ...rest } = stockLoading.value;
      stockLoading.value = rest;
    }
  }

  /** the stock of a product in the source warehouse: undefined while unknown, null when it could not be read */
  function stockOf(productId: string | null): LineStock | null | undefined {
    if (!productId || !header.warehouseId) return undefined;
    return stock.value[stockKey(productId)];
  }
  function isStockLoading(productId: string | null): boolean {
    return !!productId && !!stockLoading.value[stockKey(productId)];
  }

  watch(
    () => header.warehouseId,
    () => {
      shortages.value = [];
      for (const l of lines.value) if (l.productId) void fetchStock(l.productId);
    },
  );

  // ---- lines ----
  function setProduct(line: LineDraft, product: ProductOption | null): void {
    line.product = product;
    line.productId = product?.id ?? null;
    touched.value = true;
    if (product) void fetchStock(product.id);
    // keep a free row at the bottom
    if (product && lines.value[lines.value.length - 1] === line) lines.value.push(emptyLine());
  }
  function addLine(): LineDraft {
    const line = emptyLine();
    lines.value.push(line);
    return line;
  }
  function removeLine(key: string): void {
    lines.value = lines.value.filter((l) => l.key !== key);
    if (!lines.value.length) lines.value.push(emptyLine());
    touched.value = true;
  }
  /**
   * 盘点 (a count by counted quantity): one line per product with stock in the warehouse, its
   * counted quantity filled with the book quantity (so only the differences are typed), in
   * product-code order, after the lines already there. Pages of 200 from GET /stock (one request
   * for most warehouses); at most MAX_DOC_LINES lines in all (the server's limit).
   */
  async function loadWarehouseStock(): Promise<{ added: number; truncated: boolean }> {
    const warehouseId = header.warehouseId;
    if (!warehouseId) return { added: 0, truncated: false };
    const rows: StockRowDto[] = [];
    for (let page = 1; ; page += 1) {
      const answer = await stockApi.list({ warehouseId, page, pageSize: 200, sort: 'product' }, { silent: true });
      rows.push(...answer.items);
      if (page * 200 >= answer.total || !answer.items.length) break;
    }
    if (header.warehouseId !== warehouseId) return { added: 0, truncated: false }; // the warehouse changed meanwhile
    const kept = lines.value.filter((l) => !isBlankLine(l));
    const present = new Set(kept.map((l) => l.productId));
    const fresh: Record<string, LineStock> = {};
    let truncated = false;
    const added: LineDraft[] = [];
    for (const r of rows) {
      fresh[`${warehouseId}/${r.productId}`] = { onHand: r.onHand, reserved: r.reserved, available: r.available };
      if (present.has(r.productId) || new Dec(r.onHand).isZero()) continue;
      if (kept.length + added.length >= MAX_DOC_LINES) {
        truncated = true;
        break;
      }
      added.push({ ...emptyLine(), productId: r.productId, product: { id: r.productId, code: r.productCode, name: r.productName, baseUnit: r.baseUnit }, qty: new Dec(r.onHand).toString() });
    }
    stock.value = { ...stock.value, ...fresh };
    lines.value = [...kept, ...added, emptyLine()];
    touched.value = true;
    return { added: added.length, truncated };
  }

  /** after a change of type or mode the typed quantities mean something else */
  function clearQuantities(): void {
    for (const l of lines.value) l.qty = '';
  }
  const hasQuantities = computed(() => lines.value.some((l) => l.qty.trim() !== ''));
  const usedLines = computed(() => lines.value.filter((l) => !isBlankLine(l)));
  const usedProductIds = computed(() => lines.value.map((l) => l.productId).filter((id): id is string => !!id));

  const check = computed(() => validateLines(header.type, mode.value, lines.value, (id) => stockOf(id) ?? undefined));

  function lineErrors(line: LineDraft): LineErrors & { server?: string } {
    const server = serverLineErrors.value[line.key];
    if (!showErrors.value) return server ? { server } : {};
    return { ...check.value.lines[line.key], ...(server ? { server } : {}) };
  }
  const docError = computed<DocError | null>(() => (showErrors.value ? check.value.doc : null));

  function changeOf(line: LineDraft): string | null {
    return lineChange(header.type, mode.value, line, stockOf(line.productId));
  }
  function afterOf(line: LineDraft): string | null {
    const s = stockOf(line.productId);
    if (!s) return null;
    return onHandAfter(changeOf(line), s);
  }
  function shortOf(line: LineDraft): boolean {
    const s = stockOf(line.productId);
    if (!s) return false;
    return exceedsAvailable(changeOf(line), s) || shortages.value.some((x) => x.productId === line.productId);
  }
  const signed = computed(() => isSigned(header.type, mode.value));

  /** totals of the valid lines: quantity for inbound/transfer; gains and losses for a count */
  const totals = computed(() => {
    let qty = new Dec(0);
    let gain = new Dec(0);
    let loss = new Dec(0);
    let counted = 0;
    for (const l of usedLines.value) {
      const change = changeOf(l);
      if (change === null) continue;
      counted += 1;
      const d = new Dec(change);
      qty = qty.plus(d.abs());
      if (d.isPositive()) gain = gain.plus(d);
      if (d.isNegative()) loss = loss.plus(d);
    }
    return { lines: usedLines.value.length, counted, qty: fmt(qty, 'qty'), gain: fmt(gain, 'qty'), loss: fmt(loss, 'qty') };
  });

  // any edit clears what the server said about the previous attempt
  watch(
    () => [header.type, header.warehouseId, header.toWarehouseId, header.reason, header.remark, mode.value, lines.value.map((l) => `${l.productId}:${l.qty}`).join()],
    () => {
      serverLineErrors.value = {};
      headerErrors.warehouseId = '';
      headerErrors.toWarehouseId = '';
      headerErrors.reason = '';
    },
  );
  watch(
    () => [header.reason, header.remark, header.toWarehouseId, lines.value.map((l) => l.qty).join()],
    () => {
      touched.value = true;
    },
  );

  const dirty = computed(() => !submitted.value && (touched.value || usedLines.value.length > 0));

  function productLabel(id: string): string | undefined {
    const p = lines.value.find((l) => l.productId === id)?.product;
    return p ? `${p.code} ${p.name}` : undefined;
  }

  function lineKeyOfProduct(id: string | undefined): string | undefined {
    return id ? lines.value.find((l) => l.productId === id)?.key : undefined;
  }

  /** Map a refused post onto the form. */
  function applyError(error: ApiError): SubmitOutcome {
    const details = (error.details ?? {}) as Record<string, unknown>;
    if (error.code === 'INSUFFICIENT_STOCK') {
      shortages.value = describeShortages(details, { product: productLabel, warehouse: (id) => warehouseName(id) });
      // the stock moved since we read it: read it again
      for (const s of shortages.value) {
        if (s.productId && s.warehouseId === header.warehouseId) {
          const { [`${s.warehouseId}/${s.productId}`]: _old, ...rest } = stock.value;
          stock.value = rest;
          void fetchStock(s.productId);
        }
      }
      return { ok: false, kind: 'shortage', error };
    }
    if (error.code === 'INVALID_QUANTITY' || error.code === 'PRODUCT_OUT_OF_SCOPE' || (error.code === 'NOT_FOUND' && details.entity === 'product')) {
      const ids = [
        ...(typeof details.productId === 'string' ? [details.productId] : []),
        ...(Array.isArray(details.productIds) ? (details.productIds as string[]) : []),
        ...(Array.isArray(details.ids) ? (details.ids as string[]) : []),
      ];
      const next: Record<string, string> = {};
      for (const id of ids) {
        const key = lineKeyOfProduct(id);
        if (key) next[key] = error.code;
      }
      if (Object.keys(next).length) {
        serverLineErrors.value = next;
        return { ok: false, kind: 'lines', error };
      }
    }
    if (error.code === 'WAREHOUSE_DISABLED') {
      const id = details.warehouseId;
      if (id === header.toWarehouseId) headerErrors.toWarehouseId = error.code;
      else headerErrors.warehouseId = error.code;
      return { ok: false, kind: 'header', error };
    }
    if (error.code === 'VALIDATION_FAILED' && typeof details.field === 'string' && details.field in headerErrors) {
      headerErrors[details.field as keyof typeof headerErrors] = error.code;
      return { ok: false, kind: 'header', error };
    }
    return { ok: false, kind: 'other', error };
  }

  /** Validates the lines (the header is the page's el-form) and posts. */
  async function submit(): Promise<SubmitOutcome> {
    showErrors.value = true;
    shortages.value = [];
    if (!check.value.ok) return { ok: false, kind: 'lines' };
    submitting.value = true;
    try {
      const body = buildDocInput(
        { type: header.type, warehouseId: header.warehouseId!, toWarehouseId: header.toWarehouseId, reason: header.reason, remark: header.remark },
        mode.value,
        lines.value,
      );
      const doc = await stockDocsApi.create(body, idempotencyKey.value, { silent: true });
      submitted.value = true;
      return { ok: true, doc };
    } catch (e) {
      return applyError(ApiError.from(e));
    } finally {
      submitting.value = false;
    }
  }

  /** Start over for another document (a new key: this one belongs to the posted document). */
  function reset(type: StockDocType = header.type): void {
    Object.assign(header, { type, toWarehouseId: null, reason: '', remark: '' });
    lines.value = [emptyLine(), emptyLine(), emptyLine()];
    idempotencyKey.value = newIdempotencyKey();
    showErrors.value = false;
    submitted.value = false;
    touched.value = false;
    shortages.value = [];
    serverLineErrors.value = {};
  }

  return {
    header,
    mode,
    lines,
    idempotencyKey,
    submitting,
    dirty,
    showErrors,
    headerErrors,
    shortages,
    warehouses,
    warehouseName,
    signed,
    totals,
    check,
    docError,
    usedLines,
    usedProductIds,
    hasQuantities,
    stockOf,
    isStockLoading,
    setProduct,
    addLine,
    removeLine,
    clearQuantities,
    loadWarehouseStock,
    lineErrors,
    changeOf,
    afterOf,
    shortOf,
    submit,
    reset,
  };
}

export type StockDocForm = ReturnType<typeof useStockDocForm>;
export const STOCK_DOC_FORM: InjectionKey<StockDocForm> = Symbol('stockDocForm');
