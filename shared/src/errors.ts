import type { ImportRejectedDetails } from './catalog';
import type { PasswordProblemCode } from './password';

/**
 * Stable error codes. Every error the API answers carries one of these in `code`; clients and
 * integrators switch on the code, never on the message. The server maps each code to an HTTP
 * status in one exhaustive table (server/src/common/errors/error-status.ts).
 */
export enum ErrorCode {
  // request shape
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  MALFORMED_JSON = 'MALFORMED_JSON',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  // auth
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  ACCOUNT_DISABLED = 'ACCOUNT_DISABLED',
  LOGIN_RATE_LIMITED = 'LOGIN_RATE_LIMITED',
  REFRESH_TOKEN_INVALID = 'REFRESH_TOKEN_INVALID',
  REFRESH_TOKEN_REUSED = 'REFRESH_TOKEN_REUSED',
  WRONG_PASSWORD = 'WRONG_PASSWORD',
  WEAK_PASSWORD = 'WEAK_PASSWORD',
  FORBIDDEN = 'FORBIDDEN',
  // generic
  NOT_FOUND = 'NOT_FOUND',
  ROUTE_NOT_FOUND = 'ROUTE_NOT_FOUND',
  DUPLICATE = 'DUPLICATE',
  STALE_VERSION = 'STALE_VERSION',
  INVALID_STATE = 'INVALID_STATE',
  REFERENCED = 'REFERENCED',
  CONCURRENT_UPDATE = 'CONCURRENT_UPDATE',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  IDEMPOTENCY_IN_PROGRESS = 'IDEMPOTENCY_IN_PROGRESS',
  INTERNAL = 'INTERNAL',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  /** a backup is being written right now (one at a time) */
  BACKUP_RUNNING = 'BACKUP_RUNNING',
  // organisations
  ORG_HAS_CHILDREN = 'ORG_HAS_CHILDREN',
  ORG_HAS_DOCUMENTS = 'ORG_HAS_DOCUMENTS',
  ORG_INVALID_PARENT = 'ORG_INVALID_PARENT',
  ORG_MOVE_INTO_OWN_SUBTREE = 'ORG_MOVE_INTO_OWN_SUBTREE',
  ORG_PARENT_DISABLED = 'ORG_PARENT_DISABLED',
  ORG_IS_ROOT = 'ORG_IS_ROOT',
  // users and roles
  ROLE_BUILTIN_READONLY = 'ROLE_BUILTIN_READONLY',
  ROLE_IN_USE = 'ROLE_IN_USE',
  ROLE_NOT_GRANTABLE = 'ROLE_NOT_GRANTABLE',
  UNKNOWN_PERMISSION = 'UNKNOWN_PERMISSION',
  DEALER_ASSIGNMENT_INVALID = 'DEALER_ASSIGNMENT_INVALID',
  CANNOT_DISABLE_SELF = 'CANNOT_DISABLE_SELF',
  // catalog, stock, pricing
  CATEGORY_HAS_CHILDREN = 'CATEGORY_HAS_CHILDREN',
  CATEGORY_IN_USE = 'CATEGORY_IN_USE',
  PRODUCT_OUT_OF_SCOPE = 'PRODUCT_OUT_OF_SCOPE',
  PRODUCT_DISCONTINUED = 'PRODUCT_DISCONTINUED',
  INVALID_QUANTITY = 'INVALID_QUANTITY',
  /** an inbound line without a unit cost, or with a negative one (details.line, productId, field) */
  INVALID_UNIT_COST = 'INVALID_UNIT_COST',
  QTY_NOT_MULTIPLE = 'QTY_NOT_MULTIPLE',
  QTY_BELOW_MINIMUM = 'QTY_BELOW_MINIMUM',
  INSUFFICIENT_STOCK = 'INSUFFICIENT_STOCK',
  WAREHOUSE_DISABLED = 'WAREHOUSE_DISABLED',
  PRICE_BOOK_EXPIRED = 'PRICE_BOOK_EXPIRED',
  PRICE_BOOK_DATES_INVALID = 'PRICE_BOOK_DATES_INVALID',
  QUANTITY_BREAK_INVALID = 'QUANTITY_BREAK_INVALID',
  PROMOTION_WINDOW_INVALID = 'PROMOTION_WINDOW_INVALID',
  IMPORT_REJECTED = 'IMPORT_REJECTED',
  UNSUPPORTED_FILE = 'UNSUPPORTED_FILE',
  // orders, shipments, returns
  ORDER_HAS_NO_LINES = 'ORDER_HAS_NO_LINES',
  DEALER_DISABLED = 'DEALER_DISABLED',
  MANUAL_PRICE_NOT_ALLOWED = 'MANUAL_PRICE_NOT_ALLOWED',
  SHIP_QTY_EXCEEDS_ORDER = 'SHIP_QTY_EXCEEDS_ORDER',
  RETURN_QTY_EXCEEDS_SHIPPED = 'RETURN_QTY_EXCEEDS_SHIPPED',
  // credit and finance
  CREDIT_LIMIT_EXCEEDED = 'CREDIT_LIMIT_EXCEEDED',
  CREDIT_OVERDUE_BLOCKED = 'CREDIT_OVERDUE_BLOCKED',
  INVALID_AMOUNT = 'INVALID_AMOUNT',
  ALLOCATION_EXCEEDS_OPEN = 'ALLOCATION_EXCEEDS_OPEN',
  ALLOCATION_EXCEEDS_RECEIPT = 'ALLOCATION_EXCEEDS_RECEIPT',
  NOT_STATEMENT_DEALER = 'NOT_STATEMENT_DEALER',
  // approvals
  APPROVAL_CONDITION_INVALID = 'APPROVAL_CONDITION_INVALID',
  APPROVAL_STEP_NO_APPROVERS = 'APPROVAL_STEP_NO_APPROVERS',
  APPROVAL_TASK_NOT_OPEN = 'APPROVAL_TASK_NOT_OPEN',
  APPROVAL_TASK_NOT_YOURS = 'APPROVAL_TASK_NOT_YOURS',
  APPROVAL_REASON_REQUIRED = 'APPROVAL_REASON_REQUIRED',
  /** a document waits for approval of this change already (a stock adjustment, a receipt reversal) */
  APPROVAL_PENDING = 'APPROVAL_PENDING',
  // dealer mall
  MALL_DEALER_ONLY = 'MALL_DEALER_ONLY',
  /** a console-only endpoint (price simulation, approval inbox, aging, the full product list, import templates, promotions admin) called by a dealer's user */
  STAFF_ONLY = 'STAFF_ONLY',
  PRODUCT_NOT_PUBLISHED = 'PRODUCT_NOT_PUBLISHED',
  CART_EMPTY = 'CART_EMPTY',
  CART_HAS_PROBLEMS = 'CART_HAS_PROBLEMS',
  PRICE_NOT_ACCEPTED = 'PRICE_NOT_ACCEPTED',
  INVITE_INVALID = 'INVITE_INVALID',
  // invoices (发票)
  /** a 统一社会信用代码 / 纳税人识别号 fails its shape or GB 32100-2015 check character (details.field) */
  TAX_ID_INVALID = 'TAX_ID_INVALID',
  /** an invoice number of the wrong shape for its type (details.field, type) */
  INVOICE_NUMBER_INVALID = 'INVOICE_NUMBER_INVALID',
  /** the invoice exists already (details.existingId, label) */
  INVOICE_DUPLICATE = 'INVOICE_DUPLICATE',
  INVOICE_RED_EXCEEDS_BLUE = 'INVOICE_RED_EXCEEDS_BLUE',
  INVOICE_DIGITAL_NOT_VOIDABLE = 'INVOICE_DIGITAL_NOT_VOIDABLE',
  INVOICE_VOID_PERIOD_CLOSED = 'INVOICE_VOID_PERIOD_CLOSED',
  INVOICE_QTY_EXCEEDS_UNINVOICED = 'INVOICE_QTY_EXCEEDS_UNINVOICED',
  INVOICE_NOT_BLUE = 'INVOICE_NOT_BLUE',
  /** the workbook is not the platform's 全量发票查询 export (details.missing: the columns not found) */
  PLATFORM_EXPORT_COLUMNS_MISSING = 'PLATFORM_EXPORT_COLUMNS_MISSING',
  // dealer reports and replenishment
  /** a dealer report for a business date after today (details.field, today) */
  REPORT_DATE_IN_FUTURE = 'REPORT_DATE_IN_FUTURE',
  /** replenishment lines already turned into orders or sent (details.lineIds, status) */
  REPLENISHMENT_LINE_STALE = 'REPLENISHMENT_LINE_STALE',
  // store visits (跑店)
  /** the rep already has a visit checked in and not out (details.visitId, dealerId) */
  VISIT_ALREADY_OPEN = 'VISIT_ALREADY_OPEN',
  /** a check-out (or an action) for a visit that was never checked in (details.visitClientId) */
  VISIT_NOT_CHECKED_IN = 'VISIT_NOT_CHECKED_IN',
  /** the visit is already checked out (details.visitId, checkOutAt) */
  VISIT_ALREADY_CHECKED_OUT = 'VISIT_ALREADY_CHECKED_OUT',
  // analysis (多维分析): the codes of ANALYSIS_ERRORS in analysis.ts
  /** a measure not in ANALYSIS_MEASURES (details.field, value, allowed) */
  ANALYSIS_UNKNOWN_MEASURE = 'ANALYSIS_UNKNOWN_MEASURE',
  /** a dimension (or drill-down cell key) not in ANALYSIS_DIMENSIONS, or one named twice (details.field, value, allowed) */
  ANALYSIS_UNKNOWN_DIMENSION = 'ANALYSIS_UNKNOWN_DIMENSION',
  /** from..to spans more days than ANALYSIS_LIMITS.maxDays (details.days, maxDays) */
  ANALYSIS_PERIOD_TOO_LONG = 'ANALYSIS_PERIOD_TOO_LONG',
  /** more dimensions than ANALYSIS_LIMITS.maxDimensions (details.count, maxDimensions) */
  ANALYSIS_TOO_MANY_DIMENSIONS = 'ANALYSIS_TOO_MANY_DIMENSIONS',
  /** from after to, or a drill-down period key that is not a key of its dimension (details.field, value) */
  ANALYSIS_BAD_PERIOD = 'ANALYSIS_BAD_PERIOD',
}

/** The one error body the API answers with. */
export interface ApiErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  details?: unknown;
  requestId?: string;
}

/** One shortage of available stock (on hand - reserved) for a (warehouse, product). */
export interface StockShortage {
  warehouseId: string;
  productId: string;
  /** named so the reader's client can word it without another request (orders name them) */
  productCode?: string;
  productName?: string;
  available: string;
  requested: string;
}

/**
 * `details` per error code, for the codes whose details clients read. `DomainError` on the server
 * is generic over this map, so a details object of the wrong shape fails the build; codes not
 * listed here carry free-form details.
 */
export interface ErrorDetails {
  [ErrorCode.INSUFFICIENT_STOCK]: {
    warehouseId?: string;
    productId: string;
    productCode?: string;
    productName?: string;
    warehouseCode?: string;
    available?: string;
    requested: string;
    /** every short line of the document, the first one above */
    shortages?: StockShortage[];
  };
  [ErrorCode.CREDIT_LIMIT_EXCEEDED]: { limit: string; exposure: string; orderTotal: string; available: string; excess: string };
  [ErrorCode.SHIP_QTY_EXCEEDS_ORDER]: { orderLineId: string; productId: string; left: string; requested: string; field?: string };
  [ErrorCode.INVALID_STATE]: {
    /** the status the record is in (or was read in) */
    status?: string;
    /** the status a refused move wanted */
    to?: string;
    action?: string;
    allowedFrom?: readonly string[];
    reversalStatus?: string | null;
    id?: string;
    dealerId?: string;
  };
  /** one field (optionally with more facts), or the request validator's list of fields */
  [ErrorCode.VALIDATION_FAILED]: { field: string; [fact: string]: unknown } | { field: string; messages: string[] }[];
  [ErrorCode.IMPORT_REJECTED]: ImportRejectedDetails;
  /** `reason` is passwordProblem's code (or SAME_AS_CURRENT); `problems` the same in English words */
  [ErrorCode.WEAK_PASSWORD]: { field: string; reason: PasswordProblemCode | 'SAME_AS_CURRENT'; problems: string[] };
  /** too many failed attempts (sign-in, change-password, activation) from this address: wait, then retry */
  [ErrorCode.LOGIN_RATE_LIMITED]: { retryAfterSeconds: number; scope: 'login' | 'password' | 'invite' };
  [ErrorCode.TAX_ID_INVALID]: { field: string; reason: 'MISSING' | 'FORMAT' | 'CHECKSUM' };
  [ErrorCode.INVOICE_NUMBER_INVALID]: { field: string; type: string; reason: 'MISSING' | 'FORMAT' };
  [ErrorCode.INVOICE_DUPLICATE]: { existingId: string; label: string; trackingNumber?: string };
  [ErrorCode.INVOICE_RED_EXCEEDS_BLUE]: { left: { amount: string; tax: string; total: string }; requested: { amount: string; tax: string; total: string }; invoiceLineId?: string };
  [ErrorCode.INVOICE_QTY_EXCEEDS_UNINVOICED]: { shipmentLineId: string; left: string; requested: string; field?: string };
  /** problems of an invoice register import or platform export, by sheet row and column */
  [ErrorCode.PLATFORM_EXPORT_COLUMNS_MISSING]: { missing: string[]; sheet?: string };
}

/** The details type of a code: its entry in ErrorDetails, else anything. */
export type DetailsOf<C extends ErrorCode> = C extends keyof ErrorDetails ? ErrorDetails[C] : unknown;
