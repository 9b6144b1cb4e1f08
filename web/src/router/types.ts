import type { Permission } from '@drp/shared';
import type { IconName } from '@/utils/icons';

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title, menu label and breadcrumb */
    title?: string;
    /** sidebar icon */
    icon?: IconName;
    /** required permission; with a list, any one of them */
    perm?: Permission | Permission[];
    /** position in the menu, smaller first */
    order?: number;
    /** HQ and branch staff only: internal configuration a dealer's users neither see nor open */
    staffOnly?: boolean;
    /** a page, but not a menu entry */
    hideInMenu?: boolean;
    /** reachable without logging in */
    public?: boolean;
    /**
     * a first screen (login, the mall's home): it reads only the words of
     * i18n/locales/zh-CN.core.ts, so it opens without downloading every page's words
     */
    firstScreen?: boolean;
  }
}

export {};
