import { ErrorCode, StockDocType } from '@drp/shared';
import { DomainError } from '../../common/errors/domain-error';
import { checkDocInput, DocInput, findShortages, planChanges, StockLevel, stockKey } from './stock-doc.rules';

const W1 = '00000000-0000-4000-8000-000000000001';
const W2 = '00000000-0000-4000-8000-000000000002';
const P1 = '00000000-0000-4000-8000-0000000000a1';
const P2 = '00000000-0000-4000-8000-0000000000a2';

const codeOf = (fn: () => void) => {
  try {
    fn();
  } catch (e) {
    return (e as DomainError).code;
  }
  return null;
};

describe('checkDocInput', () => {
  const inbound = (lines: DocInput['lines'], extra: Partial<DocInput> = {}): DocInput => ({ type: StockDocType.INBOUND, warehouseId: W1, lines, ...extra });

  it('accepts positive quantities and refuses zero or negative ones with INVALID_QUANTITY', () => {
    expect(codeOf(() => checkDocInput(inbound([{ productId: P1, qty: '0.001', unitCost: '1' }])))).toBeNull();
    expect(codeOf(() => checkDocInput(inbound([{ productId: P1, qty: '0' }])))).toBe(ErrorCode.INVALID_QUANTITY);
    expect(codeOf(() => checkDocInput(inbound([{ productId: P1, qty: '-2' }])))).toBe(ErrorCode.INVALID_QUANTITY);
    expect(codeOf(() => checkDocInput({ ...inbound([{ productId: P1, qty: '-2' }]), type: StockDocType.TRANSFER, toWarehouseId: W2 }))).toBe(ErrorCode.INVALID_QUANTITY);
  });

  it('an inbound line needs a unit cost of 0 or more (INVALID_UNIT_COST); other types take none', () => {
    expect(codeOf(() => checkDocInput(inbound([{ productId: P1, qty: '1', unitCost: '0' }])))).toBeNull();
    expect(codeOf(() => checkDocInput(inbound([{ productId: P1, qty: '1' }])))).toBe(ErrorCode.INVALID_UNIT_COST);
    expect(codeOf(() => checkDocInput(inbound([{ productId: P1, qty: '1', unitCost: '-0.000001' }])))).toBe(ErrorCode.INVALID_UNIT_COST);
    expect(codeOf(() => checkDocInput({ ...inbound([{ productId: P1, qty: '1', unitCost: '2' }]), type: StockDocType.TRANSFER, toWarehouseId: W2 }))).toBe(ErrorCode.VALIDATION_FAILED);
    expect(codeOf(() => checkDocInput({ type: StockDocType.ADJUSTMENT, warehouseId: W1, reason: '盘点', lines: [{ productId: P1, qty: '1', unitCost: '2' }] }))).toBe(ErrorCode.VALIDATION_FAILED);
  });

  it('checks the shape per type', () => {
    expect(codeOf(() => checkDocInput(inbound([{ productId: P1, qty: '1' }], { toWarehouseId: W2 })))).toBe(ErrorCode.VALIDATION_FAILED);
    expect(codeOf(() => checkDocInput(inbound([{ productId: P1, countedQty: '1' }])))).toBe(ErrorCode.VALIDATION_FAILED);
    expect(codeOf(() => checkDocInput(inbound([{ productId: P1 }])))).toBe(ErrorCode.VALIDATION_FAILED);
    expect(codeOf(() => checkDocInput(inbound([{ productId: P1, qty: '1' }, { productId: P1, qty: '2' }])))).toBe(ErrorCode.VALIDATION_FAILED);
    expect(codeOf(() => checkDocInput({ ...inbound([{ productId: P1, qty: '1' }]), type: StockDocType.TRANSFER }))).toBe(ErrorCode.VALIDATION_FAILED);
    expect(codeOf(() => checkDocInput({ ...inbound([{ productId: P1, qty: '1' }]), type: StockDocType.TRANSFER, toWarehouseId: W1 }))).toBe(ErrorCode.VALIDATION_FAILED);
  });

  it('adjustments need a reason and exactly one of a non-zero change or a non-negative count', () => {
    const adj = (lines: DocInput['lines'], reason: string | null = '盘点'): DocInput => ({ type: StockDocType.ADJUSTMENT, warehouseId: W1, reason: reason ?? undefined, lines });
    expect(codeOf(() => checkDocInput(adj([{ productId: P1, qty: '-1' }])))).toBeNull();
    expect(codeOf(() => checkDocInput(adj([{ productId: P1, countedQty: '0' }])))).toBeNull();
    expect(codeOf(() => checkDocInput(adj([{ productId: P1, qty: '-1' }], '  ')))).toBe(ErrorCode.VALIDATION_FAILED);
    expect(codeOf(() => checkDocInput(adj([{ productId: P1, qty: '-1' }], null)))).toBe(ErrorCode.VALIDATION_FAILED);
    expect(codeOf(() => checkDocInput(adj([{ productId: P1, qty: '0' }])))).toBe(ErrorCode.INVALID_QUANTITY);
    expect(codeOf(() => checkDocInput(adj([{ productId: P1, countedQty: '-1' }])))).toBe(ErrorCode.INVALID_QUANTITY);
    expect(codeOf(() => checkDocInput(adj([{ productId: P1, qty: '1', countedQty: '1' }])))).toBe(ErrorCode.VALIDATION_FAILED);
    expect(codeOf(() => checkDocInput(adj([{ productId: P1 }])))).toBe(ErrorCode.VALIDATION_FAILED);
  });
});

describe('planChanges and findShortages', () => {
  const levels = new Map<string, StockLevel>([
    [stockKey(W1, P1), { onHand: '10.000', reserved: '2.000' }],
    [stockKey(W1, P2), { onHand: '5.500', reserved: '0.000' }],
  ]);

  it('a transfer takes out of the source and puts into the target at the source\'s average', () => {
    const plan = planChanges({ type: StockDocType.TRANSFER, warehouseId: W1, toWarehouseId: W2, lines: [{ productId: P1, qty: '3' }] }, levels);
    expect(plan.lines).toEqual([{ lineNo: 1, productId: P1, qty: '3.000', unitCost: null }]);
    expect(plan.changes).toEqual([
      { warehouseId: W1, productId: P1, delta: '-3.000' },
      { warehouseId: W2, productId: P1, delta: '3.000', costFromWarehouseId: W1 },
    ]);
  });

  it('an inbound comes in at its unit cost (6 decimals)', () => {
    const plan = planChanges({ type: StockDocType.INBOUND, warehouseId: W1, lines: [{ productId: P1, qty: '3', unitCost: '12.5' }] }, levels);
    expect(plan.lines).toEqual([{ lineNo: 1, productId: P1, qty: '3.000', unitCost: '12.500000' }]);
    expect(plan.changes).toEqual([{ warehouseId: W1, productId: P1, delta: '3.000', unitCost: '12.500000' }]);
  });

  it('a count becomes counted minus on hand; a matching count is skipped and line numbers close up', () => {
    const plan = planChanges({ type: StockDocType.ADJUSTMENT, warehouseId: W1, reason: 'x', lines: [{ productId: P2, countedQty: '5.5' }, { productId: P1, countedQty: '7.25' }] }, levels);
    expect(plan.lines).toEqual([{ lineNo: 1, productId: P1, qty: '-2.750', unitCost: null }]);
    expect(plan.changes).toEqual([{ warehouseId: W1, productId: P1, delta: '-2.750' }]);
  });

  it('a shortage is measured against available (on hand - reserved), not on hand', () => {
    expect(findShortages([{ warehouseId: W1, productId: P1, delta: '-8' }], levels)).toEqual([]);
    expect(findShortages([{ warehouseId: W1, productId: P1, delta: '-8.001' }], levels)).toEqual([{ warehouseId: W1, productId: P1, available: '8.000', requested: '8.001' }]);
    expect(findShortages([{ warehouseId: W2, productId: P1, delta: '-0.001' }], levels)).toEqual([{ warehouseId: W2, productId: P1, available: '0.000', requested: '0.001' }]);
    expect(findShortages([{ warehouseId: W2, productId: P1, delta: '100' }], levels)).toEqual([]);
  });
});
