import type { SalesMessages } from './sales.zh-CN';

/** The sales screens, English. */
const sales: SalesMessages = {
  menu: {
    group: 'Sales',
  },
};

export default sales;
