import type { Browser } from 'playwright-core';
import { appServerForSpec, type AppServer } from '../support/app-server';
import { elementUi, input, launchBrowser, login, logout, newPage, pageApi, screenshot, type TrackedPage } from '../support/browser';

/**
 * Credit and receivables as people use them: the HQ admin raises 北京华联's credit limit, an order
 * for the dealer is submitted and shipped (through the API, as the orders screens are elsewhere),
 * the admin records the dealer's payment against the new receivable by hand, allocates the rest,
 * reverses a mistaken receipt, reads the aging report with its chart and the dealer ledger
 * (closing balance = before + shipment − receipts), generates this month's statement and exports
 * it; the dealer (bj.dealer1) sees only its own account, no buttons that change it, and confirms
 * the statement; the admin then sees who confirmed.
 */
describe('finance', () => {
  let server: AppServer;
  let browser: Browser;
  let page: TrackedPage;
  const DEALER_CODE = 'D-BJ001';
  const DEALER = '北京华联商贸有限公司';
  const PRODUCT = 'SP0007';
  let dealerId = '';
  let shipmentNumber = '';
  let shipmentAmount = 0;
  let closingBefore = 0;
  let receiptNumber = '';
  let statementNumber = '';

  beforeAll(async () => {
    server = await appServerForSpec();
    browser = await launchBrowser();
    page = await newPage(browser, server.baseUrl);
    await login(page, 'admin');
    // reversals through approval have their own spec (approval-docs.spec.ts): here a reversal takes effect at once
    const flows = await api<{ items: { id: string; code: string }[] }>('GET', '/approvals/flows?docType=RECEIPT_REVERSAL');
    for (const f of flows.items) await api('POST', `/approvals/flows/${f.id}/disable`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** the API with the page's own session (the web app keeps its access token in localStorage) */
  const api = <T>(method: 'GET' | 'POST', path: string, body?: unknown) => pageApi<T>(page, method, path, { body });

  const money = (text: string) => Number(text.trim().replace(/,/g, ''));
  const { messageBox, toast, rowsOf, pickOption } = elementUi(() => page);
  const pickDealer = async (testId: string) => {
    await page.locator(`[data-testid="${testId}"] input`).first().fill(DEALER_CODE);
    await pickOption(DEALER);
  };

  it('sets a credit limit in the credit screen and checks the credit accounts', async () => {
    await page.getByTestId('menu-group-finance').waitFor();
    await page.getByTestId('menu-finance/credit').click();
    await page.waitForURL(/\/finance\/credit$/);
    await rowsOf('credit-table').first().waitFor();
    await input(page, 'credit-search-q').fill(DEALER_CODE);
    await page.getByTestId('credit-search').click();
    const row = rowsOf('credit-table').filter({ hasText: DEALER }).first();
    await row.waitFor();
    await screenshot(page, 'fin-01-credit');

    await row.getByTestId('credit-edit').click();
    const dialog = page.getByTestId('credit-dialog');
    await dialog.waitFor();
    await input(page, 'credit-field-limit').fill('12.345');
    await input(page, 'credit-field-days').fill('4000');
    await page.getByTestId('credit-save').click();
    await dialog.locator('.el-form-item__error', { hasText: '最多 2 位小数' }).waitFor();
    await dialog.locator('.el-form-item__error', { hasText: '信用天数须为 0 到 3650 的整数' }).waitFor();
    await input(page, 'credit-field-limit').fill('80000');
    await input(page, 'credit-field-days').fill('45');
    await dialog.getByTestId('credit-mode-WARN').click();
    await dialog.getByText('超出额度时订单仍可提交').waitFor();
    await screenshot(page, 'fin-02-credit-dialog');
    await page.getByTestId('credit-save').click();
    await toast('信用设置已保存');
    await dialog.waitFor({ state: 'hidden' });
    await row.getByTestId('credit-limit').getByText('80,000.00').waitFor();
    await row.getByText('超额预警').waitFor();
    await row.getByText('45 天').waitFor();

    await page.getByTestId('credit-consistency').click();
    const check = page.getByTestId('consistency-dialog');
    await check.getByTestId('consistency-ok').waitFor();
    await check.getByText(/已检查 \d+ 个信用账户，全部一致/).waitFor();
    await screenshot(page, 'fin-03-consistency');
    await page.getByTestId('consistency-close').click();
    await check.waitFor({ state: 'hidden' });
  });

  it('reads the dealer ledger before the new business', async () => {
    await page.getByTestId('menu-finance/ledger').click();
    await page.waitForURL(/\/finance\/ledger/);
    await pickDealer('ledger-dealer');
    await page.getByTestId('ledger-title').getByText(DEALER).waitFor();
    await page.getByTestId('ledger-table').waitFor();
    closingBefore = money(await page.getByTestId('ledger-closing').innerText());
    const url = new URL(page.url());
    dealerId = url.searchParams.get('dealerId') ?? '';
    expect(dealerId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('submits and ships an order for the dealer (API)', async () => {
    const warehouses = await api<{ items: { id: string; code: string }[] }>('GET', '/warehouses?q=WH-BJ');
    const products = await api<{ items: { id: string; code: string }[] }>('GET', `/products?q=${PRODUCT}`);
    const warehouseId = warehouses.items.find((w) => w.code === 'WH-BJ')!.id;
    const productId = products.items.find((p) => p.code === PRODUCT)!.id;
    const order = await api<{ id: string; status: string; total: string }>('POST', '/sales-orders', {
      dealerId,
      warehouseId,
      lines: [{ productId, qty: '100' }],
      remark: 'e2e 财务',
      submit: true,
    });
    expect(order.status).toBe('APPROVED');
    const shipment = await api<{ number: string; amount: string }>('POST', '/shipments', { orderId: order.id });
    shipmentNumber = shipment.number;
    shipmentAmount = Number(shipment.amount);
    expect(shipmentAmount).toBeGreaterThan(100);
  });

  it('records a receipt by hand against the new receivable, the rest kept as a prepayment', async () => {
    await page.getByTestId('menu-finance/receipts').click();
    await page.waitForURL(/\/finance\/receipts/);
    await rowsOf('receipt-table').first().waitFor();
    await screenshot(page, 'fin-04-receipts');
    await page.getByTestId('receipt-create').click();
    const dialog = page.getByTestId('receipt-dialog');
    await dialog.waitFor();

    // nothing filled in: the form says what is missing
    await page.getByTestId('receipt-save').click();
    await dialog.locator('.el-form-item__error', { hasText: '请选择经销商' }).waitFor();
    await dialog.locator('.el-form-item__error', { hasText: '请输入金额' }).waitFor();

    await pickDealer('receipt-field-dealer');
    const openRow = page.locator('[data-testid="alloc-table"] .el-table__row').filter({ hasText: shipmentNumber });
    await openRow.waitFor();
    await input(page, 'receipt-field-amount').fill('100');
    await input(page, 'receipt-field-bankref').fill('ICBC-E2E-0001');
    await page.getByTestId('receipt-alloc-manual').click();
    // more than the receipt: refused in words before anything is sent
    await input(page, `alloc-amount-${shipmentNumber}`).fill('150');
    await page.getByTestId('alloc-exceeds').getByText('超过了收款金额').waitFor();
    // more than the receivable's open amount
    await input(page, 'receipt-field-amount').fill('100000');
    await input(page, `alloc-amount-${shipmentNumber}`).fill(String(shipmentAmount + 1));
    await openRow.getByText('超过未收金额').waitFor();
    await input(page, 'receipt-field-amount').fill('250');
    await input(page, `alloc-amount-${shipmentNumber}`).fill('200');
    await page.getByTestId('receipt-prepayment').getByText('50.00').waitFor();
    await page.getByTestId('receipt-allocated').getByText('200.00').waitFor();
    await screenshot(page, 'fin-05-receipt-form');
    await page.getByTestId('receipt-save').click();

    await dialog.waitFor({ state: 'hidden' });
    const number = page.getByTestId('receipt-drawer-number');
    await page.waitForFunction(() => /^SK\d{8}-\d{4}$/.test(document.querySelector('[data-testid="receipt-drawer-number"]')?.textContent?.trim() ?? ''));
    receiptNumber = (await number.innerText()).trim();
    const drawer = page.getByTestId('receipt-drawer');
    await drawer.getByTestId('receipt-allocations').getByText(shipmentNumber).waitFor();
    await drawer.getByTestId('receipt-drawer-unallocated').getByText('50.00').waitFor();
    await screenshot(page, 'fin-06-receipt-detail');

    // the rest goes to the oldest open receivables
    await drawer.getByTestId('receipt-allocate').click();
    const allocate = page.getByTestId('allocate-dialog');
    await allocate.getByTestId('alloc-table').waitFor();
    await allocate.getByText('50.00').first().waitFor();
    await screenshot(page, 'fin-07-allocate-rest');
    await page.getByTestId('allocate-submit').click();
    await toast('核销完成');
    await drawer.getByTestId('receipt-drawer-unallocated').getByText('0.00').waitFor();
    expect(await drawer.locator('[data-testid="receipt-allocations"] .el-table__row').count()).toBeGreaterThan(1);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await rowsOf('receipt-table').filter({ hasText: receiptNumber }).getByText('250.00').first().waitFor();
  });

  it('reverses a mistaken receipt with a reason and a confirmation', async () => {
    await page.getByTestId('receipt-create').click();
    await page.getByTestId('receipt-dialog').waitFor();
    await pickDealer('receipt-field-dealer');
    await input(page, 'receipt-field-amount').fill('10');
    await page.getByTestId('receipt-save').click();
    const drawer = page.getByTestId('receipt-drawer');
    await page.waitForFunction(
      (first) => {
        const n = document.querySelector('[data-testid="receipt-drawer-number"]')?.textContent?.trim() ?? '';
        return /^SK\d{8}-\d{4}$/.test(n) && n !== first;
      },
      receiptNumber,
    );
    await drawer.getByTestId('receipt-reverse').click();
    const reverse = page.getByTestId('reverse-dialog');
    await reverse.waitFor();
    await page.getByTestId('reverse-submit').click();
    await reverse.getByText('请填写冲销原因').waitFor();
    await input(page, 'reverse-reason').fill('重复登记');
    await page.getByTestId('reverse-submit').click();
    await messageBox().getByText(/确定冲销收款单 SK\d{8}-\d{4}（10\.00）吗/).waitFor();
    await screenshot(page, 'fin-08-reverse-confirm');
    await messageBox().getByRole('button', { name: '冲销' }).click();
    await toast('收款单已冲销');
    await drawer.getByTestId('receipt-drawer-status').getByText('已冲销').waitFor();
    await drawer.getByTestId('receipt-drawer-reason').getByText('重复登记').waitFor();
    await screenshot(page, 'fin-09-reversed');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  });

  it('lists the receivable of the shipment with what is still open', async () => {
    await page.getByTestId('menu-finance/receivables').click();
    await page.waitForURL(/\/finance\/receivables/);
    await rowsOf('receivable-table').first().waitFor();
    await input(page, 'receivable-search-q').fill(shipmentNumber);
    await page.getByTestId('receivable-search').click();
    const row = rowsOf('receivable-table').filter({ hasText: shipmentNumber });
    await row.waitFor();
    await row.getByText((shipmentAmount - 200).toFixed(2)).waitFor();
    await row.getByText('45 天后到期').waitFor();
    // the demo data has overdue receivables, highlighted
    await input(page, 'receivable-search-q').fill('');
    await page.getByTestId('receivable-filter-overdue').click();
    await rowsOf('receivable-table').first().getByText(/逾期 \d+ 天/).waitFor();
    await screenshot(page, 'fin-10-receivables');
  });

  it('shows the aging report with its chart, buckets editable', async () => {
    await page.getByTestId('menu-finance/aging').click();
    await page.waitForURL(/\/finance\/aging/);
    const table = page.getByTestId('aging-table');
    await table.getByText(DEALER).waitFor();
    for (const caption of ['未到期', '0-30天', '31-60天', '61-90天', '90天以上', '逾期合计']) await table.getByText(caption).first().waitFor();
    await page.locator('[data-testid="aging-chart"] canvas').first().waitFor();
    await table.locator('.el-table__footer').getByText('合计').waitFor();
    await page.waitForTimeout(600); // the chart animates in
    await screenshot(page, 'fin-11-aging');

    await input(page, 'aging-bounds').fill('60,30');
    await page.getByText('分段须为大于 0 且从小到大递增的天数').waitFor();
    expect(await page.getByTestId('aging-search').isDisabled()).toBe(true);
    await input(page, 'aging-bounds').fill('15,45');
    await page.getByTestId('aging-search').click();
    await table.getByText('45天以上').waitFor();
    await page.getByTestId('aging-group-branch').click();
    await table.getByText('北京分公司').waitFor();
    await page.getByTestId('aging-chart-pie').click();
    await page.waitForTimeout(600);
    await screenshot(page, 'fin-12-aging-branch-pie');
  });

  it('shows the ledger change: closing = before + shipment − receipts', async () => {
    await page.goto(`/finance/ledger?dealerId=${dealerId}`);
    await page.getByTestId('ledger-title').getByText(DEALER).waitFor();
    const table = page.getByTestId('ledger-table');
    await table.getByText(shipmentNumber).waitFor();
    await table.getByText(receiptNumber).waitFor();
    await table.getByText('收款冲销').first().waitFor();
    const expected = (closingBefore + shipmentAmount - 250).toFixed(2);
    await page.waitForFunction((want) => document.querySelector('[data-testid="ledger-closing"]')?.textContent?.trim().replace(/,/g, '') === want, expected);
    await screenshot(page, 'fin-13-ledger');
  });

  it("generates this month's statement for the dealer and exports it", async () => {
    await page.getByTestId('menu-finance/statements').click();
    await page.waitForURL(/\/finance\/statements/);
    await rowsOf('statement-table').first().waitFor();
    await screenshot(page, 'fin-14-statements');
    await page.getByTestId('statement-generate').click();
    const dialog = page.getByTestId('statement-generate-dialog');
    await dialog.waitFor();
    await pickDealer('statement-field-dealer');
    await page.locator('[data-testid="statement-field-range"] input').first().click();
    await page.locator('.el-picker-panel__shortcut:visible', { hasText: '本月至今' }).click();
    await page.getByTestId('statement-generate-submit').click();
    await dialog.waitFor({ state: 'hidden' });

    const drawer = page.getByTestId('statement-drawer');
    await page.waitForFunction(() => /^DZ\d{8}-\d{4}$/.test(document.querySelector('[data-testid="statement-drawer-number"]')?.textContent?.trim() ?? ''));
    await drawer.getByTestId('statement-drawer-status').getByText('待确认').waitFor();
    statementNumber = (await drawer.getByTestId('statement-drawer-number').innerText()).trim();
    await drawer.getByTestId('ledger-table').getByText(shipmentNumber).waitFor();
    await drawer.getByText('经销商尚未回复').waitFor();
    // HQ may not answer for the dealer
    expect(await drawer.getByTestId('statement-confirm').count()).toBe(0);
    const expected = (closingBefore + shipmentAmount - 250).toFixed(2);
    expect(money(await drawer.getByTestId('ledger-closing').innerText()).toFixed(2)).toBe(expected);
    await screenshot(page, 'fin-15-statement-detail');

    const [download] = await Promise.all([page.waitForEvent('download'), drawer.getByTestId('statement-export').click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    expect(page.appErrors).toEqual([]);
  });

  it('sends bj.dealer1 from the console to the mall, where it confirms its own statement', async () => {
    await logout(page);
    await login(page, 'bj.dealer1');
    // a dealer's user belongs in the mall (issue #12): the console's finance pages send it there
    for (const path of ['/dashboard', '/finance/credit', '/finance/receipts', '/finance/statements', '/finance/ledger']) {
      await page.goto(path);
      await page.waitForURL((url) => url.pathname === '/mall');
    }
    await page.goto('/mall/me/statements');
    await page.getByTestId(`mall-statement-${statementNumber}`).click();
    await page.getByTestId('mall-statement-status').getByText('待确认').waitFor();
    await screenshot(page, 'fin-16-dealer-statement');
    await page.getByTestId('mall-statement-confirm').click();
    await messageBox().getByText(`确认对账单 ${statementNumber} 的金额无误吗？`).waitFor();
    await messageBox().getByRole('button', { name: '确认无误' }).click();
    await toast('已确认对账单');
    await page.getByTestId('mall-statement-status').getByText('已确认').waitFor();
    expect(await page.getByTestId('mall-statement-confirm').count()).toBe(0);
    await screenshot(page, 'fin-17-dealer-confirmed');
    expect(page.appErrors).toEqual([]);
  });

  it('shows HQ who confirmed', async () => {
    await logout(page);
    await login(page, 'admin');
    await page.goto('/finance/statements');
    const row = rowsOf('statement-table').filter({ hasText: statementNumber }).first();
    await row.getByText('赵立').waitFor();
    await row.getByText('已确认').waitFor();
    await row.getByTestId('statement-open').click();
    const drawer = page.getByTestId('statement-drawer');
    await drawer.getByTestId('statement-response').getByText('赵立').waitFor();
    await screenshot(page, 'fin-18-hq-sees-confirmation');
    expect(page.appErrors).toEqual([]);
  });
});
