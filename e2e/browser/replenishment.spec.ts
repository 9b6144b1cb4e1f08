import type { Browser } from 'playwright-core';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { elementUi, launchBrowser, login, newPage, pageCall, screenshot, type TrackedPage } from '../support/browser';

/**
 * Smart replenishment as people use it (issue #15): the Beijing branch manager (bj.manager) runs
 * replenishment for 北京华联 after ten days of its stock and sales reports (entered through the
 * API: one product sold out on two days), reads why a line says what it says (the stock-out days
 * left out, the average, the target), sees the stock-out risk highlighted, creates the draft order
 * for one line (its number shown, linked) and sends another line to the dealer's mall. The dealer
 * (bj.dealer1, on a 390x844 phone) then finds that suggestion in its mall, adds it to the cart with
 * one tap, and files a stock report from the mall's own page.
 */
describe('smart replenishment', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  const DEALER_CODE = 'D-BJ001';
  const DEALER = '北京华联商贸有限公司';
  const PHONE = { width: 390, height: 844 };
  let today = '';
  let products: { id: string; code: string; name: string }[] = [];

  /** a JSON call to the API as `username` (the setup's reports and the checks beside the screens) */
  const tokens = new Map<string, string>();
  const api = async <T>(username: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    if (!tokens.has(username)) {
      const res = await fetch(`${server.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'Demo#2026' }) });
      tokens.set(username, ((await res.json()) as { accessToken: string }).accessToken);
    }
    const res = await fetch(`${server.baseUrl}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(username)}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
  const ok = async <T>(username: string, method: string, path: string, body?: unknown): Promise<T> => {
    const res = await api<T>(username, method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const addDays = (day: string, n: number) => {
    const d = new Date(`${day}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  };

  beforeAll(async () => {
    server = await appServerForSpec();
    browser = await launchBrowser();
    page = await newPage(browser, server.baseUrl);
    // the company's business date, as the server counts it, and three products
    today = (await ok<{ date: string }>('bj.dealer1', 'GET', '/mall/reports/form')).date;
    // the first products on sale (by code): the demo's own 60 days of reports leave them out
    const onSale = await ok<{ items: { id: string; code: string; name: string }[] }>('bj.manager', 'GET', '/products?status=ON_SALE&pageSize=6&sort=code');
    products = onSale.items.slice(0, 3);
    expect(products).toHaveLength(3);
    const dealers = await ok<{ items: { id: string; code: string }[] }>('bj.manager', 'GET', `/orgs?type=DEALER&q=${DEALER_CODE}`);
    const dealerId = dealers.items.find((d) => d.code === DEALER_CODE)!.id;
    // ten days of reports: A sells 20 a day and was sold out on two days; B sells 12 a day; C sells 6
    for (let back = 10; back >= 1; back--) {
      const stockOut = back === 5 || back === 6;
      await ok('bj.manager', 'POST', '/dealer-reports', {
        dealerId,
        date: addDays(today, -back),
        lines: [
          { productId: products[0].id, stock: stockOut ? '0' : '10', sold: stockOut ? '0' : '20' },
          { productId: products[1].id, stock: '15', sold: '12' },
          { productId: products[2].id, stock: '8', sold: '6' },
        ],
      });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const { messageBox, toast, rowsOf, dropdownsClosed, pickRemote } = elementUi(() => page);
  const lineRow = (i: number) => rowsOf('repl-lines').filter({ hasText: products[i].name }).first();

  it('a branch manager runs replenishment for one dealer and lands on its worksheet', async () => {
    await login(page, 'bj.manager');
    await page.getByTestId('menu-group-replenishment').waitFor();
    await page.goto('/replenishment/runs');
    await page.getByTestId('page-title').getByText('补货运算').waitFor();
    await page.getByTestId('repl-run-open').click();
    const dialog = page.getByTestId('repl-run-dialog');
    await dialog.waitFor();
    // nothing chosen: said, not sent
    await page.getByTestId('repl-run-start').click();
    await toast('请至少选择一个经销商');
    await page.locator('[data-testid="repl-run-dealers"] input').first().fill(DEALER_CODE);
    await page.locator('.el-select-dropdown__item:visible', { hasText: DEALER }).first().click();
    // a multiple select stays open after a pick: a click elsewhere in the dialog closes it
    await dialog.locator('.el-dialog__header').click();
    await dropdownsClosed();
    await screenshot(page, 'repl-01-run-dialog');
    await page.getByTestId('repl-run-start').click();
    await page.waitForURL(/\/replenishment\/runs\/[0-9a-f-]{36}$/);
    await toast(/运算完成：1 个经销商/);
    await lineRow(0).waitFor();
    await lineRow(1).waitFor();
    // per dealer: its lines and the amount they come to
    await page.getByTestId('repl-per-dealer').getByText(/北京华联商贸有限公司：\d+ 行，金额 ¥[\d,]+\.\d{2}/).waitFor();
    await screenshot(page, 'repl-02-worksheet');
  });

  it('reads why a line says what it says, with the stock-out days left out and the risk highlighted', async () => {
    const a = lineRow(0);
    await a.getByTestId('repl-line-status').getByText('建议').waitFor();
    // A: 8 usable days (2 sold-out days left out), 20 a day; stock 10 lasts half a day, less than the 3 lead days
    await a.getByTestId('repl-line-risk').waitFor();
    await a.locator('.el-table__expand-icon').click();
    const why = page.getByTestId('repl-why-text').first();
    await why.waitFor();
    const text = (await why.textContent()) ?? '';
    expect(text).toContain('近30天有效销售8天（断货2天已剔除）');
    expect(text).toContain('日均20');
    expect(text).toMatch(/目标库存 = 日均20 ×（周转\d+天 \+ 提前\d+天）/);
    expect(text).toContain('有断货风险');
    expect(text).not.toMatch(/[A-Z]{2,}_[A-Z]+|undefined|NaN/);
    await screenshot(page, 'repl-03-why');
  });

  it('creates the draft order for one line and sees its number; sends another line to the mall', async () => {
    const a = lineRow(0);
    await a.locator('.el-checkbox').first().click();
    await page.getByTestId('repl-selected').getByText('已选 1 行').waitFor();
    await page.getByTestId('repl-create-orders').click();
    await messageBox().getByText('将 1 条建议生成草稿销售订单').waitFor();
    await messageBox().getByRole('button', { name: '确定' }).click();
    const created = page.getByTestId('repl-created');
    await created.waitFor();
    const link = created.getByTestId('repl-created-order').first();
    const number = ((await link.textContent()) ?? '').trim();
    expect(number).toMatch(/^SO\d/);
    await screenshot(page, 'repl-04-order-created');
    await created.getByRole('button', { name: '确定' }).click();
    await created.waitFor({ state: 'hidden' });
    await lineRow(0).getByTestId('repl-line-status').getByText('已下单').waitFor();
    await lineRow(0).getByTestId('repl-line-order').getByText(number).waitFor();

    // an ordered line is stale: editing it is refused with the stable code
    const runId = page.url().split('/').pop()!;
    const lines = await pageCall<{ items: { id: string; productId: string; status: string; version: number }[] }>(page, 'GET', `/replenishment/runs/${runId}/lines?pageSize=100`);
    const ordered = lines.body.items.find((l) => l.productId === products[0].id)!;
    const stale = await pageCall<{ code: string }>(page, 'PATCH', `/replenishment/lines/${ordered.id}`, { body: { qty: '5' } });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('REPLENISHMENT_LINE_STALE');

    // B to the mall
    await lineRow(1).locator('.el-checkbox').first().click();
    await page.getByTestId('repl-send').click();
    await messageBox().getByText('将 1 条建议推送到经销商的订货商城').waitFor();
    await messageBox().getByRole('button', { name: '确定' }).click();
    await toast('已推送 1 条建议到商城');
    await lineRow(1).getByTestId('repl-line-status').getByText('已推送商城').waitFor();
    await screenshot(page, 'repl-05-sent');
    expect(page.appErrors).toEqual([]);
  });

  it('settings show where the values come from and refuse a window out of range; reports list with their history', async () => {
    await page.goto('/replenishment/settings');
    await page.getByTestId('repl-settings-source').waitFor();
    expect((await page.getByTestId('repl-settings-source').textContent())?.trim()).toMatch(/系统默认值|的整体设置/);
    await page.locator('input[data-testid="repl-settings-window"], [data-testid="repl-settings-window"] input').first().fill('6');
    await page.getByTestId('repl-settings-save').click();
    await page.locator('.el-form-item__error', { hasText: '补货销量天数须为 7–365 的整数' }).waitFor();
    await screenshot(page, 'repl-05b-settings');

    await page.goto('/replenishment/reports');
    await rowsOf('reports-table').first().waitFor();
    // the demo's own reports fill the first pages: filter by the product
    await pickRemote('reports-product', products[0].code, products[0].name);
    await rowsOf('reports-table').filter({ hasText: products[0].name }).first().waitFor();
    await rowsOf('reports-table').filter({ hasText: products[0].name }).first().getByTestId('reports-history').click();
    const drawer = page.getByTestId('reports-history-drawer');
    await drawer.getByText('没有更正记录').waitFor();
    await screenshot(page, 'repl-05c-reports');
    expect(page.appErrors).toEqual([]);
  });

  it('the dealer sees its suggestion in the mall on a phone and adds it to the cart with one tap', async () => {
    const phone = await newPage(browser, server.baseUrl);
    await phone.setViewportSize(PHONE);
    page = phone;
    await ok('bj.dealer1', 'DELETE', '/mall/cart');
    await login(page, 'bj.dealer1');
    await page.waitForURL((url) => url.pathname === '/mall');
    await page.goto('/mall/me');
    await page.getByTestId('mall-me-replenishment').click();
    await page.getByTestId('mall-replenishment').waitFor();
    const lines = page.getByTestId('mall-sug-line');
    await lines.first().waitFor();
    expect(await lines.count()).toBe(1);
    await lines.first().getByText(products[1].name).waitFor();
    expect(await lines.first().getByTestId('mall-sug-reason').textContent()).toContain('日均 12，库存 15，在途 0');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'repl-06-mall-suggestion');
    await page.getByTestId('mall-sug-add-all').click();
    await toast('已加入购物车 1 个商品');
    await page.waitForURL((url) => url.pathname === '/mall/cart');
    await page.getByText(products[1].name).first().waitFor();
    await screenshot(page, 'repl-07-mall-cart');
    const cart = await ok<{ lines: { productId: string }[] }>('bj.dealer1', 'GET', '/mall/cart');
    expect(cart.lines.map((l) => l.productId)).toContain(products[1].id);
  });

  it('the dealer files a stock report from the mall page, last figures prefilled, and sees it in its history', async () => {
    await page.goto('/mall/me');
    await page.getByTestId('mall-me-report').click();
    await page.getByTestId('mall-report').waitFor();
    const row = page.getByTestId('mall-report-row').filter({ hasText: products[2].name }).first();
    await row.waitFor();
    await row.getByText(`上次 ${addDays(today, -1)}：库存 8，销量 6`).waitFor();
    expect(await row.locator('input[data-testid="mall-report-stock"]').inputValue()).toBe('8');
    // a negative figure is refused on the page
    await row.locator('input[data-testid="mall-report-stock"]').fill('-1');
    await page.getByTestId('mall-report-submit').click();
    await toast(`「${products[2].name}」的数量须为不小于 0 的数字`);
    await row.locator('input[data-testid="mall-report-stock"]').fill('5');
    await row.locator('input[data-testid="mall-report-sold"]').fill('3');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'repl-08-mall-report');
    await page.getByTestId('mall-report-submit').click();
    await toast(/上报成功/);
    await page.getByTestId('mall-report-history').filter({ hasText: products[2].name }).filter({ hasText: `${today} · 库存 5 · 销量 3` }).first().waitFor();
    await screenshot(page, 'repl-09-mall-report-history');
    const own = await ok<{ items: { productId: string; source: string; stock: string }[] }>('bj.dealer1', 'GET', `/mall/reports?from=${today}&to=${today}`);
    expect(own.items.find((i) => i.productId === products[2].id)).toMatchObject({ source: 'MALL', stock: '5.000' });
    expect(page.appErrors).toEqual([]);
  });
});
