/**
 * Words the server stores as facts (codes and values) and the client says in its reader's language
 * (issue #12): audit entries, statuses named in them, the mall's order timeline reasons, reorder
 * outcomes and quantity rules. `words.en.ts` has exactly the same keys.
 */
const words = {
  audit: {
    msg: {
      auth: {
        login: '{name} 登录系统',
        logout: '{name} 退出登录',
        login_failed: '{name} 登录失败',
        throttle_lock: '{name} 多次失败，已暂时锁定',
        refresh_reuse: '出现已用过的刷新令牌，该次登录已被注销',
      },
      transition: '{entity}：{from} → {to}',
      transitionNote: '{entity}：{from} → {to}（{note}）',
      import: '导入{what}：新增 {created} 条，更新 {updated} 条',
      mall_publish: '商城上架 {count} 种商品',
      mall_unpublish: '商城下架 {count} 种商品',
      settings: '公司设置：可用量控制 {stockControl}，单价小数位数 {priceScale}',
      generic: '{action}{entity} {label}',
      genericNoLabel: '{action}{entity}',
    },
    importWhat: { products: '商品', prices: '价格', other: '数据' },
    stockControl: { NONE: '不控制', WARN: '提醒', BLOCK: '禁止超量', other: '—' },
    /** actions and entities the console's audit labels do not name */
    actions: {
      checkout: '商城下单',
      reorder: '再次购买',
      add_item: '加入购物车',
      set_item: '修改购物车数量',
      remove_item: '移出购物车',
      clear: '清空',
      favourite: '收藏',
      unfavourite: '取消收藏',
      invite: '邀请',
      reinvite: '重新邀请',
      activate: '激活账号',
      upload_image: '上传图片',
      set_default: '设为默认',
      mall_publish: '商城上架',
      mall_unpublish: '商城下架',
      post: '过账',
      ship: '发货',
      review_accept: '客服审核通过',
      other: '操作',
    },
    entities: {
      mall_cart: '购物车',
      mall_content: '商城内容',
      mall_address: '收货地址',
      mall_favourite: '收藏',
      mall_settings: '商城设置',
      company_settings: '公司设置',
      stock_doc: '库存单据',
      invoice: '发票',
      invoice_supplement: '发票补录',
      backup_run: '数据备份',
      other: '记录',
    },
  },
  /** the review dialog (审核) of a mall order */
  review: {
    fixQty: '第 {lines} 行的数量有误，改正后再计算金额与信用额度',
  },
  /** the credit table's merged cells */
  credit: {
    policy: '信用政策',
    receivables: '应收 {amount}',
    orders: '订单 {amount}',
    updatedAt: '设置于 {at}',
  },
  /** statuses named in audit entries, by code */
  status: {
    DRAFT: '草稿',
    PENDING_REVIEW: '待审核',
    PENDING_APPROVAL: '待审批',
    APPROVED: '已审核',
    PARTIALLY_SHIPPED: '部分发货',
    SHIPPED: '已发货',
    COMPLETED: '已完成',
    REJECTED: '已驳回',
    CANCELLED: '已取消',
    RETURNED: '已退回',
    WITHDRAWN: '已撤回',
    PENDING: '待处理',
    CONFIRMED: '已确认',
    DISPUTED: '有异议',
    ACTIVE: '有效',
    REVERSED: '已冲销',
    POSTED: '已过账',
    DISABLED: '已停用',
    INVITED: '已邀请',
    NORMAL: '正常',
    VOIDED: '已作废',
    other: '其他状态',
  },
  /** why an order step happened, by code (the mall's timeline) */
  reason: {
    CREDIT_OVERDUE: '有逾期未付的应收款',
    CREDIT_LIMIT: '超出信用额度 {excess}（额度 {limit}，已占用 {exposure}，本单 {orderTotal}）',
  },
  /** what a reorder did, line by line */
  reorder: {
    added: '已将 {n} 种商品加入购物车',
    noneAdded: '没有商品加入购物车',
    skippedTitle: '以下商品未能加入：',
    adjusted: '{name}：数量由 {from} 调整为 {to}（起订量 {min}，须为 {multiple} 的整数倍）',
    skipped: {
      PRODUCT_NOT_PUBLISHED: '{name}（{code}）：商城已不再销售该商品',
      PRODUCT_DISCONTINUED: '{name}（{code}）：该商品已停售',
      PRODUCT_OUT_OF_SCOPE: '{name}（{code}）：不在您所属机构的经营范围内',
      NOT_FOUND: '{name}：该商品已不存在',
      other: '{name}（{code}）：目前无法订购',
    },
  },
  /** the quantity rules beside a stepper and when a quantity is changed to meet them */
  qty: {
    ruleMin: '起订量 {min}',
    rounded: '数量已由 {from} 调整为 {to}（{rule}）',
  },
};

export type WordsMessages = typeof words;
export default words;
