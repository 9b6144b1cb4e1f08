import {
  Avatar,
  Box,
  Goods,
  House,
  Sort,
  Tickets,
  Document,
  HomeFilled,
  Key,
  OfficeBuilding,
  Setting,
  ShoppingCart,
  User,
  UserFilled,
  Collection,
  Discount,
  Guide,
  Notebook,
  Operation,
  PriceTag,
} from '@element-plus/icons-vue';
import type { Component } from 'vue';

/** The icons routes may name in `meta.icon` (named, so route records stay plain data). */
export const ICONS = {
  home: HomeFilled,
  orgs: OfficeBuilding,
  users: User,
  roles: Key,
  audit: Document,
  mall: ShoppingCart,
  system: Setting,
  profile: Avatar,
  user: UserFilled,
  inventory: Box,
  stock: Goods,
  stockDocs: Tickets,
  movements: Sort,
  warehouse: House,
  goods: Collection,
  priceGrid: PriceTag,
  priceBook: Notebook,
  promotion: Discount,
  simulator: Operation,
  productScope: Guide,
} satisfies Record<string, Component>;

export type IconName = keyof typeof ICONS;
