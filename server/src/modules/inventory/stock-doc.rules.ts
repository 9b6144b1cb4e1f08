import { Dec, ErrorCode, fmt, fmtCost, StockDocType } from '@drp/shared';
import { DomainError } from '../../common/errors/domain-error';

/** A document line as posted (after DTO validation: decimal strings with at most 3 decimals). */
export interface LineInput {
  productId: string;
  qty?: string;
  countedQty?: string;
  /** INBOUND only (required there): the unit cost it comes in at */
  unitCost?: string;
}

export interface DocInput {
  type: StockDocType;
  warehouseId: string;
  toWarehouseId?: string;
  reason?: string;
  lines: LineInput[];
}

/** The locked stock row of one (warehouse, product). */
export interface StockLevel {
  onHand: string;
  reserved: string;
}

/** One change of on_hand, as written to stock and the movement ledger. */
export interface StockChange {
  warehouseId: string;
  productId: string;
  /** change of on hand */
  delta: string;
  /** change of the reservation (orders); 0 when omitted */
  reservedDelta?: string;
  /** delta > 0: the unit cost it comes in at (an inbound line, a return at its shipment's cost); omitted: see costFromWarehouseId */
  unitCost?: string;
  /** delta > 0 without unitCost: comes in at the average of this warehouse's row of the product (a transfer's arrival); neither: the row's own average (a count gain) */
  costFromWarehouseId?: string;
}

export interface PlannedLine {
  lineNo: number;
  productId: string;
  /** INBOUND/TRANSFER: the quantity moved; ADJUSTMENT: the signed change */
  qty: string;
  /** INBOUND: the unit cost given; TRANSFER/ADJUSTMENT: known once posted */
  unitCost: string | null;
}

export interface Shortage {
  warehouseId: string;
  productId: string;
  available: string;
  requested: string;
}

export const stockKey = (warehouseId: string, productId: string) => `${warehouseId}/${productId}`;

const invalid = (field: string, message: string) => new DomainError(ErrorCode.VALIDATION_FAILED, message, { field });
const badCost = (i: number, line: LineInput, message: string) =>
  new DomainError(ErrorCode.INVALID_UNIT_COST, `Line ${i + 1}: ${message}`, { line: i + 1, productId: line.productId, field: `lines.${i}.unitCost` });
const badQty = (i: number, line: LineInput, field: string, message: string) =>
  new DomainError(ErrorCode.INVALID_QUANTITY, `Line ${i + 1}: ${message}`, { line: i + 1, productId: line.productId, field: `lines.${i}.${field}` });

/**
 * The checks that need no database: the document shape per type and the sign of each quantity.
 * Run before the transaction, so a bad request costs no locks.
 */
export function checkDocInput(dto: DocInput): void {
  if (dto.type === StockDocType.TRANSFER) {
    if (!dto.toWarehouseId) throw invalid('toWarehouseId', 'A transfer needs the receiving warehouse (toWarehouseId)');
    if (dto.toWarehouseId === dto.warehouseId) throw invalid('toWarehouseId', 'A transfer moves stock between two different warehouses');
  } else if (dto.toWarehouseId) {
    throw invalid('toWarehouseId', 'toWarehouseId applies to transfers only');
  }
  if (dto.type === StockDocType.ADJUSTMENT && !dto.reason?.trim()) throw invalid('reason', 'A stock adjustment (盘点) needs a reason');
  const ids = dto.lines.map((l) => l.productId);
  if (new Set(ids).size !== ids.length) throw invalid('lines', 'A product may appear on one line of a document only');
  dto.lines.forEach((line, i) => {
    // transfers and counts move at the moving average, never at a typed cost
    if (dto.type !== StockDocType.INBOUND && line.unitCost !== undefined) {
      throw invalid(`lines.${i}.unitCost`, 'unitCost applies to inbound documents only: transfers and counts move at the moving average');
    }
    if (dto.type !== StockDocType.ADJUSTMENT) {
      if (line.countedQty !== undefined) throw invalid(`lines.${i}.countedQty`, 'countedQty applies to adjustments only');
      if (line.qty === undefined) throw invalid(`lines.${i}.qty`, `Line ${i + 1} needs a qty`);
      if (!new Dec(line.qty).greaterThan(0)) throw badQty(i, line, 'qty', 'the quantity must be above 0');
      // an inbound document says what the goods cost
      if (dto.type === StockDocType.INBOUND) {
        if (line.unitCost === undefined || line.unitCost === null) throw badCost(i, line, 'an inbound line needs its unit cost (unitCost)');
        if (new Dec(line.unitCost).isNegative()) throw badCost(i, line, 'the unit cost cannot be negative');
      }
      return;
    }
    if ((line.qty === undefined) === (line.countedQty === undefined)) throw invalid(`lines.${i}`, `Line ${i + 1} needs either qty (the change) or countedQty (the count), not both`);
    if (line.qty !== undefined && new Dec(line.qty).isZero()) throw badQty(i, line, 'qty', 'the change must not be 0');
    if (line.countedQty !== undefined && new Dec(line.countedQty).isNegative()) throw badQty(i, line, 'countedQty', 'the counted quantity cannot be negative');
  });
}

/**
 * Turns the posted lines into document lines and stock changes, given the locked stock rows.
 * A count (countedQty) becomes the change counted - on hand; a count that matches is skipped.
 * A transfer changes two rows per line: out of the source, into the target.
 */
export function planChanges(dto: DocInput, levels: Map<string, StockLevel>): { lines: PlannedLine[]; changes: StockChange[] } {
  const lines: PlannedLine[] = [];
  const changes: StockChange[] = [];
  for (const line of dto.lines) {
    const level = levels.get(stockKey(dto.warehouseId, line.productId)) ?? { onHand: '0', reserved: '0' };
    let qty: Dec;
    if (dto.type !== StockDocType.ADJUSTMENT) qty = new Dec(line.qty!);
    else qty = line.countedQty !== undefined ? new Dec(line.countedQty).minus(level.onHand) : new Dec(line.qty!);
    if (qty.isZero()) continue;
    const unitCost = dto.type === StockDocType.INBOUND ? fmtCost(line.unitCost!) : null;
    lines.push({ lineNo: lines.length + 1, productId: line.productId, qty: fmt(qty, 'qty'), unitCost });
    if (dto.type === StockDocType.TRANSFER) {
      changes.push({ warehouseId: dto.warehouseId, productId: line.productId, delta: fmt(qty.negated(), 'qty') });
      // arrives at the source's average at this moment (moving average on the destination)
      changes.push({ warehouseId: dto.toWarehouseId!, productId: line.productId, delta: fmt(qty, 'qty'), costFromWarehouseId: dto.warehouseId });
    } else {
      changes.push({ warehouseId: dto.warehouseId, productId: line.productId, delta: fmt(qty, 'qty'), ...(unitCost !== null ? { unitCost } : {}) });
    }
  }
  return { lines, changes };
}

/** The changes that would take available stock (on hand - reserved) below zero. */
export function findShortages(changes: StockChange[], levels: Map<string, StockLevel>): Shortage[] {
  const out: Shortage[] = [];
  for (const c of changes) {
    if (!new Dec(c.delta).isNegative()) continue;
    const level = levels.get(stockKey(c.warehouseId, c.productId)) ?? { onHand: '0', reserved: '0' };
    const available = new Dec(level.onHand).minus(level.reserved);
    const requested = new Dec(c.delta).negated();
    if (available.lessThan(requested)) out.push({ warehouseId: c.warehouseId, productId: c.productId, available: fmt(available, 'qty'), requested: fmt(requested, 'qty') });
  }
  return out;
}
