import { Dec, fmt, StockDocType } from '@drp/shared';
import type { CreateStockDocInput, ProductOption, StockDocLineInput } from '@/api/inventory';
import { normalizeQty, qtyProblem, type QtyProblem } from './qty';

/**
 * The logic of the stock-document form, free of Vue: line validation mirroring the server
 * (stock-doc.rules.ts), the adjustment's change from a count, and the request it posts.
 */

/** How a 盘点 (ADJUSTMENT) is entered: by the counted quantity, or by the signed change. */
export type AdjustMode = 'counted' | 'change';

export interface LineDraft {
  /** a stable key for the row (v-for) */
  key: string;
  productId: string | null;
  product: ProductOption | null;
  /** INBOUND/TRANSFER: quantity; ADJUSTMENT: counted quantity or signed change (see AdjustMode) */
  qty: string;
  /** INBOUND only (required there): the unit cost, up to 6 decimals */
  unitCost: string;
}

/** Stock of one product in the document's (source) warehouse, as GET /stock answers it. */
export interface LineStock {
  onHand: string;
  reserved: string;
  available: string;
}

/** i18n keys under `inventory.doc.lineErrors` */
export type LineError =
  | 'productRequired'
  | 'duplicateProduct'
  | 'qtyRequired'
  | 'qtyNotNumber'
  | 'qtyTooManyDecimals'
  | 'qtyTooLarge'
  | 'qtyNegative'
  | 'qtyPositive'
  | 'changeNonZero';

/** i18n keys under `inventory.doc.docErrors` */
export type DocError = 'noLines' | 'nothingToAdjust';

/** i18n keys under `inventoryCost.lineErrors` */
export type CostError = 'costRequired' | 'costNotNumber' | 'costTooManyDecimals' | 'costNegative';

export interface LineErrors {
  product?: LineError;
  qty?: LineError;
  unitCost?: CostError;
}

/** An inbound line's unit cost as the server takes it: a decimal >= 0 with at most 6 decimals. */
export function costError(raw: string): CostError | undefined {
  const v = raw.trim();
  if (!v) return 'costRequired';
  if (!/^-?\d+(\.\d+)?$/.test(v)) return 'costNotNumber';
  if (v.startsWith('-')) return 'costNegative';
  if ((v.split('.')[1] ?? '').length > 6) return 'costTooManyDecimals';
  return undefined;
}

export interface LinesCheck {
  /** by line key; only lines with a problem */
  lines: Record<string, LineErrors>;
  doc: DocError | null;
  ok: boolean;
}

let seq = 0;
export function emptyLine(): LineDraft {
  seq += 1;
  return { key: `l${Date.now().toString(36)}${seq}`, productId: null, product: null, qty: '', unitCost: '' };
}

/** A row nobody touched: no product and no quantity. Such rows are left out, not refused. */
export function isBlankLine(line: LineDraft): boolean {
  return !line.productId && line.qty.trim() === '' && (line.unitCost ?? '').trim() === '';
}

const QTY_ERRORS: Record<QtyProblem, LineError> = {
  required: 'qtyRequired',
  notNumber: 'qtyNotNumber',
  tooManyDecimals: 'qtyTooManyDecimals',
  tooLarge: 'qtyTooLarge',
  negative: 'qtyNegative',
};

/** Does the line's quantity take a minus? Only the signed change of an adjustment does. */
export function isSigned(type: StockDocType, mode: AdjustMode): boolean {
  return type === StockDocType.ADJUSTMENT && mode === 'change';
}

/** The problem of one line's quantity, as the server would see it. */
export function qtyError(type: StockDocType, mode: AdjustMode, raw: string): LineError | undefined {
  const problem = qtyProblem(raw, isSigned(type, mode));
  if (problem) return QTY_ERRORS[problem];
  const value = new Dec(raw.trim());
  if (type !== StockDocType.ADJUSTMENT && !value.greaterThan(0)) return 'qtyPositive';
  if (type === StockDocType.ADJUSTMENT && mode === 'change' && value.isZero()) return 'changeNonZero';
  return undefined;
}

/**
 * The change a count makes: counted - on hand ("-2.500"). On hand unknown (no stock row yet)
 * counts as zero, as on the server.
 */
export function adjustmentChange(counted: string, onHand: string | null | undefined): string {
  return fmt(new Dec(counted.trim()).minus(onHand ?? '0'), 'qty');
}

/**
 * The signed change a line will post, or null while its quantity is not valid yet.
 * INBOUND: +qty; TRANSFER: -qty out of the source; ADJUSTMENT: the change, or counted - on hand.
 */
export function lineChange(type: StockDocType, mode: AdjustMode, line: LineDraft, stock: LineStock | null | undefined): string | null {
  if (qtyError(type, mode, line.qty)) return null;
  const qty = normalizeQty(line.qty);
  if (type === StockDocType.INBOUND) return qty;
  if (type === StockDocType.TRANSFER) return fmt(new Dec(qty).negated(), 'qty');
  return mode === 'counted' ? adjustmentChange(qty, stock?.onHand) : qty;
}

/** On hand after the line is posted (null while unknown). */
export function onHandAfter(change: string | null, stock: LineStock | null | undefined): string | null {
  if (change === null) return null;
  return fmt(new Dec(stock?.onHand ?? '0').plus(change), 'qty');
}

/**
 * Would the line take available stock (on hand - reserved) below zero? Only outgoing changes can;
 * this is a warning in the form, the server decides (409 INSUFFICIENT_STOCK).
 */
export function exceedsAvailable(change: string | null, stock: LineStock | null | undefined): boolean {
  if (change === null || !new Dec(change).isNegative()) return false;
  const available = new Dec(stock?.available ?? '0');
  return available.lessThan(new Dec(change).negated());
}

/**
 * Validates the lines as the server will: a product on each line and only once, a quantity with
 * at most 3 decimals, > 0 for inbound and transfer, a non-zero change or a counted quantity >= 0
 * for an adjustment. Untouched rows are ignored; at least one line is needed. When the stock of
 * every counted line is known and every count matches it, there is nothing to adjust.
 */
export function validateLines(
  type: StockDocType,
  mode: AdjustMode,
  lines: LineDraft[],
  stockOf: (productId: string) => LineStock | null | undefined = () => undefined,
): LinesCheck {
  const errors: Record<string, LineErrors> = {};
  const seen = new Set<string>();
  const used = lines.filter((l) => !isBlankLine(l));
  for (const line of used) {
    const e: LineErrors = {};
    if (!line.productId) e.product = 'productRequired';
    else if (seen.has(line.productId)) e.product = 'duplicateProduct';
    else seen.add(line.productId);
    const q = qtyError(type, mode, line.qty);
    if (q) e.qty = q;
    const c = type === StockDocType.INBOUND ? costError(line.unitCost ?? '') : undefined;
    if (c) e.unitCost = c;
    if (e.product || e.qty || e.unitCost) errors[line.key] = e;
  }
  let doc: DocError | null = null;
  if (used.length === 0) doc = 'noLines';
  else if (type === StockDocType.ADJUSTMENT && mode === 'counted' && Object.keys(errors).length === 0) {
    const known = used.every((l) => stockOf(l.productId!) !== undefined);
    if (known && used.every((l) => new Dec(adjustmentChange(l.qty, stockOf(l.productId!)?.onHand)).isZero())) doc = 'nothingToAdjust';
  }
  return { lines: errors, doc, ok: doc === null && Object.keys(errors).length === 0 };
}

export interface DocHeader {
  type: StockDocType;
  warehouseId: string;
  toWarehouseId?: string | null;
  reason?: string;
  remark?: string;
}

/** The POST /stock-docs body for valid lines (blank rows left out, quantities normalised). */
export function buildDocInput(header: DocHeader, mode: AdjustMode, lines: LineDraft[]): CreateStockDocInput {
  const out: CreateStockDocInput = {
    type: header.type,
    warehouseId: header.warehouseId,
    lines: lines
      .filter((l) => !isBlankLine(l))
      .map((l): StockDocLineInput => {
        const qty = normalizeQty(l.qty);
        if (header.type === StockDocType.ADJUSTMENT && mode === 'counted') return { productId: l.productId!, countedQty: qty };
        // only an inbound names its cost: transfers and counts move at the moving average
        return header.type === StockDocType.INBOUND ? { productId: l.productId!, qty, unitCost: l.unitCost.trim() } : { productId: l.productId!, qty };
      }),
  };
  if (header.type === StockDocType.TRANSFER && header.toWarehouseId) out.toWarehouseId = header.toWarehouseId;
  const reason = header.reason?.trim();
  if (reason) out.reason = reason;
  const remark = header.remark?.trim();
  if (remark) out.remark = remark;
  return out;
}

/** One shortage of a refused document (409 INSUFFICIENT_STOCK), in words a person can act on. */
export interface ShortageInfo {
  productId: string | null;
  warehouseId: string | null;
  product: string;
  warehouse: string;
  /** null when the server did not say (a shortage found while applying the changes) */
  available: string | null;
  requested: string;
  /** requested - available (null with available) */
  missing: string | null;
}

interface ShortageDetail {
  warehouseId?: string;
  productId?: string;
  productCode?: string;
  warehouseCode?: string;
  available?: string;
  requested?: string;
  shortages?: ShortageDetail[];
}

/**
 * The shortages named in INSUFFICIENT_STOCK details (`shortages[]`, else the first one at the
 * top level), with product and warehouse names looked up from what the form knows.
 */
export function describeShortages(
  details: unknown,
  names: { product: (id: string) => string | undefined; warehouse: (id: string) => string | undefined },
): ShortageInfo[] {
  if (!details || typeof details !== 'object') return [];
  const d = details as ShortageDetail;
  const list = Array.isArray(d.shortages) && d.shortages.length ? d.shortages : [d];
  return list
    .filter((s) => s.available !== undefined || s.requested !== undefined)
    .map((s) => {
      const productId = s.productId ?? null;
      const warehouseId = s.warehouseId ?? null;
      const available = s.available ?? null;
      const requested = s.requested ?? '0';
      return {
        productId,
        warehouseId,
        product: (productId && names.product(productId)) || (productId === d.productId ? d.productCode : undefined) || productId || '',
        warehouse: (warehouseId && names.warehouse(warehouseId)) || (warehouseId === d.warehouseId ? d.warehouseCode : undefined) || warehouseId || '',
        available: available === null ? null : fmt(available, 'qty'),
        requested: fmt(requested, 'qty'),
        missing: available === null ? null : fmt(Dec.max(new Dec(requested).minus(available), 0), 'qty'),
      };
    });
}

/**
 * A key for `Idempotency-Key`, made once when the form opens. crypto.randomUUID exists only in
 * secure contexts (https, localhost); getRandomValues everywhere.
 */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
