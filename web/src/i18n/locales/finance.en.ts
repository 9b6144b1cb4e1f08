import type { FinanceMessages } from './finance.zh-CN';

/** The finance screens, English. */
const finance: FinanceMessages = {
  menu: {
    group: 'Finance',
  },
};

export default finance;
