import type { Browser, Locator } from 'playwright-core';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { DEMO_PASSWORD, elementUi, input, launchBrowser, login, newPage, pageApi, screenshot, type TrackedPage } from '../support/browser';

/**
 * An order short of stock, on a phone (390x844), under the company's stock control WARN (the
 * default): the sales rep bj.sales enters 150 cases of a product with 40 available; the form says
 * per line what is short, in words, and an alert names the product with ordered / available /
 * short; the sticky bar keeps the total and the submit button on screen; submitting asks to
 * confirm. The branch manager bj.manager approves it from 我的审批 on the phone: the decision
 * dialog shows the order's stock (ordered, available, reserved, short) and the dealer's credit
 * figures, and the approval goes through (it never fails for stock): 40 reserved, 110 wait as a
 * backorder, shown on the order detail. On a desktop HQ admin opens 公司设置, reads the three
 * choices in words, switches to NONE and back (versioned), and sees the order in 缺货待补.
 */
describe('an order short of stock (可用量控制), on a phone', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  const PHONE = { width: 390, height: 844 };
  const CODE = `SHORT${Date.now().toString().slice(-6)}`;
  const NAME = '缺货演示矿泉水';
  let orderId = '';
  let orderNumber = '';

  /** a JSON call to the API as `username` */
  const api = async <T>(username: string, method: string, path: string, body?: unknown): Promise<T> => {
    const res0 = await fetch(`${server.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
    const { accessToken } = (await res0.json()) as { accessToken: string };
    const res = await fetch(`${server.baseUrl}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
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
    // a product of its own at ¥50.00 with 40 cases in 北京分仓: 150 cases come to ¥7,500 (the branch manager's step only)
    const categoryId = (await api<{ id: string }>('admin', 'POST', '/categories', { code: `${CODE}-CAT`, name: '缺货演示' })).id;
    const product = await api<{ id: string }>('admin', 'POST', '/products', { code: CODE, name: NAME, categoryId, baseUnit: '箱', basePrice: '50.0000' });
    const wh = (await api<{ items: { id: string; code: string }[] }>('admin', 'GET', '/warehouses?q=WH-BJ')).items.find((w) => w.code === 'WH-BJ')!;
    await api('admin', 'POST', '/stock-docs', { type: 'INBOUND', warehouseId: wh.id, lines: [{ productId: product.id, qty: '40', unitCost: '5' }] });
    const settings = await api<{ stockControl: string }>('admin', 'GET', '/settings/company');
    expect(settings.stockControl).toBe('WARN');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const { messageBox, toast, pickRemote } = elementUi(() => page);

  const noSidewaysScroll = async () => {
    const { scrollWidth, innerWidth, bodyWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      bodyWidth: document.body.scrollWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    expect(bodyWidth).toBeLessThanOrEqual(innerWidth);
  };
  /** on screen: wholly inside the phone's width and height */
  const inView = async (locator: Locator) => {
    await locator.waitFor();
    const box = await locator.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width + 0.5);
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height + 0.5);
  };

  it('the rep enters 150 with 40 available: the shortage in words, the total and the submit button on screen; submitting asks to confirm', async () => {
    await login(page, 'bj.sales');
    await page.goto('/sales/orders/new');
    await page.getByText('新建销售订单').first().waitFor();
    await pickRemote('order-dealer', 'D-BJ001', '北京华联商贸有限公司');
    await page.waitForFunction(() => (document.querySelector('[data-testid="order-warehouse"]') as HTMLElement | null)?.innerText.includes('北京分仓'));
    // lines are cards on a phone
    await page.getByTestId('line-card-1').waitFor();
    await pickRemote('line-product-1', CODE, CODE);
    await input(page, 'line-qty-1').fill('150');
    await page.getByTestId('line-short-1').getByText('缺 110（订 150，可用 40）').waitFor();
    const alert = page.getByTestId('order-shortage-alert');
    await alert.getByText('1 种商品可用库存不足').waitFor();
    await alert.getByText(`${CODE} ${NAME}：订 150，可用 40，缺 110`).waitFor();
    await alert.getByText('按公司设置（提醒），提交时需确认；审批人会看到缺货情况。').waitFor();
    await page.getByTestId('submit-bar-total').getByText('¥7,500.00').waitFor();
    await noSidewaysScroll();
    // the sticky bar: the total and the submit button stay on screen while the lines are in view
    await input(page, 'line-qty-1').scrollIntoViewIfNeeded();
    await inView(page.getByTestId('submit-bar-total'));
    await inView(page.getByTestId('order-save-submit'));
    await inView(input(page, 'line-qty-1'));
    await screenshot(page, 'shortage-01-phone-form');

    await page.getByTestId('order-save-submit').click();
    const box = messageBox();
    await box.getByTestId('order-shortage-confirm').getByText(`${CODE} ${NAME}：订 150，可用 40，缺 110`).waitFor();
    await screenshot(page, 'shortage-02-phone-confirm');
    await box.getByRole('button', { name: '仍然提交' }).click();
    await page.waitForURL(/\/sales\/orders\/[0-9a-f-]{36}$/);
    // the detail's own status: no "编辑销售订单 … 草稿" on the way, the toast after it
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid="order-status"]')).some((el) => el.textContent?.trim() === '待审批'));
    await toast(/已提交/);
    orderNumber = (await page.getByTestId('order-number').innerText()).trim();
    orderId = new URL(page.url()).pathname.split('/').pop()!;
    expect(orderNumber).toMatch(/^SO\d{8}-\d{4}$/);
    await noSidewaysScroll();
    expect(page.appErrors).toEqual([]);
  });

  it('the manager approves from 我的审批 on the phone, seeing stock and credit in the dialog; 40 are reserved and 110 wait', async () => {
    await page.evaluate(() => localStorage.clear());
    await login(page, 'bj.manager');
    await page.goto('/approvals/inbox');
    const card = page.getByTestId('inbox-card').filter({ hasText: orderNumber });
    await card.waitFor();
    await card.scrollIntoViewIfNeeded();
    await card.getByTestId('inbox-approve').click();
    const dialog = page.getByTestId('decision-dialog');
    await dialog.waitFor();
    const stock = dialog.getByTestId('decision-stock');
    await stock.getByText('1 种商品缺货').waitFor();
    const line = stock.getByTestId(`decision-stock-${CODE}`);
    await line.getByText(`${CODE} ${NAME}`).waitFor();
    expect((await line.innerText()).replace(/\s+/g, ' ')).toContain('订购 150 可用 40 已为本单预留 0 缺货 110');
    const credit = dialog.getByTestId('decision-credit');
    for (const label of ['信用额度', '已占用', '可用额度', '逾期应收']) await credit.getByText(label).waitFor();
    await credit.getByText(/¥[\d,]+\.\d\d/).first().waitFor();
    await inView(dialog.getByTestId('decision-confirm'));
    const dbox = await dialog.boundingBox();
    expect(dbox!.x + dbox!.width).toBeLessThanOrEqual(PHONE.width);
    await noSidewaysScroll();
    await screenshot(page, 'shortage-03-phone-decision');

    await dialog.getByTestId('decision-confirm').click();
    await toast(orderNumber);
    await dialog.waitFor({ state: 'hidden' });

    // the order is approved: what was there is reserved, the rest waits (shown on its page)
    await page.goto(`/sales/orders/${orderId}`);
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid="order-status"]')).some((el) => el.textContent?.trim() === '已审核'));
    await page.getByTestId('order-backorder-hint').getByText('本单有 1 种商品缺货待补').waitFor();
    await page.getByTestId('order-line-card-1').waitFor();
    expect((await page.getByTestId('order-line-backorder-1').innerText()).trim()).toBe('110');
    await noSidewaysScroll();
    await page.getByTestId('order-line-card-1').scrollIntoViewIfNeeded();
    await screenshot(page, 'shortage-04-phone-detail-backorder');
    const order = await pageApi<{ status: string; lines: { reservedQty: string }[] }>(page, 'GET', `/sales-orders/${orderId}`);
    expect(order).toMatchObject({ status: 'APPROVED', lines: [{ reservedQty: '40.000' }] });
    expect(page.appErrors).toEqual([]);
  });

  it('on a desktop HQ admin reads and changes the company settings (versioned) and sees the backorder in 缺货待补', async () => {
    const desk = await newPage(browser, server.baseUrl);
    try {
      await login(desk, 'admin');
      await desk.goto('/system/settings');
      const settings = desk.getByTestId('company-settings');
      await settings.getByText('订单超出可用库存时').waitFor();
      for (const c of ['NONE', 'WARN', 'BLOCK']) await desk.getByTestId(`settings-stock-${c}`).waitFor();
      await desk.getByTestId('settings-stock-NONE').getByText('不足部分记为缺货待补').waitFor();
      await desk.getByTestId('settings-stock-BLOCK').getByText('在提交时被拒绝').waitFor();
      await desk.getByTestId('settings-price-example').getByText('示例：¥3.30').waitFor();
      await settings.getByText('版本 1').waitFor();
      await screenshot(desk, 'shortage-05-settings');

      await desk.getByTestId('settings-stock-NONE').click();
      await desk.getByTestId('settings-save').click();
      await desk.locator('.el-message', { hasText: '公司设置已保存' }).first().waitFor();
      await settings.getByText('版本 2').waitFor();
      expect((await pageApi<{ stockControl: string; version: number }>(desk, 'GET', '/settings/company'))).toMatchObject({ stockControl: 'NONE', version: 2 });
      // back to WARN; the audit log has both
      await desk.getByTestId('settings-stock-WARN').click();
      await desk.getByTestId('settings-save').click();
      await settings.getByText('版本 3').waitFor();
      const audit = await pageApi<{ total: number }>(desk, 'GET', '/audit-logs?entity=company_settings');
      expect(audit.total).toBe(2);

      await desk.goto('/sales/backorders');
      const row = desk.locator('[data-testid="backorder-table"] .el-table__body-wrapper .el-table__row', { hasText: orderNumber });
      await row.getByText(CODE).waitFor();
      await row.getByText('110').waitFor();
      await screenshot(desk, 'shortage-06-backorders');
      expect(desk.appErrors).toEqual([]);
    } finally {
      await desk.context().close();
    }
  });
});
