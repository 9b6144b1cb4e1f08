import type { Browser } from 'playwright-core';
import { fmtGrouped } from '@drp/shared';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { DEMO_PASSWORD, elementUi, input, launchBrowser, login, logout, newPage, pageApi, pageCall, screenshot, type TrackedPage } from '../support/browser';

/**
 * Running the dealer mall from the console (商城管理, issue #6). The HQ admin finds an
 * unpublished product in 商城设置 and puts it on the mall (上架), switches exact stock on and off;
 * in 横幅与公告 the banner form first refuses an empty save with its messages, then takes a title,
 * an uploaded picture, a bad and then a good link and 北京分公司 as its target - and bj.dealer1's
 * mall home shows it; an announcement is deleted after a confirmation. In 经销商账号 the admin
 * invites a staff login for 北京华联 and is shown its one-time code and activation address; the
 * code activates the login at /api/auth/activate (once: a second time it is refused) and the new
 * user signs in. Then bj.dealer1 orders in the mall (API), and customer service (bj.service) finds
 * the order in 订单审核 with its count and accepts it from the queue.
 */
describe('mall admin', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  const suffix = Date.now().toString(36).slice(-5);
  const BANNER = `双十二订货节 ${suffix}`;
  const NOTICE = `春节发货安排 ${suffix}`;
  const STAFF = `华联采购小李${suffix}`;
  const DEALER = '北京华联商贸有限公司';

  beforeAll(async () => {
    server = await appServerForSpec();
    browser = await launchBrowser();
    page = await newPage(browser, server.baseUrl);
    await login(page, 'admin');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** the API as anyone: `token` null = no session, undefined = the page's own session */
  const call = <T = unknown>(method: string, path: string, body?: unknown, token?: string | null, headers?: Record<string, string>) => pageCall<T>(page, method, path, { body, token, headers });
  const ok = <T>(method: string, path: string, body?: unknown, token?: string | null, headers?: Record<string, string>) => pageApi<T>(page, method, path, { body, token, headers });
  const tokenOf = async (username: string, password = DEMO_PASSWORD) => (await ok<{ accessToken: string }>('POST', '/auth/login', { username, password }, null)).accessToken;

  const { messageBox, toast, rowsOf, pickRemote } = elementUi(() => page);
  const waitRows = (testId: string, n: number) =>
    page.waitForFunction(([id, want]) => document.querySelectorAll(`[data-testid="${id}"] .el-table__body-wrapper .el-table__row`).length === want, [testId, n] as const);

  it('商城设置: the admin publishes an unpublished product (上架) and switches exact stock on and off', async () => {
    const [product] = (await ok<{ items: { id: string; code: string; name: string; mallPublished: boolean }[] }>('GET', '/products?mallPublished=false&status=ON_SALE&pageSize=1')).items;
    expect(product.mallPublished).toBe(false);

    await page.getByTestId('menu-group-mall-admin').click();
    await page.getByTestId('menu-mall-admin/settings').click();
    await page.waitForURL(/\/mall-admin\/settings$/);
    await page.getByTestId('page-title').getByText('商城设置').waitFor();
    await rowsOf('publish-table').first().waitFor();

    await input(page, 'publish-search-q').fill(product.code);
    await page.getByTestId('publish-search').click();
    await waitRows('publish-table', 1);
    const row = rowsOf('publish-table').filter({ hasText: product.code });
    await row.getByTestId('published-no').waitFor();
    expect(await page.getByTestId('publish-on').isDisabled()).toBe(true);
    await row.locator('.el-checkbox').click();
    await page.getByTestId('publish-selected').getByText('已选 1 个商品').waitFor();
    await page.getByTestId('publish-on').click();
    await messageBox().getByText('确定将选中的 1 个商品上架到订货商城吗？').waitFor();
    await messageBox().getByRole('button', { name: '上架' }).click();
    await toast('已上架 1 个商品');
    await row.getByTestId('published-yes').waitFor();
    await screenshot(page, 'mall-admin-01-published');
    expect((await ok<{ mallPublished: boolean }>('GET', `/products/${product.id}`)).mallPublished).toBe(true);

    // exact stock: on, then back off (each change is saved at once)
    const before = await ok<{ showExactStock: boolean; version: number }>('GET', '/mall/settings');
    const sw = page.getByTestId('mall-show-exact-stock');
    await sw.click();
    await toast('商城设置已保存');
    const after = await ok<{ showExactStock: boolean; version: number }>('GET', '/mall/settings');
    expect(after.showExactStock).toBe(!before.showExactStock);
    expect(after.version).toBeGreaterThan(before.version);
    await page.locator('.el-message').first().waitFor({ state: 'hidden' });
    await sw.click();
    await toast('商城设置已保存');
    expect((await ok<{ showExactStock: boolean }>('GET', '/mall/settings')).showExactStock).toBe(before.showExactStock);
    expect(page.appErrors).toEqual([]);
  });

  it('横幅与公告: the form refuses bad input with messages, then a banner for 北京分公司 reaches bj.dealer1; an announcement is deleted', async () => {
    // a picture for the banner, drawn by the browser itself
    const painter = await browser.newPage({ viewport: { width: 1200, height: 400 } });
    await painter.setContent(
      `<body style="margin:0"><div style="width:1200px;height:400px;display:flex;align-items:center;justify-content:center;background:linear-gradient(120deg,#ff6a3d,#ffb03a);color:#fff;font:bold 72px sans-serif">双十二订货节 · 全场满减</div></body>`,
    );
    const png = await painter.screenshot({ type: 'png' });
    await painter.close();

    await page.getByTestId('menu-mall-admin/contents').click();
    await page.waitForURL(/\/mall-admin\/contents$/);
    await page.getByTestId('page-title').getByText('横幅与公告').waitFor();
    await page.getByTestId('content-create').click();
    const dialog = page.getByTestId('content-dialog');
    await dialog.waitFor();

    // nothing filled in: the messages, nothing saved
    await page.getByTestId('content-submit').click();
    await dialog.getByText('请输入标题').waitFor();
    await dialog.getByText('请上传横幅图片').waitFor();
    await screenshot(page, 'mall-admin-02-banner-invalid');

    await input(page, 'content-title').fill(BANNER);
    await dialog.locator('input[type=file]').setInputFiles({ name: 'banner.png', mimeType: 'image/png', buffer: png });
    await page.getByTestId('content-image-preview').waitFor();
    await input(page, 'content-link').fill('https://evil.example.com');
    await page.getByTestId('content-submit').click();
    await dialog.getByText('链接须是商城内的页面').waitFor();
    await input(page, 'content-link').fill('/mall/catalog?q=饮料');
    // target: 北京分公司 (its dealers, 北京华联 among them)
    await page.getByTestId('content-branches').click();
    await page.locator('.el-tree-select__popper:visible .el-tree-node__content', { hasText: '北京分公司' }).first().locator('.el-checkbox').click();
    await dialog.locator('.el-dialog__header').click();
    await dialog.locator('[data-testid="content-branches"] .el-select__selected-item', { hasText: '北京分公司' }).first().waitFor();
    await screenshot(page, 'mall-admin-03-banner-form');
    expect(await dialog.getByText('请上传横幅图片').count()).toBe(0);
    await page.getByTestId('content-submit').click();
    await toast('新增成功');
    await dialog.waitFor({ state: 'hidden' });

    const row = rowsOf('content-table').filter({ hasText: BANNER });
    await row.getByTestId('content-validity').getByText('生效中').waitFor();
    await row.getByText('北京分公司').waitFor();
    await row.getByText('全部价格等级').waitFor();
    await screenshot(page, 'mall-admin-04-contents');

    const saved = (await ok<{ items: { id: string; title: string; imageUrl: string | null; link: string | null; branchIds: string[]; status: string }[] }>('GET', `/mall/contents?q=${encodeURIComponent(BANNER)}`)).items;
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ title: BANNER, link: '/mall/catalog?q=饮料', status: 'ACTIVE' });
    expect(saved[0].branchIds).toHaveLength(1);
    expect(saved[0].imageUrl).toMatch(/^\/api\/files\/[0-9a-f-]{36}\.png$/);
    expect((await page.request.get(saved[0].imageUrl!)).status()).toBe(200);

    // the dealer's mall home shows it (targeted at its branch); a Shanghai dealer's does not
    const home = await ok<{ banners: { title: string }[] }>('GET', '/mall/home', undefined, await tokenOf('bj.dealer1'));
    expect(home.banners.map((b) => b.title)).toContain(BANNER);
    const shHome = await ok<{ banners: { title: string }[] }>('GET', '/mall/home', undefined, await tokenOf('sh.dealer1'));
    expect(shHome.banners.map((b) => b.title)).not.toContain(BANNER);

    // an announcement, then its deletion: asked first, cancel keeps it, confirm removes it
    const now = Date.now();
    await ok('POST', '/mall/contents', {
      kind: 'ANNOUNCEMENT', title: NOTICE, body: '腊月廿五起暂停发货，请提前备货。', tag: 'NOTICE',
      startsAt: new Date(now - 3600_000).toISOString(), endsAt: new Date(now + 7 * 86400_000).toISOString(),
    });
    await page.getByTestId('content-tabs').getByText('公告').click();
    const notice = rowsOf('content-table').filter({ hasText: NOTICE });
    await notice.waitFor();
    expect(await rowsOf('content-table').filter({ hasText: BANNER }).count()).toBe(0);
    await notice.getByTestId('content-delete').click();
    await messageBox().getByText(`确定删除「${NOTICE}」吗？`).waitFor();
    await messageBox().getByRole('button', { name: '取消' }).click();
    await messageBox().waitFor({ state: 'hidden' });
    expect((await ok<{ total: number }>('GET', `/mall/contents?q=${encodeURIComponent(NOTICE)}`)).total).toBe(1);
    await notice.getByTestId('content-delete').click();
    await messageBox().getByRole('button', { name: '删除' }).click();
    await toast('删除成功');
    await notice.waitFor({ state: 'detached' });
    expect((await ok<{ total: number }>('GET', `/mall/contents?q=${encodeURIComponent(NOTICE)}`)).total).toBe(0);
    expect(page.appErrors).toEqual([]);
  });

  it('经销商账号: the admin invites a staff login and sees its one-time code; the code activates once and the user signs in', async () => {
    await page.getByTestId('menu-mall-admin/accounts').click();
    await page.waitForURL(/\/mall-admin\/accounts$/);
    await page.getByTestId('page-title').getByText('经销商账号').waitFor();
    await page.getByTestId('account-invite').click();
    const dialog = page.getByTestId('invite-dialog');
    await dialog.waitFor();

    // required fields and a bad phone are refused in the form
    await input(page, 'invite-phone').fill('abc');
    await page.getByTestId('invite-submit').click();
    await dialog.getByText('请选择经销商').waitFor();
    await dialog.getByText('请输入姓名').waitFor();
    await screenshot(page, 'mall-admin-05-invite-invalid');

    await pickRemote('invite-dealer', 'D-BJ001', DEALER);
    await input(page, 'invite-display-name').fill(STAFF);
    await input(page, 'invite-phone').fill('13800138000');
    await dialog.getByText('经销商员工').click();
    await page.getByTestId('invite-submit').click();

    const codeDialog = page.getByTestId('invite-code-dialog');
    await codeDialog.waitFor();
    const code = (await page.getByTestId('invite-code').innerText()).trim();
    const username = (await page.getByTestId('invite-username').innerText()).trim();
    expect(code).toMatch(/^[A-Z0-9]{8,}$/);
    expect(username).toMatch(/^[a-z0-9][a-z0-9._-]{2,31}$/);
    expect((await page.getByTestId('invite-url').innerText()).trim()).toBe(`${server.baseUrl}/mall/activate`);
    await codeDialog.getByText('激活码只显示这一次').waitFor();
    await screenshot(page, 'mall-admin-06-invite-code');
    await page.getByTestId('invite-code-close').click();
    await codeDialog.waitFor({ state: 'hidden' });

    const row = rowsOf('account-table').filter({ hasText: username });
    await row.getByTestId('account-status-tag').getByText('待激活').waitFor();
    await row.getByText('经销商员工').waitFor();
    await row.getByText(DEALER).waitFor();

    // not yet activated: cannot sign in
    expect((await call('POST', '/auth/login', { username, password: 'Huali#2026x' }, null)).status).toBeGreaterThanOrEqual(400);
    // a wrong code is refused, the right one activates, and only once
    expect(await call<{ code: string }>('POST', '/auth/activate', { code: 'WRONGCODE234', password: 'Huali#2026x' }, null)).toMatchObject({ status: 400, body: { code: 'INVITE_INVALID' } });
    expect((await call('POST', '/auth/activate', { code, password: 'Huali#2026x' }, null)).status).toBe(204);
    expect(await call<{ code: string }>('POST', '/auth/activate', { code, password: 'Other#2026x' }, null)).toMatchObject({ status: 400, body: { code: 'INVITE_INVALID' } });
    const me = await ok<{ user: { username: string; displayName: string } }>('POST', '/auth/login', { username, password: 'Huali#2026x' }, null);
    expect(me.user).toMatchObject({ username, displayName: STAFF });

    await page.getByTestId('account-search').click();
    await row.getByTestId('account-status-tag').getByText('已激活').waitFor();
    await row.getByTestId('account-reset').waitFor();
    await screenshot(page, 'mall-admin-07-accounts');

    // disable asks first; the disabled login cannot sign in
    await row.getByTestId('account-toggle').click();
    await messageBox().getByText(`确定停用账号「${STAFF}（${username}）」吗？`).waitFor();
    await messageBox().getByRole('button', { name: '停用' }).click();
    await toast('已停用');
    await row.getByTestId('account-status-tag').getByText('已停用').waitFor();
    expect((await call('POST', '/auth/login', { username, password: 'Huali#2026x' }, null)).status).toBe(403);
    expect(page.appErrors).toEqual([]);
  });

  it('订单审核: bj.dealer1 orders in the mall; customer service sees it counted in the queue and accepts it there', async () => {
    // the dealer's order, through the mall API
    const dealer = await tokenOf('bj.dealer1');
    await ok('DELETE', '/mall/cart', undefined, dealer);
    const [card] = (await ok<{ items: { id: string; minOrderQty: string; orderMultiple: string }[] }>('GET', '/mall/catalog?pageSize=1', undefined, dealer)).items;
    await ok('POST', '/mall/cart/items', { productId: card.id, qty: card.minOrderQty }, dealer);
    const addresses = await ok<{ id: string; isDefault: boolean }[]>('GET', '/mall/addresses', undefined, dealer);
    const address = addresses.find((a) => a.isDefault) ?? addresses[0];
    const order = await ok<{ id: string; number: string; status: string; total: string }>('POST', '/mall/orders', { addressId: address.id, remark: '请周五前送达' }, dealer, { 'Idempotency-Key': `e2e-mall-admin-${suffix}` });
    expect(order.status).toBe('PENDING_REVIEW');

    await logout(page);
    await login(page, 'bj.service');
    await page.getByTestId('menu-group-mall-admin').click();
    // customer service: the queue and the read-only pages, not dealer accounts
    await page.getByTestId('menu-mall-admin/review').waitFor();
    expect(await page.getByTestId('menu-mall-admin/accounts').count()).toBe(0);
    await page.getByTestId('menu-mall-admin/review').click();
    await page.waitForURL(/\/mall-admin\/review$/);

    const pending = await ok<{ total: number }>('GET', '/sales-orders?status=PENDING_REVIEW&source=MALL&pageSize=1');
    expect(pending.total).toBeGreaterThan(0);
    await page.waitForFunction((n) => document.querySelector('[data-testid="review-count-pending"]')?.textContent?.trim() === String(n), pending.total);
    const row = rowsOf('review-table').filter({ hasText: order.number });
    await row.waitFor();
    await row.getByText(DEALER).waitFor();
    await page.getByTestId('review-summary').getByText(`共 ${pending.total} 单`).waitFor();
    await screenshot(page, 'mall-admin-08-review-queue');

    await row.getByTestId('review-row-review').click();
    const review = page.getByTestId('review-dialog');
    await review.waitFor();
    await review.getByText(order.number).waitFor();
    // the reviewer sees the stock available per line and the credit the order would meet
    await review.getByTestId('review-available-1').waitFor();
    await review.getByTestId('credit-panel').waitFor();
    expect(await review.getByTestId('review-total').innerText()).toBe(`¥${fmtGrouped(order.total)}`);
    expect(await review.getByTestId('review-shortage').count()).toBe(0);
    const asked = await input(page, 'review-qty-1').inputValue();
    await input(page, 'review-qty-1').fill('999999');
    await review.getByTestId('review-shortage').getByText('1 行的审核数量超过发货仓库的可用库存').waitFor();
    await screenshot(page, 'mall-admin-09a-review-shortage');
    await input(page, 'review-qty-1').fill(asked);
    await review.getByTestId('review-shortage').waitFor({ state: 'detached' });
    await screenshot(page, 'mall-admin-09-review-dialog');
    await page.getByTestId('review-accept').click();
    await toast('订单已审核通过');
    await review.waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });
    await page.waitForFunction((n) => document.querySelector('[data-testid="review-count-pending"]')?.textContent?.trim() === String(n), pending.total - 1);
    const after = await ok<{ status: string }>('GET', `/sales-orders/${order.id}`);
    expect(after.status).not.toBe('PENDING_REVIEW');
    expect(['PENDING_APPROVAL', 'APPROVED']).toContain(after.status);
    // the dealer sees the new status of its order
    expect((await ok<{ status: string }>('GET', `/mall/orders/${order.id}`, undefined, dealer)).status).toBe(after.status);

    // the order page is one click away
    await page.getByTestId('review-tabs').getByText('全部商城订单').click();
    await rowsOf('review-table').filter({ hasText: order.number }).getByTestId('review-open').click();
    await page.waitForURL(new RegExp(`/sales/orders/${order.id}$`));
    await page.getByTestId('order-number').getByText(order.number).waitFor();
    await screenshot(page, 'mall-admin-10-order-page');
    expect(page.appErrors).toEqual([]);
  });
});
