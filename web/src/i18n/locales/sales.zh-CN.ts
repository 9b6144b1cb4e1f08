/** The sales screens, Simplified Chinese. `sales.en.ts` has exactly the same keys. */
const sales = {
  menu: {
    group: '销售管理',
  },
};

export type SalesMessages = typeof sales;
export default sales;
