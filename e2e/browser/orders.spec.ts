import type { Browser } from 'playwright-core';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { elementUi, input, launchBrowser, login, logout, newPage, screenshot, type TrackedPage } from '../support/browser';

/**
 * Sales orders as people use them: the HQ admin enters an order for a Beijing dealer with two
 * products and watches the prices (from the dealer's price book), the totals and the credit
 * preview follow what is typed; saves and submits it (已审核), ships part of it with a tracking
 * number (部分发货), ships the rest (已发货) and records a return of one unit; the shipment and
 * the return are in their lists. The dealer (bj.dealer1) then sees the order read-only with its
 * timeline, and no button to create or change anything.
 */
describe('sales orders', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  const DEALER = '北京华联商贸有限公司';
  const TRACKING = `SF${Date.now().toString().slice(-10)}`;
  let orderNumber = '';
  let returnNumber = '';

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

  const { messageBox, pickRemote, dropdownsClosed } = elementUi(() => page);
  const waitStatus = async (label: string) => {
    await page.waitForFunction(
      (text) => Array.from(document.querySelectorAll('[data-testid="order-status"]')).some((el) => el.textContent?.trim() === text),
      label,
    );
  };
  const lineValue = (testId: string) => input(page, testId).inputValue();

  it('lists the orders with their totals and status tags', async () => {
    await page.getByTestId('menu-sales/orders').click();
    await page.waitForURL(/\/sales\/orders$/);
    const rows = page.locator('[data-testid="order-table"] .el-table__body-wrapper .el-table__row');
    await rows.first().waitFor();
    await page.locator('[data-testid="order-table"] .el-table__footer').getByText(/合计 \d+ 单/).waitFor();
    await page.locator('[data-testid="order-table"] [data-testid="order-status"]').first().waitFor();
    await screenshot(page, 'ord-01-list');

    // a status filter narrows the list
    await page.getByTestId('order-filter-status').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '已取消' }).first().click();
    await page.keyboard.press('Escape');
    await dropdownsClosed();
    await page.waitForFunction(() => {
      const tags = Array.from(document.querySelectorAll('[data-testid="order-table"] .el-table__body-wrapper [data-testid="order-status"]'));
      return tags.length > 0 && tags.every((el) => el.textContent?.trim() === '已取消');
    });
    await page.getByRole('button', { name: '重置' }).click();
  });

  it('creates an order with live prices, totals and the credit preview', async () => {
    await page.getByTestId('order-create').click();
    await page.waitForURL(/\/sales\/orders\/new$/);
    await page.getByText('新建销售订单').first().waitFor();

    // nothing filled in: the form says what is missing
    await page.getByTestId('order-save-submit').click();
    await page.getByText('请选择经销商').first().waitFor();
    await page.getByTestId('order-no-lines').getByText('请至少添加一行商品').waitFor();

    await pickRemote('order-dealer', 'D-BJ001', DEALER);
    // the dealer's branch warehouse is taken by default
    await page.waitForFunction(() => (document.querySelector('[data-testid="order-warehouse"]') as HTMLElement | null)?.innerText.includes('北京分仓'));
    // the credit panel shows the dealer's limit before any line
    await page.getByTestId('credit-limit').getByText('¥50,000.00').waitFor();

    await pickRemote('line-product-1', 'SP0001', 'SP0001');
    await input(page, 'line-qty-1').fill('10');
    // the price comes from the dealer's price book (北京华联年度协议价)
    await page.getByTestId('line-source-1').getByText('客户价格本').waitFor();
    await page.getByTestId('line-source-1').getByText('北京华联年度协议价').waitFor();
    expect(Number(await lineValue('line-price-1'))).toBeGreaterThan(0);
    await page.getByTestId('line-available-1').waitFor();

    await page.getByTestId('line-add').click();
    await pickRemote('line-product-2', 'SP0004', 'SP0004');
    // the product's minimum order quantity is filled in
    expect(await lineValue('line-qty-2')).toBe('24');
    await input(page, 'line-discount-2').fill('5');
    await page.getByTestId('line-amount-2').waitFor();
    await page.waitForFunction(() => (document.querySelector('[data-testid="summary-discount"]')?.textContent ?? '').trim() !== '¥0.00');

    // the totals are the sum of the lines
    const amount = async (testId: string) => Number((await page.getByTestId(testId).innerText()).replace(/[¥,\s]/g, ''));
    await page.waitForFunction(() => /¥[\d,]+\.\d\d/.test(document.querySelector('[data-testid="summary-total"]')?.textContent ?? ''));
    const total = await amount('summary-total');
    expect(total).toBeCloseTo((await amount('line-amount-1')) + (await amount('line-amount-2')), 2);
    await page.getByTestId('credit-order-total').getByText(`¥${total.toLocaleString('en-US', { minimumFractionDigits: 2 })}`).waitFor();
    await page.getByTestId('credit-ok').waitFor();
    await screenshot(page, 'ord-02-form-priced');

    // far too much: the credit preview says the submit would be refused
    await input(page, 'line-qty-1').fill('99999');
    await page.getByTestId('credit-warning').getByText('提交将被拒绝').waitFor();
    await page.getByTestId('credit-bar-warning').getByText('提交将被拒绝').waitFor();
    await page.getByTestId('credit-panel').scrollIntoViewIfNeeded();
    await screenshot(page, 'ord-03-form-credit-block');

    // a quantity with too many decimals is refused before anything is sent
    await input(page, 'line-qty-1').fill('1.2345');
    await page.getByTestId('order-save-submit').click();
    await page.getByText('数量最多 3 位小数').first().waitFor();
    await input(page, 'line-qty-1').fill('10');
    await page.getByTestId('credit-ok').waitFor();

    await page.getByTestId('order-save-submit').click();
    await page.waitForURL(/\/sales\/orders\/[0-9a-f-]{36}$/);
    await waitStatus('已审核');
    orderNumber = (await page.getByTestId('order-number').innerText()).trim();
    expect(orderNumber).toMatch(/^SO\d{8}-\d{4}$/);
    await page.getByTestId('order-lines').getByText('SP0001').waitFor();
    await page.getByTestId('order-lines').getByText('北京华联年度协议价').first().waitFor();
    await page.getByTestId('order-timeline').getByText('创建订单').waitFor();
    await page.getByTestId('order-timeline').getByText('提交').first().waitFor();
    await page.getByTestId('order-credit').getByText('通过').waitFor();
    await screenshot(page, 'ord-04-detail-approved');
    expect(page.appErrors).toEqual([]);
  });

  it('ships part of the order with a tracking number, then the rest', async () => {
    await page.getByTestId('order-ship').click();
    const dialog = page.getByTestId('ship-dialog');
    await dialog.waitFor();
    // everything open is prefilled
    expect(await lineValue('ship-qty-1')).toBe('10');
    expect(await lineValue('ship-qty-2')).toBe('24');
    await input(page, 'ship-qty-1').fill('11');
    await dialog.getByTestId('ship-confirm').click();
    await dialog.getByText('不能超过 10').waitFor();
    await input(page, 'ship-qty-1').fill('4');
    await input(page, 'ship-logistics').fill('顺丰速运');
    await input(page, 'ship-tracking').fill(TRACKING);
    await screenshot(page, 'ord-05-ship-dialog');
    await dialog.getByTestId('ship-confirm').click();
    await dialog.waitFor({ state: 'hidden' });
    await waitStatus('部分发货');
    await page.getByTestId('order-shipments').getByText(TRACKING).waitFor();
    await screenshot(page, 'ord-06-partially-shipped');

    await page.getByTestId('order-ship').click();
    await dialog.waitFor();
    // only what is left
    expect(await lineValue('ship-qty-1')).toBe('6');
    expect(await page.getByTestId('ship-lines').locator('.el-table__body-wrapper .el-table__row').count()).toBe(1);
    await dialog.getByTestId('ship-confirm').click();
    await dialog.waitFor({ state: 'hidden' });
    await waitStatus('已发货');
    // the shipments list reloads after the status (its own request)
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="order-shipments"] .el-table__body-wrapper .el-table__row').length === 2);
    await page.getByTestId('order-timeline').getByText('发货').first().waitFor();
  });

  it('records a return of one unit from the first shipment', async () => {
    const first = page.locator('[data-testid="order-shipments"] .el-table__body-wrapper .el-table__row').filter({ hasText: TRACKING });
    await first.getByTestId('order-shipment-return').click();
    const dialog = page.getByTestId('return-dialog');
    await dialog.waitFor();
    await input(page, 'return-qty-1').fill('1');
    await dialog.getByTestId('return-confirm').click();
    await dialog.getByText('请填写退货原因').waitFor();
    await input(page, 'return-reason').fill('包装破损');
    await screenshot(page, 'ord-07-return-dialog');
    await dialog.getByTestId('return-confirm').click();
    await dialog.waitFor({ state: 'hidden' });
    await first.getByTestId('order-return').waitFor();
    returnNumber = (await first.getByTestId('order-return').locator('.text-mono').innerText()).trim();
    expect(returnNumber).toMatch(/^TH\d{8}-\d{4}$/);
    // the order line shows the returned unit
    const line1 = page.locator('[data-testid="order-lines"] .el-table__body-wrapper .el-table__row').filter({ hasText: 'SP0001' });
    await page.waitForFunction(() => {
      const row = Array.from(document.querySelectorAll('[data-testid="order-lines"] .el-table__body-wrapper .el-table__row')).find((r) => r.textContent?.includes('SP0001'));
      const cells = row ? Array.from(row.querySelectorAll('td')) : [];
      return cells.length > 8 && cells[8].textContent?.trim() === '1';
    });
    expect(await line1.count()).toBe(1);
    // the timeline records the return with its reason
    await page.getByTestId('order-timeline').getByText(/包装破损/).waitFor();
    await screenshot(page, 'ord-08-detail-returned');
    expect(page.appErrors).toEqual([]);
  });

  it('copies the order into a new draft and cancels the copy with a reason', async () => {
    const shippedUrl = page.url();
    await page.getByTestId('order-copy').click();
    await messageBox().getByText('复制订单').waitFor();
    await messageBox().getByRole('button', { name: '复制', exact: true }).click();
    await page.waitForURL((url) => url.href !== shippedUrl && /\/sales\/orders\/[0-9a-f-]{36}$/.test(url.pathname));
    await waitStatus('草稿');
    await page.getByTestId('order-timeline').getByText('复制').waitFor();
    expect((await page.getByTestId('order-number').innerText()).trim()).not.toBe(orderNumber);

    await page.getByTestId('order-cancel').click();
    await messageBox().getByText('请填写取消原因').waitFor();
    // a reason is required
    await messageBox().getByRole('button', { name: '取消订单', exact: true }).click();
    await messageBox().locator('.el-message-box__errormsg').getByText('请填写取消原因').waitFor();
    await messageBox().locator('textarea').fill('客户改为下周订货');
    await screenshot(page, 'ord-08b-cancel-prompt');
    await messageBox().getByRole('button', { name: '取消订单', exact: true }).click();
    await waitStatus('已取消');
    await page.getByTestId('order-timeline').getByText('客户改为下周订货').waitFor();
    await page.getByTestId('order-reopen').waitFor();
    expect(await page.getByTestId('order-cancel').count()).toBe(0);
  });

  it('reviews a mall order: accepts it with a changed quantity', async () => {
    await page.goto('/sales/orders?status=PENDING_REVIEW');
    const row = page.locator('[data-testid="order-table"] .el-table__body-wrapper .el-table__row').filter({ hasText: '订货商城' }).first();
    await row.waitFor();
    await row.getByTestId('order-open').click();
    await page.waitForURL(/\/sales\/orders\/[0-9a-f-]{36}$/);
    await waitStatus('待审核');
    await page.getByTestId('order-review').click();
    const dialog = page.getByTestId('review-dialog');
    await dialog.waitFor();
    // rejecting needs a reason
    await dialog.getByTestId('review-reject').click();
    await dialog.getByText('驳回订单须填写原因').waitFor();
    const qty = Number(await lineValue('review-qty-1'));
    await input(page, 'review-qty-1').fill(String(qty * 2));
    await input(page, 'review-reason').fill('电话确认，首行数量加倍');
    await screenshot(page, 'ord-08c-review-dialog');
    await dialog.getByTestId('review-accept').click();
    await dialog.waitFor({ state: 'hidden' });
    // above 5,000: the demo flow sends it to the branch manager
    await waitStatus('待审批');
    await page.getByTestId('order-timeline').getByText('审核通过').first().waitFor();
    await page.getByTestId('order-timeline').getByText('电话确认，首行数量加倍').waitFor();
  });

  it('refuses a submit over the credit limit in figures and lets the admin submit it over the limit with a reason', async () => {
    await page.goto('/sales/orders/new');
    await pickRemote('order-dealer', 'D-BJ001', DEALER);
    await page.waitForFunction(() => (document.querySelector('[data-testid="order-warehouse"]') as HTMLElement | null)?.innerText.includes('北京分仓'));
    await pickRemote('line-product-1', 'SP0164', 'SP0164');
    await input(page, 'line-qty-1').fill('300');
    await page.getByTestId('credit-warning').getByText('提交将被拒绝').waitFor();
    await page.getByTestId('order-save-submit').click();
    // the refusal names the limit, what is used, this order and the excess; the admin may override
    const box = messageBox();
    await box.getByTestId('credit-override-box').getByText(/信用额度 ¥50,000\.00，已占用 ¥[\d,]+\.\d\d，可用 ¥[\d,-]+\.\d\d；本单 ¥[\d,]+\.\d\d，超出 ¥[\d,]+\.\d\d/).waitFor();
    await box.getByRole('button', { name: '超额提交' }).click();
    await box.locator('.el-message-box__errormsg').getByText('请填写放行原因').waitFor();
    await screenshot(page, 'ord-08d-credit-override');
    await box.locator('textarea').fill('年底备货，总经理同意');
    await box.getByRole('button', { name: '超额提交' }).click();
    await page.waitForURL(/\/sales\/orders\/[0-9a-f-]{36}$/);
    // an order this size goes through the demo approval flow after the credit override
    await waitStatus('待审批');
    await page.getByTestId('order-credit').getByText('已超额放行', { exact: true }).waitFor();
    await page.getByTestId('order-timeline').getByText(/已超额放行，原因：年底备货，总经理同意/).waitFor();
    await screenshot(page, 'ord-08e-overridden');
    expect(page.appErrors).toEqual([]);
  });

  it('finds the shipment and the return in their lists', async () => {
    await page.getByTestId('menu-sales/shipments').click();
    await page.waitForURL(/\/sales\/shipments/);
    await input(page, 'shipment-search-q').fill(orderNumber);
    await page.getByTestId('shipment-search').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="shipment-table"] .el-table__body-wrapper .el-table__row').length === 2);
    const row = page.locator('[data-testid="shipment-table"] .el-table__body-wrapper .el-table__row').filter({ hasText: TRACKING });
    await row.waitFor();
    await row.getByTestId('shipment-open').click();
    const drawer = page.getByTestId('shipment-drawer');
    await drawer.getByTestId('shipment-logistics').getByText(TRACKING).waitFor();
    await drawer.getByTestId('shipment-returns').getByText('包装破损').waitFor();
    await screenshot(page, 'ord-09-shipment-drawer');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    await page.getByTestId('menu-sales/returns').click();
    await page.waitForURL(/\/sales\/returns/);
    await input(page, 'return-search-q').fill(returnNumber);
    await page.getByTestId('return-search').click();
    const rows = page.locator('[data-testid="return-table"] .el-table__body-wrapper .el-table__row');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="return-table"] .el-table__body-wrapper .el-table__row').length === 1);
    const ret = rows.filter({ hasText: returnNumber });
    await ret.getByText('包装破损').waitFor();
    await ret.getByTestId('return-open').click();
    await page.getByTestId('return-lines').getByText('SP0001').waitFor();
    await screenshot(page, 'ord-10-return-drawer');
    await page.keyboard.press('Escape');
    expect(page.appErrors).toEqual([]);
  });

  it('shows the dealer its order in the mall, with the timeline; the console sends it there (issue #12)', async () => {
    await page.goto('/dashboard');
    await logout(page);
    await login(page, 'bj.dealer1');
    for (const path of ['/dashboard', '/sales/orders', '/sales/orders/new']) {
      await page.goto(path);
      await page.waitForURL((url) => url.pathname === '/mall');
    }
    await page.goto('/mall/orders');
    await page.getByTestId(`mall-order-${orderNumber}`).click();
    await page.getByTestId('mall-order-detail').waitFor();
    await page.getByTestId('mall-order-timeline').waitFor();
    // a console order: submitted, approved, shipped; no review step, and no step left open before a done one
    const steps = await page.locator('[data-testid="mall-order-timeline"] [data-step]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-step'), e.getAttribute('data-status')]));
    expect(steps.map((s) => s[0])).not.toContain('REVIEWED');
    expect(steps.find((s) => s[0] === 'SHIPPED')?.[1]).toBe('success');
    const done = steps.map((s) => s[1] === 'success');
    expect(done.lastIndexOf(true)).toBe(done.filter(Boolean).length - 1);
    await screenshot(page, 'ord-12-dealer-detail');
    expect(page.appErrors).toEqual([]);
  });
});
