/**
 * Money display and arithmetic live in `@/utils/money`. Only the credit pages
 * (views/finance/credit, changed by another piece of work) still import these names from here;
 * move their imports and delete this file.
 */
export { amountEditText, isNegative, isPositive, minusAmount } from '@/utils/money';
