import type { DB } from './schema';

/**
 * Who owns each table (ARCHITECTURE §2 "table ownership"). Only the owner's code writes a table
 * or reads it in SQL; other modules call the owner's exported service. The Record makes the
 * compiler ask for an owner when a migration adds a table (schema.ts is generated from them).
 * `table-ownership.spec.ts` checks the sources against this map.
 */
export const TABLE_OWNERS: Record<keyof DB, Owner> = {
  organization: 'org',
  app_user: 'users',
  user_role: 'users',
  user_dealer: 'users',
  user_invite: 'users',
  role: 'roles',
  auth_session: 'auth',
  refresh_token: 'auth',
  login_throttle: 'auth',
  audit_log: 'audit',
  category: 'catalog',
  product: 'catalog',
  product_image: 'catalog',
  product_price: 'catalog',
  product_unit: 'catalog',
  price_level: 'catalog',
  branch_product_scope: 'catalog',
  price_book: 'pricing',
  price_book_dealer: 'pricing',
  price_book_item: 'pricing',
  promotion: 'pricing',
  price_history: 'pricing',
  warehouse: 'inventory',
  stock: 'inventory',
  stock_doc: 'inventory',
  stock_doc_line: 'inventory',
  stock_movement: 'inventory',
  sales_order: 'sales',
  sales_order_line: 'sales',
  sales_order_event: 'sales',
  shipment: 'sales',
  shipment_line: 'sales',
  sales_return: 'sales',
  sales_return_line: 'sales',
  credit_account: 'finance',
  receivable: 'finance',
  receipt: 'finance',
  allocation: 'finance',
  statement: 'finance',
  return_credit: 'finance',
  approval_flow: 'approval',
  approval_flow_version: 'approval',
  approval_instance: 'approval',
  approval_task: 'approval',
  approval_event: 'approval',
  approval_delegation: 'approval',
  notification: 'notifications',
  mall_settings: 'mall',
  company_settings: 'settings',
  backup_run: 'backup',
  mall_address: 'mall',
  mall_cart_item: 'mall',
  mall_content: 'mall',
  mall_favourite: 'mall',
  doc_sequence: 'database',
  idempotency_key: 'common',
  principal_version: 'common',
  auth_epoch: 'common',
  outbox: 'kernel',
  invoice: 'invoicing',
  invoice_line: 'invoicing',
  invoice_attachment: 'invoicing',
  invoice_supplement: 'invoicing',
  invoice_recon_run: 'invoicing',
  invoice_recon_finding: 'invoicing',
  dealer_report: 'visits',
  dealer_report_history: 'visits',
  dealer_report_reminder: 'visits',
  visit_plan: 'visits',
  visit: 'visits',
  visit_photo: 'visits',
  visit_sync_item: 'visits',
  replenishment_setting: 'replenishment',
  replenishment_run: 'replenishment',
  replenishment_line: 'replenishment',
  analysis_view: 'reports',
  sales_target: 'reports',
};

/** A code area that can own tables: a folder of server/src/modules, or a platform folder of server/src. */
export type Owner =
  | 'org' | 'users' | 'roles' | 'auth' | 'audit' | 'catalog' | 'pricing' | 'inventory' | 'sales' | 'finance'
  | 'approval' | 'notifications' | 'mall' | 'database' | 'common' | 'kernel' | 'settings' | 'backup' | 'invoicing' | 'visits' | 'replenishment' | 'reports';

/**
 * Reference tables any module may JOIN to show names and apply scope, read-only: the organisation
 * tree (scope is a path prefix over it), users' display names, product code / name / unit on
 * document lines, warehouse names. A read model per screen would cost a query per page for no gain.
 */
export const SHARED_READS: readonly (keyof DB)[] = ['organization', 'app_user', 'product', 'warehouse'];

/**
 * Other read-only SQL across owners kept on purpose, each with its reason. Writes are never allowed.
 */
export const ALLOWED_READS: readonly { module: string; table: keyof DB; why: string }[] = [
  { module: 'common', table: 'user_dealer', why: 'the data scope of a sales rep (ARCHITECTURE §5: scope is computed in one place)' },
  { module: 'common', table: 'branch_product_scope', why: 'the product range of a branch, part of the data scope' },
  { module: 'common', table: 'category', why: 'the product scope filter walks the category tree' },
  // sales:
  // finance:
  { module: 'finance', table: 'sales_order', why: 'the credit consistency query recomputes open orders from the orders (ARCHITECTURE §6); receivable lists show and search the order number. Sales depends on finance, so finance cannot call sales' },
  { module: 'finance', table: 'shipment', why: 'the dealer ledger (statements) lists every shipment as a debit, in one union query with returns and receipts' },
  { module: 'finance', table: 'sales_return', why: 'the dealer ledger (statements) lists every return as a credit with its reason, in one union query; the money itself is finance-owned (return_credit)' },
  // approval:
  { module: 'common', table: 'user_role', why: 'userScopeContains: the inverse of the data scope (which users see an organisation: approvers of a document), the same rule as computeScope, kept beside it' },
  { module: 'common', table: 'role', why: 'userScopeContains: a role carries the data-scope kind the inverse scope rule reads' },
  // notifications:
  { module: 'notifications', table: 'receivable', why: 'sign-in warnings: one scoped count of overdue receivables per sign-in; calling finance would make notifications depend on finance, which depends on approval, which notifies (a module cycle)' },
  { module: 'notifications', table: 'sales_order', why: 'sign-in warnings: one scoped count of mall orders waiting for review (PENDING_REVIEW) per sign-in; calling sales would make notifications depend on sales, which depends on approval, which notifies (a module cycle)' },
  { module: 'notifications', table: 'stock', why: 'sign-in warnings: one scoped count of low stock rows per sign-in; calling inventory would make notifications depend on inventory, which depends on approval, which notifies (a module cycle)' },
  // catalog:
  // pricing:
  { module: 'pricing', table: 'company_settings', why: 'the price resolver rounds promotion prices to the company unit-price scale (单价小数位数), read inside the one resolve query (benched) rather than a second round trip' },
  { module: 'pricing', table: 'category', why: 'the price resolver matches promotions to category subtrees: resolved in one query for a whole cart or catalog page (ARCHITECTURE §7)' },
  { module: 'pricing', table: 'price_level', why: 'the price resolver names the dealer\'s wholesale level: resolved in one query for a whole cart or catalog page (ARCHITECTURE §7)' },
  { module: 'pricing', table: 'product_price', why: 'the price resolver reads the dealer\'s level price and the level-10 floor: resolved in one query for a whole cart or catalog page (ARCHITECTURE §7)' },
  // inventory:
  { module: 'inventory', table: 'category', why: 'stock value grouped by category (存货价值按分类): the category code and name joined in the one grouped query over the scoped stock rows' },
  // mall:
  { module: 'mall', table: 'receivable', why: "the mall's account page: the dealer's open and overdue receivable totals, one query (finance has no per-dealer totals function)" },
  { module: 'mall', table: 'category', why: 'mall catalog read model: the category filter walks the category tree and the category list counts published products per subtree, one query each' },
  { module: 'mall', table: 'product_image', why: 'mall read model: the first image of each product on catalog cards and order pages, inside the page query (the catalog page is benched: one query)' },
  { module: 'mall', table: 'product_unit', why: "mall read model: a card's pack size (largest unit) inside the catalog page query, and the units on the product page" },
  { module: 'mall', table: 'stock', why: "mall catalog read model: availability (on hand - reserved) in the dealer's supplying warehouses per card and at HQ, inside the benched page query" },
  { module: 'mall', table: 'promotion', why: 'mall read model: products under a running promotion (home page) and the last day a promotion price holds on cards' },
  { module: 'mall', table: 'price_book', why: 'mall read model: the last day a price-book price holds on cards (valid_to), one query per page with the promotions' },
  { module: 'mall', table: 'branch_product_scope', why: "mall read model: the dealer's branch product range, evaluated inside every catalog query (the data scope of the mall)" },
  { module: 'mall', table: 'sales_order', why: "mall read model: the dealer's own order list (one query per page with line count and first product) and 常购 frequent products of the last 90 days" },
  { module: 'mall', table: 'sales_order_line', why: 'mall read model: line count and first product on the order list, and the products counted for 常购 frequent products' },
  { module: 'mall', table: 'shipment', why: "mall read model: shipment numbers and tracking on the dealer's order page (sales has no per-order shipment query)" },
  // invoicing:
  { module: 'invoicing', table: 'shipment', why: 'invoices are made from shipment lines: the uninvoiced list per dealer/branch/month joins the shipments in one paged query (sales depends on finance, which reads invoice numbers from invoicing: calling sales would be a module cycle)' },
  { module: 'invoicing', table: 'shipment_line', why: 'shipped, returned and invoiced quantities per line: the uninvoiced list and the check that an invoice never exceeds what a line has left, one query' },
  { module: 'invoicing', table: 'user_role', why: 'the month-end reminder finds the users who hold invoices:reconcile, in one query (users depends on nothing that could answer it without a cycle)' },
  { module: 'invoicing', table: 'role', why: 'the month-end reminder reads which roles carry invoices:reconcile' },
  { module: 'invoicing', table: 'sales_order_line', why: 'the tax rate frozen on the order line prices an invoice line made from its shipment line' },
  // visits:
  { module: 'visits', table: 'shipment', why: "the dealer's report form lists the products shipped to it in the last 90 days, inside the one form query" },
  { module: 'visits', table: 'shipment_line', why: "the dealer's report form lists the products shipped to it in the last 90 days, inside the one form query" },
  // replenishment:
  // reports (a read model over the documents: each read below says what it answers):
  { module: 'reports', table: 'shipment', why: 'analysis engine: shipment lines are the sales facts (quantity, sales, tax, cost) of the one aggregate statement per request, and drill-down lists the shipments behind a cell' },
  { module: 'reports', table: 'shipment_line', why: 'analysis engine: the sales facts per product (amount, tax_amount, cost_amount) aggregated in one statement over millions of lines (issue #16 speed)' },
  { module: 'reports', table: 'sales_return', why: 'analysis engine: returns are negative sales facts by the return date, in the same statement; drill-down lists them' },
  { module: 'reports', table: 'sales_return_line', why: 'analysis engine: the return facts per product (amount, tax, cost) in the same statement' },
  { module: 'reports', table: 'receipt', why: 'analysis engine: receipts (active, not reversed) are the collection facts, by dealer and date; drill-down lists them' },
  { module: 'reports', table: 'sales_order', why: "analysis engine: the order facts (count, amount) and each shipment's and return's rep and source (the order's), in the same statement" },
  { module: 'reports', table: 'category', why: "analysis engine: a product's top-level category (the category dimension) and the category filter's subtree, from the category path" },
  { module: 'reports', table: 'shipment', why: 'targets and dashboards: sales actual (shipped, tax-inclusive) per organisation subtree or rep, month and year to date, one aggregate per screen' },
  { module: 'reports', table: 'shipment_line', why: 'dashboards: tax and cost of shipped lines for the margin tile (grossMargin = amount - tax - cost, shared/src/analysis.ts)' },
  { module: 'reports', table: 'sales_return', why: 'targets and dashboards: returns are subtracted from sales actual, by the return business date' },
  { module: 'reports', table: 'sales_return_line', why: 'dashboards: tax and cost of returned lines for the margin tile' },
  { module: 'reports', table: 'sales_order', why: 'targets and dashboards: a shipment or return counts for the rep of its order (sales_rep_id); the rep dashboard counts the orders taken today' },
  { module: 'reports', table: 'receipt', why: 'targets and dashboards: collections actual (active receipts, not reversed) by business date' },
  { module: 'reports', table: 'user_dealer', why: 'targets: a rep is credited with the receipts of the dealers assigned to them (管辖往来单位): receipts carry no rep' },
  { module: 'reports', table: 'receivable', why: 'dashboards: the past-due receivables tile (open amount, due date before today), one scoped aggregate' },
  { module: 'reports', table: 'stock', why: 'ready report stockDays: on hand and moving average cost per warehouse and product, with the shipped quantity of the last 30 days, in one scoped statement' },
  { module: 'reports', table: 'receivable', why: 'ready report collections: what of each month\'s receivables is open and past due today, per branch, in the one collections statement' },
  { module: 'reports', table: 'dealer_report', why: 'ready report sellThrough: the dealer\'s reported sales and latest reported stock per product beside what was shipped to it, one statement per page' },
  { module: 'reports', table: 'visit', why: 'ready report visitKpis: visits, off-site check-ins and time on site per rep, one statement' },
  { module: 'reports', table: 'visit_plan', why: 'ready report visitKpis: planned visits (plan occurrences, the visits module\'s PLAN_OCCURS rule) against those done, one statement' },
  { module: 'reports', table: 'user_role', why: 'ready report visitKpis: the reps in scope are users whose role scope is their assigned dealers (as the visits supervisor view)' },
  { module: 'reports', table: 'role', why: 'ready report visitKpis: the role\'s data-scope kind names the reps' },
  // visits:
  { module: 'visits', table: 'user_role', why: "the supervisor's rep list: users in scope whose role scope is their assigned dealers (one query; users depends on nothing that could answer it)" },
  { module: 'visits', table: 'role', why: "the supervisor's rep list reads the role's data-scope kind" },
  { module: 'visits', table: 'user_dealer', why: "the missing-reports list names each dealer's reps (管辖往来单位) and the reminder tells them, one query for the page (users answers per user, not per dealer)" },
  { module: 'replenishment', table: 'dealer_report', why: 'the run computes every dealer and product in ONE set-based statement over the reports (issue #15: 15 million report rows must not be read into Node)' },
  { module: 'replenishment', table: 'sales_order', why: 'open supply (approved unshipped, replenishment orders not yet approved) and the last replenishment order, inside the one run statement' },
  { module: 'replenishment', table: 'sales_order_line', why: 'open supply quantities per product inside the one run statement' },
  { module: 'replenishment', table: 'shipment', why: 'open supply: quantities shipped after the latest report, inside the one run statement' },
  { module: 'replenishment', table: 'shipment_line', why: 'open supply: quantities shipped after the latest report, inside the one run statement' },
  { module: 'replenishment', table: 'branch_product_scope', why: "products outside the dealer's branch range give no line: evaluated per dealer inside the one run statement" },
  { module: 'replenishment', table: 'category', why: 'the branch product range walks the category tree inside the one run statement' },
  // users / auth / roles / org / jobs:
  { module: 'common', table: 'auth_session', why: 'loadPrincipal and the principal cache (common/auth/principal.ts): the login session is checked on every request (hot path)' },
  { module: 'common', table: 'user_role', why: "loadPrincipal: the user's roles, permissions and scope kinds in the per-request ONE query (hot path)" },
  { module: 'common', table: 'role', why: 'loadPrincipal: role codes, permissions and data scopes in the per-request ONE query (hot path)' },
  { module: 'roles', table: 'user_role', why: 'member counts on the role list and page, and the in-use check before deleting a role (users depends on roles: calling it would be a module cycle)' },
];

/** Demo data is loaded once into an empty database, by SQL for speed; it writes every module's tables. */
export const WRITES_EXEMPT: readonly string[] = ['seed'];
