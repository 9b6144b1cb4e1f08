import type { Browser } from 'playwright-core';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { elementUi, input, launchBrowser, login, logout, newPage, screenshot, type TrackedPage } from '../support/browser';

/**
 * The dealer mall on a phone (390x844): bj.dealer1 logs in and lands in the mall (not the
 * console), searches, adds products with the quantity rules (minimum, multiple), sees them in the
 * cart, checks out with a delivery address and remarks (credit shown first) and sees the order
 * 待审核. Customer service (bj.service, console, another browser context) accepts it; the dealer
 * then sees the new status on the order's timeline and a notification in the mall, and orders the
 * same again (再来一单) into the cart. The dealer
 * admin invites a staff member (员工账号); a wrong invite code is refused on the activation page,
 * the right one activates the login, which lands in the mall without the admin's pages. Finance
 * issues a statement; the dealer disputes it in the mall with a reason.
 */
describe('dealer mall (phone)', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  let orderUrl = '';
  let orderNumber = '';
  const PHONE = { width: 390, height: 844 };

  beforeAll(async () => {
    server = await appServerForSpec();
    browser = await launchBrowser();
    page = await newPage(browser, server.baseUrl);
    await page.setViewportSize(PHONE);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const { messageBox } = elementUi(() => page);
  /** a JSON call to the API as `username` */
  const api = async <T>(username: string, method: string, path: string, body?: unknown): Promise<T> => {
    const login = await fetch(`${server.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'Demo#2026' }) });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const res = await fetch(`${server.baseUrl}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const cartCount = () => page.getByTestId('mall-cart-badge').getAttribute('data-count');
  const waitCartCount = (n: number) =>
    page.waitForFunction((count) => document.querySelector('[data-testid="mall-cart-badge"]')?.getAttribute('data-count') === String(count), n);

  it('a dealer lands in the mall, with its own layout and bottom tab bar', async () => {
    await login(page, 'bj.dealer1');
    await page.waitForURL((url) => url.pathname === '/mall');
    await page.getByTestId('mall-home').waitFor();
    // the mall's own layout: no console sidebar, a bottom tab bar with the five tabs
    expect(await page.locator('.layout__aside').count()).toBe(0);
    await page.getByTestId('mall-tabbar').waitFor();
    for (const tab of ['首页', '分类', '购物车', '订单', '我的']) await page.getByTestId('mall-tabbar').getByText(tab, { exact: true }).waitFor();
    await page.getByTestId('mall-promotions').getByText('限时促销').waitFor();
    await page.getByTestId('mall-announcements').getByText('促销', { exact: true }).first().waitFor();
    // prices come with their source: the winter promotion says until when
    await page.getByTestId('mall-promotions').getByTestId('mall-price-source').first().getByText(/^促销价( 至 \d\d-\d\d)?$/).waitFor();
    await screenshot(page, 'mall-01-home');

    // start from an empty cart (the demo seeds two lines): emptying it is asked first
    await page.getByTestId('mall-tab-cart').click();
    await page.getByTestId('mall-cart').waitFor();
    if (await page.getByTestId('mall-cart-clear').count()) {
      await page.getByTestId('mall-cart-clear').click();
      await messageBox().getByText('确定清空购物车吗？').waitFor();
      await messageBox().getByRole('button', { name: '清空' }).click();
    }
    await page.getByTestId('mall-cart-empty').waitFor();
    await waitCartCount(0);
  });

  it('searches and adds products to the cart respecting the minimum and the multiple', async () => {
    await input(page, 'mall-search').fill('矿泉水');
    await input(page, 'mall-search').press('Enter');
    await page.waitForURL(/\/mall\/catalog\?q=/);
    await page.getByTestId('mall-page-title').getByText('“矿泉水”的搜索结果').waitFor();
    const first = page.getByTestId('mall-product-SP0001');
    await first.waitFor();
    // every card names its price source and availability in Chinese
    await first.getByTestId('mall-price-source').getByText(/价格本|促销价|批发价|零售价/).waitFor();
    await first.getByTestId('mall-availability').getByText(/有货|库存紧张|缺货/).waitFor();
    await screenshot(page, 'mall-02-search');

    // two more than the minimum of SP0001 (1 瓶, multiple 1)
    await first.getByTestId('mall-qty-SP0001-plus').click();
    await first.getByTestId('mall-qty-SP0001-plus').click();
    expect(await first.getByTestId('mall-qty-SP0001-input').inputValue()).toBe('3');
    await first.getByTestId('mall-add-SP0001').click();
    await page.locator('.el-message--success', { hasText: '已加入购物车' }).first().waitFor();
    await waitCartCount(1);

    // a product sold by the case: the stepper starts at the minimum and a typed quantity is rounded up to the multiple
    await page.goto('/mall/catalog?q=SP0043');
    const caseProduct = page.getByTestId('mall-product-SP0043');
    await caseProduct.waitFor();
    const min = await caseProduct.getByTestId('mall-qty-SP0043-input').inputValue();
    expect(Number(min)).toBeGreaterThan(1);
    // − at the minimum stays at the minimum
    await caseProduct.getByTestId('mall-qty-SP0043-minus').click();
    expect(await caseProduct.getByTestId('mall-qty-SP0043-input').inputValue()).toBe(min);
    await caseProduct.getByTestId('mall-qty-SP0043-input').fill(String(Number(min) + 1));
    await caseProduct.getByTestId('mall-qty-SP0043-input').press('Enter');
    expect(await caseProduct.getByTestId('mall-qty-SP0043-input').inputValue()).toBe(String(Number(min) * 2));
    await caseProduct.getByTestId('mall-add-SP0043').click();
    await waitCartCount(2);
    await screenshot(page, 'mall-03-added');
    expect(await cartCount()).toBe('2');
  });

  it('shows the cart with the server prices, total and available credit, then checks out', async () => {
    await page.getByTestId('mall-tab-cart').click();
    await page.getByTestId('mall-cart-line-SP0001').waitFor();
    await page.getByTestId('mall-cart-line-SP0043').waitFor();
    expect(await page.getByTestId('mall-cart-qty-SP0001-input').inputValue()).toBe('3');
    await page.getByTestId('mall-cart-total').getByText(/^¥[\d,]+\.\d\d$/).waitFor();
    await page.getByTestId('mall-cart-credit').getByText(/可用信用额度：(¥[\d,.-]+|不限额度)/).waitFor();
    await screenshot(page, 'mall-04-cart');

    await page.getByTestId('mall-checkout').click();
    await page.waitForURL(/\/mall\/checkout$/);
    // the default address comes from the dealer's profile
    await page.getByTestId('mall-checkout-address').locator('.addr__contact').waitFor();
    await page.getByTestId('mall-checkout-credit').getByText('可用').first().waitFor();
    await input(page, 'mall-checkout-remark').fill('请周五上午送货');
    await screenshot(page, 'mall-05-checkout');
    await page.getByTestId('mall-checkout-submit').click();
    await page.waitForURL(/\/mall\/orders\/[0-9a-f-]{36}$/);
    orderUrl = new URL(page.url()).pathname;
    await page.getByTestId('mall-order-status').getByText('待审核', { exact: true }).waitFor();
    orderNumber = (await page.getByTestId('mall-order-number').innerText()).trim();
    expect(orderNumber).toMatch(/\S+/);
    // the timeline: submitted done, the review in progress
    await page.locator('[data-testid="mall-order-timeline"] [data-step="SUBMITTED"][data-status="success"]').waitFor();
    await page.locator('[data-testid="mall-order-timeline"] [data-step="REVIEWED"][data-status="process"]').waitFor();
    await page.getByText('请周五上午送货').waitFor();
    await screenshot(page, 'mall-06-order-pending');
    // the cart is empty now
    await waitCartCount(0);

    // it is in 我的订单 under 待审核
    await page.getByTestId('mall-tab-orders').click();
    await page.getByRole('tab', { name: '待审核' }).click();
    await page.getByTestId(`mall-order-${orderNumber}`).getByText('待审核').waitFor();
    await screenshot(page, 'mall-07-orders');
    expect(page.appErrors).toEqual([]);
  });

  it('customer service accepts the order in the console', async () => {
    const service = await newPage(browser, server.baseUrl);
    try {
      await login(service, 'bj.service');
      // console users keep the console
      expect(new URL(service.url()).pathname).toBe('/dashboard');
      const orderId = orderUrl.split('/').pop()!;
      await service.goto(`/sales/orders/${orderId}`);
      await service.locator('[data-testid="order-status"]', { hasText: '待审核' }).first().waitFor();
      await service.getByText('请周五上午送货').first().waitFor();
      await service.getByTestId('order-review').click();
      const dialog = service.getByTestId('review-dialog');
      await dialog.waitFor();
      await screenshot(service, 'mall-08-console-review');
      await dialog.getByTestId('review-accept').click();
      await dialog.waitFor({ state: 'hidden' });
      await service.waitForFunction(() =>
        Array.from(document.querySelectorAll('[data-testid="order-status"]')).some((el) => (el.textContent ?? '').trim() !== '待审核'),
      );
      await screenshot(service, 'mall-09-console-accepted');
      // customer service may not order in the mall: the page is refused
      await service.goto('/mall');
      await service.getByTestId('page-403').waitFor();
      expect(service.appErrors).toEqual([]);
    } finally {
      await service.context().close();
    }
  });

  it('an HQ admin (who holds every permission) is told the mall is for dealers', async () => {
    const admin = await newPage(browser, server.baseUrl);
    try {
      await login(admin, 'admin');
      await admin.goto('/mall');
      await admin.getByTestId('mall-dealer-only').getByText('订货商城供经销商使用').waitFor();
      expect(await admin.getByTestId('mall-home').count()).toBe(0);
      expect(admin.appErrors).toEqual([]);
    } finally {
      await admin.context().close();
    }
  });

  it('the dealer sees the new status and a notification', async () => {
    await page.goto(orderUrl);
    await page.getByTestId('mall-order-detail').waitFor();
    await page.waitForFunction(() => {
      const text = document.querySelector('[data-testid="mall-order-status"]')?.textContent?.trim();
      return !!text && text !== '待审核';
    });
    await page.locator('[data-testid="mall-order-timeline"] [data-step="REVIEWED"][data-status="success"]').waitFor();
    await screenshot(page, 'mall-10-order-accepted');

    // the bell in the top bar counts it; the mall's notification list shows it and opens the mall's order page
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="mall-bell-badge"]')?.getAttribute('data-count') ?? 0) > 0);
    await page.getByTestId('mall-bell').click();
    await page.waitForURL(/\/mall\/me\/notifications$/);
    const note = page.getByTestId('mall-notification').filter({ hasText: orderNumber }).first();
    await note.waitFor();
    await screenshot(page, 'mall-11-notification');
    await note.click();
    await page.waitForURL((url) => url.pathname === orderUrl);
    await page.getByTestId('mall-order-detail').waitFor();

    // 再来一单: the order's lines go back into the cart, which says what was added
    await page.getByTestId('mall-order-reorder').click();
    await page.waitForURL(/\/mall\/cart$/);
    await page.getByTestId('mall-reorder-result').getByText('已将 2 种商品加入购物车').waitFor();
    await page.getByTestId('mall-cart-line-SP0001').waitFor();
    await page.getByTestId('mall-cart-line-SP0043').waitFor();
    await waitCartCount(2);
    await screenshot(page, 'mall-12a-reorder');
    expect(page.appErrors).toEqual([]);
  });

  it('me: credit, services and the HQ stock query', async () => {
    await page.getByTestId('mall-tab-me').click();
    await page.getByTestId('mall-me-dealer').getByText('北京华联商贸有限公司').waitFor();
    await page.getByTestId('mall-me-available').getByText(/¥[\d,.-]+|不限/).waitFor();
    await page.getByTestId('mall-me-staff').waitFor();
    await screenshot(page, 'mall-12-me');
    await page.getByTestId('mall-me-stock').click();
    await page.getByTestId('mall-stock-row').first().waitFor();
    await page.getByTestId('mall-stock-row').first().getByTestId('mall-availability').waitFor();

    // on a desktop the tabs become a top nav over a centred column
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto('/mall/catalog');
    await page.getByTestId('mall-nav-cart').waitFor();
    expect(await page.getByTestId('mall-tabbar').isVisible()).toBe(false);
    await page.getByTestId('mall-catalog').locator('article').first().waitFor();
    await screenshot(page, 'mall-12b-desktop-catalog');
    await page.setViewportSize(PHONE);
    expect(page.appErrors).toEqual([]);
  });

  it('the dealer admin invites a staff member, who activates the login with the one-time code', async () => {
    const username = `bj.staff${Date.now().toString().slice(-6)}`;
    await page.goto('/mall/me');
    await page.getByTestId('mall-me-staff').click();
    await page.getByTestId('mall-staff').waitFor();
    await page.getByTestId('mall-staff-invite').click();
    const dialog = page.getByTestId('mall-staff-invite-dialog');
    await dialog.waitFor();
    // the name is required
    await page.getByTestId('mall-staff-send').click();
    await dialog.getByText('请填写姓名').waitFor();
    await input(page, 'mall-staff-name').fill('王小二');
    await input(page, 'mall-staff-username').fill(username);
    await page.getByTestId('mall-staff-send').click();
    const codeBox = page.getByTestId('mall-staff-code');
    await codeBox.waitFor();
    const code = (await codeBox.innerText()).trim();
    expect(code.length).toBeGreaterThan(5);
    await page.getByTestId('mall-staff-code-dialog').getByText(`用户名：${username}`).waitFor();
    await screenshot(page, 'mall-13-staff-code');
    await page.getByTestId('mall-staff-code-dialog').getByRole('button', { name: '关闭' }).last().click();
    await page.getByTestId(`mall-staff-${username}`).getByText('待激活').waitFor();

    const staff = await newPage(browser, server.baseUrl);
    try {
      await staff.setViewportSize(PHONE);
      // the sign-in page leads an invited user to activation
      await staff.goto('/login');
      await staff.getByTestId('login-activate').click();
      await staff.waitForURL(/\/mall\/activate$/);
      await staff.getByTestId('mall-activate').waitFor();
      // a wrong code is refused and nothing is activated
      await input(staff, 'mall-activate-code').fill('WRONG-CODE-123');
      await input(staff, 'mall-activate-password').fill('Staff#2026ok');
      await input(staff, 'mall-activate-confirm').fill('Staff#2026ok');
      await staff.getByTestId('mall-activate-submit').click();
      await staff.getByTestId('mall-activate-error').getByText('邀请码无效或已过期').waitFor();
      await screenshot(staff, 'mall-14-activate-wrong-code');
      await input(staff, 'mall-activate-code').fill(code);
      await staff.getByTestId('mall-activate-submit').click();
      await staff.waitForURL(/\/login/);
      await login(staff, username, 'Staff#2026ok');
      await staff.waitForURL((url) => url.pathname === '/mall');
      await staff.getByTestId('mall-tab-me').click();
      await staff.getByTestId('mall-me-dealer').getByText('北京华联商贸有限公司').waitFor();
      // staff may order, but manage no accounts and read no statements
      await staff.getByTestId('mall-me-addresses').waitFor();
      expect(await staff.getByTestId('mall-me-staff').count()).toBe(0);
      expect(await staff.getByTestId('mall-me-statements').count()).toBe(0);
      await screenshot(staff, 'mall-15-staff-me');
      await logout(staff);
      expect(staff.appErrors).toEqual([]);
    } finally {
      await staff.context().close();
    }

    // the admin sees the login active now and can disable it (asked first)
    await page.reload();
    const row = page.getByTestId(`mall-staff-${username}`);
    await row.getByText('已启用').waitFor();
    await row.getByTestId('mall-staff-toggle').click();
    await messageBox().getByText('确定停用「王小二」的账号吗？', { exact: false }).waitFor();
    await messageBox().getByRole('button', { name: '停用' }).click();
    await row.getByText('已停用').waitFor();
    expect(page.appErrors).toEqual([]);
  });

  it('the dealer disputes a statement with a reason', async () => {
    const me = await api<{ orgId: string }>('bj.dealer1', 'GET', '/auth/me');
    const today = new Date().toISOString().slice(0, 10);
    const statement = await api<{ id: string; number: string }>('bj.finance', 'POST', '/statements', { dealerId: me.orgId, from: `${today.slice(0, 8)}01`, to: today });
    await page.goto('/mall/me');
    await page.getByTestId('mall-me-statements').click();
    await page.getByTestId(`mall-statement-${statement.number}`).getByText('待确认').waitFor();
    await page.getByTestId(`mall-statement-${statement.number}`).click();
    await page.getByTestId('mall-statement-detail').waitFor();
    await page.getByTestId('mall-statement-dispute').click();
    // a dispute needs its reason
    await messageBox().getByRole('button', { name: '有异议' }).click();
    await messageBox().getByText('请填写异议原因').waitFor();
    await messageBox().locator('textarea').fill('12 月 2 日的发货少了一箱');
    await screenshot(page, 'mall-16-statement-dispute');
    await messageBox().getByRole('button', { name: '有异议' }).click();
    await page.getByTestId('mall-statement-status').getByText('有异议').waitFor();
    await page.getByText('12 月 2 日的发货少了一箱').waitFor();
    expect(await page.getByTestId('mall-statement-confirm').count()).toBe(0);
    expect(page.appErrors).toEqual([]);
  });
});
