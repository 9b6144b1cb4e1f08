/** The dealer ordering mall (订货商城): wire types shared by the server and the /mall pages (issue: dealer mall). */
import type { PriceSource } from './catalog';
import type { UserStatus } from './org';
import type { OrderEventDto, OrderStatus } from './sales';

/** What a dealer is told about stock: a level, and the number only where HQ allows it (mall settings). */
export type Availability = 'IN_STOCK' | 'LOW' | 'OUT';

/** A product as a dealer sees it in lists: its own price and where that price comes from. */
export interface MallProductCardDto {
  id: string;
  code: string;
  name: string;
  spec: string | null;
  brand: string | null;
  categoryId: string;
  categoryName: string;
  baseUnit: string;
  /** e.g. "1箱=12瓶" from the product's pack units, or null */
  packSize: string | null;
  imageUrl: string | null;
  /** the dealer's own tax-inclusive unit price for the minimum quantity (server-resolved) */
  unitPrice: string;
  priceSource: PriceSource;
  /** promotion / price book / level name behind the price */
  priceSourceName: string | null;
  /** last day the price holds (a promotion's or price book's end date, YYYY-MM-DD), else null */
  priceValidTo: string | null;
  /** the dealer's level price when the price is lower than it (to show a struck-through "was") */
  levelPrice: string | null;
  minOrderQty: string;
  orderMultiple: string;
  availability: Availability;
  /** available quantity in the dealer's supplying warehouses; null unless HQ shows exact stock */
  availableQty: string | null;
  favourite: boolean;
}

export interface MallProductDetailDto extends MallProductCardDto {
  barcode: string | null;
  images: { id: string; url: string }[];
  units: { unit: string; factor: string }[];
  remark: string | null;
  /** quantity in the dealer's cart now, "0" when none */
  inCartQty: string;
}

export interface MallCategoryDto {
  id: string;
  name: string;
  parentId: string | null;
  /** published products in the dealer's scope under this category (its subtree) */
  productCount: number;
}

export type MallContentKind = 'BANNER' | 'ANNOUNCEMENT';
export type AnnouncementTag = 'PROMOTION' | 'NEW_PRODUCT' | 'NOTICE';

/** Banners and announcements: HQ writes them, dealers see those valid now and targeted at them. */
export interface MallContentDto {
  id: string;
  kind: MallContentKind;
  title: string;
  /** announcement text (plain text) */
  body: string | null;
  tag: AnnouncementTag | null;
  /** banner image (uploaded through the storage service) */
  imageUrl: string | null;
  /** in-mall route the banner opens, e.g. /mall/products/<id> or /mall/catalog?q=饮料 */
  link: string | null;
  startsAt: string;
  endsAt: string;
  /** empty: every branch */
  branchIds: string[];
  /** empty: every price level */
  levels: number[];
  sort: number;
  status: 'ACTIVE' | 'DISABLED';
  updatedAt: string;
}

export interface MallHomeDto {
  banners: MallContentDto[];
  announcements: MallContentDto[];
  categories: MallCategoryDto[];
  /** products on promotion for this dealer now (up to 10) */
  promotions: MallProductCardDto[];
  /** most recently published products (up to 10) */
  newArrivals: MallProductCardDto[];
  cartCount: number;
}

export interface MallCartLineDto {
  productId: string;
  product: MallProductCardDto;
  qty: string;
  /** qty x unit price at the current server price */
  amount: string;
  /** why the line cannot be ordered now (unpublished, out of scope, discontinued, qty rule), else null */
  problem: { code: string; message: string } | null;
}

export interface MallCartDto {
  lines: MallCartLineDto[];
  lineCount: number;
  total: string;
  /** the dealer's credit before this order: limit, available (null when no limit applies) */
  credit: { mode: string; limit: string; available: string | null; exposure: string; overdue: string };
}

export interface MallAddressDto {
  id: string;
  contact: string;
  phone: string;
  /** region text, e.g. 北京市朝阳区 */
  region: string | null;
  address: string;
  isDefault: boolean;
}

export interface MallCheckoutInput {
  addressId: string;
  /** YYYY-MM-DD, today or later */
  requestedDate?: string;
  remark?: string;
}

/** A step of the dealer-facing status timeline. */
export interface MallTimelineStep {
  key: 'SUBMITTED' | 'REVIEWED' | 'APPROVED' | 'SHIPPED' | 'COMPLETED' | 'REJECTED' | 'CANCELLED';
  at: string | null;
  done: boolean;
  /** what a person typed (a rejection reason); null when the step carries a coded reason instead */
  note: string | null;
  /** why the step happened as a code and values the client words (CREDIT_OVERDUE, CREDIT_LIMIT {limit, exposure, orderTotal, excess}) */
  reason?: { code: string; values: Record<string, string> } | null;
}

export interface MallOrderSummaryDto {
  id: string;
  number: string;
  status: OrderStatus;
  total: string;
  lineCount: number;
  /** first line's product name and image, for the list */
  firstProductName: string | null;
  firstImageUrl: string | null;
  createdAt: string;
}

export interface MallShipmentInfo {
  id: string;
  number: string;
  shippedAt: string;
  logisticsCompany: string | null;
  trackingNo: string | null;
}

export interface MallOrderDto extends MallOrderSummaryDto {
  requestedDate: string | null;
  remark: string | null;
  deliveryAddress: Omit<MallAddressDto, 'id' | 'isDefault'> | null;
  lines: { productId: string; productCode: string; productName: string; spec: string | null; baseUnit: string; qty: string; shippedQty: string; unitPrice: string; amount: string; imageUrl: string | null }[];
  timeline: MallTimelineStep[];
  shipments: MallShipmentInfo[];
  /** the order's history; a credit note comes as `reason` (a code and values) instead of the server's text */
  events: (OrderEventDto & { reason?: MallTimelineStep['reason'] })[];
}

export interface MallReorderResult {
  added: number;
  /** lines not added: `code` says why (PRODUCT_NOT_PUBLISHED, PRODUCT_DISCONTINUED, PRODUCT_OUT_OF_SCOPE, NOT_FOUND); `reason` is the server's fallback text */
  skipped: { productId: string; productCode: string | null; productName: string; code: string; reason: string }[];
  /** lines added with another quantity than asked: raised to the product's minimum / multiple */
  adjusted: { productId: string; productName: string; from: string; to: string; minOrderQty: string; orderMultiple: string }[];
  cart: MallCartDto;
}

export interface MallSettingsDto {
  /** show dealers exact available quantities (else only in stock / low / out) */
  showExactStock: boolean;
  /** LOW when available is at or below the product's low-stock threshold, OUT at zero */
  version: number;
}

/** HQ stock availability for published products (总部库存查询). */
export interface MallStockRowDto {
  productId: string;
  code: string;
  name: string;
  spec: string | null;
  baseUnit: string;
  availability: Availability;
  availableQty: string | null;
}

/** A dealer login created by HQ / branch staff: the invite code is shown once. */
export interface DealerInviteDto {
  userId: string;
  username: string;
  dealerId: string;
  /** one-time code the dealer uses at /mall/activate to set a password; valid 7 days */
  inviteCode: string;
  expiresAt: string;
}

export interface DealerAccountDto {
  userId: string;
  username: string;
  displayName: string;
  phone: string | null;
  dealerId: string;
  dealerCode: string;
  dealerName: string;
  roles: string[];
  /** INVITED until the code is used */
  status: UserStatus;
  lastLoginAt: string | null;
  createdAt: string;
}

/** Body of POST/PUT /api/mall/contents (HQ). `imageFileId`: the key answered by POST /api/mall/contents/images. */
export interface MallContentInput {
  kind: MallContentKind;
  title: string;
  body?: string | null;
  tag?: AnnouncementTag | null;
  imageFileId?: string | null;
  link?: string | null;
  startsAt: string;
  endsAt: string;
  branchIds?: string[];
  levels?: number[];
  sort?: number;
  status?: 'ACTIVE' | 'DISABLED';
}

/** Answer of POST /api/mall/contents/images (multipart `file`): put `fileId` into MallContentInput.imageFileId. */
export interface MallImageUploadDto {
  fileId: string;
  url: string;
}

/** GET /api/mall/account: the dealer's own credit and receivables (self-service finance). */
export interface MallAccountDto {
  credit: MallCartDto['credit'];
  openReceivables: string;
  overdueReceivables: string;
}
