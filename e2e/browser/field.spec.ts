import type { Browser, BrowserContext } from 'playwright-core';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { DEMO_PASSWORD, elementUi, launchBrowser, login, screenshot, type TrackedPage } from '../support/browser';

/**
 * 跑店 on a phone (390x844) with the browser's position set near 北京京客隆超市 (D-BJ002): bj.sales
 * opens today's visits, checks in (on site, the distance shown), counts a product, then loses the
 * network mid-visit (the browser's offline mode): the note and the check-out are kept on the phone
 * and the page says what waits; back online they are sent by themselves and the server has them
 * (notes, check-out). Then bj.manager's supervisor view lists the visit with its distance.
 */
describe('the field app (跑店) on a phone, offline mid-visit', () => {
  let server: AppServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: TrackedPage;
  const PHONE = { width: 390, height: 844 };
  // 39.9229, 116.4426: about 30 m from the shop's stored position (39.9227, 116.4424)
  const HERE = { latitude: 39.9229, longitude: 116.4426 };

  const api = async <T>(username: string, method: string, path: string, body?: unknown): Promise<T> => {
    const res0 = await fetch(`${server.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
    const { accessToken } = (await res0.json()) as { accessToken: string };
    const res = await fetch(`${server.baseUrl}/api${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    server = await appServerForSpec();
    browser = await launchBrowser();
    context = await browser.newContext({
      baseURL: server.baseUrl,
      viewport: PHONE,
      deviceScaleFactor: 1,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      geolocation: HERE,
      permissions: ['geolocation'],
    });
    page = (await context.newPage()) as TrackedPage;
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    Object.defineProperty(page, 'appErrors', { value: errors });
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    // today's plan: 北京京客隆超市 first on the route
    const dealers = await api<{ items: { id: string; code: string }[] }>('bj.sales', 'GET', '/orgs?type=DEALER&q=D-BJ002');
    const route = await api<{ date: string }>('bj.sales', 'GET', '/visit-plans/route');
    await api('bj.sales', 'POST', '/visit-plans', { dealerId: dealers.items.find((d) => d.code === 'D-BJ002')!.id, planDate: route.date, tasks: ['STOCK_COUNT', 'DISPLAY_CHECK'], purpose: '月度盘点', routeOrder: 0 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const { toast } = elementUi(() => page);
  const noSidewaysScroll = async () => {
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    expect(innerWidth).toBe(PHONE.width);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  };
  const tid = (id: string) => page.locator(`[data-test="${id}"]`);

  let visitId = '';

  it('checks in on site from today\'s route and counts a product', async () => {
    await login(page, 'bj.sales');
    await page.goto('/field');
    // the plan made above (route order 0) comes first; on the demo's Tuesday, Wednesday, Friday and Saturday the rep's
    // weekly plan for the same shop is on the route too
    const stop = tid('stop-D-BJ002').first();
    await stop.waitFor();
    await expect(stop.textContent()).resolves.toContain('北京京客隆超市');
    await expect(stop.textContent()).resolves.toContain('盘点');
    await noSidewaysScroll();
    await screenshot(page, 'field-01-today');
    await stop.locator('[data-test="check-in"]').click();
    await page.waitForURL(/\/field\/visits\/[0-9a-f-]{36}$/);
    visitId = page.url().split('/').pop()!;
    await tid('visit-dealer').filter({ hasText: '北京京客隆超市' }).waitFor();
    await page.getByText('在现场').waitFor();
    await page.getByText(/距门店 \d+ 米/).waitFor();
    const first = page.locator('.count-row').first();
    await first.waitFor();
    await first.locator('[data-test="count-stock"] input, input[data-test="count-stock"]').first().fill('12');
    await first.locator('[data-test="count-sold"] input, input[data-test="count-sold"]').first().fill('3');
    await tid('save-counts').click();
    await toast('盘点已保存');
    await noSidewaysScroll();
    await screenshot(page, 'field-02-visit-counted');
    const v = await api<{ countLines: number; distanceM: number; offSite: boolean }>('bj.sales', 'GET', `/visits/${visitId}`);
    expect(v).toMatchObject({ countLines: 1, offSite: false });
    expect(v.distanceM).toBeLessThan(60);
  });

  it('offline: the note and the check-out wait on the phone; back online they are sent', async () => {
    await context.setOffline(true);
    await page.locator('textarea[data-test="visit-notes"], [data-test="visit-notes"] textarea').first().fill('地下室没有信号，店主要求周五补货');
    await tid('save-notes').click();
    await tid('field-offline').filter({ hasText: '待上传 1 项' }).waitFor();
    await tid('check-out').click();
    await page.waitForURL(/\/field$/);
    await tid('field-offline').filter({ hasText: '待上传 2 项' }).waitFor();
    // the route as last known, with the visit done and its actions waiting
    const stop = tid('stop-D-BJ002').filter({ hasText: '已完成' }).first();
    await stop.waitFor();
    await stop.locator('[data-test="stop-waiting"]').waitFor();
    await noSidewaysScroll();
    await screenshot(page, 'field-03-offline-waiting');
    // nothing reached the server yet
    const before = await api<{ notes: string | null; checkOutAt: string | null }>('bj.sales', 'GET', `/visits/${visitId}`);
    expect(before).toMatchObject({ notes: null, checkOutAt: null });

    await context.setOffline(false);
    await tid('field-offline').waitFor({ state: 'hidden' });
    await tid('field-pending').waitFor({ state: 'hidden' });
    const after = await api<{ notes: string | null; checkOutAt: string | null; durationS: number }>('bj.sales', 'GET', `/visits/${visitId}`);
    expect(after.notes).toBe('地下室没有信号，店主要求周五补货');
    expect(after.checkOutAt).not.toBeNull();
    await page.reload();
    await tid('stop-D-BJ002').filter({ hasText: '已完成' }).first().waitFor();
    expect(await tid('stop-waiting').count()).toBe(0);
    await screenshot(page, 'field-04-synced');
    expect(page.appErrors).toEqual([]);
  });

  it('the rep\'s visit plans on the phone: one card a plan, the pager\'s total, cancelling asks first, no sideways scroll', async () => {
    await page.goto('/visits/plans');
    await page.locator('[data-testid="plan-card"]', { hasText: '北京京客隆超市' }).first().waitFor();
    expect(await page.locator('.el-table').count()).toBe(0);
    const total = page.locator('.el-pagination__total');
    await expect(total.textContent()).resolves.toMatch(/共 \d+ 条/);
    const before = Number((await total.textContent())!.match(/\d+/)![0]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'field-04b-plans-phone');
    // cancel a plan of another day: the button is on its card, and a confirmation comes first (dismissed: nothing happens)
    const other = page.locator('[data-testid="plan-card"]', { hasText: '北京华联商贸有限公司' }).first();
    await other.getByRole('button', { name: '取消计划' }).click();
    const box = page.locator('.el-message-box');
    await expect(box.textContent()).resolves.toContain('北京华联商贸有限公司');
    await screenshot(page, 'field-04c-plan-cancel-confirm');
    await box.getByRole('button', { name: '取消', exact: true }).click();
    await box.waitFor({ state: 'hidden' });
    await expect(total.textContent()).resolves.toContain(`共 ${before} 条`);
    await other.getByRole('button', { name: '取消计划' }).click();
    await box.getByRole('button', { name: '确定' }).click();
    await page.locator('.el-pagination__total', { hasText: `共 ${before - 1} 条` }).waitFor();
  });

  it("bj.manager's supervisor view shows the visit", async () => {
    const desk = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const manager = (await desk.newPage()) as TrackedPage;
    manager.setDefaultTimeout(15_000);
    await login(manager, 'bj.manager');
    await manager.goto('/visits/board');
    const row = manager.locator('[data-test="board-visits"] .el-table__row', { hasText: '北京京客隆超市' }).first();
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('张伟');
    await manager.locator('[data-test="visit-map"] path.leaflet-interactive').first().waitFor();
    await manager.locator('[data-test="board-days"] .el-table__row', { hasText: '张伟' }).first().waitFor();
    await screenshot(manager, 'field-05-supervisor');
    await desk.close();
  });
});
