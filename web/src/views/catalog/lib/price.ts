/**
 * Money, unit-price and quantity display lives in `@/utils/money` (decimal input checks in
 * `@/utils/decimalInput`). Only the order form (views/sales/order-form, changed by another piece
 * of work) still imports these names from here; move its imports and delete this file.
 */
export { formatAmount, formatPrice, priceText } from '@/utils/money';
