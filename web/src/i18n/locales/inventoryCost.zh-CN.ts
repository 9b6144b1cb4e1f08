/** 存货成本: 入库单位成本、移动加权平均成本、库存金额与存货价值页，中文。与 `inventoryCost.en.ts` 键相同。 */
const inventoryCost = {
  menu: {
    stockValue: '存货价值',
  },
  unitCost: '单位成本',
  unitCostPlaceholder: '元/单位',
  costAmount: '成本金额',
  avgCost: '平均成本',
  value: '库存金额',
  totalValue: '库存总金额',
  lineErrors: {
    costRequired: '请填写单位成本',
    costNotNumber: '请输入数字',
    costTooManyDecimals: '最多 6 位小数',
    costNegative: '不能为负数',
  },
  valuePage: {
    title: '存货价值',
    desc: '按移动加权平均成本计算的库存金额（在库数量 × 平均成本），可按仓库、商品分类或机构汇总；合计等于各组之和。',
    groupBy: '汇总方式',
    groups: {
      warehouse: '按仓库',
      category: '按商品分类',
      branch: '按机构',
    },
    cols: {
      warehouse: '仓库',
      category: '商品分类',
      branch: '机构',
      rows: '库存条目',
      onHand: '在库数量',
      value: '库存金额',
      share: '占比',
    },
    total: '合计',
    empty: '暂无在库库存',
    forbidden: '您没有查看成本的权限',
  },
};
export default inventoryCost;
