/** Catalog, stock and pricing: enums and wire types (issue: catalog, warehouses, stock, pricing tiers). */
import type { OrgRef } from './types';

export enum ProductStatus {
  ON_SALE = 'ON_SALE',
  DISCONTINUED = 'DISCONTINUED',
}

export enum StockDocType {
  INBOUND = 'INBOUND',
  TRANSFER = 'TRANSFER',
  ADJUSTMENT = 'ADJUSTMENT',
}

/** Document-number prefixes: RK 入库, DB 调拨, PD 盘点. */
export const STOCK_DOC_PREFIX: Record<StockDocType, string> = {
  [StockDocType.INBOUND]: 'RK',
  [StockDocType.TRANSFER]: 'DB',
  [StockDocType.ADJUSTMENT]: 'PD',
};

export enum PromotionKind {
  SPECIAL_PRICE = 'SPECIAL_PRICE',
  PERCENT_OFF = 'PERCENT_OFF',
}

/** Where a resolved price came from, in precedence order (ARCHITECTURE §7). */
export enum PriceSource {
  PROMOTION = 'PROMOTION',
  PRICE_BOOK = 'PRICE_BOOK',
  LEVEL = 'LEVEL',
  BASE = 'BASE',
}

export interface PriceLevelDto {
  level: number;
  name: string;
  nameEn: string;
}

export interface CategoryDto {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
  depth: number;
  sortOrder: number;
  productCount: number;
  version: number;
}

export interface CategoryTreeNode extends CategoryDto {
  children: CategoryTreeNode[];
}

export interface ProductUnitDto {
  unit: string;
  /** how many base units one of this unit holds, e.g. "12.000" */
  factor: string;
  barcode: string | null;
}

export interface ProductImageDto {
  id: string;
  url: string;
  fileName: string;
}

export interface ProductDto {
  id: string;
  code: string;
  name: string;
  spec: string | null;
  brand: string | null;
  categoryId: string;
  categoryName: string;
  baseUnit: string;
  units: ProductUnitDto[];
  barcode: string | null;
  taxRate: string;
  basePrice: string;
  /** index 0 is level 1 (一级批发价) ... index 9 level 10; null where unset */
  levelPrices: (string | null)[];
  /** the explicit floor, or null when the level-10 price is the floor */
  floorPrice: string | null;
  effectiveFloorPrice: string | null;
  minOrderQty: string;
  orderMultiple: string;
  status: ProductStatus;
  mallPublished: boolean;
  lowStockThreshold: string;
  images: ProductImageDto[];
  remark: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface WarehouseDto {
  id: string;
  code: string;
  name: string;
  org: OrgRef;
  address: string | null;
  status: 'ACTIVE' | 'DISABLED';
  version: number;
}

export interface StockRowDto {
  warehouseId: string;
  warehouseName: string;
  productId: string;
  productCode: string;
  productName: string;
  baseUnit: string;
  onHand: string;
  reserved: string;
  available: string;
  lowThreshold: string;
  low: boolean;
  /** moving average unit cost (6 decimals); null for users who do not see costs (COST_VIEW_PERMISSIONS) */
  avgCost: string | null;
  /** on hand x average cost, in cents; null as avgCost */
  value: string | null;
}

export interface StockDocLineDto {
  lineNo: number;
  productId: string;
  productCode: string;
  productName: string;
  baseUnit: string;
  /** INBOUND/TRANSFER: quantity moved (> 0); ADJUSTMENT: the signed change */
  qty: string;
  /** INBOUND: the unit cost entered; TRANSFER/ADJUSTMENT: the average it moved at (null until posted, or for users who do not see costs) */
  unitCost: string | null;
  /** |qty| x unit cost, in cents (null as unitCost) */
  costAmount: string | null;
}

export interface StockDocDto {
  id: string;
  number: string;
  type: StockDocType;
  warehouseId: string;
  warehouseName: string;
  toWarehouseId: string | null;
  toWarehouseName: string | null;
  reason: string | null;
  remark: string | null;
  businessDate: string;
  createdBy: string | null;
  createdByName: string | null;
  createdAt: string;
  lines: StockDocLineDto[];
  /** POSTED: stock moved; an adjustment (盘点) waits as PENDING_APPROVAL until approved, or ends REJECTED */
  status: StockDocStatus;
  /** why the approval rejected it (or the note it was withdrawn/returned with) */
  rejectedReason: string | null;
}

/** Where a stock document stands: only count adjustments go through approval. */
export type StockDocStatus = 'POSTED' | 'PENDING_APPROVAL' | 'REJECTED';

/** What moved stock: a stock document, a shipment or a sales return. */
export type MovementDocType = StockDocType | 'SHIPMENT' | 'SALES_RETURN';

export interface StockMovementDto {
  id: string;
  docId: string;
  docType: MovementDocType;
  docNumber: string;
  warehouseId: string;
  warehouseName: string;
  productId: string;
  productCode: string;
  productName: string;
  baseUnit: string;
  delta: string;
  onHandAfter: string;
  /** the unit cost it moved at and the signed value moved; null before costing existed, or for users who do not see costs */
  unitCost: string | null;
  costDelta: string | null;
  createdAt: string;
}

export interface PriceBookItemDto {
  productId: string;
  productCode: string;
  productName: string;
  minQty: string;
  price: string;
}

export interface PriceBookDto {
  id: string;
  code: string;
  name: string;
  orgId: string;
  validFrom: string;
  validTo: string | null;
  status: 'ACTIVE' | 'DISABLED';
  remark: string | null;
  dealers: OrgRef[];
  items: PriceBookItemDto[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface PromotionDto {
  id: string;
  code: string;
  name: string;
  orgId: string;
  kind: PromotionKind;
  value: string;
  minQty: string;
  startsAt: string;
  endsAt: string;
  status: 'ACTIVE' | 'DISABLED';
  productIds: string[];
  categoryIds: string[];
  branchIds: string[];
  levels: number[];
  dealerIds: string[];
  remark: string | null;
  version: number;
}

export interface ResolvedPrice {
  productId: string;
  unitPrice: string;
  source: PriceSource;
  /** the record behind the price: promotion, price book, or the level number / null for BASE */
  sourceId: string | null;
  sourceName: string | null;
  qty: string;
  /** the dealer's level price and the base price, for comparison */
  levelPrice: string | null;
  basePrice: string;
  floorPrice: string | null;
  /** the last day the price's promotion or price book runs (company time zone); null for a level or base price, or a book without an end */
  validTo: string | null;
}

export interface PriceHistoryDto {
  id: string;
  productId: string;
  kind: 'BASE' | 'LEVEL' | 'FLOOR' | 'PRICE_BOOK' | 'PROMOTION';
  level: number | null;
  refId: string | null;
  refName: string | null;
  oldPrice: string | null;
  newPrice: string | null;
  effectiveDate: string;
  changedBy: string | null;
  changedByName: string | null;
  createdAt: string;
}

/** The parameters of each import problem code (clients word the problem from the code and these). */
export interface ImportProblemParams {
  /** a required cell is empty */
  REQUIRED: Record<string, never>;
  /** a template column is missing from the sheet */
  COLUMN_MISSING: Record<string, never>;
  /** more data rows than one file may hold */
  TOO_MANY_ROWS: { max: number };
  /** the sheet has no data rows */
  NO_ROWS: Record<string, never>;
  TOO_LONG: { max: number };
  /** not a decimal >= 0 with at most `scale` decimals */
  NOT_A_NUMBER: { scale: number };
  NOT_POSITIVE: Record<string, never>;
  /** the same code / barcode as an earlier row of the file */
  DUPLICATE_IN_FILE: { row: number };
  UNKNOWN_CATEGORY: { code: string };
  /** unknown, or outside the caller's product range */
  UNKNOWN_PRODUCT: { code: string };
  /** the barcode belongs to another product */
  BARCODE_TAKEN: { code: string };
  BAD_CODE: Record<string, never>;
  BAD_BARCODE: Record<string, never>;
  BAD_TAX_RATE: Record<string, never>;
  BAD_STATUS: Record<string, never>;
  BAD_YES_NO: Record<string, never>;
  /** a number cell with more than `digits` significant digits: Excel kept only that many (type long barcodes as text) */
  NUMBER_LOST_DIGITS: { digits: number };
  /** not a month YYYY-MM (or a date cell) */
  BAD_MONTH: Record<string, never>;
  /** no branch or office with this code in the caller's scope (unknown, a dealer, or out of scope: one answer) */
  UNKNOWN_ORG: { code: string };
  /** no staff user with this username in the caller's scope */
  UNKNOWN_USER: { code: string };
  /** a target row names an organisation or a rep: exactly one of them */
  ORG_OR_REP: Record<string, never>;
  /** not a date (YYYY-MM-DD or a date cell) */
  BAD_DATE: Record<string, never>;
  /** a date after the company's today */
  DATE_IN_FUTURE: { today: string };
  /** a quantity below zero */
  NEGATIVE: Record<string, never>;
  /** unknown, or outside the caller's scope (the same answer: dealers cannot be probed) */
  UNKNOWN_DEALER: { code: string };
}
export type ImportProblemCode = keyof ImportProblemParams;

/** One problem of a refused import: where (row, field key, the sheet's column header), a stable code and its parameters. */
export type ImportProblem = {
  [C in ImportProblemCode]: {
    /** 1-based spreadsheet row (the header is row 1 unless title rows stand above it) */
    row: number;
    /** the template column's key (e.g. basePrice, l3), when the problem is in one column */
    field?: string;
    /** that column's header as the sheet shows it (e.g. 零售价) */
    column?: string;
    code: C;
    params: ImportProblemParams[C];
  };
}[ImportProblemCode];

/** `details` of a 422 IMPORT_REJECTED: the problems (the first 1000) and how many there are in all. */
export interface ImportRejectedDetails {
  errors: ImportProblem[];
  total: number;
}

export interface ImportResult {
  created: number;
  updated: number;
}
