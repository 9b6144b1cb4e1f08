/** Inventory cost: inbound unit cost, moving average cost, stock value and the stock value page, English. Same keys as `inventoryCost.zh-CN.ts`. */
const inventoryCost = {
  menu: {
    stockValue: 'Stock value',
  },
  unitCost: 'Unit cost',
  unitCostPlaceholder: 'per unit',
  costAmount: 'Cost',
  avgCost: 'Avg cost',
  value: 'Value',
  totalValue: 'Total value',
  lineErrors: {
    costRequired: 'Enter the unit cost',
    costNotNumber: 'Enter a number',
    costTooManyDecimals: 'At most 6 decimals',
    costNegative: 'Cannot be negative',
  },
  valuePage: {
    title: 'Stock value',
    desc: 'Stock valued at moving weighted average cost (on hand × average cost), by warehouse, product category or organization; the total is the sum of the groups.',
    groupBy: 'Group by',
    groups: {
      warehouse: 'Warehouse',
      category: 'Category',
      branch: 'Organization',
    },
    cols: {
      warehouse: 'Warehouse',
      category: 'Category',
      branch: 'Organization',
      rows: 'Stock rows',
      onHand: 'On hand',
      value: 'Value',
      share: 'Share',
    },
    total: 'Total',
    empty: 'No stock on hand',
    forbidden: 'You may not see costs',
  },
};
export default inventoryCost;
