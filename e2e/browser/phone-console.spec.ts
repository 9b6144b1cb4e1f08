import type { Browser, Locator } from 'playwright-core';
import { Client } from 'pg';
import { UNREAD_COUNT_LIMIT } from '@drp/shared';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { DEMO_PASSWORD, elementUi, input, launchBrowser, login, logout, newPage, screenshot, type TrackedPage } from '../support/browser';

/**
 * The console on a phone (390x844). The login page fits (no sideways scroll, the 登录 button, the
 * language switch and the demo accounts inside the screen). The branch manager bj.manager signs in:
 * the header is compact (menu button, bell, language, user menu), the sidebar is a drawer that
 * opens from the menu button and closes when a page is chosen; the dashboard stacks; 我的审批 shows
 * its tasks as cards and he approves an order from its card in a dialog that fits the screen; the
 * delegation dialog fits and works (a delegation is added and ended); the sales order list shows
 * cards with the key figures and a compact filter bar, and a card opens its order; the stock list
 * shows cards whose movements open in a drawer within the screen; the organisation page stacks its
 * tree above the detail; the import dialog fits. The sales rep
 * bj.sales, who may not see users, gets no "无查看权限" card on the dashboard. Every page is
 * checked for sideways scrolling.
 */
describe('the console on a phone (390x844)', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  const PHONE = { width: 390, height: 844 };
  let order = { id: '', number: '' };

  /** a JSON call to the API as `username` */
  const api = async <T>(username: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> => {
    const res0 = await fetch(`${server.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
    const { accessToken } = (await res0.json()) as { accessToken: string };
    const res = await fetch(`${server.baseUrl}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}`, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    server = await appServerForSpec();
    browser = await launchBrowser();
    page = await newPage(browser, server.baseUrl);
    await page.setViewportSize(PHONE);

    // an order above 5,000 for the branch manager to approve (demo flow SO-STANDARD), entered by bj.sales
    const find = async (path: string, code: string) => (await api<{ items: { id: string; code: string }[] }>('bj.sales', 'GET', path)).items.find((x) => x.code === code)!.id;
    const dealerId = await find('/orgs?type=DEALER&q=D-BJ001', 'D-BJ001');
    const warehouseId = await find('/warehouses?q=WH-BJ', 'WH-BJ');
    const productId = await find('/products?q=SP0158', 'SP0158');
    const created = await api<{ id: string; number: string; status: string }>(
      'bj.sales',
      'POST',
      '/sales-orders',
      { dealerId, warehouseId, submit: true, lines: [{ productId, qty: '12' }] },
      { 'Idempotency-Key': `e2e-phone-${Date.now()}` },
    );
    expect(created.status).toBe('PENDING_APPROVAL');
    order = { id: created.id, number: created.number };
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const { messageBox, toast, pickRemote } = elementUi(() => page);

  /** the page does not scroll sideways: nothing sticks out to the right */
  const noSidewaysScroll = async () => {
    const { scrollWidth, innerWidth, bodyWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      bodyWidth: document.body.scrollWidth,
    }));
    expect(innerWidth).toBe(PHONE.width);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    expect(bodyWidth).toBeLessThanOrEqual(innerWidth);
  };
  /** the element is on screen: visible and wholly inside the 390 px width (and above the bottom edge) */
  const inView = async (locator: Locator) => {
    await locator.waitFor();
    const box = await locator.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.width).toBeGreaterThan(0);
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width + 0.5);
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height + 0.5);
  };
  const closeLoginWarnings = async () => {
    const warnings = page.getByTestId('login-warnings');
    await warnings.waitFor();
    await inView(page.getByTestId('login-warnings-close'));
    await page.getByTestId('login-warnings-close').click();
    await warnings.waitFor({ state: 'hidden' });
  };
  /** opens the menu drawer and waits for it to finish sliding in */
  const openMenu = async () => {
    await page.getByTestId('nav-open').click();
    await page.getByTestId('nav-drawer').waitFor();
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="nav-drawer"]');
      return !!el && el.getBoundingClientRect().left >= 0;
    });
  };
  const openMenuTo = async (testId: string, url: RegExp) => {
    const drawer = page.getByTestId('nav-drawer');
    await openMenu();
    // the menu scrolls inside the drawer
    await drawer.getByTestId(testId).scrollIntoViewIfNeeded();
    await inView(drawer.getByTestId(testId));
    await drawer.getByTestId(testId).click();
    await page.waitForURL(url);
    // the drawer closes on navigation
    await drawer.waitFor({ state: 'hidden' });
  };

  it('the login page fits the phone: nothing cut off, no sideways scroll', async () => {
    await page.goto('/login');
    await page.getByTestId('demo-accounts').waitFor();
    await noSidewaysScroll();
    await inView(page.getByTestId('login-submit'));
    await inView(page.getByTestId('lang-switch-trigger'));
    await inView(input(page, 'login-username'));
    await inView(input(page, 'login-password'));
    // every demo account is wholly inside the width (the list runs below the fold)
    const accounts = page.getByTestId('demo-accounts').locator('button');
    expect(await accounts.count()).toBeGreaterThan(5);
    for (const box of await Promise.all((await accounts.all()).map((a) => a.boundingBox()))) {
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    }
    await screenshot(page, 'phone-01-login');

    // the form still refuses an empty submit, and the language switch works on the phone
    await page.getByTestId('login-submit').click();
    await page.getByText('请输入用户名').waitFor();
    await page.getByTestId('lang-switch-trigger').click();
    await page.getByTestId('lang-en').click();
    await page.getByTestId('login-submit').getByText('Log in', { exact: false }).waitFor();
    await noSidewaysScroll();
    await screenshot(page, 'phone-02-login-en');
    await page.getByTestId('lang-switch-trigger').click();
    await page.getByTestId('lang-zh-CN').click();
    // (Element Plus spaces a two-character Chinese button label: 登 录)
    await page.getByTestId('login-submit').getByText(/^登\s?录$/).waitFor();
  });

  it('bj.manager signs in: a compact header, the dashboard stacks', async () => {
    await login(page, 'bj.manager');
    await closeLoginWarnings();
    await page.getByTestId('dashboard-greeting').waitFor();
    // no sidebar: a menu button; the bell, the language and the user menu stay in the header
    expect(await page.locator('.layout__aside').count()).toBe(0);
    await inView(page.getByTestId('nav-open'));
    await inView(page.getByTestId('user-menu'));
    await inView(page.getByTestId('lang-switch-trigger'));
    await inView(page.getByTestId('notification-bell'));
    await page.getByTestId('stat-dealers-value').waitFor();
    await page.getByTestId('todo-pendingApprovals').waitFor();
    expect(await page.getByText('无查看权限').count()).toBe(0);
    await noSidewaysScroll();
    await screenshot(page, 'phone-03-dashboard');

    // the user menu opens and reaches the profile
    await page.getByTestId('user-menu').click();
    await inView(page.getByTestId('menu-profile'));
    await page.getByTestId('menu-profile').click();
    await page.waitForURL(/\/profile$/);
    await noSidewaysScroll();
  });

  it('the menu drawer opens, navigates and closes; 我的审批 shows cards and an order is approved from its card', async () => {
    await openMenu();
    await screenshot(page, 'phone-04-menu-drawer');
    // a tap beside the drawer closes it without navigating
    await page.mouse.click(PHONE.width - 20, PHONE.height / 2);
    await page.getByTestId('nav-drawer').waitFor({ state: 'hidden' });
    expect(new URL(page.url()).pathname).toBe('/profile');

    await openMenuTo('menu-approvals/inbox', /\/approvals\/inbox$/);
    const cards = page.getByTestId('inbox-cards');
    await cards.waitFor();
    // cards, not a table
    expect(await page.getByTestId('inbox-table').count()).toBe(0);
    const card = cards.getByTestId('inbox-card').filter({ hasText: order.number });
    await card.waitFor();
    await card.getByText('分支机构经理审批').waitFor();
    await card.getByText('张伟').waitFor();
    const todoBefore = Number((await page.getByTestId('inbox-count-todo').innerText()).trim());
    await noSidewaysScroll();
    await card.scrollIntoViewIfNeeded();
    await inView(card.getByTestId('inbox-approve'));
    await inView(card.getByTestId('inbox-reject'));
    await screenshot(page, 'phone-05-inbox-cards');

    await card.getByTestId('inbox-approve').click();
    const dialog = page.getByTestId('decision-dialog');
    await dialog.waitFor();
    await dialog.getByText(order.number).first().waitFor();
    const box = await dialog.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    await inView(dialog.getByTestId('decision-confirm'));
    await noSidewaysScroll();
    await screenshot(page, 'phone-06-decision');
    await dialog.getByTestId('decision-confirm').click();
    await toast(`已同意 ${order.number}`);
    await dialog.waitFor({ state: 'hidden' });
    await card.waitFor({ state: 'detached' });
    await page.waitForFunction((n) => document.querySelector('[data-testid="inbox-count-todo"]')?.textContent?.trim() === String(n), todoBefore - 1);

    // 我已审批: the decision is on a card with its result
    await page.getByTestId('inbox-tab-done').click();
    const done = page.getByTestId('inbox-cards').getByTestId('inbox-card').filter({ hasText: order.number });
    await done.getByTestId('inbox-result').getByText('已同意').waitFor();
    await noSidewaysScroll();
    expect(page.appErrors).toEqual([]);
  });

  it('the delegation dialog fits the phone and works', async () => {
    await page.getByTestId('inbox-delegation').click();
    const dialog = page.getByTestId('delegation-dialog');
    await dialog.waitFor();
    await dialog.getByText('当前没有委托').waitFor();
    const box = await dialog.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.width).toBeLessThanOrEqual(PHONE.width);
    await dialog.getByTestId('delegation-add').click();
    // refused without a delegate
    await dialog.getByTestId('delegation-save').click();
    await dialog.locator('.el-form-item__error', { hasText: '请选择被委托人' }).waitFor();
    // the period as two pickers, each inside the screen
    await inView(dialog.getByTestId('delegation-period-start'));
    await inView(dialog.getByTestId('delegation-period-end'));
    // the picker's panel fits too
    await dialog.getByTestId('delegation-period-end').locator('input').click();
    const panel = page.locator('.el-picker__popper:visible').first();
    await panel.waitFor();
    const pb = await panel.boundingBox();
    expect(pb!.x).toBeGreaterThanOrEqual(0);
    expect(pb!.x + pb!.width).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'phone-07-delegation-picker');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    await pickRemote('delegation-user', 'bj.finance', '李娜');
    await noSidewaysScroll();
    await screenshot(page, 'phone-08-delegation-form');
    await dialog.getByTestId('delegation-save').click();
    await toast('委托已保存');
    const item = dialog.getByTestId('delegation-card').filter({ hasText: '李娜' });
    await item.getByText('生效中').waitFor();
    await inView(item.getByTestId('delegation-end'));
    await screenshot(page, 'phone-09-delegation');
    await item.getByTestId('delegation-end').click();
    const confirm = messageBox();
    await confirm.getByText('确定现在结束对 李娜 的委托吗？').waitFor();
    const mb = await confirm.boundingBox();
    expect(mb!.x).toBeGreaterThanOrEqual(0);
    expect(mb!.x + mb!.width).toBeLessThanOrEqual(PHONE.width);
    await confirm.getByRole('button', { name: '结束委托' }).click();
    await toast('委托已结束');
    await dialog.getByText('当前没有委托').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('the sales order list shows cards with the key figures and a compact filter bar', async () => {
    await openMenuTo('menu-sales/orders', /\/sales\/orders$/);
    const cards = page.getByTestId('order-cards');
    await cards.waitFor();
    expect(await page.getByTestId('order-table').count()).toBe(0);
    const card = cards.getByTestId('order-card').filter({ hasText: order.number });
    await card.waitFor();
    await card.getByText('北京华联商贸有限公司').waitFor();
    await card.getByText(/¥[\d,]+\.\d\d/).first().waitFor();
    await page.getByTestId('order-totals').waitFor();
    // the filters fold into a bar: closed at first, opened by the 筛选 button
    expect(await page.getByTestId('order-search-q').isVisible()).toBe(false);
    await inView(page.getByTestId('filter-toggle'));
    await noSidewaysScroll();
    await screenshot(page, 'phone-10-orders');

    await page.getByTestId('filter-toggle').click();
    await input(page, 'order-search-q').fill(order.number);
    await noSidewaysScroll();
    await screenshot(page, 'phone-11-orders-filters');
    await page.getByTestId('order-search').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-card"]').length === 1);
    await page.getByTestId('filter-toggle').getByText('已筛选').waitFor();
    await noSidewaysScroll();

    // a card opens its order
    await card.click();
    await page.waitForURL(new RegExp(`/sales/orders/${order.id}$`));
    expect(page.appErrors).toEqual([]);
  });

  it('the stock list shows cards; a card opens its movements in a drawer that fits', async () => {
    await openMenuTo('menu-stock', /\/stock$/);
    const cards = page.getByTestId('stock-cards');
    await cards.waitFor();
    expect(await page.getByTestId('stock-table').count()).toBe(0);
    const first = cards.getByTestId('stock-card').first();
    await first.waitFor();
    await page.getByTestId('stock-totals').waitFor();
    await noSidewaysScroll();
    await screenshot(page, 'phone-12-stock');
    await first.click();
    const drawer = page.getByTestId('movement-drawer');
    await drawer.waitFor();
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="movement-drawer"]');
      return !!el && el.getBoundingClientRect().right <= window.innerWidth && el.getBoundingClientRect().left >= 0;
    });
    await noSidewaysScroll();
    await screenshot(page, 'phone-13-stock-movements');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  });

  it('the organisation page stacks the tree above the detail', async () => {
    await openMenuTo('menu-orgs', /\/orgs/);
    await page.getByTestId('org-node-BJ').click();
    await page.getByTestId('org-detail-title').getByText('北京分公司').waitFor();
    await noSidewaysScroll();
    await screenshot(page, 'phone-14-orgs');
  });

  it('the bell and the notification centre fit the phone', async () => {
    // through the bell: its panel fits the screen and leads to the centre
    await page.getByTestId('notification-bell').click();
    const panel = page.getByTestId('notification-panel');
    await panel.waitFor();
    const box = await panel.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'phone-15-bell');
    await panel.getByTestId('notification-view-all').click();
    await page.waitForURL(/\/notifications/);
    await page.getByTestId('notify-list').waitFor();
    await inView(page.getByTestId('notify-filter'));
    await noSidewaysScroll();
    await screenshot(page, 'phone-16-notifications');
  });

  it('more unread notices than are counted read as 1000+ in the centre and the bell, and still fit the phone', async () => {
    // no API writes notices in bulk: seeded in the server's own database (skipped against E2E_BASE_URL)
    if (!server.databaseUrl) return;
    const db = new Client({ connectionString: server.databaseUrl });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO notification (user_id, kind, title) SELECT u.id, 'ORDER_STATUS', '批量通知 ' || g FROM app_user u, generate_series(1, $1::int) g WHERE u.username = 'bj.manager'`,
        [UNREAD_COUNT_LIMIT + 1],
      );
    } finally {
      await db.end();
    }
    await page.goto(`${server.baseUrl}/notifications`);
    await page.getByTestId('notify-list').waitFor();
    await page.getByTestId('notify-unread-count').getByText(`${UNREAD_COUNT_LIMIT}+ 条未读`).waitFor();
    await noSidewaysScroll();
    await screenshot(page, 'phone-16b-notifications-1000-plus');
    await page.getByTestId('notification-bell').click();
    const panel = page.getByTestId('notification-panel');
    await panel.getByText(`${UNREAD_COUNT_LIMIT}+ 条未读`).waitFor();
    const box = await panel.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'phone-16c-bell-1000-plus');
    await page.keyboard.press('Escape');
  });

  it('a sales rep sees no card he may not open on the dashboard', async () => {
    await logout(page);
    await noSidewaysScroll();
    await login(page, 'bj.sales');
    await page.getByTestId('dashboard-greeting').waitFor();
    await page.getByTestId('stat-dealers-value').waitFor();
    // bj.sales may not see users: no users card at all, and never "无查看权限"
    expect(await page.getByTestId('stat-users').count()).toBe(0);
    expect(await page.getByText('无查看权限').count()).toBe(0);
    await noSidewaysScroll();
    await screenshot(page, 'phone-17-dashboard-sales');
    expect(page.appErrors).toEqual([]);
  });

  it('the import dialog fits the phone', async () => {
    await logout(page);
    await login(page, 'admin');
    await page.goto('/products');
    await page.getByTestId('product-import').click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.waitFor();
    const box = await dialog.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    await inView(dialog.getByTestId('import-upload'));
    await inView(dialog.getByTestId('import-template'));
    await screenshot(page, 'phone-18-import-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(page.appErrors).toEqual([]);
  });
});
