/** The finance screens, Simplified Chinese. `finance.en.ts` has exactly the same keys. */
const finance = {
  menu: {
    group: '财务管理',
  },
};

export type FinanceMessages = typeof finance;
export default finance;
